// The files the AWS CLI v2 leaves behind after `aws sso login` and `aws login`, written as it
// writes them (only CLI v1 is installed here, which has neither command). Read from aws-cli v2
// 2.36.7 (branch v2, 73fb33bb, 2026-07-23):
// - SSO token: awscli/botocore/utils.py SSOTokenFetcher/SSOTokenFetcherAuth (_token_cache_key,
//   _create_token_attempt, _create_token_), saved by JSONFileCache(~/.aws/sso/cache,
//   dumps_func=_sso_json_dumps) (awscli/customizations/sso/utils.py): file
//   <sha1hex(sso_session name, else start URL)>.json, Python json.dumps with its default
//   separators, datetimes as %Y-%m-%dT%H:%M:%SZ, created 0600.
// - Client registration: the same directory, <sha1hex(json.dumps({tool, startUrl, region,
//   scopes, session_name}, sort_keys=True))>.json holding {clientId, clientSecret, expiresAt,
//   scopes[, grantTypes]} (BaseSSOTokenFetcher._registration_cache_key, _register_client).
// - Login: awscli/customizations/login/utils.py _exchange_auth_code_for_access_token, saved by
//   JSONFileCache(get_login_token_cache_directory()) under sha256hex(login_session).
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginSession } from './signin.ts';
import { isoSeconds } from './sts-xml.ts';

/** Python's json.dumps(obj) with its defaults: ', ' and ': ' separators, ensure_ascii. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return '[' + value.map(pythonJsonDumps).join(', ') + ']';
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return '{' + entries.map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`).join(', ') + '}';
}

/** JSONFileCache.__setitem__: makedirs, then open(O_WRONLY|O_CREAT, 0o600), truncate, write. */
function writeLikeJsonFileCache(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const fd = openSync(file, 'w', 0o600); // O_WRONLY|O_CREAT|O_TRUNC; an existing file keeps its mode, as in Python
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return file;
}

// ---- SSO token cache -----------------------------------------------------------------------

export function ssoCacheDir(home: string): string {
  return join(home, '.aws', 'sso', 'cache');
}

/** The token file's name: sha1 of the sso_session name, or of the start URL for a legacy profile. */
export function ssoTokenCacheKey(key: { sessionName: string } | { startUrl: string }): string {
  return createHash('sha1')
    .update('sessionName' in key ? key.sessionName : key.startUrl, 'utf8')
    .digest('hex');
}

export interface SsoTokenFile {
  startUrl: string;
  region: string;
  accessToken: string;
  expiresAt: Date | number;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: Date | number;
  refreshToken?: string;
}

const when = (d: Date | number | undefined): string | undefined =>
  d === undefined ? undefined : isoSeconds(typeof d === 'number' ? d : d.getTime());

/**
 * ~/.aws/sso/cache/<sha1>.json as `aws sso login` writes it. `sessionName` given: an sso-session
 * profile's token; omitted: a legacy profile's, keyed by the start URL. The CLI always stores the
 * registration beside the token (clientId, clientSecret, registrationExpiresAt); refreshToken only
 * when CreateToken returned one (a registration with scopes).
 */
export function writeSsoTokenCache(home: string, token: SsoTokenFile, sessionName?: string): string {
  const key = ssoTokenCacheKey(sessionName === undefined ? { startUrl: token.startUrl } : { sessionName });
  const body = {
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: when(token.expiresAt),
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: when(token.registrationExpiresAt),
    refreshToken: token.refreshToken,
  };
  return writeLikeJsonFileCache(ssoCacheDir(home), key, pythonJsonDumps(body));
}

export function readSsoTokenCache(home: string, key: { sessionName: string } | { startUrl: string }): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ssoCacheDir(home), `${ssoTokenCacheKey(key)}.json`), 'utf8')) as Record<string, unknown>;
}

// ---- SSO client registration cache ---------------------------------------------------------

export interface RegistrationKey {
  /** The configured sso_start_url (not the resolved one). */
  startUrl: string;
  region: string;
  /** sso_registration_scopes as the config gives them; null when the config has none (the key then says null even though the PKCE registration used sso:account:access). */
  scopes: string[] | null;
  /** null for a legacy profile. */
  sessionName: string | null;
}

export function ssoRegistrationCacheKey(k: RegistrationKey): string {
  // json.dumps(args, sort_keys=True): keys sorted by code point, default separators.
  const args = { region: k.region, scopes: k.scopes, session_name: k.sessionName, startUrl: k.startUrl, tool: 'botocore' };
  return createHash('sha1').update(pythonJsonDumps(args), 'utf8').digest('hex');
}

export interface RegistrationFile {
  clientId: string;
  clientSecret: string;
  expiresAt: Date | number;
  scopes?: string[];
  /** Present for the PKCE flow's registration (authorization_code, refresh_token); the device flow re-registers when it sees authorization_code here. */
  grantTypes?: string[];
}

export function writeSsoRegistrationCache(home: string, key: RegistrationKey, reg: RegistrationFile): string {
  const body = {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    expiresAt: when(reg.expiresAt),
    scopes: reg.scopes,
    grantTypes: reg.grantTypes,
  };
  return writeLikeJsonFileCache(ssoCacheDir(home), ssoRegistrationCacheKey(key), pythonJsonDumps(body));
}

// ---- aws login cache -----------------------------------------------------------------------

/** $AWS_LOGIN_CACHE_DIRECTORY if set (the CLI expands ~ and $VARS in it), else ~/.aws/login/cache. */
export function loginCacheDir(home: string, env: NodeJS.ProcessEnv = {}): string {
  return env['AWS_LOGIN_CACHE_DIRECTORY'] ?? join(home, '.aws', 'login', 'cache');
}

export function loginCacheKey(loginSession: string): string {
  return createHash('sha256').update(loginSession, 'utf8').digest('hex');
}

/**
 * The cache file `aws login` writes for a session. `expiresAt` overrides the access token's
 * expiry (e.g. 2 minutes from now, so the next reader must refresh). Field order as the CLI's.
 */
export function writeLoginCache(home: string, s: LoginSession, opts: { env?: NodeJS.ProcessEnv; expiresAt?: Date | number } = {}): string {
  const body = {
    accessToken: { ...s.accessToken, expiresAt: when(opts.expiresAt) ?? s.accessToken.expiresAt },
    tokenType: s.tokenType,
    clientId: s.clientId,
    refreshToken: s.refreshToken,
    idToken: s.idToken,
    dpopKey: s.dpopKey,
  };
  return writeLikeJsonFileCache(loginCacheDir(home, opts.env), loginCacheKey(s.loginSession), pythonJsonDumps(body));
}

export function readLoginCache(home: string, loginSession: string, env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  return JSON.parse(readFileSync(join(loginCacheDir(home, env), `${loginCacheKey(loginSession)}.json`), 'utf8')) as Record<string, unknown>;
}
