/**
 * The trust records: one private JSON file per project file decided on (`allow` or `deny`), in
 * ${XDG_DATA_HOME:-~/.local/share}/mfa-exec/trust (dirs.ts), named after the hash of the project
 * file's path, holding the path, the hash of the content decided on, the decision and that
 * content's restrictions (trust.ts says why). Read on the warm path when a project file is found
 * (one small private read: private-io.ts, never through a link, never a file another user could
 * have written); written atomically by `allow` and `deny`.
 */
import path from 'node:path';
import type { Logger } from '../log.ts';
import { readPrivate } from '../private-io.ts';
import { ensurePrivateDir, writeFileAtomic } from '../private-file.ts';
import { sha256Hex } from '../sha256.ts';
import type { Restrictions, TrustRecord } from './types.ts';

const VERSION = 1;
/** A record is a few hundred bytes; anything much bigger is not one of ours. */
const MAX_RECORD_BYTES = 64 * 1024;

export function recordPath(dir: string, file: string): string {
  return path.join(dir, `${sha256Hex(file).slice(0, 40)}.json`);
}

/** The record for the project file `file`, or undefined (none, or not one mfa-exec could have written: said). Never throws. */
export function readRecord(dir: string, file: string, logger: Logger): TrustRecord | undefined {
  const at = recordPath(dir, file);
  const read = readPrivate(at, { maxBytes: MAX_RECORD_BYTES });
  if (!read.ok) {
    if (read.problem !== 'missing') logger.warn(`ignoring the trust record ${at}: it is not a private file of yours (${read.problem})`);
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(read.data.toString('utf8'));
  } catch {
    value = undefined;
  }
  const record = asRecord(value);
  if (!record || record.path !== file) {
    logger.debug(`the trust record ${at} is not one for ${file}; ignoring it`);
    return undefined;
  }
  return record;
}

/** Writes the record (the directory made private first); throws CacheError when it cannot. */
export function writeRecord(dir: string, record: TrustRecord, logger: Logger): void {
  ensurePrivateDir(dir, logger, { what: 'trust directory', hint: 'set XDG_DATA_HOME to a directory you own.' });
  writeFileAtomic(recordPath(dir, record.path), JSON.stringify({ version: VERSION, ...record }) + '\n');
}

function asRecord(value: unknown): TrustRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (r.version !== VERSION || typeof r.path !== 'string' || typeof r.at !== 'string') return undefined;
  if (typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256)) return undefined;
  if (r.decision !== 'allow' && r.decision !== 'deny') return undefined;
  const restrictions = asRestrictions(r.restrictions);
  if (!restrictions) return undefined;
  return { path: r.path, sha256: r.sha256, decision: r.decision, at: r.at, restrictions };
}

function asRestrictions(value: unknown): Restrictions | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (typeof r.confirm !== 'boolean' || !strings(r.confirmPatterns)) return undefined;
  if (r.allowedAccountIds !== undefined && !strings(r.allowedAccountIds)) return undefined;
  const restrictions: Restrictions = { confirm: r.confirm, confirmPatterns: r.confirmPatterns };
  if (r.allowedAccountIds !== undefined) restrictions.allowedAccountIds = r.allowedAccountIds as string[];
  return restrictions;
}
