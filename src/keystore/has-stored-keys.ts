/**
 * Whether mfa-exec stored keys for a profile, in either store, from two cheap looks (the key
 * file's existence and the keyring index), without opening anything. For the questions the warm
 * bundle asks: is a [default] without settings in the files meant to give credentials
 * (aws-config/select-profile.ts), and should the config view serve a profile with no keys in the
 * files?
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileNameOf } from './file-name.ts';
import { keyringIndexFile, readKeyringIndex } from './keyring-index.ts';
import { keysDir } from '../dirs.ts';

export function hasStoredKeys(env: Readonly<Record<string, string | undefined>>, homedir: string, profile: string): boolean {
  const dir = keysDir(env, homedir);
  const name = fileNameOf(profile);
  return (name !== undefined && fs.existsSync(path.join(dir, name))) || readKeyringIndex(keyringIndexFile(dir)).has(profile);
}
