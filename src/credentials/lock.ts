/**
 * One cross-process lock per MFA session (chain root), so that `make -j8` or parallel
 * terragrunt ask for one code and make one GetSessionToken while the others wait and then
 * read the cache. proper-lockfile takes the lock with mkdir (atomic on every local file
 * system), keeps it fresh while held, and treats a lock left by a killed process as stale
 * after STALE_MS, so a SIGKILL never makes the next run wait forever.
 */
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ExitCode, MfaExecError } from '../errors.ts';
import type { Logger } from '../log.ts';

const STALE_MS = 10_000;
const RETRY_MS = 150;
/** A holder may be waiting for a human at the MFA prompt: wait for it, but not forever. */
const LOCK_WAIT_MS = 10 * 60 * 1000;

/**
 * Takes the lock `key`, waiting up to `waitMs` for another holder; then throws `busy()` if given
 * (the `none` prompt never waits long for a holder that may be waiting for a person), else a
 * lock timeout (75).
 */
export async function acquireLock(
  dir: string,
  key: string,
  logger: Logger,
  waitMs = LOCK_WAIT_MS,
  busy?: () => MfaExecError,
): Promise<() => Promise<void>> {
  const lockPath = path.join(dir, `lock-${key}`);
  const options = {
    realpath: false,
    lockfilePath: lockPath,
    stale: STALE_MS,
    update: STALE_MS / 4,
    onCompromised: (error: Error) => logger.debug(`lock ${path.basename(lockPath)} was taken over: ${error.message}`),
  };
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      const release = await lockfile.lock(lockPath, { ...options, retries: 0 });
      if (announced) logger.debug(`lock acquired after ${Date.now() - started} ms`);
      return () => release().catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new MfaExecError(`Cannot take the cache lock ${lockPath}: ${(error as Error).message}.`, ExitCode.cantCreate, {
          cause: error,
        });
      }
    }
    if (!announced) {
      logger.debug('another mfa-exec is fetching these credentials (perhaps waiting at its MFA prompt); waiting for it');
      announced = true;
    }
    if (Date.now() - started > waitMs) {
      if (busy) throw busy();
      throw new MfaExecError(
        `Another mfa-exec process held the lock ${lockPath} for over ${Math.round(waitMs / 1000)} s. If none is running, delete that directory and try again.`,
        ExitCode.lockTimeout,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
