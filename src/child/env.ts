/** The child's environment. Pure. */
import type { Credentials } from '../aws/credentials.ts';
import { EXPIRY_MARGIN_MS } from '../credentials/fresh.ts';
import { isoTime } from '../iso-time.ts';
import { SECRET_VARIABLES } from '../secret-variables.ts';

/** Variables that would make the child use other credentials or another profile than ours. */
export const STALE_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  // Ours: an MFA code is spent once we used it, and no child needs to see it.
  'MFA_EXEC_MFA_TOKEN',
] as const;

/**
 * --server: variables by which an SDK would take a web identity before the endpoint (every SDK's
 * default chain ranks AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE above container credentials).
 */
export const WEB_IDENTITY_VARIABLES = ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_SESSION_NAME'] as const;

export interface Injection {
  profile: string;
  region?: string;
}

/** What we add: the credentials, their expiry (RFC 3339), the region, and the AWS_VAULT marker. */
export function credentialVariables(creds: Credentials, injection: Injection): Record<string, string> {
  const vars: Record<string, string> = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
  };
  if (creds.sessionToken) vars.AWS_SESSION_TOKEN = creds.sessionToken;
  if (creds.expiration) vars.AWS_CREDENTIAL_EXPIRATION = isoTime(creds.expiration).replace(/\.\d{3}Z$/, 'Z');
  return { ...vars, ...profileVariables(injection) };
}

/** --server: where the child's SDK asks for credentials, instead of static keys. */
export function serverVariables(url: string, token: string, injection: Injection): Record<string, string> {
  return { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: token, ...profileVariables(injection) };
}

/** The region (both names the SDKs read) and the AWS_VAULT nesting marker. */
function profileVariables(injection: Injection): Record<string, string> {
  const region: Record<string, string> = injection.region ? { AWS_REGION: injection.region, AWS_DEFAULT_REGION: injection.region } : {};
  return { ...region, AWS_VAULT: injection.profile };
}

export function buildChildEnv(
  parent: NodeJS.ProcessEnv,
  vars: Record<string, string>,
  alsoRemove: readonly string[] = [],
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent };
  for (const name of STALE_VARIABLES) delete env[name];
  for (const name of SECRET_VARIABLES) delete env[name]; // the key files' passphrase too (not stale: `env` leaves it in the shell)
  for (const name of alsoRemove) delete env[name];
  return Object.assign(env, vars);
}

/** A nested run's environment: the parent's as it is (its credentials serve), plus our markers, minus our secrets. */
export function nestedChildEnv(parent: NodeJS.ProcessEnv, markers: Record<string, string>): NodeJS.ProcessEnv {
  return untouchedChildEnv(parent, markers);
}

/**
 * The environment of a program run untouched (MFA_EXEC_DISABLE, an invocation that needs no
 * credentials): the parent's as it is, plus `vars`, minus our own secrets (SECRET_VARIABLES).
 */
export function untouchedChildEnv(parent: NodeJS.ProcessEnv, vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent, ...vars };
  for (const name of SECRET_VARIABLES) delete env[name];
  return env;
}

/**
 * A nested run (a shim inside a shimmed terraform, a Makefile under mfa-exec) can use what the
 * outer run injected as it is, when the marker names the profile asked for (or none was asked
 * for) and the credentials are there and not about to expire.
 */
export function canReuseInjected(env: NodeJS.ProcessEnv, requested: string | undefined, now: number): boolean {
  const marker = env.AWS_VAULT;
  if (!marker || (requested !== undefined && requested !== marker)) return false;
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI && env.AWS_CONTAINER_AUTHORIZATION_TOKEN) return true;
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return false;
  const expiration = Date.parse(env.AWS_CREDENTIAL_EXPIRATION ?? env.AWS_SESSION_EXPIRATION ?? '');
  return !Number.isNaN(expiration) && expiration - now >= EXPIRY_MARGIN_MS;
}
