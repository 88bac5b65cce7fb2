/**
 * The IAM Identity Center sign-in for where no browser on this machine can come back to it (over
 * SSH, --no-browser) and for profiles of the legacy form (the AWS CLI's choice too): the device
 * authorization grant (RFC 8628). The person opens the verification page anywhere and confirms
 * the code shown; meanwhile CreateToken is polled every `interval` seconds, never sooner (a poll
 * within the interval earns a SlowDownException, which adds 5 s to it), until the code is
 * confirmed, refused or expired. Ctrl-C ends the wait (exit 130).
 */
import { ExitCode, MfaExecError } from '../errors.ts';
import { NoTerminalError, PromptCancelledError } from '../prompt/errors.ts';
import type { AwsPlace } from '../aws/client.ts';
import { createToken, type DeviceAuthorization, type IssuedToken, type OidcError, type Registration } from '../aws/sso-oidc.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const SLOW_DOWN_STEP_S = 5;
const CANCEL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface PollOptions {
  now: () => number;
  /** Waits `ms` (tests pass a clock that does not sleep); rejects when the wait is cancelled. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** CreateToken (tests pass a fake). */
  createToken?: typeof createToken;
}

/** Polls until the person confirms the code; the token then. */
export async function pollForToken(
  registration: Registration,
  device: DeviceAuthorization,
  place: AwsPlace,
  options: PollOptions,
): Promise<IssuedToken> {
  const sleep = options.sleep ?? defaultSleep;
  const create = options.createToken ?? createToken;
  const deadline = options.now() + device.expiresIn * 1000;
  let interval = device.interval;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  for (const s of CANCEL_SIGNALS) process.on(s, onSignal);
  try {
    for (;;) {
      try {
        await sleep(interval * 1000, abort.signal);
      } catch {
        throw new PromptCancelledError('IAM Identity Center sign-in');
      }
      if (options.now() >= deadline) throw expired();
      try {
        return await create(registration, { grantType: DEVICE_GRANT, deviceCode: device.deviceCode }, place);
      } catch (error) {
        const exception = (error as Partial<OidcError>).exception;
        if (exception === undefined) throw error;
        if (exception === 'AuthorizationPendingException') continue;
        if (exception === 'SlowDownException') {
          interval += SLOW_DOWN_STEP_S;
          continue;
        }
        if (exception === 'ExpiredTokenException') throw expired();
        if (exception === 'AccessDeniedException') {
          throw new MfaExecError(
            'The IAM Identity Center sign-in was refused at the verification page. Run the command again to sign in anew.',
            ExitCode.stsDenied,
          );
        }
        throw error;
      }
    }
  } finally {
    for (const s of CANCEL_SIGNALS) process.off(s, onSignal);
  }
}

function expired(): NoTerminalError {
  return new NoTerminalError(
    'The IAM Identity Center sign-in code expired before anyone confirmed it. Run the command again to get a new one.',
  );
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('cancelled'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
