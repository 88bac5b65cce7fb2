/**
 * The JSON files the AWS CLI keeps beside its config (~/.aws/sso/cache, ~/.aws/login/cache), as
 * mfa-exec reads and writes them when it shares them: read as the CLI's own readers read them
 * (any mode, bounded, a FIFO never waited on), written back whole over what the file holds,
 * atomically and private (private-io.ts writeAtomic: a reader sees the old file or the new one,
 * and a failed write leaves the old one), keeping every field mfa-exec does not know. They hold
 * tokens: a write killed before its rename leaves a temporary copy, which the next write into the
 * same directory removes and says (private-file.ts removeStaleTemporaryFiles), as rotate and
 * import do beside the credentials file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './log.ts';
import { removeStaleTemporaryFiles } from './private-file.ts';
import { writeAtomic } from './private-io.ts';

const MAX_BYTES = 64 * 1024;

/** A JSON object from a file, bounded; or why it gives none (`does not exist`, …). Never throws. */
export function readJsonObject(file: string): { value: Record<string, unknown> } | { problem: string } {
  let text: string;
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) return { problem: 'is not a regular file' };
      if (stat.size > MAX_BYTES) return { problem: `is larger than ${MAX_BYTES} bytes` };
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? 'error'})` };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { value: value as Record<string, unknown> };
  } catch {
    // below
  }
  return { problem: 'is not a JSON object' };
}

/** A time as the CLI writes it: `2026-01-02T03:04:05Z`. */
export function cliTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Writes `fields` over what `file` holds now (kept in its order, fields mfa-exec does not know
 * included; `undefined` removes one), atomically, 0600, making the directory if needed (0700);
 * first removes the temporary files a killed write of ours left there. Throws the system's error;
 * the old file is then as it was.
 */
export function writeJsonFields(file: string, base: Record<string, unknown>, fields: Record<string, unknown>, logger: Logger): void {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeStaleTemporaryFiles(dir, logger, 'a copy of a sign-in cache file being written (a token)');
  writeAtomic(file, JSON.stringify(merged));
}
