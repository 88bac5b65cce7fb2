/**
 * The encrypted file store's directory: ${XDG_DATA_HOME:-~/.local/share}/mfa-exec/keys, private
 * (0700, ours, not a symlink). Data, not cache: deleting ~/.cache must never lose keys.
 */
import path from 'node:path';
import { isMfaExecError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { ensurePrivateDir } from '../private-file.ts';
import { KeyStoreError } from './errors.ts';

export function keysDir(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.local', 'share');
  return path.join(base, 'mfa-exec', 'keys');
}

/** Creates the directory if needed, makes it 0700 (said on the logger), refuses a symlink or one not ours (exit 74). */
export function ensureKeysDir(dir: string, logger: Logger): void {
  try {
    ensurePrivateDir(dir, logger, { what: 'key directory', hint: 'set XDG_DATA_HOME to a directory you own.' });
  } catch (error) {
    if (!isMfaExecError(error, 'cache')) throw error;
    throw new KeyStoreError('keystore-io', error.message, { cause: error.cause });
  }
}
