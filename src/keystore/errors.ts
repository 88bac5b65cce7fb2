/**
 * Errors of the key stores. Each names the profile and the store, says what to do next, and never
 * holds a secret (nor a native message that might: see keyring-process.ts).
 *
 * Exit codes proposed for errors.ts's ExitCode (and the README's table):
 *   74 keyStore            a store cannot be used: key file corrupt, truncated, foreign or not
 *                          private; the keyring does not answer or fails; I/O errors (EX_IOERR)
 *   79 keyStorePassphrase  wrong passphrase for the encrypted file: nothing was changed and no
 *                          STS call was made (a code of mfa-exec's own, so scripts can tell it
 *                          from STS refusing, 77, and from config errors, 78)
 *   66 noTerminal          (existing) a passphrase is needed and there is no terminal and no
 *                          MFA_EXEC_FILE_PASSPHRASE
 */
import { ExitCode, MfaExecError, isMfaExecError } from '../errors.ts';

export const KeyStoreExitCode = {
  keyStore: 74,
  keyStorePassphrase: 79,
  noTerminal: ExitCode.noTerminal,
} as const;

export type KeyStoreErrorKind =
  | 'keystore-corrupt' // a key file or keyring entry that mfa-exec cannot read as its own
  | 'keystore-unavailable' // the keyring does not answer (no bus, no Secret Service, locked, hung)
  | 'keystore-io' // reading or writing the store failed (permissions, disk full, …)
  | 'keystore-passphrase' // the passphrase does not open the encrypted file
  | 'keystore-no-passphrase'; // a passphrase is needed and nothing can supply one

export class KeyStoreError extends MfaExecError {
  constructor(
    readonly kind: KeyStoreErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, exitCodeOf(kind), options);
  }
}

function exitCodeOf(kind: KeyStoreErrorKind): number {
  switch (kind) {
    case 'keystore-passphrase':
      return KeyStoreExitCode.keyStorePassphrase;
    case 'keystore-no-passphrase':
      return KeyStoreExitCode.noTerminal;
    default:
      return KeyStoreExitCode.keyStore;
  }
}

/** Recognises a KeyStoreError across bundles (by brand and kind, not instanceof). */
export function isKeyStoreError(error: unknown, kind?: KeyStoreErrorKind): error is KeyStoreError {
  if (!isMfaExecError(error)) return false;
  const k = (error as { kind?: unknown }).kind;
  return typeof k === 'string' && k.startsWith('keystore-') && (kind === undefined || k === kind);
}
