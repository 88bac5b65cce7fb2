/**
 * remove PROFILE: delete the profile's stored keys (from every store that holds them, or the one
 * --backend names) and the sessions cached from them. Where the keys are is found first, without
 * opening a secret (the key file's name, the keyring's accounts), so the question names only the
 * stores that hold them, and a keyring that does not answer is not offered as one. When the AWS
 * files hold no keys for the profile, these are the last copy: said before anything is deleted,
 * also with --yes. Asks to confirm on the terminal; --yes for scripts (without a terminal and
 * without --yes nothing is deleted).
 */
import { loadAwsFiles } from '../aws-config/load.ts';
import { ExitCode, isMfaExecError, MfaExecError, UsageError } from '../errors.ts';
import { isKeyStoreError } from '../keystore/errors.ts';
import { openStores, type Stores } from '../keystore/select-store.ts';
import type { KeyStore } from '../keystore/types.ts';
import { withPrompt } from '../prompt/drivers.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { dropSessions, profilesOf, storeContext } from './key-stores.ts';
import { storeSourceId } from '../sources/store.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec remove PROFILE [--yes] [--backend B] delete stored keys and the sessions made from them'],
};

export async function run({ args, options }: CommandInput, rt: Runtime): Promise<number> {
  const [profile] = profilesOf('remove', args, options, false) as [string];
  const stores = openStores(storeContext(rt, options));
  const { holding, looked } = await whereStored(stores, profile, rt);
  const sessions = () => {
    const dropped = dropSessions(storeSourceId(profile), rt);
    return dropped > 0 ? `; dropped ${dropped} cached ${dropped === 1 ? 'entry' : 'entries'} made from them` : '';
  };
  if (holding.length === 0) {
    rt.logger.info(`no keys of profile '${profile}' are stored in ${looked.join(' or ')}; nothing to delete${sessions()}`);
    return 0;
  }
  const where = holding.map((s) => s.describe(profile)).join(' and ');
  const last = lastCopy(profile, rt);
  if (last) rt.logger.warn(last);

  if (!options.yes) {
    const what = last ? 'the only copy of the keys' : 'the keys';
    await confirm(`Delete ${what} of profile '${profile}' stored in ${where}? [y/N] `, profile, rt);
  }
  const removed: string[] = [];
  for (const store of holding) if (await store.remove(profile)) removed.push(store.describe(profile));
  rt.logger.info(`deleted the keys of profile '${profile}' from ${removed.join(' and ') || where}${sessions()}`);
  return 0;
}

/**
 * The stores that hold the profile's keys, and the ones looked in (for the message when none does).
 * In "auto", a keyring that does not answer holds nothing mfa-exec could delete: it is left out, said.
 */
async function whereStored(stores: Stores, profile: string, rt: Runtime): Promise<{ holding: KeyStore[]; looked: string[] }> {
  const { backend } = stores.choice;
  const holding: KeyStore[] = [];
  const looked: string[] = [];
  if (backend !== 'keyring') {
    looked.push(stores.file.describe(profile));
    if (stores.file.has(profile)) holding.push(stores.file);
  }
  if (backend !== 'file') {
    const keyring = stores.keyring();
    try {
      if ((await keyring.list()).includes(profile)) holding.push(keyring);
      looked.push(keyring.describe(profile));
    } catch (error) {
      if (backend !== 'auto' || !isKeyStoreError(error, 'keystore-unavailable')) throw error;
      rt.logger.debug(error.message);
      looked.push('the OS keyring (none answers here)');
    }
  }
  return { holding, looked };
}

/** The warning when the AWS files hold no keys for the profile: deleting the stored ones leaves none. */
function lastCopy(profile: string, rt: Runtime): string | undefined {
  let files: ReturnType<typeof loadAwsFiles>;
  try {
    files = loadAwsFiles(rt.env, rt.homedir, rt.cwd);
  } catch {
    return undefined; // the files cannot be read: nothing to say about what they hold
  }
  const values = files.profiles.get(profile)?.values ?? {};
  if (values.aws_access_key_id !== undefined && values.aws_secret_access_key !== undefined) return undefined;
  return `these are the only copy of the keys of profile '${profile}': ${files.credentialsFile} and ${files.configFile} have none. Once deleted, the secret cannot be read again (AWS shows it only when the key is made): the profile has no keys until you add them again or make a new access key.`;
}

async function confirm(question: string, profile: string, rt: Runtime): Promise<void> {
  let yes: boolean;
  try {
    yes = await withPrompt(rt.settings.prompt, rt.env, (prompt) => prompt.confirm(question, { context: { profile } }));
  } catch (error) {
    if (!isMfaExecError(error, 'no-terminal')) throw error;
    throw new UsageError(
      `'mfa-exec remove ${profile}' asks to confirm on a terminal, and there is none: add --yes to delete without asking.`,
    );
  }
  if (!yes) throw new MfaExecError(`Not confirmed; the keys of profile '${profile}' were kept.`, ExitCode.status);
}
