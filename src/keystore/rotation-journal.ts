/**
 * What a `rotate` in progress has done, so that the next one can finish it after a kill: a small
 * private file per profile beside the key files (`<key file name>.rotating`), no secret in it (the
 * IAM user, the old key's id, when CreateAccessKey was sent, the new key's id once IAM answered).
 * Written before CreateAccessKey, updated when the new key exists, removed once the rotation is
 * settled (done, or undone). A rotate that finds one knows which of the user's keys it made.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { describeErrno, writeFileAtomic } from '../private-file.ts';
import { readPrivate } from '../private-io.ts';
import { fileNameOf } from './file-name.ts';
import { ensureKeysDir } from './keys-dir.ts';

export interface RotationRecord {
  profile: string;
  /** The IAM user whose key is rotated. */
  user: string;
  oldKeyId: string;
  /** When CreateAccessKey was about to be sent (ms since the epoch). */
  startedAt: number;
  /** The new key's id, once CreateAccessKey answered. */
  newKeyId?: string;
}

export interface RotationJournal {
  /** Where the record is kept, for messages. */
  readonly file: string;
  read(): RotationRecord | undefined;
  write(record: RotationRecord): void;
  clear(): void;
}

const MAX_BYTES = 64 * 1024;

/** The journal of `profile`'s rotation in the key directory `dir`. */
export function rotationJournal(dir: string, profile: string, logger: Logger): RotationJournal {
  const name = fileNameOf(profile);
  const file = path.join(dir, `${name ?? 'unnamable'}.rotating`);
  return {
    file,
    read() {
      if (name === undefined) return undefined;
      const read = readPrivate(file, { maxBytes: MAX_BYTES });
      if (!read.ok) return undefined;
      try {
        const r = JSON.parse(read.data.toString('utf8')) as Partial<RotationRecord> & { version?: unknown };
        const ok =
          r.version === 1 &&
          r.profile === profile &&
          typeof r.user === 'string' &&
          typeof r.oldKeyId === 'string' &&
          typeof r.startedAt === 'number' &&
          (r.newKeyId === undefined || typeof r.newKeyId === 'string');
        return ok
          ? { profile, user: r.user!, oldKeyId: r.oldKeyId!, startedAt: r.startedAt!, ...(r.newKeyId ? { newKeyId: r.newKeyId } : {}) }
          : undefined;
      } catch {
        return undefined;
      }
    },
    write(record) {
      // Before a key exists: a rotation that cannot be recorded is not started (CacheError → 73).
      ensureKeysDir(dir, logger);
      writeFileAtomic(file, JSON.stringify({ version: 1, ...record }) + '\n');
    },
    clear() {
      try {
        fs.unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          logger.warn(`cannot remove ${file} (${describeErrno(error)}); remove it by hand`);
      }
    },
  };
}
