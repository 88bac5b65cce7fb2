/**
 * add PROFILE: store a profile's long-term keys in the key store, typed on the terminal (the
 * secret not echoed) or, with --env, taken from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 * Adds [profile PROFILE] to the config file when no file defines the profile. Never prints the
 * secret. Sessions cached from the profile's previous stored keys are dropped (kept when the keys
 * given are the ones stored). The store is chosen, and a keyring asked for by name checked, before
 * the keys are asked for.
 */
import { appendProfileSection } from '../aws-config/add-section.ts';
import { loadAwsFiles } from '../aws-config/load.ts';
import { rewriteAwsFile } from '../aws-config/write-file.ts';
import { UsageError } from '../errors.ts';
import type { Options } from '../options.ts';
import { isKeyText } from '../keystore/keys-json.ts';
import { selectStore } from '../keystore/select-store.ts';
import { isKeyStoreError } from '../keystore/errors.ts';
import type { KeyStore, LongTermKeys } from '../keystore/types.ts';
import { mask } from '../log.ts';
import { withPrompt } from '../prompt/drivers.ts';
import type { Prompt } from '../prompt/types.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { dropSessions, profilesOf, storeContext } from './key-stores.ts';
import { storeSourceId } from '../sources/store.ts';

export const help: CommandHelp = {
  usage: [
    "mfa-exec add PROFILE [--env] [--backend B]    store a profile's long-term keys (typed on the",
    '                                              terminal, the secret not shown; --env: from',
    '                                              AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)',
  ],
};

export function run({ args, options }: CommandInput, rt: Runtime): Promise<number> {
  return withPrompt(rt.settings.prompt, rt.env, (prompt) => add(args, options, rt, prompt));
}

async function add(args: string[], options: Options, rt: Runtime, prompt: Prompt): Promise<number> {
  const [profile] = profilesOf('add', args, options, false) as [string];
  // The files and the store first: a problem with either is said before the keys are typed.
  const files = loadAwsFiles(rt.env, rt.homedir, rt.cwd);
  const defined = files.profiles.get(profile);
  const { store, notes } = await selectStore({ ...storeContext(rt, options, prompt, true), profile });
  for (const note of notes) rt.logger.debug(note);
  const keys = options.fromEnv ? keysFromEnv(rt.env) : await askKeys(prompt, profile);
  checkKeys(keys, options.fromEnv ? 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' : 'what was typed');

  if (await holdsAlready(store, profile, keys)) {
    // The same keys: the sessions made from them stay good, and nothing needs writing.
    rt.logger.info(
      `the keys of profile '${profile}' (${mask(keys.accessKeyId)}) are already in ${store.describe(profile)}; nothing changed`,
    );
  } else {
    await store.set(profile, keys);
    const dropped = dropSessions(storeSourceId(profile), rt);
    if (dropped > 0) rt.logger.debug(`dropped ${dropped} cached entries made from the previous stored keys of '${profile}'`);
    rt.logger.info(`stored the keys of profile '${profile}' (${mask(keys.accessKeyId)}) in ${store.describe(profile)}`);
  }

  const inFile = defined && ['aws_access_key_id', 'aws_secret_access_key'].find((k) => defined.values[k] !== undefined);
  if (defined && inFile) {
    rt.logger.warn(
      `profile '${profile}' also has ${inFile} in ${defined.origin[inFile]}, and keys in the files win over stored ones: remove them from there (or run 'mfa-exec import ${profile}' instead of add)`,
    );
  } else if (defined && (defined.values.role_arn !== undefined || defined.values.credential_process !== undefined)) {
    const from =
      defined.values.role_arn !== undefined ? 'assumes a role with the credentials of its source_profile' : 'runs credential_process';
    rt.logger.warn(
      `profile '${profile}' ${from}, so keys stored under its name are not used; store the keys of the profile that holds them`,
    );
  }
  if (!defined) {
    const text = files.texts?.config;
    const next = appendProfileSection(text, profile, files.configFile);
    if (next === undefined) {
      rt.logger.warn(
        `profile '${profile}' is not in ${files.configFile}, and its name cannot be written as a section header there; add it by hand`,
      );
    } else {
      rewriteAwsFile(files.configFile, text, next);
      rt.logger.info(`added [${next.slice(next.lastIndexOf('[') + 1, next.lastIndexOf(']'))}] to ${files.configFile}`);
    }
  }
  return 0;
}

/** Whether `store` holds exactly these keys for the profile (an entry it cannot read as keys: no). */
async function holdsAlready(store: KeyStore, profile: string, keys: LongTermKeys): Promise<boolean> {
  let stored: LongTermKeys | undefined;
  try {
    stored = await store.get(profile);
  } catch (error) {
    if (isKeyStoreError(error, 'keystore-corrupt')) return false; // replaced by the keys given
    throw error;
  }
  return stored?.accessKeyId === keys.accessKeyId && stored.secretAccessKey === keys.secretAccessKey;
}

function keysFromEnv(env: NodeJS.ProcessEnv): LongTermKeys {
  const accessKeyId = env.AWS_ACCESS_KEY_ID ?? '';
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY ?? '';
  if (!accessKeyId || !secretAccessKey) {
    throw new UsageError('add --env takes the keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and they are not both set.');
  }
  if (env.AWS_SESSION_TOKEN) {
    throw new UsageError(
      'add --env: AWS_SESSION_TOKEN is set, so AWS_ACCESS_KEY_ID is a temporary key (from mfa-exec, aws-vault or SSO?), not a long-term one; nothing was stored.',
    );
  }
  return { accessKeyId, secretAccessKey };
}

async function askKeys(prompt: Prompt, profile: string): Promise<LongTermKeys> {
  const ask = (kind: 'text' | 'secret', message: string) =>
    prompt.ask({
      kind,
      message,
      secret: kind === 'secret',
      title: 'Key prompt',
      unanswerable: `'mfa-exec add ${profile}' asks for the keys on the terminal, and there is none: run it in a terminal, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and use --env.`,
      context: { profile },
    });
  const accessKeyId = (await ask('text', `Access key id for profile '${profile}': `)).trim();
  const secretAccessKey = (await ask('secret', `Secret access key for profile '${profile}' (not shown): `)).trim();
  return { accessKeyId, secretAccessKey };
}

function checkKeys(keys: LongTermKeys, from: string): void {
  if (!/^[A-Z0-9]{16,128}$/.test(keys.accessKeyId)) {
    throw new UsageError(
      `The access key id from ${from} is not one (16 or more capital letters and digits, like AKIA…); nothing was stored.`,
    );
  }
  if (keys.accessKeyId.startsWith('ASIA')) {
    throw new UsageError(
      `The access key id from ${from} (${mask(keys.accessKeyId)}) is a temporary one (ASIA…); store a long-term key (AKIA…).`,
    );
  }
  if (!isKeyText(keys.secretAccessKey)) {
    throw new UsageError(`The secret access key from ${from} is empty, too long or has spaces; nothing was stored.`);
  }
}
