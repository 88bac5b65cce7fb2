/**
 * AWS accepts each MFA code once. After a code was accepted we keep a hash of it and the time,
 * per device, in the cache directory, so that neither a second prompt nor a second process
 * sends the same code again within its validity (the 30 s window plus AWS's ±30 s tolerance).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { isPrivateDir, writeFileAtomic } from '../private-file.ts';

export const CODE_REUSE_WINDOW_MS = 90_000;

interface UsedCode {
  codeHash: string;
  at: number;
}

function file(dir: string, serial: string): string {
  return path.join(dir, `mfa-used-${digest(serial).slice(0, 32)}.json`);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function lastUsed(dir: string, serial: string): UsedCode | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(file(dir, serial), 'utf8')) as UsedCode;
    return typeof value.at === 'number' && typeof value.codeHash === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function wasUsed(dir: string, serial: string, code: string, now: number): boolean {
  const used = lastUsed(dir, serial);
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
    writeFileAtomic(file(dir, serial), JSON.stringify({ codeHash: digest(`${serial}\0${code}`), at: now }) + '\n');
  } catch {
    // Best effort: losing this record only means AWS, not we, refuses a reused code.
  }
}
