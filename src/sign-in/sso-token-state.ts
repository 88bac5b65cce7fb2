/**
 * What to do with an IAM Identity Center token, as botocore decides it (tokens.py
 * SSOTokenProvider): a token of the sso-session form is refreshed with the OIDC refresh grant
 * once less than 15 minutes are left, when it carries a refresh token and a registration
 * (clientId, clientSecret, registrationExpiresAt still ahead); a token that cannot be refreshed is
 * used until it expires; then a person must sign in again. Pure, but for ssoTokenState, which
 * reads the token file (never the network).
 */
import type { SignInState, SsoSignIn, StateContext } from './types.ts';
import { cliTime } from '../aws-cli-json.ts';
import { readTokenFile, tokenFile, type SsoToken } from './sso-token-file.ts';

/** botocore's _REFRESH_WINDOW. */
export const REFRESH_WINDOW_MS = 15 * 60 * 1000;
/** A token with less left than this is not sent to the portal (the call itself takes time). */
export const USABLE_MARGIN_MS = 60 * 1000;

export type TokenNext = SignInState['next'];

/** The token can be refreshed now: the sso-session form, a refresh token, and a registration that has not expired. */
export function refreshable(token: SsoToken, sessionForm: boolean, now: number): boolean {
  return (
    sessionForm &&
    token.refreshToken !== undefined &&
    token.clientId !== undefined &&
    token.clientSecret !== undefined &&
    token.registrationExpiresAt !== undefined &&
    token.registrationExpiresAt > now
  );
}

/** What a run that needs the token does with it. */
export function tokenNext(token: SsoToken | undefined, sessionForm: boolean, now: number): TokenNext {
  if (!token) return 'sign-in';
  const left = token.expiresAt - now;
  if (left < REFRESH_WINDOW_MS && refreshable(token, sessionForm, now)) return 'refresh';
  return left > USABLE_MARGIN_MS ? 'use' : 'sign-in';
}

/** The command that signs `profile` in. */
export function signInCommand(profile: string): string {
  return `mfa-exec login -p ${profile}`;
}

export function describeSignIn(source: Pick<SsoSignIn, 'session' | 'startUrl'>): string {
  return source.session !== undefined
    ? `IAM Identity Center session '${source.session}' (${source.startUrl})`
    : `IAM Identity Center sign-in to ${source.startUrl}`;
}

/** Where the sign-in of `source` stands, from its token file. */
export function ssoTokenState(source: SsoSignIn, ctx: StateContext): SignInState {
  const read = readTokenFile(tokenFile(ctx.homedir, source));
  const token = read.token;
  const now = ctx.now();
  return {
    what: describeSignIn(source),
    ...(token ? { expiresAt: cliTime(token.expiresAt) } : {}),
    next: tokenNext(token, source.session !== undefined, now),
    renews: token !== undefined && refreshable(token, source.session !== undefined, now),
    signIn: signInCommand(source.profile),
  };
}
