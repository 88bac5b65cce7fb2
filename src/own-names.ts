/**
 * Names under which we are mfa-exec itself rather than a shim (the bin link, the bundle, the
 * source, the single executable as released and installed): the parser decides the mode by them,
 * `shim install` refuses them, doctor skips them.
 */
import path from 'node:path';

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

/**
 * Whether a run started as `invokedAs` (a path) is a shim: its file name is not one of ours. The
 * one rule for the parser (commands/invocation.ts) and boot.ts, whose memo keys must agree on it.
 */
export function isShimName(invokedAs: string): boolean {
  return !OWN_NAMES.has(path.basename(invokedAs));
}
