/**
 * Cache entries for the commands that look at several (status, login, list): the directory is
 * opened and checked once (as readEntry does for one entry), each file is read at most once, and
 * past a few lookups the directory's names are listed once, so that only the entries that exist
 * are opened. A deep source_profile chain, or list over hundreds of profiles, asks for thousands
 * of names, most of them never written.
 */
import type { Logger } from '../log.ts';
import { openPrivateDir, type OpenedDir } from '../private-file.ts';
import { entryName, parseEntryText, refusedDir, usableEntry, type CacheEntry } from './cache.ts';
import type { CacheRef } from './cache-key.ts';

export interface EntryReader {
  /** The entry for `ref`, fresh or not (as readEntry); undefined for a miss. Never throws. */
  entry(ref: CacheRef): CacheEntry | undefined;
  close(): void;
}

/** Distinct names looked up one by one before the directory is listed instead. */
const LOOKUPS_BEFORE_LISTING = 8;

/** `now`: the one time of the command, against which every entry is judged. */
export function openEntryReader(dir: string, now: number, logger: Logger): EntryReader {
  let opened: OpenedDir | undefined;
  let names: Set<string> | undefined;
  const values = new Map<string, unknown>();
  const read = (name: string): unknown => {
    if (!opened) {
      opened = openPrivateDir(dir);
      if (!('dir' in opened) && !opened.missing) refusedDir(dir, logger)(opened.problem);
    }
    if (!('dir' in opened)) return undefined;
    if (names === undefined && values.size >= LOOKUPS_BEFORE_LISTING) names = new Set(opened.dir.list());
    if (names !== undefined && !names.has(name)) return undefined;
    return parseEntryText(opened.dir.read(name, logger), name, logger);
  };
  return {
    entry(ref) {
      const name = entryName(ref);
      let value = values.get(name);
      if (value === undefined && !values.has(name)) {
        value = read(name);
        values.set(name, value);
      }
      return usableEntry(value, ref, now, logger);
    },
    close() {
      if (opened && 'dir' in opened) opened.dir.close();
    },
  };
}
