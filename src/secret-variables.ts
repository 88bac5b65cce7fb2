/**
 * mfa-exec's own variables that hold a secret: an MFA code (spent once used), and the encrypted
 * key files' passphrase (ours, and aws-vault's name for it). settings.ts reads them; every
 * environment mfa-exec builds for another program leaves them out: the command (wrapped, served by
 * --server, or run untouched), mfa_process, a source's credential_process, the keyring's child, a
 * dialog, ykman or notify-send (prompt/dialog.ts), the browser opener (open-url.ts).
 * None of them needs one, and a nested mfa-exec that needs the passphrase asks through its prompt
 * like any other run. A leaf: the warm bundle holds it.
 */
export const SECRET_VARIABLES = ['MFA_EXEC_MFA_TOKEN', 'MFA_EXEC_FILE_PASSPHRASE', 'AWS_VAULT_FILE_PASSPHRASE'] as const;

/** A copy of `env` without SECRET_VARIABLES. */
export function withoutSecrets<T extends Readonly<Record<string, string | undefined>>>(env: T): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of SECRET_VARIABLES) delete out[name];
  return out;
}
