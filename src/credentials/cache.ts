/**
 * The credential cache: one JSON file per STS step under ${XDG_CACHE_HOME:-~/.cache}/mfa-exec.
 *
 * Reads are synchronous and cheap (they are the whole of the warm path): the directory is opened
 * once and checked (ours, private, not a symlink: private-file.ts openPrivateDir), the entry is
 * read relative to it. An entry is used only if its file is private, of our schema version,
 * recorded for exactly the request asked for (cache-key.ts), well-formed (strings are strings,
 * an expiry no later than the duration asked for allows), and not within 5 minutes of expiry;
 * anything else is a miss. Writes are atomic (private-file.ts).
 */
import path from 'node:path';
import type { Logger } from '../log.ts';
import { ensurePrivateDir, withPrivateDir, writeFileAtomic } from '../private-file.ts';
import { canonical, type CacheRef, type StepRequest } from './cache-key.ts';
import type { Credentials } from '../aws/credentials.ts';
import { isFresh } from './fresh.ts';

/** 2: entries record their request (1 had only a description; its entries are simply misses). */
export const CACHE_SCHEMA_VERSION = 2;

/** The longest STS gives: GetSessionToken 36 h, AssumeRole 12 h; a temporary source: its kind's lifetime, at most 12 h. */
const MAX_SECONDS: Record<CacheRef['kind'], number> = { session: 129_600, role: 43_200, source: 43_200 };
/** Leeway for our own clock moving back between the write and a read. */
const CLOCK_LEEWAY_MS = 5 * 60 * 1000;

export interface CacheEntry {
  version: number;
  kind: CacheRef['kind'];
  request: StepRequest;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: string;
  createdAt: string;
}

/** Makes sure the cache directory is ours and private (see ensurePrivateDir); throws CacheError. */
export function ensureCacheDir(dir: string, logger: Logger): void {
  ensurePrivateDir(dir, logger, { what: 'cache directory', hint: 'set XDG_CACHE_HOME to a directory you own.' });
}

/** The names entryName gives, and nothing else. */
export const ENTRY_NAME = /^(session|role|source)-[0-9a-f]{40}\.json$/;

export function entryName(ref: Pick<CacheRef, 'kind' | 'key'>): string {
  return `${ref.kind}-${ref.key}.json`;
}

export function entryPath(dir: string, ref: Pick<CacheRef, 'kind' | 'key'>): string {
  return path.join(dir, entryName(ref));
}

/** The entry for `ref`, fresh or not; undefined for a miss. Never throws. */
export function readEntry(dir: string, ref: CacheRef, now: number, logger: Logger): CacheEntry | undefined {
  const name = entryName(ref);
  const text = withPrivateDir(dir, (d) => d.read(name, logger), refusedDir(dir, logger));
  return usableEntry(parseEntryText(text, name, logger), ref, now, logger);
}

export function refusedDir(dir: string, logger: Logger): (problem: string) => void {
  return (problem) => logger.debug(`cache: the directory ${dir} ${problem}; not reading from it`);
}

/** A cache file's JSON value; undefined when there is no file or it is not JSON. */
export function parseEntryText(text: string | undefined, name: string, logger: Logger): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    logger.debug(`cache: ${name} is corrupt; ignoring it`);
    return undefined;
  }
}

/** `value` (a parsed file) as the entry for `ref`, if it is one (see entryProblem). */
export function usableEntry(value: unknown, ref: CacheRef, now: number, logger: Logger): CacheEntry | undefined {
  if (value === undefined) return undefined;
  const problem = entryProblem(value, ref, now);
  if (problem) {
    logger.debug(`cache: ${entryName(ref)} ${problem}; ignoring it`);
    return undefined;
  }
  return value as CacheEntry;
}

/** Fresh credentials from the cache (at least 5 minutes left), or undefined. */
export function readCredentials(dir: string, ref: CacheRef, now: number, logger: Logger): Credentials | undefined {
  const entry = readEntry(dir, ref, now, logger);
  if (!entry) return undefined;
  const creds = toCredentials(entry);
  if (!isFresh(creds, now)) {
    logger.debug(`cache: ${ref.kind} credentials for '${entry.request.profile}' expire at ${entry.expiration}: too close, not reused`);
    return undefined;
  }
  return creds;
}

function toCredentials(entry: CacheEntry): Credentials {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration: new Date(entry.expiration),
  };
}

/** Why `value` is not a usable entry for `ref`, or undefined when it is one. Pure. */
function entryProblem(value: unknown, ref: CacheRef, now: number): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const e = value as Record<string, unknown>;
  if (e.version !== CACHE_SCHEMA_VERSION) return `is not of schema version ${CACHE_SCHEMA_VERSION}`;
  if (e.kind !== ref.kind) return `is not a ${ref.kind} entry`;
  if (!isRequest(e.request) || canonical(e.request) !== canonical(ref.request)) return 'was fetched for another request';
  if (!isCredentialText(e.accessKeyId, 128) || !isCredentialText(e.secretAccessKey, 1024)) return 'holds malformed keys';
  if (e.sessionToken !== undefined && !isCredentialText(e.sessionToken, 16_384)) return 'holds a malformed session token';
  if (typeof e.createdAt !== 'string') return 'has no creation time';
  const expiration = typeof e.expiration === 'string' ? Date.parse(e.expiration) : NaN;
  if (!Number.isFinite(expiration)) return 'has no valid expiry';
  // STS never gives more than it was asked for, nor more than its maximum: an expiry further ahead is not ours.
  const longest = Math.min(ref.request.durationSeconds, MAX_SECONDS[ref.kind]) * 1000;
  if (expiration - now > longest + CLOCK_LEEWAY_MS) return `expires later than the ${ref.request.durationSeconds} s asked for allow`;
  return undefined;
}

/** A key, secret or token: a non-empty string of printable ASCII without spaces, of bounded length. */
function isCredentialText(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength && /^[\x21-\x7e]+$/.test(value);
}

function isRequest(value: unknown): value is StepRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const optional = (v: unknown) => v === undefined || typeof v === 'string';
  return (
    typeof r.endpoint === 'string' &&
    typeof r.source === 'string' &&
    typeof r.profile === 'string' &&
    typeof r.durationSeconds === 'number' &&
    optional(r.mfaSerial) &&
    optional(r.roleArn) &&
    optional(r.externalId) &&
    optional(r.sessionName) &&
    optional(r.parent)
  );
}

/** Writes one step's credentials with the request they answer (only those with an expiry: STS answers always have one). */
export function writeEntry(dir: string, ref: CacheRef, creds: Credentials, now: number): void {
  if (!creds.expiration) return;
  const entry: CacheEntry = {
    version: CACHE_SCHEMA_VERSION,
    kind: ref.kind,
    request: ref.request,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    expiration: creds.expiration.toISOString(),
    createdAt: new Date(now).toISOString(),
  };
  writeFileAtomic(entryPath(dir, ref), JSON.stringify(entry) + '\n');
}
