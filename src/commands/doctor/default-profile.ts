/**
 * doctor: a [default] profile (or environment) that gives credentials by itself. SDKs rank the
 * shared files' default profile and a web identity in the environment above a --server
 * endpoint; mfa-exec's view hides them from the commands it runs, but a program that reads the
 * files some other way still finds them.
 */
import type { Runtime } from '../../pipeline/runtime.ts';
import type { Finding, LoadedFiles } from './finding.ts';

/** What makes a default profile give credentials on its own, in the SDKs' eyes. */
const DEFAULT_SOURCES: readonly [string, string][] = [
  ['aws_access_key_id', 'keys'],
  ['role_arn', 'a role'],
  ['credential_process', 'a credential_process'],
  ['sso_session', 'IAM Identity Center'],
  ['sso_account_id', 'IAM Identity Center'],
  ['web_identity_token_file', 'a web identity'],
  ['login_session', 'a login session'],
];

const HIDDEN =
  'commands run through mfa-exec get the profile mfa-exec resolved instead (its view of your files hides them under --server), ' +
  "except programs that read your files by another path (Terraform's shared_credentials_files / shared_config_files, the Java SDK v1's AWS_CREDENTIAL_PROFILES_FILE)";

export function checkDefaultProfile(rt: Runtime, loaded: LoadedFiles): Finding[] {
  if (!('files' in loaded)) return []; // config-files.ts reports it
  const { files } = loaded;
  const findings: Finding[] = [];
  const profile = files.profiles.get('default');
  const kinds = [...new Set(DEFAULT_SOURCES.filter(([key]) => profile && Object.hasOwn(profile.values, key)).map(([, kind]) => kind))];
  if (profile && kinds.length > 0) {
    const where = [...new Set(Object.values(profile.origin))].join(' and ');
    findings.push([
      'ok',
      `[default] in ${where} gives credentials by itself (${kinds.join(', ')}): tools run outside mfa-exec with no profile use it; ${HIDDEN}`,
    ]);
  }
  if (rt.env.AWS_ROLE_ARN && rt.env.AWS_WEB_IDENTITY_TOKEN_FILE) {
    findings.push([
      'ok',
      'AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set: SDKs with no profile assume that role; mfa-exec removes them from the environment of --server commands',
    ]);
  }
  return findings;
}
