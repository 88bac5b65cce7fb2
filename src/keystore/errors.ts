/**
 * Errors of the key stores. Each names the profile and the store, says what to do next, and never
 * holds a secret (nor a native message that might: see keyring-process.ts).
 *
 * Exit codes (errors.ts, README "Exit codes"):
 *   74 keyStore            a store cannot be used: key file corrupt, truncated, foreign or not
 *                          private; the keyring does not answer or fails; I/O errors (EX_IOERR)
 *   79 keyStorePassphrase  wrong passphrase for the encrypted file: nothing was changed and no
 *                          STS call was made (a code of mfa-exec's own, so scripts can tell it
 *                          from STS refusing, 77, and from config errors, 78)
 *   66 noTerminal          (kind 'no-terminal', like the MFA prompt) a passphrase is needed and
 *                          there is no terminal and no MFA_EXEC_FILE_PASSPHRASE
 */
import { ExitCode, MfaExecError, isMfaExecError, type KeyStoreErrorKind } from '../errors.ts';

export type { KeyStoreErrorKind };

export class KeyStoreError extends MfaExecError {
  declare readonly kind: KeyStoreErrorKind;
  constructor(kind: KeyStoreErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, exitCodeOf(kind), { ...options, kind });
  }
}

function exitCodeOf(kind: KeyStoreErrorKind): number {
  switch (kind) {
    case 'keystore-passphrase':
      return ExitCode.keyStorePassphrase;
    default:
      return ExitCode.keyStore;
  }
}

/** Recognises a KeyStoreError across bundles (by brand and kind, not instanceof). */
export function isKeyStoreError(error: unknown, kind?: KeyStoreErrorKind): error is KeyStoreError {
  if (!isMfaExecError(error)) return false;
  return error.kind.startsWith('keystore-') && (kind === undefined || error.kind === kind);
}
