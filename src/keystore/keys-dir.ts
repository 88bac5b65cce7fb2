/**
 * The encrypted file store's directory (where it is: dirs.ts keysDir) made private: 0700, ours,
 * not a symlink.
 */
import { isMfaExecError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { ensurePrivateDir } from '../private-file.ts';
import { KeyStoreError } from './errors.ts';

/**
 * Creates the directory if needed (unless `create` is false: then a missing one holds no keys, and
 * false is returned), makes it 0700 (said on the logger), refuses a symlink, one not ours, or one
 * that cannot be reached (exit 74, naming it). Every use of the store's files goes through this
 * (not only doctor's look): in a directory others can write to, they could move key files around.
 */
export function ensureKeysDir(dir: string, logger: Logger, options: { create?: boolean } = {}): boolean {
  try {
    return ensurePrivateDir(dir, logger, { what: 'key directory', hint: 'set XDG_DATA_HOME to a directory you own.', ...options });
  } catch (error) {
    if (!isMfaExecError(error, 'cache')) throw error;
    throw new KeyStoreError('keystore-io', error.message, { cause: error.cause });
  }
}
