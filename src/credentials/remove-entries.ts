/**
 * Removing cache entries: `clear`, and the key commands dropping what was made from keys they
 * changed. Only what is recognised as ours by exact name (`session-<40 hex>.json`,
 * `role-<40 hex>.json`, `source-<40 hex>.json`, the notes of declined prompts
 * (`declined-<lock key>.json`, declined.ts: all of them, or those of the chains named), and for a
 * whole clear our stale `.tmp-<pid>-<hex>` files), one regular file
 * of ours at a time, never recursively, in a directory opened through its check (private-file.ts
 * openPrivateDir). An entry is picked by the request it records, so every duration and endpoint it
 * was fetched for is found.
 */
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { withPrivateDir, type PrivateDir } from '../private-file.ts';
import { temporaryWriter } from '../private-io.ts';
import { ENTRY_NAME, parseEntryText } from './cache.ts';
import type { CacheRef, StepRequest } from './cache-key.ts';
import { DECLINED_NAME } from './declined.ts';
import { MEMO_DIR, MEMO_NAME } from '../memo/identity.ts';

/** A temporary file younger than this may be a write in progress. */
const TEMPORARY_AGE_MS = 60_000;

/** Which entries to remove, by kind and recorded request; undefined: every entry and stale temporary file. */
export type EntryFilter = (kind: CacheRef['kind'], request: StepRequest) => boolean;

export interface RemoveContext {
  logger: Logger;
  now: () => number;
}

/**
 * Removes the entries `filter` picks (undefined: all) and returns how many. The notes of declined
 * prompts go too, uncounted: all of them without a filter, else those of the chains `lockKeys`
 * (PlanCacheRefs.lockKey), so that the next run of those chains asks again; and every memo of a
 * run's decision (removeMemos), which holds the credentials it gave.
 */
export function removeEntries(
  dir: PrivateDir,
  filter: EntryFilter | undefined,
  ctx: RemoveContext,
  lockKeys: readonly string[] = [],
): number {
  let removed = 0;
  for (const name of dir.list()) {
    const note = DECLINED_NAME.exec(name);
    if (note) {
      if ((!filter || lockKeys.includes(note[1]!)) && ours(dir, name, ctx)) unlink(dir, name, ctx);
    } else if (removable(dir, name, filter, ctx)) removed++;
  }
  removeMemos(dir.path, ctx);
  return removed;
}

/**
 * Removes the memos of warm runs (src/memo/), the notes of command lines run once, and temporary
 * files of memos being written, in the cache directory's memo directory: whenever entries are
 * removed, all of them (one made from a removed entry would not be replayed anyway, and each holds
 * the credentials it gave; the next runs record them again). Returns how many memos.
 */
export function removeMemos(cacheDir: string, ctx: RemoveContext): number {
  const opened = withPrivateDir(path.join(cacheDir, MEMO_DIR), (dir) => {
    let removed = 0;
    for (const name of dir.list()) {
      const memo = MEMO_NAME.test(name);
      if (!memo && temporaryWriter(name) === undefined) continue;
      if (ours(dir, name, ctx) && unlink(dir, name, ctx) && name.endsWith('.json')) removed++;
    }
    return removed;
  });
  return opened ?? 0;
}

/** The stat of `name` if it is a regular file of ours (removal ignores the mode: a too-open entry is still ours to remove). */
function ours(dir: PrivateDir, name: string, ctx: RemoveContext): Stats | undefined {
  const stat = dir.lstat(name);
  const uid = process.getuid?.();
  if (stat?.isFile() && (uid === undefined || stat.uid === uid)) return stat;
  if (stat) ctx.logger.debug(`clear: ${name} is not a regular file of yours; left alone`);
  return undefined;
}

function unlink(dir: PrivateDir, name: string, ctx: RemoveContext): boolean {
  try {
    return dir.unlink(name);
  } catch (error) {
    ctx.logger.debug(`clear: cannot remove ${name} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return false;
  }
}

/** Removes `name` if it is ours to remove (and passes the filter); true when removed. */
function removable(dir: PrivateDir, name: string, filter: EntryFilter | undefined, ctx: RemoveContext): boolean {
  const entry = ENTRY_NAME.exec(name);
  const temporary = !entry && !filter && temporaryWriter(name) !== undefined;
  if (!entry && !temporary) return false;
  const stat = ours(dir, name, ctx);
  if (!stat) return false;
  if (temporary && ctx.now() - stat.mtimeMs < TEMPORARY_AGE_MS) return false;
  if (filter && !passes(dir, name, entry![1] as CacheRef['kind'], filter, ctx.logger)) return false;
  return unlink(dir, name, ctx);
}

function passes(dir: PrivateDir, name: string, kind: CacheRef['kind'], filter: EntryFilter, logger: Logger): boolean {
  const request = (parseEntryText(dir.read(name, logger), name, logger) as { request?: unknown } | undefined)?.request;
  return typeof request === 'object' && request !== null && filter(kind, request as StepRequest);
}
