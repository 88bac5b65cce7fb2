/**
 * The credential cache: one JSON file per STS step under ${XDG_CACHE_HOME:-~/.cache}/mfa-exec.
 *
 * Reads are synchronous and cheap (they are the whole of the warm path). A file is trusted only
 * if it is a regular file (not followed through a symlink), owned by us, readable by nobody
 * else, of our schema version, and not within 5 minutes of expiry; anything else is a miss.
 * Writes go to a fresh O_EXCL temporary file (mode 0600) in the same directory, fsync'd, then
 * renamed over the target, so a reader sees the old file or the new one and never a part.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { ExitCode, MfaExecError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { CacheRef } from './cache-key.ts';
import { isFresh, type Credentials } from './types.ts';

export const CACHE_SCHEMA_VERSION = 1;

export interface CacheEntry {
  version: number;
  kind: CacheRef['kind'];
  profile: string;
  mfaSerial?: string;
  roleArn?: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: string;
  createdAt: string;
}

export class CacheError extends MfaExecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.cache, options);
  }
}

export function cacheDir(env: NodeJS.ProcessEnv, homedir: string = os.homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.cache');
  return path.join(base, 'mfa-exec');
}

export function entryPath(dir: string, ref: Pick<CacheRef, 'kind' | 'key'>): string {
  return path.join(dir, `${ref.kind}-${ref.key}.json`);
}

/** The whole entry, fresh or not; undefined for a miss. Never throws. */
export function readEntry(dir: string, ref: Pick<CacheRef, 'kind' | 'key'>, logger: Logger): CacheEntry | undefined {
  const file = entryPath(dir, ref);
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the path must not block the warm path (fstat rejects it next).
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') logger.warn(`ignoring ${file}: it is a symbolic link, not a cache file written by mfa-exec`);
    else if (code !== 'ENOENT' && code !== 'ENOTDIR') logger.debug(`cache: cannot read ${file} (${code})`);
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    const uid = process.getuid?.();
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
      logger.warn(`ignoring ${file}: not a private regular file of this user (mode ${(stat.mode & 0o777).toString(8)}, owner ${stat.uid})`);
      return undefined;
    }
    const entry = JSON.parse(fs.readFileSync(fd, 'utf8')) as Partial<CacheEntry>;
    if (!isEntry(entry)) {
      logger.debug(`cache: ${path.basename(file)} is not of schema version ${CACHE_SCHEMA_VERSION}; ignoring it`);
      return undefined;
    }
    return entry;
  } catch {
    logger.debug(`cache: ${path.basename(file)} is unreadable or corrupt; ignoring it`);
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Fresh credentials from the cache (at least 5 minutes left), or undefined. */
export function readCredentials(
  dir: string,
  ref: Pick<CacheRef, 'kind' | 'key'>,
  now: number,
  logger: Logger,
): Credentials | undefined {
  const entry = readEntry(dir, ref, logger);
  if (!entry) return undefined;
  const creds = toCredentials(entry);
  if (!isFresh(creds, now)) {
    logger.debug(`cache: ${ref.kind} credentials for '${entry.profile}' expire at ${entry.expiration}: too close, not reused`);
    return undefined;
  }
  return creds;
}

export function toCredentials(entry: CacheEntry): Credentials {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration: new Date(entry.expiration),
  };
}

function isEntry(value: Partial<CacheEntry>): value is CacheEntry {
  return (
    typeof value === 'object' &&
    value !== null &&
    value.version === CACHE_SCHEMA_VERSION &&
    (value.kind === 'session' || value.kind === 'role') &&
    typeof value.accessKeyId === 'string' &&
    typeof value.secretAccessKey === 'string' &&
    typeof value.expiration === 'string' &&
    !Number.isNaN(Date.parse(value.expiration))
  );
}

/**
 * Makes sure the cache directory is ours and private. A directory that is too open is fixed
 * (chmod 0700) and said so; one that is a symlink or owned by someone else is refused.
 */
export function ensureCacheDir(dir: string, logger: Logger): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CacheError(`Cannot create the cache directory ${dir}: ${describeErrno(error)}. Set XDG_CACHE_HOME to a directory you own.`, { cause: error });
  }
  const stat = fs.lstatSync(dir);
  const uid = process.getuid?.();
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new CacheError(`The cache directory ${dir} is a symbolic link or not a directory; mfa-exec will not write credentials through it. Remove it (mfa-exec recreates it) or set XDG_CACHE_HOME.`);
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw new CacheError(`The cache directory ${dir} belongs to uid ${stat.uid}, not to you (uid ${uid}); mfa-exec will not keep credentials there. Remove it or set XDG_CACHE_HOME to a directory you own.`);
  }
  if ((stat.mode & 0o077) !== 0) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch (error) {
      throw new CacheError(`The cache directory ${dir} has mode ${(stat.mode & 0o777).toString(8)} and cannot be made private: ${describeErrno(error)}.`, { cause: error });
    }
    logger.warn(`the cache directory ${dir} had mode ${(stat.mode & 0o777).toString(8)}; changed it to 700 so only you can read it`);
  }
}

/** The directory is ours, private, and not a symlink: what ensureCacheDir insists on, checked quietly. */
export function isPrivateDir(dir: string): boolean {
  try {
    const stat = fs.lstatSync(dir);
    const uid = process.getuid?.();
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

export function writeEntry(dir: string, ref: CacheRef, creds: Credentials, now: number): void {
  if (!creds.expiration) return;
  const entry: CacheEntry = {
    version: CACHE_SCHEMA_VERSION,
    kind: ref.kind,
    ...ref.describe,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    expiration: creds.expiration.toISOString(),
    createdAt: new Date(now).toISOString(),
  };
  writeFileAtomic(entryPath(dir, ref), JSON.stringify(entry) + '\n');
}

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
    throw new CacheError(`Cannot write the cache file ${file}: ${describeErrno(error)}.`, { cause: error });
  }
}

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
