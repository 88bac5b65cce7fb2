/**
 * The OIDC client registration a sign-in is made with, shared with the AWS CLI v2: it keeps one
 * in ~/.aws/sso/cache beside the tokens, under the SHA-1 of Python's
 * `json.dumps({"tool": "botocore", "startUrl", "region", "scopes", "session_name"}, sort_keys=True)`
 * (`scopes` as the config lists them, null when it names none; `session_name` null for the legacy
 * form), holding clientId, clientSecret, expiresAt and scopes (and, for the PKCE flow's,
 * grantTypes). A registration lasts 90 days; like the CLI, one with less than 15 minutes left is
 * replaced, and each flow uses only its own kind: PKCE needs the authorization_code grant, which
 * the device flow's registration has not (and the CLI replaces one that has it).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { cliTime, readJsonObject, writeJsonFields } from '../aws-cli-json.ts';
import { registerClient, type Registration } from '../aws/sso-oidc.ts';
import type { AwsPlace } from '../aws/client.ts';
import { ssoCacheDir } from './sso-token-file.ts';
import type { SignInContext, SsoSignIn } from './types.ts';

export type Flow = 'pkce' | 'device';

/** What a PKCE sign-in registers with when the config names no scopes (what `aws sso login` does). */
export const DEFAULT_SCOPES = ['sso:account:access'];
const GRANT_TYPES = ['authorization_code', 'refresh_token'];
/** The registered redirect URI: loopback, no port (any port matches it, RFC 8252). */
export const REDIRECT_URI = 'http://127.0.0.1/oauth/callback';
const REPLACE_WITHIN_MS = 15 * 60 * 1000;

/** Python's json.dumps of a string: ensure_ascii (every code unit past 0x7e as \uXXXX). */
function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Pure: the registration file's name for `source` (the CLI v2's _registration_cache_key). */
export function registrationKey(source: Pick<SsoSignIn, 'session' | 'startUrl' | 'region' | 'scopes'>): string {
  const scopes = source.scopes ? `[${source.scopes.map(pyString).join(', ')}]` : 'null';
  const session = source.session !== undefined ? pyString(source.session) : 'null';
  const text = `{"region": ${pyString(source.region)}, "scopes": ${scopes}, "session_name": ${session}, "startUrl": ${pyString(source.startUrl)}, "tool": "botocore"}`;
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** Pure: a cached registration, if `flow` may use it at `now`. */
export function usableRegistration(value: Record<string, unknown>, flow: Flow, now: number): Registration | undefined {
  const { clientId, clientSecret } = value;
  const expiresAt = typeof value.expiresAt === 'string' ? Date.parse(value.expiresAt) : NaN;
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || !(expiresAt - now > REPLACE_WITHIN_MS)) return undefined;
  const grants = Array.isArray(value.grantTypes) ? value.grantTypes : [];
  if ((flow === 'pkce') !== grants.includes('authorization_code')) return undefined;
  return { clientId, clientSecret, expiresAt };
}

/**
 * The registration for a sign-in of `source` with `flow`: the cached one, else a new one
 * (RegisterClient), saved for the next sign-in (the CLI's too). A registration that cannot be
 * saved is used all the same.
 */
export async function registrationFor(
  source: SsoSignIn,
  flow: Flow,
  issuerUrl: string,
  place: AwsPlace,
  ctx: Pick<SignInContext, 'homedir' | 'now' | 'logger'>,
): Promise<Registration> {
  const file = path.join(ssoCacheDir(ctx.homedir), `${registrationKey(source)}.json`);
  const read = readJsonObject(file);
  const cached = 'value' in read ? usableRegistration(read.value, flow, ctx.now()) : undefined;
  if (cached) {
    ctx.logger.debug(`sso: reusing the client registration in ${file}`);
    return cached;
  }
  const scopes = source.scopes ? [...source.scopes] : flow === 'pkce' ? DEFAULT_SCOPES : undefined;
  const name = `mfa-exec-${source.session ?? Math.floor(ctx.now() / 1000)}`;
  ctx.logger.debug(`sso: RegisterClient (${flow === 'pkce' ? 'authorization code with PKCE' : 'device code'})`);
  const registration = await registerClient(
    flow === 'pkce'
      ? { clientName: name, clientType: 'public', grantTypes: GRANT_TYPES, redirectUris: [REDIRECT_URI], issuerUrl, scopes }
      : { clientName: name, clientType: 'public', ...(scopes ? { scopes } : {}) },
    place,
  );
  try {
    writeJsonFields(
      file,
      {},
      {
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        expiresAt: cliTime(registration.expiresAt),
        scopes,
        ...(flow === 'pkce' ? { grantTypes: GRANT_TYPES } : {}),
      },
      ctx.logger,
    );
  } catch (error) {
    ctx.logger.debug(`sso: the client registration could not be saved in ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return registration;
}
