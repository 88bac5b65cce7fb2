/**
 * Where mfa-exec keeps its own files, by the XDG rule (a variable that is unset, empty or not an
 * absolute path counts as unset):
 *   ${XDG_CACHE_HOME:-~/.cache}/mfa-exec              the credential cache (credentials/cache.ts),
 *                                                     config views, the code cache (boot.ts)
 *   ${XDG_DATA_HOME:-~/.local/share}/mfa-exec/keys    the encrypted key files (keystore/)
 *   ${XDG_DATA_HOME:-~/.local/share}/mfa-exec/shims   `shim install`'s default directory
 *   ${XDG_DATA_HOME:-~/.local/share}/mfa-exec/trust   the project files approved or denied (project/trust-store.ts)
 * Data, not cache: deleting ~/.cache must never lose keys (nor approvals). A leaf (boot.ts uses it).
 */
import path from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** `${xdg}/mfa-exec`, or `${fallback}/mfa-exec` when the variable is unset, empty or relative. */
function ownDir(xdg: string | undefined, fallback: string): string {
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : fallback, 'mfa-exec');
}

export function cacheDir(env: Env, homedir: string): string {
  return ownDir(env.XDG_CACHE_HOME, path.join(homedir, '.cache'));
}

function dataDir(env: Env, homedir: string): string {
  return ownDir(env.XDG_DATA_HOME, path.join(homedir, '.local', 'share'));
}

export function keysDir(env: Env, homedir: string): string {
  return path.join(dataDir(env, homedir), 'keys');
}

export function shimsDir(env: Env, homedir: string): string {
  return path.join(dataDir(env, homedir), 'shims');
}

export function trustDir(env: Env, homedir: string): string {
  return path.join(dataDir(env, homedir), 'trust');
}
