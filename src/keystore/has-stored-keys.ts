/**
 * Whether mfa-exec stored keys for a profile, in either store, from two cheap looks (the key
 * file's existence and the keyring index), without opening anything. For the one question the
 * warm bundle asks: is a [default] without settings in the files meant to give credentials?
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileNameOf } from './file-name.ts';
import { keyringIndexFile, readKeyringIndex } from './keyring-index.ts';
import { keysDir } from './keys-dir.ts';

export function hasStoredKeys(env: Readonly<Record<string, string | undefined>>, homedir: string, profile: string): boolean {
  const dir = keysDir(env, homedir);
  const name = fileNameOf(profile);
  return (name !== undefined && fs.existsSync(path.join(dir, name))) || readKeyringIndex(keyringIndexFile(dir)).has(profile);
}
