/**
 * The credential cache: one JSON file per STS step under ${XDG_CACHE_HOME:-~/.cache}/mfa-exec.
 *
 * Reads are synchronous and cheap (they are the whole of the warm path). An entry is used only
 * if its file is private (private-file.ts), of our schema version, and not within 5 minutes of
 * expiry; anything else is a miss. Writes are atomic (private-file.ts).
 */
import path from 'node:path';
import type { Logger } from '../log.ts';
import { ensurePrivateDir, readPrivateFile, writeFileAtomic } from '../private-file.ts';
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

export function cacheDir(env: NodeJS.ProcessEnv, homedir: string): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.cache');
  return path.join(base, 'mfa-exec');
}

/** Makes sure the cache directory is ours and private (see ensurePrivateDir); throws CacheError. */
export function ensureCacheDir(dir: string, logger: Logger): void {
  ensurePrivateDir(dir, logger, { what: 'cache directory', hint: 'set XDG_CACHE_HOME to a directory you own.' });
}

export function entryPath(dir: string, ref: Pick<CacheRef, 'kind' | 'key'>): string {
  return path.join(dir, `${ref.kind}-${ref.key}.json`);
}

/** The whole entry, fresh or not; undefined for a miss. Never throws. */
export function readEntry(dir: string, ref: Pick<CacheRef, 'kind' | 'key'>, logger: Logger): CacheEntry | undefined {
  const file = entryPath(dir, ref);
  const text = readPrivateFile(file, logger);
  if (text === undefined) return undefined;
  let entry: Partial<CacheEntry>;
  try {
    entry = JSON.parse(text) as Partial<CacheEntry>;
  } catch {
    logger.debug(`cache: ${path.basename(file)} is corrupt; ignoring it`);
    return undefined;
  }
  if (!isEntry(entry)) {
    logger.debug(`cache: ${path.basename(file)} is not of schema version ${CACHE_SCHEMA_VERSION}; ignoring it`);
    return undefined;
  }
  return entry;
}

/** Fresh credentials from the cache (at least 5 minutes left), or undefined. */
export function readCredentials(dir: string, ref: Pick<CacheRef, 'kind' | 'key'>, now: number, logger: Logger): Credentials | undefined {
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

/** Writes one step's credentials (only those with an expiry: STS answers always have one). */
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
