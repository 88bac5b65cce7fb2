/**
 * Which profiles the view hands to mfa-exec. Pure.
 *
 * A profile is served when botocore, reading the user's files, would get its credentials from
 * a role (role_arn) whose chain ends in keys, credential_source = Environment, a source
 * profile's credential_process, IAM Identity Center or `aws login`, or from keys
 * (aws_access_key_id in the credentials file, or in the config file without a
 * credential_process), IAM Identity Center (sso_account_id / sso_role_name) or `aws login`
 * (login_session): the sources mfa-exec handles, the cases where the SDK would assume the role
 * itself and ask for the MFA code again, and the sign-ins that many SDKs (Terraform's, IDEs')
 * cannot read themselves or would each open a browser for. A profile of that
 * kind is served even when mfa-exec refuses one of its values (a duration out of range, a
 * source_profile cycle, a missing source): `credential-process` then fails with mfa-exec's
 * message, instead of the SDK trying on its own. Profiles whose credentials botocore takes
 * from elsewhere (web identity, the profile's own credential_process, credential_source other
 * than Environment, nothing at all, or a role whose source profile is one of those) are left to
 * the SDK. A profile with no keys in the files whose
 * keys are in mfa-exec's key store is served (the SDK would find none).
 *
 * botocore's order for one profile (credentials.py, create_credential_resolver): AssumeRole
 * (role_arn without web_identity_token_file), web identity, SSO (sso_account_id or
 * sso_role_name), keys in the credentials file, login_session, credential_process, keys in the
 * config file.
 */
import { resolvePlan } from '../aws-config/plan.ts';
import type { AwsFiles, Profile } from '../aws-config/types.ts';
import { isMfaExecError } from '../errors.ts';

/** `refused`: served, but mfa-exec's plan refuses it (the first sentence of its error, for --debug). */
export type ServeDecision = { serve: true; source: string; refused?: string } | { serve: false; why: string };

/**
 * `credential_source = Environment` is checked when credentials are asked for (the child's
 * environment decides), so it passes here; no value of this object reaches any output.
 */
const ENVIRONMENT_PRESENT = { AWS_ACCESS_KEY_ID: 'present', AWS_SECRET_ACCESS_KEY: 'present' };

/**
 * `storeHolds`: whether mfa-exec's key store holds keys for a profile that has none in the files
 * (such a profile is served: mfa-exec reads the store; the SDK would find no credentials).
 */
export function decideServing(files: AwsFiles, storeHolds: (profile: string) => boolean = () => false): Map<string, ServeDecision> {
  const decisions = new Map<string, ServeDecision>();
  for (const profile of files.profiles.values()) decisions.set(profile.name, decide(profile, files, storeHolds));
  return decisions;
}

function decide(profile: Profile, files: AwsFiles, storeHolds: (profile: string) => boolean): ServeDecision {
  const has = (p: Profile, key: string) => Object.hasOwn(p.values, key);
  const isRole = (p: Profile) => has(p, 'role_arn') && !has(p, 'web_identity_token_file');
  if (!isRole(profile)) {
    const source = profileSource(profile, files, storeHolds);
    if (source.kind === 'process') return { serve: false, why: 'it has a credential_process of its own' };
    return source.kind === 'served' ? planned(profile, files, source.what) : { serve: false, why: source.why };
  }
  // A role: botocore resolves its source profile by the same order (AssumeRoleProvider.
  // _resolve_credentials_from_profile), roles again until a profile with keys or without a role.
  const seen = new Set<string>();
  for (let current = profile; ;) {
    const credentialSource = current.values.credential_source;
    if (credentialSource !== undefined) {
      if (credentialSource.trim() === 'Environment' || has(current, 'source_profile')) break; // both set: mfa-exec says what is wrong
      const whose = current === profile ? 'it uses' : `its source profile '${current.name}' uses`;
      return { serve: false, why: `${whose} credential_source = ${credentialSource}, which the SDK resolves itself` };
    }
    seen.add(current.name);
    if (!has(current, 'source_profile')) {
      // Not a source mfa-exec knows (botocore fails; the JS SDK goes on to the profile's other settings).
      const whose = current === profile ? 'it has' : `its source profile '${current.name}' has`;
      return { serve: false, why: `${whose} role_arn but neither source_profile nor credential_source` };
    }
    const next = files.profiles.get(current.values.source_profile ?? '');
    if (next === undefined) break; // resolvePlan says what is wrong
    const hasKeys = has(next, 'aws_access_key_id') || has(next, 'aws_secret_access_key');
    if (hasKeys || !isRole(next)) {
      const source = profileSource(next, files, storeHolds);
      // A source with a credential_process of its own is fine: mfa-exec runs it, as botocore would.
      if (source.kind === 'elsewhere')
        return { serve: false, why: `its source profile '${next.name}' gets credentials elsewhere: ${source.why}` };
      break;
    }
    if (seen.has(next.name)) break; // a cycle: resolvePlan refuses it
    current = next;
  }
  return planned(profile, files, 'role_arn');
}

function planned(profile: Profile, files: AwsFiles, source: string): ServeDecision {
  try {
    resolvePlan(files, profile.name, ENVIRONMENT_PRESENT);
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    return { serve: true, source, refused: firstSentence(error.message) };
  }
  return { serve: true, source };
}

type Source = { kind: 'served'; what: string } | { kind: 'process' } | { kind: 'elsewhere'; why: string };

/** botocore's ProfileProviderBuilder order for one profile (after the AssumeRole provider). */
function profileSource(p: Profile, files: AwsFiles, storeHolds: (profile: string) => boolean): Source {
  const has = (key: string) => Object.hasOwn(p.values, key);
  if (has('web_identity_token_file')) return { kind: 'elsewhere', why: 'it uses web_identity_token_file, which the SDK resolves itself' };
  if (has('sso_account_id') || has('sso_role_name')) return { kind: 'served', what: 'IAM Identity Center (sso_*)' };
  const keyFile = has('aws_access_key_id') ? p.origin.aws_access_key_id : undefined;
  if (keyFile !== undefined && keyFile === files.credentialsFile) return { kind: 'served', what: `keys in ${keyFile}` };
  if (has('login_session')) return { kind: 'served', what: '`aws login` (login_session)' };
  if (has('credential_process')) return { kind: 'process' };
  if (keyFile !== undefined) return { kind: 'served', what: `keys in ${keyFile}` };
  if (!has('aws_secret_access_key') && storeHolds(p.name)) return { kind: 'served', what: "keys in mfa-exec's key store" };
  return { kind: 'elsewhere', why: 'it holds no credentials' };
}

function firstSentence(message: string): string {
  const end = message.search(/\.(\s|$)/);
  return end < 0 ? message : message.slice(0, end + 1);
}
