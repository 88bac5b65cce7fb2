/**
 * clear: remove cached credentials, all of them or one profile's (its role entries and MFA
 * session, whatever durations they were fetched for).
 *
 * It deletes only what it recognises as its own, by exact name (`session-<40 hex>.json`,
 * `role-<40 hex>.json`, our stale `.tmp-<pid>-<hex>` files), one regular file at a time, never
 * recursively, in a directory it has checked (ours, private, not a symlink) and reaches only
 * through that check (private-file.ts openPrivateDir). It keeps the record of MFA codes already
 * used (`mfa-used-*`): AWS refuses a code twice, and "wait for the next code" must still hold right
 * after a clear. Locks belong to running processes and clean up after themselves.
 */
import { cacheDir, ensureCacheDir } from '../credentials/cache.ts';
import { planCacheRefs, sameStepAnyDuration, type CacheRef, type StepRequest } from '../credentials/cache-key.ts';
import { CacheError } from '../errors.ts';
import type { Options } from '../invocation.ts';
import { openPrivateDir, type PrivateDir } from '../private-file.ts';
import type { Runtime } from '../runtime.ts';
import { planFor } from './profile-resolution.ts';

const ENTRY = /^(session|role)-[0-9a-f]{40}\.json$/;
const TEMPORARY = /^\.tmp-\d+-[0-9a-f]{12}$/;
/** A temporary file younger than this may be a write in progress. */
const TEMPORARY_AGE_MS = 60_000;

export function clearCommand(options: Options, rt: Runtime): number {
  const steps = options.profile ? profileSteps(options, rt) : undefined;
  const dir = cacheDir(rt.env, rt.homedir);
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
  let removed = 0;
  try {
    for (const name of opened.dir.list()) if (removable(opened.dir, name, steps, rt)) removed++;
  } finally {
    opened.dir.close();
  }
  rt.logger.info(
    `removed ${removed} cached ${removed === 1 ? 'entry' : 'entries'}${options.profile ? ` for profile '${options.profile}'` : ''} from ${dir}`,
  );
  return 0;
}

/** The steps of the profile's plan (a profile that does not resolve is an error, as for every command). */
function profileSteps(options: Options, rt: Runtime): CacheRef[] {
  const { plan } = planFor(options, rt);
  const refs = planCacheRefs(plan, rt.settings.stsEndpoint);
  return [refs.session, ...refs.roles].filter((r): r is CacheRef => r !== undefined);
}

/** Removes `name` if it is ours to remove (and, with a profile, one of its steps); true when removed. */
function removable(dir: PrivateDir, name: string, steps: CacheRef[] | undefined, rt: Runtime): boolean {
  const entry = ENTRY.exec(name);
  const temporary = !entry && !steps && TEMPORARY.test(name);
  if (!entry && !temporary) return false;
  const stat = dir.lstat(name);
  const uid = process.getuid?.();
  if (!stat?.isFile() || (uid !== undefined && stat.uid !== uid)) {
    if (stat) rt.logger.debug(`clear: ${name} is not a regular file of yours; left alone`);
    return false;
  }
  if (temporary && rt.now() - stat.mtimeMs < TEMPORARY_AGE_MS) return false;
  if (steps && !isStepOf(dir, name, entry![1] as CacheRef['kind'], steps, rt)) return false;
  try {
    return dir.unlink(name);
  } catch (error) {
    rt.logger.debug(`clear: cannot remove ${name} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return false;
  }
}

/** The entry answers one of the profile's steps (any durations). */
function isStepOf(dir: PrivateDir, name: string, kind: CacheRef['kind'], steps: CacheRef[], rt: Runtime): boolean {
  const text = dir.read(name, rt.logger);
  if (text === undefined) return false;
  let request: StepRequest | undefined;
  try {
    request = (JSON.parse(text) as { request?: StepRequest } | null)?.request;
  } catch {
    return false;
  }
  if (typeof request !== 'object' || request === null) return false;
  return steps.some((step) => step.kind === kind && sameStepAnyDuration(step.request, request));
}
