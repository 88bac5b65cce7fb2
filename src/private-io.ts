/**
 * The bare mechanism behind every private file mfa-exec reads or writes (the credential cache,
 * used MFA codes, the code cache, the config view's stamp, the key files and the keyring index):
 * written once here, so that each caller keeps only its own policy (what a refusal means, what is
 * said). A leaf: node:fs and node:path only, no node:crypto, so the warm bundle and boot.ts use it.
 *
 * Reading: open without following a symlink and without blocking (a FIFO planted at the path must
 * not hang us), fstat the open file (not the path, which could be swapped), insist on a regular
 * file of this user that nobody else may read or write, read at most a bound.
 * Writing: a fresh file made with O_EXCL (never through a link), synced; for a replacement, made
 * under a temporary name in the same directory and renamed over the target, so a reader sees the
 * old file or the new one, never a part.
 */
import fs, { type Stats } from 'node:fs';
import path from 'node:path';
import { platform } from './platform/index.ts';

/**
 * Whether the mode bits let others read or write it (mode & 077). Never on Windows: there the
 * ACLs decide, and Node reports 0o666 for every file (docs/security.md says what protects it).
 */
export function openToOthers(stat: Pick<Stats, 'mode'>, modeBits: boolean = platform.modeBits): boolean {
  return modeBits && (stat.mode & 0o077) !== 0;
}

/** A regular file (or a directory) of this user that nobody else may read or write. */
export function isOwnPrivate(stat: Stats, type: 'file' | 'directory' = 'file'): boolean {
  const uid = process.getuid?.();
  const kind = type === 'file' ? stat.isFile() : stat.isDirectory();
  return kind && (uid === undefined || stat.uid === uid) && !openToOthers(stat);
}

/** The directory is ours, private, and not a symlink (what ensurePrivateDir insists on), checked quietly. */
export function isPrivateDir(dir: string): boolean {
  try {
    return isOwnPrivate(fs.lstatSync(dir), 'directory');
  } catch {
    return false;
  }
}

/** Why a private read gave nothing. */
export type PrivateReadProblem =
  /** No such file (ENOENT, or ENOTDIR: a path component is a file). */
  | 'missing'
  /** The path is a symbolic link (never followed). */
  | 'symlink'
  /** open() failed otherwise (`error` says how). */
  | 'unopenable'
  /** Not a regular file: a FIFO, a device, a directory. */
  | 'not-file'
  /** A file of another user. */
  | 'foreign'
  /** Others may read or write it (mode & 077). */
  | 'open-to-others'
  /** Longer than the bound given. */
  | 'too-large'
  /** Reading failed after the checks (`error` says how), or `use` threw. */
  | 'unreadable';

export type PrivateRead =
  { ok: true; data: Buffer; stat: Stats } | { ok: false; problem: PrivateReadProblem; stat?: Stats; error?: NodeJS.ErrnoException };

export interface PrivateReadOptions {
  /** The most bytes the file may hold (default: no bound). */
  maxBytes?: number;
  /** Called with the open file after it was read (e.g. to mark it used with futimes); errors are the caller's to catch. */
  use?: (fd: number, stat: Stats) => void;
}

/** The bytes of a private regular file of ours, or why not. Never throws. */
export function readPrivate(file: string, options: PrivateReadOptions = {}): PrivateRead {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    const problem = error.code === 'ENOENT' || error.code === 'ENOTDIR' ? 'missing' : error.code === 'ELOOP' ? 'symlink' : 'unopenable';
    return { ok: false, problem, error };
  }
  try {
    const stat = fs.fstatSync(fd);
    const uid = process.getuid?.();
    if (!stat.isFile()) return { ok: false, problem: 'not-file', stat };
    if (uid !== undefined && stat.uid !== uid) return { ok: false, problem: 'foreign', stat };
    if (openToOthers(stat)) return { ok: false, problem: 'open-to-others', stat };
    const max = options.maxBytes ?? Infinity;
    if (stat.size > max) return { ok: false, problem: 'too-large', stat };
    const data = max === Infinity ? fs.readFileSync(fd) : readBounded(fd, max);
    if (data === undefined) return { ok: false, problem: 'too-large', stat };
    options.use?.(fd, stat);
    return { ok: true, data, stat };
  } catch (error) {
    return { ok: false, problem: 'unreadable', error: error as NodeJS.ErrnoException };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * At most `max` bytes (undefined when there are more: the file grew after fstat). readFileSync, which
 * reads what is there (Node's own start-up has used it: a replayed run, src/memo/, pays nothing to
 * set it up); a file that grows while read gives more than `max` and is refused after the read.
 */
function readBounded(fd: number, max: number): Buffer | undefined {
  const data = fs.readFileSync(fd);
  return data.length > max ? undefined : data;
}

/**
 * Creates `file` (O_EXCL, not through a link) with `mode`, writes `data`, syncs it; returns its
 * stat as written. Throws the system's error (EEXIST when anything is at the path).
 */
export function writeExclusive(file: string, data: string | Uint8Array, mode = 0o600, sync = true): Stats {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  try {
    fs.writeFileSync(fd, data);
    if (sync) fs.fsyncSync(fd);
    return fs.fstatSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replaces `file` with `data` (mode 0600 unless said): written under `.tmp-<pid>-<12 hex>` in the
 * same directory (the name `clear` knows), synced (unless `sync` is false: a file worth nothing after
 * a crash, whose torn copy its reader refuses, as a memo), renamed over it. Throws the system's error; the
 * temporary file is then gone, unless the process is killed before the rename (temporaryWriter).
 */
export function writeAtomic(file: string, data: string | Uint8Array, mode = 0o600, sync = true): void {
  const tmp = path.join(path.dirname(file), `.tmp-${process.pid}-${randomHex(6)}`);
  try {
    writeExclusive(tmp, data, mode, sync);
    fs.renameSync(tmp, file);
  } catch (error) {
    try {
      fs.unlinkSync(tmp); // the temporary file we created, by its unique name; nothing else
    } catch {
      // Not created, or already renamed.
    }
    throw error;
  }
}

const TEMPORARY_NAME = /^\.tmp-(\d+)-[0-9a-f]{12}$/;

/** The process id in a temporary file name of writeAtomic's (`.tmp-<pid>-<12 hex>`), or undefined for any other name. */
export function temporaryWriter(name: string): number | undefined {
  const match = TEMPORARY_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** Whether `file` is a symbolic link (dangling or not); false when there is nothing there. */
export function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * `bytes` random bytes as hex, for a temporary name: O_EXCL makes it safe (a name taken is an
 * error, never a write through someone's file) and the process id in the name makes it ours, so
 * the randomness only avoids our own collisions: Math.random, not Web Crypto, whose first use loads
 * Node's crypto modules (~3 ms, on every run that keeps a memo).
 */
function randomHex(bytes: number): string {
  let hex = '';
  while (hex.length < bytes * 2)
    hex += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return hex.slice(0, bytes * 2);
}
