/**
 * IAM Identity Center (SSO): a profile with sso_account_id or sso_role_name (botocore's trigger),
 * in the sso-session form (`sso_session = NAME` and its `[sso-session NAME]` section with
 * sso_start_url, sso_region, sso_registration_scopes) or the legacy form (sso_start_url and
 * sso_region on the profile). Its credentials are the portal's GetRoleCredentials for the account
 * and role, with the access token the AWS CLI keeps in ~/.aws/sso/cache (shared with it: the
 * same file, key and fields), refreshed or signed in anew as needed (src/sso/).
 *
 * They are temporary (up to the permission set's 12 hours): the cache keeps them as a step of
 * their own, and a role assumed from them takes its MFA code directly (no GetSessionToken).
 * Known to the cache by the sign-in (session or start URL), account, role and SSO endpoints.
 */
import { nonEmpty, where } from '../aws-config/setting.ts';
import type { Profile } from '../aws-config/types.ts';
import type { Credentials } from '../aws/credentials.ts';
import { ConfigError } from '../errors.ts';
import { sha256Hex } from '../sha256.ts';
import type { SsoSignIn } from '../sign-in/types.ts';
import type { SignInState, SourceFetchContext, SourceKind, StateContext } from './types.ts';

export interface SsoSource extends SsoSignIn {
  readonly kind: 'sso';
  /** The file sso_account_id (or sso_role_name) is set in. */
  readonly file: string;
  /** AWS_ENDPOINT_URL_SSO / _SSO_OIDC / AWS_ENDPOINT_URL as they were: another portal is another identity. */
  readonly endpoints: string;
}

/** botocore's _has_static_credentials. */
export function hasKeys(p: Profile): boolean {
  return p.values.aws_access_key_id !== undefined || p.values.aws_secret_access_key !== undefined;
}

/** botocore's SSOProvider: these two on a profile make it an IAM Identity Center profile. */
const TRIGGERS = ['sso_account_id', 'sso_role_name'] as const;
const REQUIRED = ['sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name'] as const;
/** The longest a permission set's session lasts. */
const MAX_SECONDS = 12 * 3600;

export const sso: SourceKind<SsoSource> = {
  kind: 'sso',
  lifetime: MAX_SECONDS,
  signsIn: true,
  // botocore resolves a source profile that has keys through its whole chain, where SSO comes
  // first: such a profile is IAM Identity Center even with a role_arn of its own.
  onRole: ['aws_access_key_id', 'aws_secret_access_key'],
  detect(p, { files, env, role, isTarget }) {
    const v = p.values;
    if (v.sso_account_id === undefined && v.sso_role_name === undefined) return undefined;
    if (role && (isTarget || !hasKeys(p))) return undefined;
    const file = where(p, v.sso_account_id !== undefined ? TRIGGERS[0] : TRIGGERS[1]);
    const settings: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, v);
    const sessionName = v.sso_session;
    if (sessionName !== undefined) {
      const session = files.ssoSessions?.get(sessionName);
      if (!session) {
        throw new ConfigError(
          `Profile '${p.name}' in ${where(p, 'sso_session')} names sso_session '${sessionName}', but ${files.configFile} has no [sso-session ${sessionName}] section. Add it (with sso_start_url and sso_region), or fix the name.`,
        );
      }
      // botocore: a setting in both places must agree.
      for (const [key, value] of Object.entries(session.values)) {
        if (Object.hasOwn(v, key) && v[key] !== value) {
          throw new ConfigError(
            `Profile '${p.name}' in ${where(p, key)} sets ${key} = ${v[key]}, but its [sso-session ${sessionName}] says ${value}. Keep it in one place.`,
          );
        }
        settings[key] = value;
      }
    }
    const missing = REQUIRED.filter((key) => !nonEmpty(settings[key]));
    if (missing.length > 0) {
      const place = sessionName !== undefined ? `the profile or its [sso-session ${sessionName}]` : 'the profile';
      throw new ConfigError(
        `Profile '${p.name}' in ${file} uses IAM Identity Center (${TRIGGERS.filter((k) => v[k] !== undefined).join(', ')}) but lacks ${missing.join(', ')}. Add ${missing.length === 1 ? 'it' : 'them'} to ${place} (the AWS CLI needs them too).`,
      );
    }
    const scopes = settings.sso_registration_scopes
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return {
      kind: 'sso',
      profile: p.name,
      file,
      ...(sessionName !== undefined ? { session: sessionName } : {}),
      startUrl: settings.sso_start_url!.trim(),
      region: settings.sso_region!.trim(),
      accountId: settings.sso_account_id!.trim(),
      roleName: settings.sso_role_name!.trim(),
      ...(scopes?.length ? { scopes } : {}),
      endpoints: [env.AWS_ENDPOINT_URL_SSO, env.AWS_ENDPOINT_URL_SSO_OIDC, env.AWS_ENDPOINT_URL].map((e) => e ?? '').join(' '),
    };
  },
  id: (s) => `sso:${sha256Hex(JSON.stringify([s.session ?? '', s.startUrl, s.region, s.accountId, s.roleName, s.endpoints])).slice(0, 32)}`,
  describe: () => 'IAM Identity Center',
  note: (s) =>
    `profile '${s.profile}' signs in to IAM Identity Center (${s.session !== undefined ? `sso-session '${s.session}', ` : ''}${s.startUrl}, ${s.region}): role ${s.roleName} in account ${s.accountId}`,
};

export async function fetch(source: SsoSource, ctx: SourceFetchContext): Promise<Credentials> {
  const { ssoRoleCredentials } = await import('../sign-in/sso-role-credentials.ts');
  return ssoRoleCredentials(source, ctx);
}

export async function state(source: SsoSource, ctx: StateContext): Promise<SignInState> {
  const { ssoTokenState } = await import('../sign-in/sso-token-state.ts');
  return ssoTokenState(source, ctx);
}
