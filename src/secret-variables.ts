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

/**
 * AWS credentials in the environment (a wrapped command's, or --server's token): a program that
 * only asks or tells a person, opens a browser or reads the keyring has no use for them.
 */
export const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const;

/** A copy of `env` without SECRET_VARIABLES and CREDENTIAL_VARIABLES: for helpers that are no AWS client. */
export function withoutSecretsOrCredentials<T extends Readonly<Record<string, string | undefined>>>(
  env: T,
): Record<string, string | undefined> {
  const out = withoutSecrets(env);
  for (const name of CREDENTIAL_VARIABLES) delete out[name];
  return out;
}

/** A copy of `env` without SECRET_VARIABLES. */
export function withoutSecrets<T extends Readonly<Record<string, string | undefined>>>(env: T): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of SECRET_VARIABLES) delete out[name];
  return out;
}
