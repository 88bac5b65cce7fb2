/**
 * AWS accepts each MFA code once. After a code was accepted we keep a hash of it and the time,
 * per device, in the cache directory, so that neither a second prompt nor a second process
 * sends the same code again within its validity (the 30 s window plus AWS's ±30 s tolerance).
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { silentLogger, type Logger } from '../log.ts';
import { withPrivateDir, writeFileAtomic } from '../private-file.ts';
import { isPrivateDir } from '../private-io.ts';

export const CODE_REUSE_WINDOW_MS = 90_000;

interface UsedCode {
  codeHash: string;
  at: number;
}

/** `mfa-used-<32 hex>.json` (`clear` keeps these: it removes only entries, by their names). */
function fileName(serial: string): string {
  return `mfa-used-${digest(serial).slice(0, 32)}.json`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The last code recorded for the device, read like a cache entry: from our private directory, a
 * private regular file only (a FIFO or a symlink planted at the path is ignored, never waited on).
 */
export function lastUsed(dir: string, serial: string, logger: Logger = silentLogger): UsedCode | undefined {
  const text = withPrivateDir(dir, (d) => d.read(fileName(serial), logger));
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<UsedCode> | null;
    return typeof value?.at === 'number' && Number.isFinite(value.at) && typeof value.codeHash === 'string'
      ? { at: value.at, codeHash: value.codeHash }
      : undefined;
  } catch {
    return undefined;
  }
}

export function wasUsed(dir: string, serial: string, code: string, now: number, logger: Logger = silentLogger): boolean {
  const used = lastUsed(dir, serial, logger);
  return used !== undefined && now - used.at < CODE_REUSE_WINDOW_MS && used.codeHash === digest(`${serial}\0${code}`);
}

/** Seconds until the authenticator shows a code different from the one used at `at`. */
export function secondsToNextCode(at: number, now: number): number {
  const windowEnd = (Math.floor(at / 30_000) + 1) * 30_000;
  return Math.max(0, Math.ceil((windowEnd - now) / 1000));
}

export function recordUsed(dir: string, serial: string, code: string, now: number): void {
  if (!isPrivateDir(dir)) return; // a cache directory we refused (foreign, open, symlinked) gets nothing
  try {
    writeFileAtomic(path.join(dir, fileName(serial)), JSON.stringify({ codeHash: digest(`${serial}\0${code}`), at: now }) + '\n');
  } catch {
    // Best effort: losing this record only means AWS, not we, refuses a reused code.
  }
}
