/**
 * Files only this user can read, in directories only this user can enter: the credential cache,
 * the record of used MFA codes. The mechanism is private-io.ts's (no-follow open, fstat, owner and
 * mode; O_EXCL temporary file, fsync, rename); this file adds the cache's policy: a file that is
 * not trustworthy is ignored and said on the logger, a write that fails is a CacheError, and the
 * directory is checked once and used through its check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CacheError } from './errors.ts';
import type { Logger } from './log.ts';
import { isSymlink, readPrivate, temporaryWriter, writeAtomic } from './private-io.ts';

/**
 * A private regular file's text; undefined when missing or untrustworthy (said on the logger).
 * Never throws. `shown` names the file in messages (when `file` is a /proc/self/fd path).
 */
function readPrivateFile(file: string, logger: Logger, shown: string = file): string | undefined {
  const read = readPrivate(file);
  if (read.ok) return read.data.toString('utf8');
  const { problem, stat, error } = read;
  if (problem === 'symlink') logger.warn(`ignoring ${shown}: it is a symbolic link, not a file written by mfa-exec`);
  else if (problem === 'unopenable') logger.debug(`cannot read ${shown} (${error?.code})`);
  else if (problem === 'unreadable') logger.debug(`${path.basename(shown)} is unreadable; ignoring it`);
  else if (stat) {
    logger.warn(`ignoring ${shown}: not a private regular file of this user (mode ${(stat.mode & 0o777).toString(8)}, owner ${stat.uid})`);
  }
  return undefined;
}

/**
 * A directory checked once and then used by name relative to what was checked: it was opened
 * without following a symlink (O_NOFOLLOW | O_DIRECTORY) and found, with one stat, to be ours
 * and private. On Linux every entry is then reached through /proc/self/fd/<fd>/<name>, which is
 * the opened directory itself even if the path is swapped for another directory or a link
 * afterwards (openat without the binding). Elsewhere the path is used again.
 */
export interface PrivateDir {
  /** The directory as named, for messages. */
  readonly path: string;
  /** A private regular file's text (see readPrivateFile). */
  read(name: string, logger: Logger): string | undefined;
  /** The entries' names. */
  list(): string[];
  /** lstat of an entry (a link is described, never followed); undefined when it is gone. */
  lstat(name: string): fs.Stats | undefined;
  /** Removes one non-directory entry (a link itself, never its target); false when it was already gone. */
  unlink(name: string): boolean;
  close(): void;
}

/** The directory, or what is wrong with it; `onlyMode`: it is ours and a directory, merely too open (ensurePrivateDir fixes that). */
export type OpenedDir = { dir: PrivateDir } | { missing: boolean; onlyMode?: boolean; problem: string };

/** Opens `dir` if it is ours, private and not a symlink; else says what is wrong (or that it does not exist). */
export function openPrivateDir(dir: string): OpenedDir {
  let fd: number;
  try {
    fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { missing: true, problem: 'does not exist' };
    // A symlink gives ELOOP, or ENOTDIR (O_DIRECTORY is checked first on Linux): say which it is.
    if (code === 'ELOOP' || code === 'ENOTDIR')
      return { missing: false, problem: isSymlink(dir) ? 'is a symbolic link' : 'is not a directory' };
    return { missing: false, problem: `cannot be opened (${code ?? 'error'})` };
  }
  let base = `/proc/self/fd/${fd}`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(base); // the opened directory itself (one syscall, as fstat)
  } catch {
    base = dir; // no /proc: fall back to the path
    stat = fs.fstatSync(fd);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    fs.closeSync(fd);
    return { missing: false, problem: `belongs to uid ${stat.uid}, not to you (uid ${uid})` };
  }
  if ((stat.mode & 0o077) !== 0) {
    fs.closeSync(fd);
    return { missing: false, onlyMode: true, problem: `has mode ${(stat.mode & 0o777).toString(8)}: others can change what is in it` };
  }
  const at = (name: string) => path.join(base, name);
  let closed = false;
  return {
    dir: {
      path: dir,
      read: (name, logger) => readPrivateFile(at(name), logger, path.join(dir, name)),
      list: () => fs.readdirSync(base),
      lstat(name) {
        try {
          return fs.lstatSync(at(name));
        } catch {
          return undefined;
        }
      },
      unlink(name) {
        try {
          fs.unlinkSync(at(name));
          return true;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
          throw error;
        }
      },
      close() {
        if (!closed) fs.closeSync(fd);
        closed = true;
      },
    },
  };
}

/** `use` with the opened private directory, or undefined when it is missing or not private. */
export function withPrivateDir<T>(
  dir: string,
  use: (d: PrivateDir) => T | undefined,
  onRefused?: (problem: string) => void,
): T | undefined {
  const opened = openPrivateDir(dir);
  if (!('dir' in opened)) {
    if (!opened.missing) onRefused?.(opened.problem);
    return undefined;
  }
  try {
    return use(opened.dir);
  } finally {
    opened.dir.close();
  }
}

/**
 * Makes sure `dir` is ours and private. A directory that is too open is fixed (chmod 0700) and
 * said so; one that is a symlink or owned by someone else is refused. `what` names the directory
 * ("cache directory"), `hint` tells the user how to point mfa-exec elsewhere. With `create:
 * false` a directory that does not exist is left so (returns false: nothing to use there).
 */
export function ensurePrivateDir(dir: string, logger: Logger, place: { what: string; hint: string; create?: boolean }): boolean {
  const { what, hint } = place;
  if (place.create !== false) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new CacheError(`Cannot create the ${what} ${dir}: ${describeErrno(error)}; ${hint}`, { cause: error });
    }
  }
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (place.create === false && (code === 'ENOENT' || code === 'ENOTDIR')) return false;
    // A parent that cannot be searched (another user's directory, a chmod mishap): EACCES.
    throw new CacheError(`Cannot reach the ${what} ${dir}: ${describeErrno(error)}. Fix the permissions on the way to it, or ${hint}`, {
      cause: error,
    });
  }
  const uid = process.getuid?.();
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new CacheError(
      `The ${what} ${dir} is a symbolic link or not a directory; mfa-exec will not write credentials through it. Remove it (mfa-exec recreates it), or: ${hint}`,
    );
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw new CacheError(
      `The ${what} ${dir} belongs to uid ${stat.uid}, not to you (uid ${uid}); mfa-exec will not keep credentials there. Remove it, or: ${hint}`,
    );
  }
  if ((stat.mode & 0o077) !== 0) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch (error) {
      throw new CacheError(
        `The ${what} ${dir} has mode ${(stat.mode & 0o777).toString(8)} and cannot be made private: ${describeErrno(error)}.`,
        {
          cause: error,
        },
      );
    }
    logger.warn(`the ${what} ${dir} had mode ${(stat.mode & 0o777).toString(8)}; changed it to 700 so only you can read it`);
  }
  return true;
}

/** Writes `text` to `file` atomically with mode 0600; throws CacheError (no temporary file left). */
export function writeFileAtomic(file: string, text: string): void {
  try {
    writeAtomic(file, text);
  } catch (error) {
    throw new CacheError(`Cannot write the file ${file}: ${describeErrno(error)}.`, { cause: error });
  }
}

/** A temporary file this old is stale even if a process with its writer's id runs (an id used again). */
const TEMPORARY_STALE_MS = 3600 * 1000;

/**
 * Removes the temporary files a killed writeAtomic left in `dir` (killed between writing and
 * renaming: a copy of what it was writing, `held` says what, for the message): our name, a
 * regular file of ours, whose writer's process is gone (or that is an hour old). Each one removed
 * is said; returns how many. Anything else is left alone; a directory that cannot be read, too.
 */
export function removeStaleTemporaryFiles(dir: string, logger: Logger, held: string, now: number = Date.now()): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const writer = temporaryWriter(name);
    if (writer === undefined) continue;
    const file = path.join(dir, name);
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    const uid = process.getuid?.();
    if (!stat?.isFile() || (uid !== undefined && stat.uid !== uid)) continue;
    if (processRuns(writer) && now - stat.mtimeMs < TEMPORARY_STALE_MS) continue; // a write in progress
    try {
      fs.unlinkSync(file);
      removed++;
      logger.warn(`removed ${file}, left by an mfa-exec that was killed while writing (process ${writer}); it held ${held}`);
    } catch (error) {
      logger.warn(
        `cannot remove ${file}, left by an mfa-exec that was killed while writing (${describeErrno(error)}); it holds ${held}: remove it`,
      );
    }
  }
  return removed;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process
  }
}

/** An errno error in words ("no space left on the device"), for messages. */
export function describeErrno(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a path component is not a directory',
    EEXIST: 'a file is in the way',
  };
  return (e.code && reasons[e.code]) ?? e.code ?? String(error);
}
