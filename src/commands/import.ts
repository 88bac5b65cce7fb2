/**
 * import PROFILE…: move long-term keys from the credentials file into the key store. For each
 * profile the keys are stored and read back; only when all of them are safe is the credentials
 * file rewritten, once, atomically, without those keys (aws_access_key_id and
 * aws_secret_access_key), every other line left byte for byte. Any failure leaves the file as it
 * was. No copy of the old file is kept.
 *
 * A profile with aws_session_token is refused: those are temporary credentials, which expire and
 * have no place in a long-term store. So is a credentials file with a second hard link, which
 * would keep the keys after the rewrite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkEdit, editSectionKeys, type KeyEdit } from '../aws-config/edit-keys.ts';
import { loadAwsFiles, parseAwsFiles } from '../aws-config/load.ts';
import { rewriteAwsFile } from '../aws-config/write-file.ts';
import { ConfigError, ExitCode, isMfaExecError, MfaExecError } from '../errors.ts';
import type { Options } from '../options.ts';
import { selectStore } from '../keystore/select-store.ts';
import type { KeyStore, LongTermKeys } from '../keystore/types.ts';
import { mask } from '../log.ts';
import { removeStaleTemporaryFiles } from '../private-file.ts';
import { shellWord } from '../shell-quote.ts';
import { withPrompt } from '../prompt/drivers.ts';
import type { Prompt } from '../prompt/types.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { profilesOf, storeContext } from './key-stores.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec import PROFILE… [--backend B]        move keys out of ~/.aws/credentials into the store'],
};

const DROP_KEYS: ReadonlyMap<string, KeyEdit> = new Map([
  ['aws_access_key_id', { drop: true }],
  ['aws_secret_access_key', { drop: true }],
]);

export function run({ args, options }: CommandInput, rt: Runtime): Promise<number> {
  return withPrompt(rt.settings.prompt, rt.env, (prompt) => importKeys(args, options, rt, prompt));
}

async function importKeys(args: string[], options: Options, rt: Runtime, prompt: Prompt): Promise<number> {
  const profiles = [...new Set(profilesOf('import', args, options, true))];
  const files = loadAwsFiles(rt.env, rt.homedir, rt.cwd);
  const file = files.credentialsFile;
  checkOneLink(file);
  removeStaleTemporaryFiles(path.dirname(file), rt.logger, `a copy of ${file} being written`);
  // The text the keys were read from: rewriteAwsFile checks the file still holds it.
  const text = files.texts?.credentials;
  const keys = profiles.map((profile) => ({ profile, keys: keysInCredentialsFile(files, profile) }));

  // The new file text first: a file mfa-exec cannot edit safely fails before anything is stored.
  let next = text ?? '';
  for (const { profile } of keys) {
    const edit = editSectionKeys(next, profile, DROP_KEYS, file);
    checkEdit(next, edit.text, profile, DROP_KEYS, file);
    next = edit.text;
  }
  const after = parseAwsFiles(files.texts?.config, files.configFile, next, file);
  for (const { profile } of keys) {
    const left = after.profiles.get(profile);
    const key = ['aws_access_key_id', 'aws_secret_access_key'].find((k) => left?.values[k] !== undefined);
    if (key) {
      throw new ConfigError(
        `Profile '${profile}' also has ${key} in ${left!.origin[key]}, which would be used once the keys leave ${file}. Remove the keys from ${left!.origin[key]} first; nothing was changed.`,
      );
    }
  }

  const stored: string[] = [];
  const context = storeContext(rt, options, prompt, true); // one passphrase prompt for every profile
  for (const { profile, keys: pair } of keys) {
    try {
      const { store, notes } = await selectStore({ ...context, profile });
      for (const note of notes) rt.logger.debug(note);
      await storeAndCheck(store, profile, pair);
      stored.push(`'${profile}' in ${store.describe(profile)}`);
    } catch (error) {
      if (stored.length > 0 && isMfaExecError(error)) {
        throw new MfaExecError(
          `${error.message} ${file} was not changed; the keys of ${stored.join(', ')} are now also in the key store (run import again once the problem is fixed).`,
          error.exitCode,
          { cause: error, kind: error.kind },
        );
      }
      throw error;
    }
  }
  rewriteAwsFile(file, text, next);
  for (const [i, { keys: pair }] of keys.entries()) {
    rt.logger.info(`moved the keys of profile ${stored[i]} (${mask(pair.accessKeyId)}); removed them from ${file}`);
  }
  return 0;
}

/**
 * The credentials file must have one name: import writes a new file in its place (the atomic
 * rename), and a second hard link (a backup made with `ln`, a dotfile manager's copy) would go on
 * holding the keys in plain text. Refused before anything is stored.
 */
function checkOneLink(file: string): void {
  const links = fs.statSync(file, { throwIfNoEntry: false })?.nlink ?? 1;
  if (links > 1) {
    throw new ConfigError(
      `${file} has ${links} hard links: import would replace only this name, and the keys would stay readable in plain text through the other ${links === 2 ? 'one' : `${links - 1}`} (find it with 'find / -xdev -samefile ${shellWord(file)}'). Remove the other link, or give the file a name of its own ('cp ${shellWord(file)} ${shellWord(`${file}.new`)} && mv ${shellWord(`${file}.new`)} ${shellWord(file)}'), then run import again. Nothing was changed.`,
    );
  }
}

/** The profile's key pair, which must be in the credentials file (not the config file) and long-term. */
function keysInCredentialsFile(files: ReturnType<typeof loadAwsFiles>, profile: string): LongTermKeys {
  const p = files.profiles.get(profile);
  const file = files.credentialsFile;
  if (!p) throw new ConfigError(`Profile '${profile}' is not defined in ${files.configFile} or ${file}; there is nothing to import.`);
  const { aws_access_key_id: id, aws_secret_access_key: secret, aws_session_token: token } = p.values;
  if (id === undefined && secret === undefined) {
    throw new ConfigError(
      `Profile '${profile}' has no keys in ${file}; there is nothing to import (to store keys you type, use 'mfa-exec add').`,
    );
  }
  const origins = new Set([p.origin.aws_access_key_id, p.origin.aws_secret_access_key].filter(Boolean));
  if (origins.size !== 1 || !origins.has(file)) {
    throw new ConfigError(
      `The keys of profile '${profile}' are in ${[...origins].join(' and ')}, not (both) in ${file}; import moves keys out of the credentials file only. Move them there, or store them with 'mfa-exec add ${profile}'.`,
    );
  }
  if (!id || !secret)
    throw new ConfigError(
      `Profile '${profile}' in ${file} has only one of aws_access_key_id and aws_secret_access_key; nothing was changed.`,
    );
  if (token !== undefined || id.trim().startsWith('ASIA')) {
    throw new ConfigError(
      `Profile '${profile}' in ${file} holds temporary credentials (aws_session_token / ASIA…), which expire; only long-term keys (AKIA…) go into the key store. Nothing was changed.`,
    );
  }
  return { accessKeyId: id.trim(), secretAccessKey: secret.trim() };
}

/** Stores the pair and reads it back: the file loses its copy only if the store really holds it. */
export async function storeAndCheck(store: KeyStore, profile: string, keys: LongTermKeys): Promise<void> {
  await store.set(profile, keys);
  const back = await store.get(profile);
  if (back?.accessKeyId !== keys.accessKeyId || back.secretAccessKey !== keys.secretAccessKey) {
    throw new MfaExecError(
      `The keys of profile '${profile}' read back from ${store.describe(profile)} are not the ones stored; nothing was removed from the credentials file.`,
      ExitCode.keyStore,
      { kind: 'keystore-io' },
    );
  }
}
