/**
 * clear: remove cached credentials, all of them or one profile's (its role entries and MFA
 * session, whatever durations and form they were fetched with).
 *
 * What it may delete, and how, is credentials/remove-entries.ts's: our own entries by exact name,
 * one regular file at a time, in a directory reached only through its check. It keeps the record
 * of MFA codes already used (`mfa-used-*`): AWS refuses a code twice, and "wait for the next
 * code" must still hold right after a clear. Locks belong to running processes and clean up
 * after themselves. The notes of declined prompts (credentials/declined.ts) go with the entries of
 * their chain, so the next run asks again; the memos of warm runs (src/memo/) all go, as they hold
 * the credentials they gave.
 */
import { ensureCacheDir } from '../credentials/cache.ts';
import { planCacheRefs, sameStepAnyForm, type CacheRef } from '../credentials/cache-key.ts';
import { removeEntries, type EntryFilter } from '../credentials/remove-entries.ts';
import { CacheError } from '../errors.ts';
import type { Options } from '../options.ts';
import { openPrivateDir } from '../private-file.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { planFor } from '../pipeline/resolution.ts';

export const help: CommandHelp = {
  usage: ["mfa-exec clear [PROFILE]                      remove cached credentials (all, or one profile's)"],
};

export function run({ options }: CommandInput, rt: Runtime): number {
  const { filter, lockKeys } = options.profile ? profileSelection(options, rt) : { filter: undefined, lockKeys: [] };
  const dir = rt.cacheDir;
  let opened = openPrivateDir(dir);
  if (!('dir' in opened) && opened.onlyMode) {
    ensureCacheDir(dir, rt.logger); // ours, merely too open: made private (and said so), as any run would
    opened = openPrivateDir(dir);
  }
  if (!('dir' in opened)) {
    if (opened.missing) {
      rt.logger.info(`nothing to remove: ${dir} does not exist`);
      return 0;
    }
    throw new CacheError(
      `The cache directory ${dir} ${opened.problem}. mfa-exec never keeps credentials in such a directory, and clear deletes nothing in it. Remove it yourself if it is not yours to keep (mfa-exec recreates it, private), or set XDG_CACHE_HOME to a directory you own.`,
    );
  }
  let removed: number;
  try {
    removed = removeEntries(opened.dir, filter, rt, lockKeys);
  } finally {
    opened.dir.close();
  }
  rt.logger.info(
    `removed ${removed} cached ${removed === 1 ? 'entry' : 'entries'}${options.profile ? ` for profile '${options.profile}'` : ''} from ${dir}`,
  );
  return 0;
}

/**
 * The entries of the profile's plan's steps, and its chain's lock keys with and without the MFA
 * session (--no-session takes the chain's other lock). A profile that does not resolve is an
 * error, as for every command.
 */
function profileSelection(options: Options, rt: Runtime): { filter: EntryFilter; lockKeys: string[] } {
  const { plan } = planFor(options, rt);
  const refs = planCacheRefs(plan, rt.settings.stsEndpoint);
  const steps = [refs.source, refs.session, ...refs.roles].filter((r): r is CacheRef => r !== undefined);
  const lockKeys = [refs.lockKey, planCacheRefs({ ...plan, session: undefined }, rt.settings.stsEndpoint).lockKey];
  return { filter: (kind, request) => steps.some((step) => step.kind === kind && sameStepAnyForm(step.request, request)), lockKeys };
}
