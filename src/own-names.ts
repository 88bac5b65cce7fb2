/**
 * Names under which we are mfa-exec itself rather than a shim (the bin link, the bundle, the
 * source, the single executable as released and installed): the parser decides the mode by them,
 * `shim install` refuses them, doctor skips them.
 */
export const OWN_NAMES: ReadonlySet<string> = new Set([
  'mfa-exec',
  'cli.js',
  'cli.ts',
  'mfa-exec.js',
  'mfa-exec.exe',
  // scripts/release.mjs's file names: a download run before it is renamed is mfa-exec, not a shim of `mfa-exec-linux-x64`.
  'mfa-exec-linux-x64',
  'mfa-exec-linux-arm64',
  'mfa-exec-darwin-x64',
  'mfa-exec-darwin-arm64',
  'mfa-exec-windows-x64.exe',
]);
