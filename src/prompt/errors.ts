/** The two ways a question can end without an answer, the same for every driver. */
import { ExitCode, MfaExecError } from '../errors.ts';

/** No one can be asked (no terminal, or the `none` driver): exit 66, with the caller's next step. */
export class NoTerminalError extends MfaExecError {
  constructor(message: string) {
    super(message, ExitCode.noTerminal, { kind: 'no-terminal' });
  }
}

/** The person cancelled (Ctrl-C, Ctrl-D, a hang-up, a dialog's Cancel): exit 130. */
export class PromptCancelledError extends MfaExecError {
  constructor(title: string) {
    super(`${title} cancelled.`, ExitCode.cancelled, { kind: 'cancelled' });
  }
}

/** What a question says when it did not say what to do without a terminal. */
export function unanswerable(message: string | undefined, title: string): NoTerminalError {
  return new NoTerminalError(message ?? `${title}: there is no terminal to ask on.`);
}

/**
 * A driver that cannot ask at all (no desktop session, its program missing, no YubiKey): exit 66,
 * saying why, then what the question says to do instead.
 */
export function cannotAsk(why: string, title: string, nextStep: string | undefined): NoTerminalError {
  return new NoTerminalError(`${title}: ${why}.${nextStep ? ` ${nextStep}` : ''}`);
}

/** A dialog or a device that got no answer in time (MFA_EXEC_PROMPT_TIMEOUT): exit 66, like no one to ask. */
export function promptTimedOut(title: string, what: string, timeoutMs: number): NoTerminalError {
  const error = new NoTerminalError(
    `${title}: ${what} got no answer in ${Math.round(timeoutMs / 1000)} s (MFA_EXEC_PROMPT_TIMEOUT) and was closed; nothing was sent.`,
  );
  // A person was asked and did not answer (credentials/declined.ts tells runs waiting for the same code).
  return Object.assign(error, { timedOut: true });
}
