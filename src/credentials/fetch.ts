/**
 * The slow path, loaded with import() on a cache miss: take the chain's lock, re-check the
 * cache (another process may have just filled it), then run the plan's STS steps from the
 * deepest step still cached, writing each result to the cache as it arrives.
 */
import type { Plan, RoleStep } from '../aws-config/plan.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import type { Logger } from '../log.ts';
import { mask } from '../log.ts';
import type { TokenProvider } from '../mfa/token.ts';
import { CacheError, ensureCacheDir, readCredentials, writeEntry } from './cache.ts';
import type { CacheRef, PlanCacheRefs } from './cache-key.ts';
import { runCredentialProcess } from './credential-process.ts';
import { acquireLock } from './lock.ts';
import { assumeRole, getSessionToken, type StsContext } from './sts.ts';
import { InvalidMfaCodeError } from './sts-errors.ts';
import type { Credentials } from './types.ts';

export interface FetchContext {
  plan: Plan;
  refs: PlanCacheRefs;
  files: AwsFiles;
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  logger: Logger;
  now: () => number;
  tokens: TokenProvider;
  /** Fetch from the source even if the cache holds fresh credentials for this chain. */
  renew?: boolean;
}

const MAX_MFA_ATTEMPTS = 3;

export async function fetchCredentials(ctx: FetchContext): Promise<Credentials> {
  const { plan, refs, cacheDir, logger } = ctx;
  let cacheUsable = true;
  try {
    ensureCacheDir(cacheDir, logger);
  } catch (error) {
    if (!(error instanceof CacheError)) throw error;
    cacheUsable = false;
    logger.warn(`${error.message} Credentials will not be cached, so the next run asks again.`);
  }
  const release = cacheUsable ? await acquireLock(cacheDir, refs.lockKey, logger) : async () => {};
  try {
    const read = (ref: CacheRef | undefined) => (cacheUsable && !ctx.renew && ref ? readCredentials(cacheDir, ref, ctx.now(), logger) : undefined);
    const save = (ref: CacheRef, creds: Credentials) => {
      if (!cacheUsable) return;
      try {
        writeEntry(cacheDir, ref, creds, ctx.now());
      } catch (error) {
        logger.warn(`${(error as Error).message} Continuing without caching.`);
      }
    };
    const done = read(refs.final);
    if (done) {
      logger.debug('cache: filled by another mfa-exec while we waited for the lock');
      return done;
    }
    let start = plan.roles.length;
    let creds: Credentials | undefined;
    while (start > 0 && !(creds = read(refs.roles[start - 1]))) start--;
    if (creds) logger.debug(`cache: reusing role credentials of '${plan.roles[start - 1]!.profile}'`);
    let firstRoleMfa: string | undefined;
    if (!creds) {
      creds = await sourceCredentials(ctx);
      if (plan.session && creds.sessionToken !== undefined) {
        logger.debug(`credential_process of '${plan.source.profile}' gave temporary credentials: GetSessionToken cannot take them, so MFA goes with the first AssumeRole`);
        firstRoleMfa = plan.session.mfaSerial;
      } else if (plan.session) {
        creds = read(refs.session) ?? (await session(ctx, creds, save));
        logger.debug(`MFA session ${mask(creds.accessKeyId)} valid until ${creds.expiration?.toISOString()}`);
      }
    }
    for (let i = start; i < plan.roles.length; i++) {
      const role = i === start && firstRoleMfa ? { ...plan.roles[i]!, mfaSerial: firstRoleMfa } : plan.roles[i]!;
      creds = await assume(ctx, creds, role);
      save(refs.roles[i]!, creds);
    }
    return creds;
  } finally {
    ctx.tokens.close();
    await release();
  }
}

async function sourceCredentials(ctx: FetchContext): Promise<Credentials> {
  const source = ctx.plan.source;
  if (source.kind !== 'process') {
    ctx.logger.debug(`source credentials: ${source.kind === 'static' ? `keys of profile '${source.profile}' (${source.file})` : 'AWS_ACCESS_KEY_ID from the environment'} ${mask(source.accessKeyId)}`);
    return { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, sessionToken: source.sessionToken };
  }
  ctx.logger.debug(`source credentials: running credential_process of profile '${source.profile}'`);
  return runCredentialProcess(source.command, source.profile, ctx.env);
}

async function session(ctx: FetchContext, source: Credentials, save: (ref: CacheRef, c: Credentials) => void): Promise<Credentials> {
  const step = ctx.plan.session!;
  const sts = stsContext(ctx, `GetSessionToken${step.mfaSerial ? ' with MFA' : ''} (keys of profile '${ctx.plan.source.profile}')`);
  ctx.logger.debug(`STS GetSessionToken for ${step.durationSeconds} s${step.mfaSerial ? ` with MFA device ${step.mfaSerial}` : ''}`);
  const creds = step.mfaSerial
    ? await withMfa(ctx, step.mfaSerial, (code) => getSessionToken(source, { durationSeconds: step.durationSeconds, serialNumber: step.mfaSerial, tokenCode: code }, sts))
    : await getSessionToken(source, { durationSeconds: step.durationSeconds }, sts);
  save(ctx.refs.session!, creds);
  return creds;
}

async function assume(ctx: FetchContext, creds: Credentials, role: RoleStep): Promise<Credentials> {
  const sts = stsContext(ctx, `AssumeRole ${role.roleArn}${role.profile !== ctx.plan.profile ? ` (profile '${role.profile}')` : ''}`);
  const input = {
    roleArn: role.roleArn,
    sessionName: role.sessionName ?? `mfa-exec-${ctx.now()}`,
    durationSeconds: role.durationSeconds,
    externalId: role.externalId,
  };
  ctx.logger.debug(`STS AssumeRole ${role.roleArn} for ${role.durationSeconds} s${role.externalId ? ' with external id' : ''}${role.mfaSerial ? ` with MFA device ${role.mfaSerial}` : ''}`);
  if (!role.mfaSerial) return assumeRole(creds, input, sts);
  const serial = role.mfaSerial;
  return withMfa(ctx, serial, (code) => assumeRole(creds, { ...input, serialNumber: serial, tokenCode: code }, sts));
}

async function withMfa<T>(ctx: FetchContext, serial: string, call: (code: string) => Promise<T>): Promise<T> {
  const mfaProcess = ctx.plan.chain
    .map((name) => ctx.files.profiles.get(name)?.values)
    .find((v) => v?.mfa_serial?.trim() === serial && v.mfa_process !== undefined)?.mfa_process;
  let retry = false;
  for (let attempt = 1; ; attempt++) {
    const { code, source, canRetry } = await ctx.tokens.next({ serial, profile: ctx.plan.profile, mfaProcess, retry });
    try {
      const result = await call(code);
      ctx.tokens.accepted(serial, code);
      ctx.logger.debug(`MFA code from ${source} accepted`);
      return result;
    } catch (error) {
      if (!(error instanceof InvalidMfaCodeError) || !canRetry || attempt >= MAX_MFA_ATTEMPTS) throw error;
      retry = true;
    }
  }
}

/** Errors name the profile the user asked for; `what` names the step and the profile it came from. */
function stsContext(ctx: FetchContext, what: string): StsContext {
  const env = ctx.env;
  return { region: ctx.plan.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1', what, profile: ctx.plan.profile };
}
