/**
 * The encrypted file store's directory (where it is: dirs.ts keysDir) made private: 0700, ours,
 * not a symlink.
 */
import { isMfaExecError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { ensurePrivateDir } from '../private-file.ts';
import { KeyStoreError } from './errors.ts';

/** Creates the directory if needed, makes it 0700 (said on the logger), refuses a symlink or one not ours (exit 74). */
export function ensureKeysDir(dir: string, logger: Logger): void {
  try {
    ensurePrivateDir(dir, logger, { what: 'key directory', hint: 'set XDG_DATA_HOME to a directory you own.' });
  } catch (error) {
    if (!isMfaExecError(error, 'cache')) throw error;
    throw new KeyStoreError('keystore-io', error.message, { cause: error.cause });
  }
}
