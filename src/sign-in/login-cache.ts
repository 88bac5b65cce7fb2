/**
 * The AWS CLI's `aws login` cache, shared with it: ${AWS_LOGIN_CACHE_DIRECTORY:-~/.aws/login/cache}
 * (the CLI expands `~` and `$VARS` in the variable; so does mfa-exec), one file per session named
 * by the SHA-256 (hex) of its login_session, holding
 * `{accessToken: {accessKeyId, secretAccessKey, sessionToken, accountId, expiresAt}, tokenType,
 * clientId, refreshToken, idToken, dpopKey}` (and, from newer CLIs, signInRegion). Credentials are
 * refreshed once 5 minutes or less are left (botocore's and the JS SDK's threshold). Pure but for
 * the file read.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { cliTime, readJsonObject } from '../aws-cli-json.ts';
import type { Credentials } from '../aws/credentials.ts';
import type { LoginSignIn, SignInState, StateContext } from './types.ts';

/** botocore's _REFRESH_THRESHOLD, the JS SDK's REFRESH_THRESHOLD. */
export const REFRESH_WITHIN_MS = 5 * 60 * 1000;

export interface LoginCache {
  credentials: Credentials & { expiration: Date };
  clientId: string;
  refreshToken: string;
  /** SEC1 PEM of the session's P-256 key (DPoP): a secret. */
  dpopKey: string;
  signInRegion?: string;
  /** The whole file, written back with changes only. */
  fields: Record<string, unknown>;
  /** The accessToken object as it is (accountId and what else it holds are kept). */
  accessTokenFields: Record<string, unknown>;
}

/** `$VAR`, `${VAR}` and a leading `~` expanded, as Python's expandvars and expanduser do. */
export function expandPath(value: string, env: StateContext['env'], homedir: string): string {
  const vars = value.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    return env[key] ?? whole;
  });
  return vars === '~' || vars.startsWith('~/') ? homedir + vars.slice(1) : vars;
}

export function loginCacheFile(session: string, env: StateContext['env'], homedir: string): string {
  const configured = env.AWS_LOGIN_CACHE_DIRECTORY;
  const dir = configured ? expandPath(configured, env, homedir) : path.join(homedir, '.aws', 'login', 'cache');
  return path.join(dir, `${createHash('sha256').update(session, 'utf8').digest('hex')}.json`);
}

export type LoginRead = { cache: LoginCache } | { cache?: undefined; problem: string };

export function readLoginCache(file: string): LoginRead {
  const read = readJsonObject(file);
  return 'problem' in read ? read : loginCacheOf(read.value);
}

/** Pure: what a cache file's JSON holds, or what it lacks. */
export function loginCacheOf(value: Record<string, unknown>): LoginRead {
  const token = value.accessToken;
  const t = typeof token === 'object' && token !== null && !Array.isArray(token) ? (token as Record<string, unknown>) : undefined;
  const text = (o: Record<string, unknown> | undefined, key: string) =>
    typeof o?.[key] === 'string' && o[key] !== '' ? (o[key] as string) : undefined;
  const expiresAt = Date.parse(text(t, 'expiresAt') ?? '');
  const [accessKeyId, secretAccessKey, sessionToken] = [text(t, 'accessKeyId'), text(t, 'secretAccessKey'), text(t, 'sessionToken')];
  const [clientId, refreshToken, dpopKey] = [text(value, 'clientId'), text(value, 'refreshToken'), text(value, 'dpopKey')];
  if (!accessKeyId || !secretAccessKey || !sessionToken || !Number.isFinite(expiresAt)) return { problem: 'holds no complete accessToken' };
  if (!clientId || !refreshToken || !dpopKey) return { problem: 'lacks clientId, refreshToken or dpopKey' };
  const signInRegion = text(value, 'signInRegion');
  return {
    cache: {
      credentials: { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiresAt) },
      clientId,
      refreshToken,
      dpopKey,
      ...(signInRegion ? { signInRegion } : {}),
      fields: value,
      accessTokenFields: t!,
    },
  };
}

export function loginCommand(profile: string): string {
  return `aws login --profile ${profile}`;
}

/** Where the `aws login` session of `source` stands, from its cache file. */
export function loginState(source: LoginSignIn, ctx: StateContext): SignInState {
  const read = readLoginCache(loginCacheFile(source.session, ctx.env, ctx.homedir));
  const left = read.cache ? read.cache.credentials.expiration.getTime() - ctx.now() : 0;
  return {
    what: `\`aws login\` session ${source.session}`,
    ...(read.cache ? { expiresAt: cliTime(read.cache.credentials.expiration.getTime()) } : {}),
    next: !read.cache ? 'sign-in' : left > REFRESH_WITHIN_MS ? 'use' : 'refresh',
    renews: read.cache !== undefined,
    signIn: loginCommand(source.profile),
  };
}
