/**
 * What a view is made from, for a child of this run: the user's files as read, the command its
 * credential_process lines run (this Node and this entry point), whether --server's endpoint
 * takes [default], and when the key store last changed (its directory's mtime: every key file
 * and the keyring index is written there by rename), so that a profile whose keys are added to
 * the store is served.
 */
import fs from 'node:fs';
import type { AwsFiles } from '../aws-config/types.ts';
import type { ViewSpec } from './store.ts';

export function viewSpec(files: AwsFiles, run: { command: readonly string[]; deferDefault: boolean; keysDir: string }): ViewSpec {
  return {
    configFile: files.configFile,
    credentialsFile: files.credentialsFile,
    configText: files.texts?.config,
    credentialsText: files.texts?.credentials,
    configIdentity: files.identities?.config,
    credentialsIdentity: files.identities?.credentials,
    command: run.command,
    deferDefault: run.deferDefault,
    storeStamp: storeStamp(run.keysDir),
  };
}

/**
 * The key directory's mtime, 'none' when it does not exist, or why it cannot be looked at (a
 * parent another user's, a chmod mishap): the view is still made, and the store is said to be
 * unusable only when keys are needed from it (keystore/keys-dir.ts).
 */
function storeStamp(keysDir: string): string {
  try {
    return String(fs.statSync(keysDir, { throwIfNoEntry: false })?.mtimeMs ?? 'none');
  } catch (error) {
    return `unusable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}
