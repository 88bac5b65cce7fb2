/**
 * Making a view (see store.ts for where views live and how one is found): render it from the
 * user's files, write it into a fresh private directory, and rename that directory into place,
 * so that a reader finds a whole view or none. Then views unused for a week are pruned. Loaded
 * on demand: the warm path only finds views.
 *
 * Only our own names are ever deleted (the three files of a view, then its directory; never
 * recursively, never through a symbolic link), in the views directory we have just checked.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCacheDir } from '../credentials/cache.ts';
import { CacheError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { ensurePrivateDir } from '../private-file.ts';
import { writeExclusive } from '../private-io.ts';
import { buildView } from './build.ts';
import {
  findView,
  STAMP_FILE,
  VIEW_FILES,
  VIEW_FORMAT,
  viewKey,
  viewPaths,
  viewsDir,
  type Stamp,
  type ViewPaths,
  type ViewSpec,
} from './store.ts';

/** A view nobody has used for this long is removed when another view is made. */
const PRUNE_UNUSED_MS = 7 * 24 * 3600 * 1000;
/** A half-written view directory (its writer was killed) is removed after this long. */
const PRUNE_PARTIAL_MS = 3600 * 1000;
const KEY_NAME = /^[0-9a-f]{32}$/;
const SCRATCH_NAME = /^\.(tmp|old)-\d+-[0-9a-f]{12}$/;

/** Throws ConfigError when the user's files are refused, CacheError when the view cannot be written. */
export function makeView(
  spec: ViewSpec,
  cacheDir: string,
  logger: Logger,
  now: number,
  storeHolds?: (profile: string) => boolean,
): { paths: ViewPaths; stamp: Stamp } {
  const view = buildView(spec, storeHolds);
  const key = viewKey(spec);
  ensureCacheDir(cacheDir, logger);
  const views = viewsDir(cacheDir);
  ensurePrivateDir(views, logger, { what: 'directory of config views', hint: 'set XDG_CACHE_HOME to a directory you own.' });

  const tmp = scratchDir(views, 'tmp');
  let stamp: Stamp;
  try {
    fs.mkdirSync(tmp, { mode: 0o700 });
    const files = {} as Stamp['files'];
    for (const name of VIEW_FILES) files[name] = writeReadOnly(path.join(tmp, name), view[name]);
    stamp = { version: VIEW_FORMAT, files, served: view.served.length, left: view.left, refused: view.refused };
    writeReadOnly(path.join(tmp, STAMP_FILE), JSON.stringify(stamp));
  } catch (error) {
    removeView(tmp);
    throw new CacheError(`Cannot write a config view in ${views}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
      cause: error,
    });
  }
  const paths = viewPaths(cacheDir, key);
  placeView(tmp, paths, cacheDir, key, logger, now);
  logger.debug(`config view: made ${paths.dir} from ${spec.configFile} and ${spec.credentialsFile}`);
  for (const note of view.notes) logger.debug(`config view: ${note}`);
  prune(views, key, now, logger);
  return { paths, stamp };
}

/**
 * Renames the written directory to its key. Another mfa-exec may have put the same view there
 * first (then theirs is used), or a view there may no longer be intact (then it is moved aside
 * and removed). Throws CacheError when it cannot.
 */
function placeView(tmp: string, paths: ViewPaths, cacheDir: string, key: string, logger: Logger, now: number): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.renameSync(tmp, paths.dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') {
        removeView(tmp);
        throw new CacheError(`Cannot put the config view in place at ${paths.dir}: ${code ?? String(error)}.`, { cause: error });
      }
    }
    if (findView(cacheDir, key, now, logger)) {
      removeView(tmp); // made by another mfa-exec at the same time: the same content
      return;
    }
    const aside = scratchDir(path.dirname(paths.dir), 'old');
    try {
      fs.renameSync(paths.dir, aside);
      removeView(aside);
    } catch {
      // Gone already (another mfa-exec moved it), or not ours to move: try again, then give up.
    }
  }
  removeView(tmp);
  throw new CacheError(`Cannot put the config view in place at ${paths.dir}: something else keeps taking its place.`);
}

/** O_EXCL, never through a link, mode 0400, fsync'd; returns the identity the stamp records. */
function writeReadOnly(file: string, text: string): Stamp['files'][keyof Stamp['files']] {
  const s = writeExclusive(file, text, 0o400);
  return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
}

function scratchDir(parent: string, kind: 'tmp' | 'old'): string {
  return path.join(parent, `.${kind}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Views other than `keep` unused for a week, and scratch directories left by killed writers. */
function prune(views: string, keep: string, now: number, logger: Logger): void {
  let names: string[];
  try {
    names = fs.readdirSync(views);
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(views, name);
    let age: number;
    if (KEY_NAME.test(name) && name !== keep) {
      const used = fs.lstatSync(path.join(dir, STAMP_FILE), { throwIfNoEntry: false }) ?? fs.lstatSync(dir, { throwIfNoEntry: false });
      if (!used) continue;
      age = now - used.mtimeMs;
      if (age < PRUNE_UNUSED_MS) continue;
    } else if (SCRATCH_NAME.test(name)) {
      const s = fs.lstatSync(dir, { throwIfNoEntry: false });
      if (!s || now - s.mtimeMs < PRUNE_PARTIAL_MS) continue;
    } else {
      continue;
    }
    if (removeView(dir)) logger.debug(`config view: removed ${dir}, unused for a week or left half-written`);
  }
}

/** Deletes a view directory of ours: its known files, then the directory (kept if anything else is in it). */
function removeView(dir: string): boolean {
  const s = fs.lstatSync(dir, { throwIfNoEntry: false });
  const uid = process.getuid?.();
  if (!s || !s.isDirectory() || (uid !== undefined && s.uid !== uid)) return false;
  for (const name of [...VIEW_FILES, STAMP_FILE]) {
    try {
      fs.unlinkSync(path.join(dir, name));
    } catch {
      // Not there (a half-written view), or not removable: rmdir below then fails and keeps the directory.
    }
  }
  try {
    fs.rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}
