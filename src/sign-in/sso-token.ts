/**
 * The IAM Identity Center access token a fetch needs, made once for every caller: a token that
 * serves as it is is used without a lock; otherwise mfa-exec's lock for this token file is taken
 * and the file read again (another process may have refreshed it, or signed in, meanwhile),
 * then the token is refreshed (botocore's rule, sso-token-state.ts) or, when that cannot be,
 * a person signs in (sso-sign-in.ts). Twenty parallel cold starts thus open one browser page and
 * make one CreateToken; the others find the new token in the file.
 *
 * The file is only ever replaced whole (aws-cli-json.ts): a refresh AWS refuses, or a write that
 * fails, leaves it as it was, refresh token included. When no one can sign in (no terminal, the
 * `none` prompt: --server in the background, credential_process run by an IDE), a needed sign-in
 * fails at once (exit 66) with the one command to run.
 */
import { cliTime, readJsonObject, writeJsonFields } from '../aws-cli-json.ts';
import { createToken, type IssuedToken, type Registration } from '../aws/sso-oidc.ts';
import path from 'node:path';
import { ExitCode, isMfaExecError } from '../errors.ts';
import { NoTerminalError } from '../prompt/errors.ts';
import { signIn } from './sso-sign-in.ts';
import { readTokenFile, tokenFile, type SsoToken } from './sso-token-file.ts';
import { describeSignIn, refreshable, signInCommand, tokenNext, USABLE_MARGIN_MS } from './sso-token-state.ts';
import type { SignInContext, SsoSignIn } from './types.ts';

/** The calls that reach AWS or a person (unit tests pass fakes). */
export interface TokenCalls {
  createToken: typeof createToken;
  signIn: typeof signIn;
}

const AWS: TokenCalls = { createToken, signIn };

/**
 * A token for `source`. `rejected`: the access token the portal just refused (logged out,
 * revoked): not used again, even if the file still holds it.
 */
export async function ssoAccessToken(source: SsoSignIn, ctx: SignInContext, rejected?: string, calls: TokenCalls = AWS): Promise<string> {
  const file = tokenFile(ctx.homedir, source);
  const sessionForm = source.session !== undefined;
  const usable = (t: SsoToken | undefined): t is SsoToken => t !== undefined && t.accessToken !== rejected;
  const first = readTokenFile(file).token;
  if (usable(first) && tokenNext(first, sessionForm, ctx.now()) === 'use') {
    ctx.logger.debug(`sso: the token in ${file} is valid until ${cliTime(first.expiresAt)}`);
    return first.accessToken;
  }
  const release = await ctx.lock(`sso-${path.basename(file, '.json')}`);
  try {
    const read = readTokenFile(file);
    const token = read.token;
    if (!token) ctx.logger.debug(`sso: ${file} ${read.problem}`);
    const next = usable(token) ? tokenNext(token, sessionForm, ctx.now()) : 'sign-in';
    if (usable(token) && next === 'use') {
      ctx.logger.debug(`sso: ${file} was renewed by another process; valid until ${cliTime(token.expiresAt)}`);
      return token.accessToken;
    }
    let refusal: string | undefined;
    if (token && refreshable(token, sessionForm, ctx.now())) {
      try {
        return refreshed(await refresh(source, token, ctx, calls), token, file, ctx);
      } catch (error) {
        if (!isMfaExecError(error)) throw error;
        refusal = error.message;
        ctx.logger.debug(`sso: the refresh failed (${error.message}); ${file} is left as it was`);
        if (usable(token) && token.expiresAt - ctx.now() > USABLE_MARGIN_MS) return token.accessToken; // botocore: the old token, while it lasts
        if (error.exitCode === ExitCode.stsUnavailable) throw error; // unreachable: a sign-in would not get through either
      }
    }
    if (ctx.prompt.present?.() === false) throw signInNeeded(source, token, refusal);
    const { token: issued, registration } = await calls.signIn(source, ctx);
    return signedIn(issued, registration, source, file, ctx);
  } finally {
    await release();
  }
}

function refresh(source: SsoSignIn, token: SsoToken, ctx: SignInContext, calls: TokenCalls): Promise<IssuedToken> {
  ctx.logger.debug(`sso: the token expires at ${cliTime(token.expiresAt)}: refreshing it (CreateToken, refresh_token)`);
  return calls.createToken(
    { clientId: token.clientId!, clientSecret: token.clientSecret! },
    { grantType: 'refresh_token', refreshToken: token.refreshToken! },
    { region: source.region, timeoutMs: ctx.settings.stsTimeoutMs },
  );
}

/** Writes a refreshed token over the old one (a rotated refresh token replaces the old; none given keeps it). */
function refreshed(issued: IssuedToken, old: SsoToken, file: string, ctx: SignInContext): string {
  save(
    file,
    old.fields,
    {
      accessToken: issued.accessToken,
      expiresAt: cliTime(ctx.now() + issued.expiresIn * 1000),
      ...(issued.refreshToken ? { refreshToken: issued.refreshToken } : {}),
    },
    ctx,
  );
  return issued.accessToken;
}

/** Writes the token of a new sign-in as `aws sso login` does, over whatever the file held (its unknown fields kept). */
function signedIn(issued: IssuedToken, registration: Registration, source: SsoSignIn, file: string, ctx: SignInContext): string {
  const old = readJsonObject(file);
  save(
    file,
    'value' in old ? old.value : {},
    {
      startUrl: source.startUrl,
      region: source.region,
      accessToken: issued.accessToken,
      expiresAt: cliTime(ctx.now() + issued.expiresIn * 1000),
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      registrationExpiresAt: cliTime(registration.expiresAt),
      refreshToken: issued.refreshToken, // none (a registration without scopes): an old one is dropped
    },
    ctx,
  );
  ctx.logger.debug(`sso: signed in; token valid until ${cliTime(ctx.now() + issued.expiresIn * 1000)}`);
  return issued.accessToken;
}

function save(file: string, base: Record<string, unknown>, fields: Record<string, unknown>, ctx: SignInContext): void {
  try {
    writeJsonFields(file, base, fields, ctx.logger);
  } catch (error) {
    ctx.logger.warn(
      `the new IAM Identity Center token could not be saved in ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); it is used for this run only, and the file is as it was.`,
    );
  }
}

function signInNeeded(source: SsoSignIn, token: SsoToken | undefined, refusal: string | undefined): NoTerminalError {
  const state = !token ? 'has no token' : refusal ? 'has expired and could not be refreshed' : 'has expired';
  return new NoTerminalError(
    `The ${describeSignIn(source)} of profile '${source.profile}' ${state}, and no one is here to sign in. Run: ${signInCommand(source.profile)}`,
  );
}
