/**
 * Files only this user can read, in directories only this user can enter: the credential cache,
 * the record of used MFA codes. A file is trusted only if it is a regular file (not reached
 * through a symlink), owned by us and readable by nobody else. Writes go to a fresh O_EXCL
 * temporary file (mode 0600) in the same directory, fsync'd, then renamed over the target, so a
 * reader sees the old file or the new one and never a part.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CacheError } from './errors.ts';
import type { Logger } from './log.ts';

/** A private regular file's text; undefined when missing or untrustworthy (said on the logger). Never throws. */
export function readPrivateFile(file: string, logger: Logger): string | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the path must not block us (fstat rejects it next).
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') logger.warn(`ignoring ${file}: it is a symbolic link, not a file written by mfa-exec`);
    else if (code !== 'ENOENT' && code !== 'ENOTDIR') logger.debug(`cannot read ${file} (${code})`);
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    const uid = process.getuid?.();
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
      logger.warn(`ignoring ${file}: not a private regular file of this user (mode ${(stat.mode & 0o777).toString(8)}, owner ${stat.uid})`);
      return undefined;
    }
    return fs.readFileSync(fd, 'utf8');
  } catch {
    logger.debug(`${path.basename(file)} is unreadable; ignoring it`);
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Makes sure `dir` is ours and private. A directory that is too open is fixed (chmod 0700) and
 * said so; one that is a symlink or owned by someone else is refused. `what` names the directory
 * ("cache directory"), `hint` tells the user how to point mfa-exec elsewhere.
 */
export function ensurePrivateDir(dir: string, logger: Logger, place: { what: string; hint: string }): void {
  const { what, hint } = place;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CacheError(`Cannot create the ${what} ${dir}: ${describeErrno(error)}; ${hint}`, { cause: error });
  }
  const stat = fs.lstatSync(dir);
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
}

/** The directory is ours, private, and not a symlink: what ensurePrivateDir insists on, checked quietly. */
export function isPrivateDir(dir: string): boolean {
  try {
    const stat = fs.lstatSync(dir);
    const uid = process.getuid?.();
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Writes `text` to `file` atomically with mode 0600; throws CacheError (no temporary file left). */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw new CacheError(`Cannot write the file ${file}: ${describeErrno(error)}.`, { cause: error });
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
