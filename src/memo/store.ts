/**
 * The memo files (src/memo/record.ts makes their memos): `memo/<key>.json`, the memos of one
 * command line in up to MAX_SITUATIONS situations, and `memo/<key>.seen`, the note that a command
 * line ran once (a recording costs a few ms, paid back only by a command line that comes again).
 * Written atomically and private, not synced (a torn memo is refused, and worth nothing after a
 * crash anyway); at most MAX_MEMOS of each kind, and none kept past its memos' end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../log.ts';
import { removeStaleTemporaryFiles } from '../private-file.ts';
import { isPrivateDir, readPrivate, writeAtomic } from '../private-io.ts';
import { MAX_SITUATIONS, MEMO_DIR, MEMO_NAME, MEMO_VERSION, memoFile, type Memo, type MemoFile } from './identity.ts';

/** No memo holds longer than this after it was recorded (record.ts's longest window). */
export const LONGEST_MS = 600_000;
/** Memo files kept, and notes (`.seen`) apart; past this the least recently written go (a command line in a directory has one). */
export const MAX_MEMOS = 64;

/**
 * Whether this command line came before (it has memos, or was noted in the last 10 minutes). A
 * recording costs a few ms (the dry runs, the write), paid back only by a command line that comes
 * again: the first time, it is only noted (an empty `<key>.seen`), and the second run records.
 */
export function seenBefore(cache: string, key: string, now: number): boolean {
  const file = memoFile(cache, key);
  if (fs.lstatSync(file, { throwIfNoEntry: false })) return true;
  const seen = file.replace(/\.json$/, '.seen');
  const noted = fs.lstatSync(seen, { throwIfNoEntry: false });
  if (noted?.isFile() && now - noted.mtimeMs < LONGEST_MS) return true;
  try {
    if (privateMemoDir(cache)) {
      fs.writeFileSync(seen, '', { mode: 0o600 });
      if (noted) fs.utimesSync(seen, now / 1000, now / 1000);
      else prune(path.dirname(seen), now); // one-off command lines leave notes: they go as memos do
    }
  } catch {
    // not noted: the next run notes it
  }
  return false;
}

/** The memo directory of `cacheDir`, made (private) if missing; false when it is not private and ours, or the cache directory is not. */
function privateMemoDir(cache: string): boolean {
  const dir = path.join(cache, MEMO_DIR);
  if (!isPrivateDir(cache)) return false;
  if (isPrivateDir(dir)) return true;
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch {
    return false;
  }
  return isPrivateDir(dir);
}

/**
 * Writes the memo (atomically, private; not synced: a torn memo is no memo) in the memo directory,
 * made private if missing, before the other memos of its key that still hold in other situations
 * (at most MAX_SITUATIONS); prunes.
 */
export function keep(cacheDir: string, key: string, memo: Memo): void {
  const file = memoFile(cacheDir, key);
  const dir = path.dirname(file);
  if (!privateMemoDir(cacheDir)) return;
  const situation = (m: Memo) => JSON.stringify([m.names, m.env, m.args ?? null]);
  const earlier = earlierMemos(file, key);
  const others = (earlier ?? []).filter((m) => m.until > memo.from && situation(m) !== situation(memo));
  const kept: MemoFile = { version: MEMO_VERSION, key, memos: [memo, ...others].slice(0, MAX_SITUATIONS) };
  writeAtomic(file, JSON.stringify(kept), 0o600, false);
  // A new file may be one too many; a file written again is not.
  if (earlier === undefined) {
    fs.rmSync(file.replace(/\.json$/, '.seen'), { force: true });
    prune(dir, memo.from);
  }
}

/** The memos of the file there, if it is one of this key's; undefined when there is no file. */
function earlierMemos(file: string, key: string): Memo[] | undefined {
  const read = readPrivate(file);
  if (!read.ok) return read.problem === 'missing' ? undefined : [];
  try {
    const earlier = JSON.parse(read.data.toString('utf8')) as MemoFile;
    return earlier.version === MEMO_VERSION && earlier.key === key && Array.isArray(earlier.memos) ? earlier.memos : [];
  } catch {
    return [];
  }
}

/**
 * Removes the memo files all of whose memos have ended (none is written to hold longer than the
 * longest window), and past MAX_MEMOS files the least recently written; and what a writer killed
 * before its rename left (a memo holds credentials).
 */
function prune(dir: string, now: number): void {
  removeStaleTemporaryFiles(dir, silentLogger, 'a memo');
  // Memos and notes are counted apart: a loop of one-off command lines must not push out the memos.
  const kinds: Record<string, Array<[string, number]>> = { json: [], seen: [] };
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile() || !MEMO_NAME.test(name)) continue;
    if (now - stat.mtimeMs > LONGEST_MS) fs.rmSync(file, { force: true });
    else kinds[name.slice(name.lastIndexOf('.') + 1)]!.push([file, stat.mtimeMs]);
  }
  for (const files of Object.values(kinds)) {
    files.sort((a, b) => b[1] - a[1]);
    for (const [file] of files.slice(MAX_MEMOS)) fs.rmSync(file, { force: true });
  }
}
