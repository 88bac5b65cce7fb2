/**
 * rotate PROFILE: replace a source profile's long-term access key with a new one, where it lives
 * (the key store, or the credentials file, rewritten like import: only the two values change).
 *
 *   1. the old key: from the store (read once) or the credentials file;
 *   2. credentials for IAM: the MFA session of the profile's device (cached, or one prompt; a
 *      code already used is never sent again: the prompt says to wait for the next one), or the
 *      old key itself when no profile names an MFA device;
 *   3. GetCallerIdentity: the IAM user the key belongs to;
 *   4. CreateAccessKey; GetCallerIdentity with the new key, retried while IAM propagates it;
 *   5. store the new key (read back), or rewrite the credentials file;
 *   6. DeleteAccessKey the old key; drop the sessions cached from it.
 * After step 4 every failure says which key is live and where it is stored; a new key that cannot
 * be proven or stored is deleted again, so nothing is left that the user does not know about.
 * Steps 4–6 (rotate-key.ts) hold Ctrl-C until one stored key works, and keep a journal that the
 * next rotate uses to finish a rotation that was killed; it also removes the temporary files a
 * killed write left beside the credentials file and the key files (one may hold a live secret).
 */
import path from 'node:path';
import { checkEdit, editSectionKeys, type KeyEdit } from '../aws-config/edit-keys.ts';
import { loadAwsFiles } from '../aws-config/load.ts';
import { DEFAULT_SESSION_SECONDS, resolvePlan, type Plan } from '../aws-config/plan.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import { rewriteAwsFile } from '../aws-config/write-file.ts';
import type { AwsPlace } from '../aws/client.ts';
import { awsIam } from '../aws/iam.ts';
import { resolveCredentials } from '../credentials/resolve.ts';
import type { Credentials } from '../aws/credentials.ts';
import { keysDir } from '../dirs.ts';
import { ConfigError } from '../errors.ts';
import type { Options } from '../options.ts';
import { rotationJournal } from '../keystore/rotation-journal.ts';
import { readStoredKeys } from '../keystore/select-store.ts';
import { removeStaleTemporaryFiles } from '../private-file.ts';
import { shellWord } from '../shell-quote.ts';
import type { KeyStore, LongTermKeys } from '../keystore/types.ts';
import { mask } from '../log.ts';
import { withPrompt } from '../prompt/drivers.ts';
import type { Prompt } from '../prompt/types.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { storeAndCheck } from './import.ts';
import { dropSessions as dropSessionsOf, profilesOf, storeContext } from './key-stores.ts';
import { keySourceId } from '../sources/static.ts';
import { storeSourceId } from '../sources/store.ts';
import { resolveContext } from '../pipeline/resolution.ts';
import { iamUser, replaceKey, settleInterrupted, type KeyHome } from './rotate-key.ts';

export const help: CommandHelp = {
  usage: [
    'mfa-exec rotate PROFILE [--mfa-token CODE]    new access key (IAM), old one deleted, kept where',
    '                                              the old one was (store or credentials file)',
  ],
};

type Home = { kind: 'store'; store: KeyStore } | { kind: 'file'; file: string; text: string };

export function run({ args, options }: CommandInput, rt: Runtime): Promise<number> {
  return withPrompt(rt.settings.prompt, rt.env, (prompt) => rotate(args, options, rt, prompt));
}

async function rotate(args: string[], options: Options, rt: Runtime, prompt: Prompt): Promise<number> {
  const [profile] = profilesOf('rotate', args, options, false) as [string];
  const files = loadAwsFiles(rt.env, rt.homedir, rt.cwd);
  const plan = resolvePlan(files, profile, rt.env, { sessionDurationSeconds: rt.settings.sessionDurationSeconds() });
  const place: AwsPlace = { region: plan.region ?? rt.settings.region ?? 'us-east-1', timeoutMs: rt.settings.stsTimeoutMs };
  checkRotatable(plan, files, profile);
  const keys = keysDir(rt.env, rt.homedir);
  // A killed write of the credentials file or a key file left its copy behind (a live secret, perhaps).
  removeStaleTemporaryFiles(path.dirname(files.credentialsFile), rt.logger, `a copy of ${files.credentialsFile} being written`);
  removeStaleTemporaryFiles(keys, rt.logger, 'an encrypted key file being written');

  // 1. The old key, read once (the MFA session below reuses it instead of opening the store again).
  let old: OldKey | undefined;
  const readOld = async (): Promise<OldKey> => (old ??= await oldKey(plan, files, rt, options, prompt));
  if (plan.source.kind === 'static') await readOld(); // checks the file can be edited before anything is created

  // 2. Credentials IAM accepts.
  const iamCreds = await iamCredentials(plan, files, rt, options, readOld);
  const { keys: oldKeys, home } = await readOld();
  const where = home.kind === 'store' ? home.store.describe(profile) : home.file;

  // 3. Whose key it is.
  const iam = awsIam;
  const { arn, userName } = await iamUser(iam, iamCreds, place, profile);
  const journal = rotationJournal(keys, profile, rt.logger);
  const dropSessions = (keyId: string) =>
    dropSessionsOf(plan.source.kind === 'store' ? storeSourceId(profile) : keySourceId('static', keyId), rt);
  const rotation = { profile, logger: rt.logger, iam, place, iamCreds, arn, userName, oldKeys, journal, dropSessions, now: rt.now };
  if ((await settleInterrupted({ ...rotation, where })) === 'finished') return 0;
  rt.logger.info(`rotating access key ${mask(oldKeys.accessKeyId)} of IAM user ${userName} (profile '${profile}', kept in ${where})`);

  // 4., 5. and 6. The new key, proven, kept where the old one was; the old key goes, and so do the sessions made from it.
  await replaceKey({ ...rotation, home: keyHome(home, profile, where) });
  return 0;
}

/** Where the new key goes: the store (read back), or the credentials file (the two values replaced, checked). */
function keyHome(home: Home, profile: string, where: string): KeyHome {
  return {
    where,
    keep: async (keys) => {
      if (home.kind === 'store') await storeAndCheck(home.store, profile, keys);
      else writeKeysToFile(home.file, home.text, profile, keys);
    },
  };
}

type OldKey = { keys: LongTermKeys; home: Home };

/**
 * Step 2: the MFA session of the profile's device (cached, or one prompt; a code already used is
 * never sent again: the prompt says to wait for the next one), or the old key itself when no
 * profile names an MFA device.
 */
async function iamCredentials(
  plan: Plan,
  files: AwsFiles,
  rt: Runtime,
  options: Options,
  readOld: () => Promise<OldKey>,
): Promise<Credentials> {
  const profile = plan.profile;
  const device = plan.session?.mfaSerial !== undefined ? plan.session : deviceFromChains(files, profile, rt);
  if (!device?.mfaSerial) {
    rt.logger.debug('rotate: no MFA device in any profile using these keys; IAM calls are signed with the old key itself');
    return (await readOld()).keys;
  }
  const sessionPlan: Plan = {
    ...plan,
    roles: [],
    passThrough: false,
    session: { ...device, durationSeconds: plan.session?.durationSeconds ?? DEFAULT_SESSION_SECONDS },
  };
  rt.logger.debug(`rotate: IAM calls with the MFA session of device ${device.mfaSerial}`);
  return resolveCredentials(sessionPlan, {
    ...resolveContext(rt, options),
    promptReason: `rotating the access key of profile '${profile}' needs an MFA session.`,
    fetchSource: async () => (await readOld()).keys,
  });
}

function checkRotatable(plan: Plan, files: AwsFiles, profile: string): void {
  if (plan.roles.length > 0) {
    throw new ConfigError(
      `Profile '${profile}' assumes a role; its credentials come from profile '${plan.source.profile}'. Rotate that profile's keys: mfa-exec rotate ${shellWord(plan.source.profile)}.`,
    );
  }
  const source = plan.source;
  if (source.kind === 'static') {
    if (source.sessionToken !== undefined)
      throw new ConfigError(`Profile '${profile}' holds temporary credentials (aws_session_token); there is no long-term key to rotate.`);
    if (source.file !== files.credentialsFile) {
      throw new ConfigError(
        `The keys of profile '${profile}' are in ${source.file}; rotate replaces keys in ${files.credentialsFile} or in the key store. Move them to one of those first (for example 'mfa-exec add ${shellWord(profile)}').`,
      );
    }
    return;
  }
  if (source.kind !== 'store') {
    throw new ConfigError(
      `Profile '${profile}' gets its credentials from ${source.kind === 'process' ? 'credential_process' : 'the environment'}; there is no stored key to rotate.`,
    );
  }
}

async function oldKey(
  plan: Plan,
  files: AwsFiles,
  rt: Runtime,
  options: Options,
  prompt: Prompt,
): Promise<{ keys: LongTermKeys; home: Home }> {
  const source = plan.source;
  if (source.kind === 'static') {
    const text = files.texts?.credentials ?? ''; // where source.accessKeyId was read
    // Dry run: a file mfa-exec cannot edit fails now, before a key exists.
    writeKeysToFile(files.credentialsFile, text, plan.profile, { accessKeyId: 'AKIAEXAMPLEDRYRUN000', secretAccessKey: 'dry-run' }, false);
    return {
      keys: { accessKeyId: source.accessKeyId.trim(), secretAccessKey: source.secretAccessKey.trim() },
      home: { kind: 'file', file: files.credentialsFile, text },
    };
  }
  const found = await readStoredKeys(storeContext(rt, options, prompt), plan.profile);
  for (const note of found.notes) rt.logger.debug(note);
  if (!found.keys) {
    throw new ConfigError(
      `Profile '${plan.profile}' has no keys in ${files.credentialsFile} and none stored in ${found.looked.join(' or ')}; there is nothing to rotate.`,
    );
  }
  return { keys: found.keys, home: { kind: 'store', store: found.store } };
}

/** The credentials file with the profile's two key values replaced, checked, then written (unless a dry run). */
function writeKeysToFile(file: string, text: string, profile: string, keys: LongTermKeys, write = true): void {
  const edits = new Map<string, KeyEdit>([
    ['aws_access_key_id', { value: keys.accessKeyId }],
    ['aws_secret_access_key', { value: keys.secretAccessKey }],
  ]);
  const edit = editSectionKeys(text, profile, edits, file);
  if (edit.edited.length !== 2) throw new ConfigError(`Cannot find both keys of [${profile}] in ${file}; nothing was changed.`);
  checkEdit(text, edit.text, profile, edits, file);
  if (write) rewriteAwsFile(file, text, edit.text);
}

/** The first MFA device of a chain that starts from this profile's keys (when the profile names none). */
function deviceFromChains(files: AwsFiles, profile: string, rt: Runtime): { mfaSerial?: string; mfaProcess?: string } | undefined {
  for (const name of files.profiles.keys()) {
    let plan: Plan;
    try {
      plan = resolvePlan(files, name, rt.env);
    } catch {
      continue;
    }
    if (plan.source.profile !== profile) continue;
    const device = plan.session ?? plan.roles.find((r) => r.mfaSerial !== undefined);
    if (device?.mfaSerial) {
      rt.logger.debug(`rotate: profile '${profile}' names no MFA device; using ${device.mfaSerial} of profile '${name}'`);
      return { mfaSerial: device.mfaSerial, ...(device.mfaProcess === undefined ? {} : { mfaProcess: device.mfaProcess }) };
    }
  }
  return undefined;
}
