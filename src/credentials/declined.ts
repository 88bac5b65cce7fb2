/**
 * Parallel runs needing the same code (an IDE making five calls at once, `make -j8`) wait for the
 * chain's lock while one of them asks. When the person declines that question (Cancel, Escape,
 * Ctrl-C) or leaves it unanswered past MFA_EXEC_PROMPT_TIMEOUT, the runs that waited must not
 * ask again one after another: the asking run leaves a note in the cache directory before it lets
 * go of the lock, and a run that took the lock after waiting for it, and finds a note newer than
 * its wait, fails the same way (130 or 66) without asking. `clear` removes the note with the
 * chain's cache entries (remove-entries.ts).
 */
import path from 'node:path';
import { ExitCode, isMfaExecError, MfaExecError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { withPrivateDir, writeFileAtomic } from '../private-file.ts';
import { isPrivateDir } from '../private-io.ts';

interface Declined {
  at: number;
  how: 'cancelled' | 'timeout';
}

const fileName = (lockKey: string) => `declined-${lockKey}.json`;

/** A note's file name; the group is the chain's lock key (cache-key.ts). */
export const DECLINED_NAME = /^declined-([0-9a-f]{40})\.json$/;

/** How the question that failed with `error` was declined, if a person declined it. */
export function declinedBy(error: unknown): Declined['how'] | undefined {
  if (isMfaExecError(error, 'cancelled')) return 'cancelled';
  if (isMfaExecError(error, 'no-terminal') && (error as { timedOut?: unknown }).timedOut === true) return 'timeout';
  return undefined;
}

/** Leaves the note (best effort: without it, a waiting run merely asks again). */
export function noteDeclined(dir: string, lockKey: string, how: Declined['how'], now: number): void {
  if (!isPrivateDir(dir)) return;
  try {
    writeFileAtomic(path.join(dir, fileName(lockKey)), JSON.stringify({ at: now, how }) + '\n');
  } catch {
    // best effort
  }
}

/** The error to fail with when a question for this chain was declined at or after `since`. */
export function declinedSince(dir: string, lockKey: string, since: number, profile: string, logger: Logger): MfaExecError | undefined {
  const text = withPrivateDir(dir, (d) => d.read(fileName(lockKey), logger));
  if (text === undefined) return undefined;
  let note: Partial<Declined>;
  try {
    note = JSON.parse(text) as Partial<Declined>;
  } catch {
    return undefined;
  }
  if (typeof note.at !== 'number' || note.at < since) return undefined;
  const what = `The prompt for profile '${profile}' in another mfa-exec`;
  return note.how === 'cancelled'
    ? new MfaExecError(`${what} was cancelled while this one waited for it; not asking again.`, ExitCode.cancelled, { kind: 'cancelled' })
    : new MfaExecError(`${what} got no answer in time while this one waited for it; not asking again.`, ExitCode.noTerminal, {
        kind: 'no-terminal',
      });
}
