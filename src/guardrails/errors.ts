/** A guardrail's refusal: one paragraph naming the account, the profile and the file or setting that asked for it; exit 80. */
import { ExitCode, MfaExecError } from '../errors.ts';

export class RefusedError extends MfaExecError {
  constructor(message: string) {
    super(message, ExitCode.refused, { kind: 'guardrail' });
  }
}
