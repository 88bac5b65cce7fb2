/**
 * `aws login` (AWS CLI v2 2.32+): a profile with login_session, the ARN a console sign-in was
 * turned into short-lived CLI credentials for. Its credentials are the ones the CLI keeps in
 * ${AWS_LOGIN_CACHE_DIRECTORY:-~/.aws/login/cache}/<sha256 of login_session>.json, refreshed as
 * the SDKs do (Sign-In's CreateOAuth2Token with the refresh token and a DPoP proof signed by the
 * file's key) once 5 minutes or less are left, and written back there (src/sign-in/login-*.ts).
 * Signing in is the CLI's `aws login`; mfa-exec says when it is needed.
 *
 * They last 15 minutes: the cache keeps them as a step of their own, and a role assumed from them
 * takes its MFA code directly (no GetSessionToken). Known to the cache by the login_session and
 * the Sign-In endpoint.
 */
import { nonEmpty, where } from '../aws-config/setting.ts';
import type { Credentials } from '../aws/credentials.ts';
import { ConfigError } from '../errors.ts';
import { sha256Hex } from '../sha256.ts';
import type { LoginSignIn } from '../sign-in/types.ts';
import { hasKeys } from './sso.ts';
import type { SignInState, SourceFetchContext, SourceKind, StateContext } from './types.ts';

export interface LoginSource extends LoginSignIn {
  readonly kind: 'login';
  /** The file login_session is set in. */
  readonly file: string;
  /** AWS_ENDPOINT_URL_SIGNIN / AWS_ENDPOINT_URL as they were. */
  readonly endpoint: string;
}

/** Sign-In answers with at most 15 minutes; an hour bounds what a cache entry may claim. */
const MAX_SECONDS = 3600;

export const login: SourceKind<LoginSource> = {
  kind: 'login',
  lifetime: MAX_SECONDS,
  signsIn: true,
  // botocore's chain for a profile (and a source profile with keys, role_arn or not): IAM
  // Identity Center, keys in the credentials file, login_session, credential_process, keys in the
  // config file.
  onRole: ['aws_access_key_id', 'aws_secret_access_key'],
  detect(p, { env, role, isTarget, files }) {
    const value = p.values.login_session;
    if (value === undefined || (role && (isTarget || !hasKeys(p)))) return undefined;
    const { origin } = p;
    if (origin.aws_access_key_id === files.credentialsFile || origin.aws_secret_access_key === files.credentialsFile) return undefined;
    const session = nonEmpty(value);
    if (session === undefined) {
      throw new ConfigError(
        `Profile '${p.name}' in ${where(p, 'login_session')} has an empty login_session. Run 'aws login --profile ${p.name}', which sets it.`,
      );
    }
    const region = nonEmpty(p.values.region);
    return {
      kind: 'login',
      profile: p.name,
      file: where(p, 'login_session'),
      session,
      ...(region !== undefined ? { region } : {}),
      endpoint: env.AWS_ENDPOINT_URL_SIGNIN ?? env.AWS_ENDPOINT_URL ?? '',
    };
  },
  id: (s) => `login:${sha256Hex(JSON.stringify([s.session, s.endpoint])).slice(0, 32)}`,
  describe: () => 'aws login',
  note: (s) => `profile '${s.profile}' uses the \`aws login\` session ${s.session} (the AWS CLI's cache, refreshed with Sign-In)`,
};

export async function fetch(source: LoginSource, ctx: SourceFetchContext): Promise<Credentials> {
  const { loginCredentials } = await import('../sign-in/login-credentials.ts');
  return loginCredentials(source, ctx);
}

export async function state(source: LoginSource, ctx: StateContext): Promise<SignInState> {
  const { loginState } = await import('../sign-in/login-cache.ts');
  return loginState(source, ctx);
}
