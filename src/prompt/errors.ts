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
