/**
 * Where views live, and finding one that is already made: the part of the view that runs on
 * the warm path (making one is write.ts, loaded on demand).
 *
 * A view is the directory `${cacheDir}/views/<key>/` with the files `config` and `credentials`
 * (mode 0400) and `stamp` (0400): the key is a hash of everything the view is made from (the
 * user's two paths and texts, the command its credential_process lines run, --server), so an
 * edit of the user's files, another Node or another mfa-exec simply gives another key. A text
 * read from a regular file is stood for by the file's identity as read (device, inode, size,
 * modification and change times; read-file.ts): a write gives the file another one (short of
 * two writes of one length within one tick of the file system's clock, a few ms, with this
 * run's read between them), and the warm path then hashes about a hundred bytes, not the user's
 * files (hashing a few kilobytes in plain JS made V8 compile the hash function while the run
 * went on: ~4 ms of CPU per run). The
 * stamp records each view file's inode, size and modification time as written: a view whose
 * files do not match (changed, replaced) is made again. The stamp's own modification time says
 * when the view was last used (set again at most once a day), for pruning.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { isOwnPrivate, readPrivate } from '../private-io.ts';
import { sha256Hex } from '../sha256.ts';

/** Part of every key: a change of what a view holds or how it is checked makes new views. */
export const VIEW_FORMAT = 1;
export const VIEW_FILES = ['config', 'credentials'] as const;
export const STAMP_FILE = 'stamp';
/** The stamp's mtime is refreshed when it is older than this (a hit stays read-only otherwise). */
const MARK_USED_AFTER_MS = 24 * 3600 * 1000;

export interface ViewSpec {
  configFile: string;
  credentialsFile: string;
  /** The user's texts; undefined when the file does not exist. */
  configText?: string;
  credentialsText?: string;
  /** Their files' identities as read (regular files only): the key holds these instead of the texts. */
  configIdentity?: string;
  credentialsIdentity?: string;
  /** What credential_process runs before `credential-process --profile=NAME`: absolute paths. */
  command: readonly string[];
  /** --server: the default profile defers to the container endpoint. */
  deferDefault?: boolean;
  /**
   * When mfa-exec's key store last changed (its directory's mtime: every key file and the keyring
   * index is written there by rename), so that a profile whose keys are added to it is served.
   */
  storeStamp?: string;
}

export interface ViewPaths {
  dir: string;
  config: string;
  credentials: string;
}

/** What the stamp says: each view file's identity as written, and what --debug tells about the view. */
export interface Stamp {
  version: number;
  files: Record<(typeof VIEW_FILES)[number], { ino: number; size: number; mtimeMs: number }>;
  served: number;
  left: { profile: string; why: string }[];
  refused: { profile: string; why: string }[];
}

export function viewsDir(cacheDir: string): string {
  return path.join(cacheDir, 'views');
}

/** 32 hex characters: sha256 over the format, the command, --server, and both paths and texts (or their files' identities). */
export function viewKey(spec: ViewSpec): string {
  const source = (text: string | undefined, identity: string | undefined) => (identity !== undefined ? { identity } : (text ?? null));
  const parts = [
    VIEW_FORMAT,
    spec.command,
    !!spec.deferDefault,
    spec.configFile,
    source(spec.configText, spec.configIdentity),
    spec.credentialsFile,
    source(spec.credentialsText, spec.credentialsIdentity),
    spec.storeStamp ?? null,
  ];
  return sha256Hex(JSON.stringify(parts)).slice(0, 32);
}

export function viewPaths(cacheDir: string, key: string): ViewPaths {
  const dir = path.join(viewsDir(cacheDir), key);
  return { dir, config: path.join(dir, 'config'), credentials: path.join(dir, 'credentials') };
}

/**
 * The view with this key if it is there and intact: its directory ours and private, its stamp
 * readable, each file a regular file of ours, mode 0400, the inode, size and mtime the stamp
 * recorded. Never throws; anything else is a miss (said under --debug).
 */
export function findView(cacheDir: string, key: string, now: number, logger: Logger): { paths: ViewPaths; stamp: Stamp } | undefined {
  const paths = viewPaths(cacheDir, key);
  const miss = (why: string) => {
    logger.debug(`config view: ${paths.dir} ${why}; making it again`);
    return undefined;
  };
  const dirStat = fs.lstatSync(paths.dir, { throwIfNoEntry: false });
  if (dirStat === undefined) return undefined;
  // The views directory too: in one that others can write to, our views could be swapped around.
  const views = fs.lstatSync(path.dirname(paths.dir), { throwIfNoEntry: false });
  for (const s of [dirStat, views]) {
    if (!s || !isOwnPrivate(s, 'directory')) return miss('is not in a private directory of yours');
  }
  const stamp = readStamp(path.join(paths.dir, STAMP_FILE), now);
  if (stamp === undefined) return miss('has no usable stamp');
  for (const name of VIEW_FILES) {
    const s = fs.lstatSync(paths[name], { throwIfNoEntry: false });
    const want = stamp.files[name] as Stamp['files'][typeof name] | undefined;
    if (typeof want?.ino !== 'number') return miss('has no usable stamp');
    if (!s || !isOwnPrivate(s) || (s.mode & 0o777) !== 0o400) return miss(`has a ${name} file that is missing or not a private file`);
    if (s.ino !== want.ino || s.size !== want.size || s.mtimeMs !== want.mtimeMs) {
      return miss(`has a ${name} file changed since it was written`);
    }
  }
  return { paths, stamp };
}

/** The stamp, if it is a private regular file of ours holding a stamp of this format; marks it used. */
function readStamp(file: string, now: number): Stamp | undefined {
  const markUsed = (fd: number, stat: fs.Stats) => {
    if (now - stat.mtimeMs <= MARK_USED_AFTER_MS) return;
    try {
      fs.futimesSync(fd, new Date(now), new Date(now));
    } catch {
      // Only pruning reads it; a view that looks unused is made again if it is ever pruned.
    }
  };
  const read = readPrivate(file, { use: markUsed });
  if (!read.ok) return undefined;
  try {
    const stamp = JSON.parse(read.data.toString('utf8')) as Partial<Stamp>;
    if (stamp.version !== VIEW_FORMAT || typeof stamp.files !== 'object' || stamp.files === null) return undefined;
    return stamp as Stamp;
  } catch {
    return undefined;
  }
}
