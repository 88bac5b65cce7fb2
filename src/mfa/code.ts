/** MFA code validation, shared by every token source. Pure. */
import { ExitCode, MfaExecError } from '../errors.ts';

export class MfaInputError extends MfaExecError {
  constructor(message: string) {
    super(message, ExitCode.mfaInput, { kind: 'mfa-input' });
  }
}

/**
 * Spaces and a trailing newline are dropped ("123 456" pasted from an authenticator app);
 * anything else that is not exactly `length` digits is refused with the reason.
 */
export function normalizeCode(input: string, length: number): { code: string } | { problem: string } {
  const compact = input.replace(/\s+/g, '');
  if (compact === '') return { problem: 'no code was entered' };
  if (!/^\d+$/.test(compact)) return { problem: 'an MFA code has digits only' };
  if (compact.length !== length) return { problem: `an MFA code has ${length} digits, not ${compact.length}` };
  return { code: compact };
}
