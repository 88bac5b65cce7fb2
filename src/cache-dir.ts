/** ${XDG_CACHE_HOME:-~/.cache}/mfa-exec: the credential cache (credentials/cache.ts) and the code cache (boot.ts). */
import path from 'node:path';

export function cacheDir(env: NodeJS.ProcessEnv, homedir: string): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.cache');
  return path.join(base, 'mfa-exec');
}
