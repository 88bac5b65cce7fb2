/**
 * Where mfa-exec keeps its own files. The cache directory and the data directory are the
 * platform's (src/platform/; on Linux by the XDG rule, where a variable that is unset, empty or
 * not an absolute path counts as unset):
 *   cache: ${XDG_CACHE_HOME:-~/.cache}/mfa-exec        the credential cache (credentials/cache.ts),
 *                                                     config views, the code cache (boot.ts)
 *   data:  ${XDG_DATA_HOME:-~/.local/share}/mfa-exec   keys/ the encrypted key files (keystore/),
 *                                                     shims/ `shim install`'s default directory,
 *                                                     trust/ the project files approved or denied
 * Data, not cache: deleting ~/.cache must never lose keys (nor approvals). A leaf (boot.ts uses it).
 * macOS and Windows: docs/platforms.md.
 */
import { platform as current, type Platform } from './platform/index.ts';

type Env = Readonly<Record<string, string | undefined>>;

export function cacheDir(env: Env, homedir: string, platform: Platform = current): string {
  return platform.cacheDir(env, homedir);
}

export function keysDir(env: Env, homedir: string, platform: Platform = current): string {
  return platform.path.join(platform.dataDir(env, homedir), 'keys');
}

export function shimsDir(env: Env, homedir: string, platform: Platform = current): string {
  return platform.path.join(platform.dataDir(env, homedir), 'shims');
}

export function trustDir(env: Env, homedir: string, platform: Platform = current): string {
  return platform.path.join(platform.dataDir(env, homedir), 'trust');
}
