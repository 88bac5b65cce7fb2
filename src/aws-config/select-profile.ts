import { hasStoredKeys } from '../keystore/has-stored-keys.ts';
import type { AwsFiles, Profile } from './types.ts';

/**
 * Which profile was asked for: --profile, then MFA_EXEC_PROFILE, AWS_PROFILE, AWS_DEFAULT_PROFILE,
 * then AWS_VAULT: inside an `mfa-exec exec PROFILE` shell (or aws-vault's), where AWS_PROFILE is
 * removed, the profile of that shell.
 */
export interface ProfileChoice {
  name: string;
  /** Undefined when nothing asked for a profile and 'default' (or the project file's profile) is used. */
  requested?: string;
  from: string;
  /** The approved project file whose `profile =` chose it, when nothing was asked for (project/pin.ts). */
  project?: string;
}

export function selectProfile(flag: string | undefined, env: NodeJS.ProcessEnv): ProfileChoice {
  if (flag) return { name: flag, requested: flag, from: '--profile' };
  for (const variable of ['MFA_EXEC_PROFILE', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const) {
    const value = env[variable];
    if (value) return { name: value, requested: value, from: variable };
  }
  const shell = env.AWS_VAULT;
  if (shell) return { name: shell, requested: shell, from: 'AWS_VAULT (the profile of the mfa-exec exec shell this runs in)' };
  return { name: 'default', from: 'the default' };
}

/** The settings through which a profile can give mfa-exec credentials (plan.ts reads each of them). */
const CREDENTIAL_SETTINGS = [
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_security_token',
  'role_arn',
  'source_profile',
  'credential_source',
  'credential_process',
  'sso_account_id',
  'sso_role_name',
  'login_session',
] as const;

/**
 * Whether a profile is meant to give credentials mfa-exec can produce. A [default] that only
 * holds a region (or only mfa_serial, or an sso_session with no account and role) is not: with no
 * profile selected, a shim then runs its program untouched rather than fail.
 */
export function hasCredentialSettings(profile: Profile | undefined): boolean {
  return profile !== undefined && CREDENTIAL_SETTINGS.some((key) => Object.hasOwn(profile.values, key));
}

/**
 * Whether the [default] profile gives credentials when no profile is selected: settings in the
 * files, or (`mfa-exec add default` leaves it without settings) keys in the store. When it does
 * not, shims run programs untouched.
 */
export function defaultGivesCredentials(files: AwsFiles, env: Readonly<Record<string, string | undefined>>, homedir: string): boolean {
  const fallback = files.profiles.get('default');
  return hasCredentialSettings(fallback) || (fallback !== undefined && hasStoredKeys(env, homedir, 'default'));
}
