/**
 * The AWS CLI's IAM Identity Center token cache, shared with it: ~/.aws/sso/cache/<sha1>.json,
 * the SHA-1 (hex) of the sso-session name, or of the start URL for a profile of the legacy form
 * (botocore's SSOTokenLoader and the JS SDK's getSSOTokenFilepath), holding startUrl, region,
 * accessToken, expiresAt and, from a sign-in, clientId, clientSecret, registrationExpiresAt and
 * refreshToken. A user who ran `aws sso login` is not asked again, and the CLI uses a token
 * mfa-exec got.
 *
 * Read and written as aws-cli-json.ts does (any mode on reading: the JS SDK writes 0644; written
 * back atomically, 0600, keeping every field mfa-exec does not know). Nothing here logs a token.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { readJsonObject } from '../aws-cli-json.ts';

/** What a token file says, as far as mfa-exec uses it; `fields` is the whole file, written back with changes only. */
export interface SsoToken {
  accessToken: string;
  /** ms since the epoch. */
  expiresAt: number;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** ms since the epoch. */
  registrationExpiresAt?: number;
  fields: Record<string, unknown>;
}

/** Where the sign-in of `who` is kept (its session name, else its start URL). */
export function tokenFile(homedir: string, who: { session?: string; startUrl: string }): string {
  const key = who.session ?? who.startUrl;
  return path.join(ssoCacheDir(homedir), `${createHash('sha1').update(key, 'utf8').digest('hex')}.json`);
}

export function ssoCacheDir(homedir: string): string {
  return path.join(homedir, '.aws', 'sso', 'cache');
}

export type TokenRead = { token: SsoToken } | { token?: undefined; problem: string };

/** The token in `file`, or why there is none usable (missing, unreadable, not the CLI's shape). Never throws. */
export function readTokenFile(file: string): TokenRead {
  const parsed = readJsonObject(file);
  if ('problem' in parsed) return parsed;
  return tokenOf(parsed.value);
}

/** Pure: the fields of a token file's JSON. */
export function tokenOf(value: Record<string, unknown>): TokenRead {
  const accessToken = value.accessToken;
  const expiresAt = time(value.expiresAt);
  if (typeof accessToken !== 'string' || accessToken === '' || expiresAt === undefined) {
    return { problem: 'has no accessToken and expiresAt' };
  }
  const text = (key: string) => (typeof value[key] === 'string' && value[key] !== '' ? (value[key] as string) : undefined);
  const registrationExpiresAt = time(value.registrationExpiresAt);
  return {
    token: {
      accessToken,
      expiresAt,
      ...(text('refreshToken') ? { refreshToken: text('refreshToken') } : {}),
      ...(text('clientId') ? { clientId: text('clientId') } : {}),
      ...(text('clientSecret') ? { clientSecret: text('clientSecret') } : {}),
      ...(registrationExpiresAt !== undefined ? { registrationExpiresAt } : {}),
      fields: value,
    },
  };
}

/** An ISO 8601 time (the CLI writes `%Y-%m-%dT%H:%M:%SZ`, the JS SDK with milliseconds) in ms; undefined when it is none. */
function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
