/**
 * Whether mfa-exec stored keys for a profile, in either store, from two cheap looks (the key
 * file's existence and the keyring index), without opening anything. For the one question the
 * warm bundle asks: is a [default] without settings in the files meant to give credentials?
 */
import fs from 'node:fs';
import { hasCredentialSettings } from '../aws-config/select-profile.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import path from 'node:path';
import { fileNameOf } from './file-name.ts';
import { keyringIndexFile, readKeyringIndex } from './keyring-index.ts';
import { keysDir } from '../dirs.ts';

export function hasStoredKeys(env: Readonly<Record<string, string | undefined>>, homedir: string, profile: string): boolean {
  const dir = keysDir(env, homedir);
  const name = fileNameOf(profile);
  return (name !== undefined && fs.existsSync(path.join(dir, name))) || readKeyringIndex(keyringIndexFile(dir)).has(profile);
}

/**
 * Whether the [default] profile gives credentials when no profile is selected: settings in the
 * files, or (`mfa-exec add default` leaves it without settings) keys in the store. When it does
 * not, shims run programs untouched.
 */
export function defaultGivesCredentials(files: AwsFiles, env: Readonly<Record<string, string | undefined>>, homedir: string): boolean {
  const fallback = files.profiles.get('default');
  return hasCredentialSettings(fallback) || (fallback !== undefined && hasStoredKeys(env, homedir, 'default'));
}
