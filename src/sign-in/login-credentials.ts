/**
 * An `aws login` profile's credentials: those in the CLI's cache file while more than 5 minutes
 * are left; otherwise, under mfa-exec's lock for that file (one refresh for every caller), the
 * file read again (another process, or the CLI, may have refreshed it), then Sign-In's refresh
 * with the file's refresh token and a DPoP proof signed by its key, and the answer written back
 * (new credentials, the rotated refresh token; every other field kept) atomically, 0600.
 *
 * The refresh token is never lost: the file is only ever replaced whole, after a refresh that
 * succeeded; a refusal leaves it as it was. A session that cannot be refreshed (expired, ended by
 * `aws logout`, the password changed) fails with the one command that signs in again:
 * `aws login --profile NAME` (exit 66). mfa-exec never runs the console sign-in itself.
 */
import path from 'node:path';
import { cliTime, writeJsonFields } from '../aws-cli-json.ts';
import type { Credentials } from '../aws/credentials.ts';
import { refreshLogin } from '../aws/signin.ts';
import { ConfigError, ExitCode, isMfaExecError } from '../errors.ts';
import { mask } from '../log.ts';
import { NoTerminalError } from '../prompt/errors.ts';
import { dpopKey, dpopProof } from './login-dpop.ts';
import { loginCacheFile, loginCommand, readLoginCache, REFRESH_WITHIN_MS, type LoginCache } from './login-cache.ts';
import type { LoginSignIn, SignInContext } from './types.ts';

export async function loginCredentials(
  source: LoginSignIn,
  ctx: SignInContext,
  refreshCall: typeof refreshLogin = refreshLogin,
): Promise<Credentials> {
  const file = loginCacheFile(source.session, ctx.env, ctx.homedir);
  const fresh = (c: LoginCache) => c.credentials.expiration.getTime() - ctx.now() > REFRESH_WITHIN_MS;
  const first = cached(source, file);
  if (fresh(first)) {
    ctx.logger.debug(`login: the credentials in ${file} are valid until ${cliTime(first.credentials.expiration.getTime())}`);
    return first.credentials;
  }
  const release = await ctx.lock(`login-${path.basename(file, '.json')}`);
  try {
    const now = cached(source, file);
    if (fresh(now)) {
      ctx.logger.debug(`login: ${file} was refreshed by another process`);
      return now.credentials;
    }
    return await refresh(source, now, file, ctx, refreshCall);
  } finally {
    await release();
  }
}

/** The cache file's contents; a missing or incomplete file needs `aws login` (66). */
function cached(source: LoginSignIn, file: string): LoginCache {
  const read = readLoginCache(file);
  if (read.cache) return read.cache;
  throw new NoTerminalError(
    `The \`aws login\` session of profile '${source.profile}' has no usable cache file (${file} ${read.problem}). Run: ${loginCommand(source.profile)}`,
  );
}

async function refresh(
  source: LoginSignIn,
  cache: LoginCache,
  file: string,
  ctx: SignInContext,
  refreshCall: typeof refreshLogin,
): Promise<Credentials> {
  const region = cache.signInRegion ?? source.region ?? ctx.settings.region;
  if (region === undefined) {
    throw new ConfigError(
      `Profile '${source.profile}' uses login_session but names no region, and AWS_REGION is not set: the \`aws login\` session is refreshed by the Sign-In service of its region. Add 'region = …' to the profile.`,
    );
  }
  let key;
  try {
    key = dpopKey(cache.dpopKey);
  } catch {
    throw new NoTerminalError(
      `The \`aws login\` session of profile '${source.profile}' cannot be refreshed: the key in ${file} is not a P-256 private key. Run: ${loginCommand(source.profile)}`,
    );
  }
  ctx.logger.debug(
    `login: the credentials expire at ${cliTime(cache.credentials.expiration.getTime())}: refreshing them (Sign-In, ${region})`,
  );
  let answer;
  try {
    answer = await refreshCall({ clientId: cache.clientId, refreshToken: cache.refreshToken }, (htu) => dpopProof(key, htu, ctx.now()), {
      region,
      timeoutMs: ctx.settings.stsTimeoutMs,
      profile: source.profile,
    });
  } catch (error) {
    // Unreachable, not refused: the credentials in hand serve while they last (as the SDKs do).
    const left = cache.credentials.expiration.getTime() - ctx.now();
    if (isMfaExecError(error) && error.exitCode === ExitCode.stsUnavailable && left > 60_000) {
      ctx.logger.warn(`${error.message} Using the current credentials, valid until ${cliTime(cache.credentials.expiration.getTime())}.`);
      return cache.credentials;
    }
    throw error;
  }
  const expiration = new Date(ctx.now() + answer.expiresIn * 1000);
  const credentials = {
    accessKeyId: answer.accessKeyId,
    secretAccessKey: answer.secretAccessKey,
    sessionToken: answer.sessionToken,
    expiration,
  };
  try {
    writeJsonFields(
      file,
      cache.fields,
      {
        accessToken: {
          ...cache.accessTokenFields,
          accessKeyId: answer.accessKeyId,
          secretAccessKey: answer.secretAccessKey,
          sessionToken: answer.sessionToken,
          expiresAt: cliTime(expiration.getTime()),
        },
        refreshToken: answer.refreshToken,
      },
      ctx.logger,
    );
  } catch (error) {
    ctx.logger.warn(
      `the refreshed \`aws login\` session could not be saved in ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): it is used for this run, and the file is as it was (its refresh token may no longer be accepted: then run ${loginCommand(source.profile)}).`,
    );
  }
  ctx.logger.debug(`login: refreshed; credentials ${mask(answer.accessKeyId)} valid until ${cliTime(expiration.getTime())}`);
  return credentials;
}
