/**
 * remove PROFILE: delete the profile's stored keys (from every store that holds them, or the one
 * --backend names) and the sessions cached from them. Asks to confirm on the terminal; --yes for
 * scripts (without a terminal and without --yes nothing is deleted).
 */
import { ExitCode, isMfaExecError, MfaExecError, UsageError } from '../errors.ts';
import { isKeyStoreError } from '../keystore/errors.ts';
import { openStores } from '../keystore/select-store.ts';
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
  const { backend } = stores.choice;
  const candidates: KeyStore[] = [];
  if (backend !== 'keyring') candidates.push(stores.file);
  if (backend !== 'file') candidates.push(stores.keyring());
  const where = candidates.map((s) => s.describe(profile)).join(' and ');

  if (!options.yes) await confirm(`Delete the keys of profile '${profile}' stored in ${where}? [y/N] `, profile, rt);

  const removed: string[] = [];
  for (const store of candidates) {
    try {
      if (await store.remove(profile)) removed.push(store.describe(profile));
    } catch (error) {
      // In "auto" a keyring that does not answer holds nothing we could delete; said, not fatal.
      if (backend === 'auto' && store.kind === 'keyring' && isKeyStoreError(error, 'keystore-unavailable')) {
        rt.logger.debug(error.message);
        continue;
      }
      throw error;
    }
  }
  const dropped = dropSessions(storeSourceId(profile), rt);
  const sessions = dropped > 0 ? `; dropped ${dropped} cached ${dropped === 1 ? 'entry' : 'entries'} made from them` : '';
  if (removed.length === 0) rt.logger.info(`no keys of profile '${profile}' were stored in ${where}; nothing to delete${sessions}`);
  else rt.logger.info(`deleted the keys of profile '${profile}' from ${removed.join(' and ')}${sessions}`);
  return 0;
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
