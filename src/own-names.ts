/**
 * Names under which we are mfa-exec itself rather than a shim (the bin link, the bundle, the
 * source): the parser decides the mode by them, `shim install` refuses them, doctor skips them.
 */
export const OWN_NAMES: ReadonlySet<string> = new Set(['mfa-exec', 'cli.js', 'cli.ts', 'mfa-exec.js']);
