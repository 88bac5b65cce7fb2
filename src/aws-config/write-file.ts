/**
 * Rewrites the user's config or credentials file: all or nothing (a fresh temporary file,
 * fsync, rename, as for the cache), through a symlink to the file it points at (dotfile
 * managers), and only if the file still holds what was read, so a concurrent edit is never lost.
 * No backup copy is made: the point of `import` is that no plaintext key is left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, isMfaExecError } from '../errors.ts';
import { writeFileAtomic } from '../private-file.ts';
import { nodeFileSystem } from './read-file.ts';

/** `expected`: the text the edit was made from (undefined: the file did not exist). */
export function rewriteAwsFile(file: string, expected: string | undefined, text: string): void {
  if (nodeFileSystem.readFile(file) !== expected) {
    throw new ConfigError(`${file} changed while mfa-exec was editing it; nothing was written to it. Run the command again.`);
  }
  let target = file;
  try {
    target = fs.realpathSync(file);
  } catch {
    // A new file: make its directory like the AWS CLI would (private).
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  }
  try {
    writeFileAtomic(target, text);
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    throw new ConfigError(`${error.message} ${file} was not changed.`, { cause: error.cause });
  }
}
