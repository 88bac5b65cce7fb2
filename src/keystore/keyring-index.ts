/**
 * Which profiles mfa-exec has put in the OS keyring: a small file of names, no secret, beside the
 * encrypted key files (keys-dir.ts). Listing the keyring itself costs a child process and, on
 * some platforms, an unlock dialog; `list` and `doctor` read this file instead. It is updated by
 * every set and remove that mfa-exec makes (add, import, rotate, remove), so an entry made or
 * deleted by other means is not reflected until then: it is a hint for display, never a reason
 * to skip a real lookup.
 */
import path from 'node:path';
import type { Logger } from '../log.ts';
import { writeFileAtomic } from '../private-file.ts';
import { readPrivate } from '../private-io.ts';
import { ensureKeysDir } from './keys-dir.ts';

const INDEX_NAME = 'keyring-profiles.json';
const MAX_BYTES = 1024 * 1024;

export function keyringIndexFile(keysDirectory: string): string {
  return path.join(keysDirectory, INDEX_NAME);
}

/** The profiles the index names; empty when there is none, it is unreadable, or not a private file of ours. Never throws. */
export function readKeyringIndex(file: string): Set<string> {
  const read = readPrivate(file, { maxBytes: MAX_BYTES });
  if (!read.ok) return new Set();
  try {
    const value = JSON.parse(read.data.toString('utf8')) as { version?: unknown; profiles?: unknown };
    if (value.version !== 1 || !Array.isArray(value.profiles)) return new Set();
    return new Set(value.profiles.filter((p): p is string => typeof p === 'string'));
  } catch {
    return new Set();
  }
}

/** Adds or drops one profile; a failure is said on the logger and otherwise ignored (the keyring is the truth). */
export function updateKeyringIndex(file: string, profile: string, present: boolean, logger: Logger): void {
  try {
    const profiles = readKeyringIndex(file);
    if (profiles.has(profile) === present) return;
    if (present) profiles.add(profile);
    else profiles.delete(profile);
    ensureKeysDir(path.dirname(file), logger);
    writeFileAtomic(file, JSON.stringify({ version: 1, profiles: [...profiles].sort() }) + '\n');
  } catch (error) {
    logger.warn(`cannot update ${file} (${(error as Error).message}); 'mfa-exec list' may not show where the keys of '${profile}' are`);
  }
}
