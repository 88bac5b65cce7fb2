/**
 * The encrypted file store's directory: ${XDG_DATA_HOME:-~/.local/share}/mfa-exec/keys, private
 * (0700, ours, not a symlink). Data, not cache: deleting ~/.cache must never lose keys.
 *
 * ensureKeysDir is a stand-in for the shared private-directory helper (src/private-file.ts,
 * coming with the restructuring); only its messages are the key store's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeErrno } from '../credentials/cache.ts';
import { KeyStoreError } from './errors.ts';

export function keysDir(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.local', 'share');
  return path.join(base, 'mfa-exec', 'keys');
}

/** Creates the directory if needed; refuses one that is not ours or is a symlink; makes it 0700. */
export function ensureKeysDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new KeyStoreError('keystore-io', `Cannot create the key directory ${dir}: ${describeErrno(error)}. Set XDG_DATA_HOME to a directory you own.`, { cause: error });
  }
  const problem = privateDirProblem(dir);
  if (problem === 'open') {
    try {
      fs.chmodSync(dir, 0o700);
    } catch (error) {
      throw new KeyStoreError('keystore-io', `The key directory ${dir} is readable by others and cannot be made private: ${describeErrno(error)}.`, { cause: error });
    }
  } else if (problem) {
    throw new KeyStoreError('keystore-io', `The key directory ${dir} ${problem}; mfa-exec will not keep keys there. Move it away or set XDG_DATA_HOME to a directory you own.`);
  }
}

/** undefined when the directory is private; 'open' when only its mode is too wide; else why not. */
export function privateDirProblem(dir: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (error) {
    return `cannot be read (${describeErrno(error)})`;
  }
  if (stat.isSymbolicLink()) return 'is a symbolic link';
  if (!stat.isDirectory()) return 'is not a directory';
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `belongs to uid ${stat.uid}, not to you (uid ${uid})`;
  if ((stat.mode & 0o077) !== 0) return 'open';
  return undefined;
}
