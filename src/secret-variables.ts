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

/**
 * A copy of `env` without SECRET_VARIABLES, CREDENTIAL_VARIABLES and unset names: the environment
 * of a helper that is no AWS client (a dialog, ykman, notify-send, the browser opener, the
 * keyring's child).
 */
export function withoutSecretsOrCredentials(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !hidden(name)) out[name] = value;
  return out;
}

// A plain function over the two lists, not a module-level Set: the warm bundle keeps a top-level
// expression it cannot prove unused, and this module is in it.
const hidden = (name: string): boolean =>
  (SECRET_VARIABLES as readonly string[]).includes(name) || (CREDENTIAL_VARIABLES as readonly string[]).includes(name);

/** A copy of `env` without SECRET_VARIABLES. */
export function withoutSecrets<T extends Readonly<Record<string, string | undefined>>>(env: T): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of SECRET_VARIABLES) delete out[name];
  return out;
}
