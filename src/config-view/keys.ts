/**
 * Which settings the view leaves out. Evidence for each SDK is in notes/config-view-research.md.
 */

/**
 * Never written anywhere in the view, in any section of either file: the view holds no secret.
 * aws_access_key_id goes with its secret (alone it is an error: botocore raises
 * PartialCredentialsError, the Go SDK "partial credentials found"). mfa_process is mfa-exec's own
 * setting, read by no SDK, and may carry a TOTP seed in its command line.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_security_token',
  'mfa_process',
]);

/**
 * Left out of a served profile (and of [default] when it defers to the --server endpoint): every
 * setting by which an SDK would find credentials on its own. Each of these ranks above
 * credential_process in at least one SDK, or is a parameter of a role that mfa-exec now assumes:
 * - keys: botocore (credentials file), JS, Go rank static keys above credential_process;
 * - role_arn: botocore's AssumeRoleProvider comes first; JS resolves it first; Go assumes it
 *   AFTER running credential_process (a second role on top of ours);
 * - source_profile: Go follows it even without role_arn and then ignores credential_process;
 * - credential_source, web_identity_token_file: Go ranks both above credential_process, even
 *   without role_arn;
 * - sso_*: botocore (sso_account_id / sso_role_name) and Go rank SSO above credential_process;
 * - login_session: botocore's LoginProvider ranks above credential_process;
 * - credential_process: replaced by ours;
 * - role_session_name, external_id, duration_seconds, mfa_serial: read by the SDKs only with
 *   role_arn; without it they would only mislead other tools (aws-vault reads mfa_serial on a
 *   profile with keys as "ask for a session with MFA").
 */
const CREDENTIAL_KEYS: ReadonlySet<string> = new Set([
  ...SECRET_KEYS,
  'role_arn',
  'source_profile',
  'credential_source',
  'web_identity_token_file',
  'login_session',
  'credential_process',
  'role_session_name',
  'external_id',
  'duration_seconds',
  'mfa_serial',
]);

/** Parameters of a role step: alone, they give no credentials (see CREDENTIAL_KEYS). */
const ROLE_PARAMETERS: ReadonlySet<string> = new Set(['role_session_name', 'external_id', 'duration_seconds', 'mfa_serial', 'mfa_process']);

/** A setting by which an SDK finds credentials on its own (--server: one in [default] outranks the endpoint). */
export function findsCredentials(key: string): boolean {
  return isCredentialKey(key) && !ROLE_PARAMETERS.has(lenient(key));
}

/**
 * A key as the most lenient reader takes it: botocore keeps a U+FEFF (byte order mark) before a
 * key as part of it ("\ufeffaws_secret_access_key" is no secret to botocore), but JavaScript's
 * trim() drops it, and so does the JS SDK. The view goes by the lenient reading.
 */
function lenient(key: string): string {
  return key.trim().toLowerCase();
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(lenient(key));
}

export function isCredentialKey(key: string): boolean {
  const k = lenient(key);
  return CREDENTIAL_KEYS.has(k) || k.startsWith('sso_');
}

/**
 * Where a secret setting starts inside a value (`region = x ;aws_secret_access_key = …`: botocore
 * reads it all as the value, the JS SDK as a value and an inline comment), or -1: the name of a
 * SECRET_KEYS setting and a delimiter, at the start or after a blank, ';' or '#'. The index is of
 * the first of the blanks, ';' and '#' before the name (the whole comment goes).
 */
export function secretInValue(value: string): number {
  const found = SECRET_IN_VALUE.exec(value);
  if (!found) return -1;
  let start = found.index + found[1]!.length;
  while (start > 0 && /[\s;#]/.test(value[start - 1]!)) start--;
  return start;
}

const SECRET_IN_VALUE = new RegExp(`(^|[\\s;#])(?:${[...SECRET_KEYS].join('|')})\\s*[=:]`, 'i');
