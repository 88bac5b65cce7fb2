/**
 * Where each profile's stored keys are, without a secret, a child process or the stores' code:
 * the key files' names (one directory read) and the keyring index (one small file). Follows the
 * backend choice. For `list`, which must stay cheap with hundreds of profiles.
 */
import fs from 'node:fs';
import type { KeyStoreSettings } from '../settings.ts';
import { chooseBackend } from './backend.ts';
import { profileOf } from './file-name.ts';
import { keyringIndexFile, readKeyringIndex } from './keyring-index.ts';
import { keysDir } from '../dirs.ts';
import type { StoreKind } from './types.ts';

export function storedKeyLocator(ctx: {
  flag?: string;
  settings: KeyStoreSettings;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}): (profile: string) => StoreKind | undefined {
  const { backend } = chooseBackend(ctx.flag, ctx.settings);
  const dir = keysDir(ctx.env, ctx.homedir);
  let files: Set<string> | undefined;
  let indexed: ReadonlySet<string> | undefined;
  const inFile = (p: string) => (files ??= keyFiles(dir)).has(p);
  const inKeyring = (p: string) => (indexed ??= readKeyringIndex(keyringIndexFile(dir))).has(p);
  return (profile) => {
    if (backend !== 'keyring' && inFile(profile)) return 'file';
    if (backend !== 'file' && inKeyring(profile)) return 'keyring';
    return undefined;
  };
}

function keyFiles(dir: string): Set<string> {
  try {
    return new Set(
      fs
        .readdirSync(dir)
        .map(profileOf)
        .filter((p): p is string => p !== undefined),
    );
  } catch {
    return new Set();
  }
}
