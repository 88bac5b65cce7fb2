/**
 * A cache miss: take the chain's lock, re-check the cache (another process may have just filled
 * it), then run the plan's STS steps from the deepest step still cached, writing each result to
 * the cache as it arrives. STS, the MFA codes and the clock come in as parameters.
 */
import type { MfaDevice, Plan, RoleStep } from '../aws-config/plan.ts';
import type { Credentials } from '../aws/credentials.ts';
import type { StsApi, StsContext } from '../aws/sts.ts';
import { isMfaExecError } from '../errors.ts';
import { mask, type Logger } from '../log.ts';
import type { TokenProvider } from '../mfa/token.ts';
import { NoTerminalError } from '../prompt/errors.ts';
import type { Prompt } from '../prompt/types.ts';
import type { Settings } from '../settings.ts';
import { beforeLock, fetchSource } from '../sources/fetch.ts';
import type { ServedSource } from '../sources/table.ts';
import type { SourceFetchContext } from '../sources/types.ts';
import { ensureCacheDir, readCredentials, writeEntry } from './cache.ts';
import { deepestCachedRole, type CacheRef, type PlanCacheRefs } from './cache-key.ts';
import { declinedBy, declinedSince, noteDeclined } from './declined.ts';
import { acquireLock } from './lock.ts';

export interface FetchContext {
  plan: Plan;
  refs: PlanCacheRefs;
  env: NodeJS.ProcessEnv;
  /** For the sources' fetch (the key store's directory, its settings). */
  homedir: string;
  settings: Settings;
  cacheDir: string;
  logger: Logger;
  now: () => number;
  /** The run's prompt: the tokens ask through it, and so does a source (the key store's passphrase). */
  prompt: Prompt;
  tokens: TokenProvider;
  sts: StsApi;
  /** Where STS calls go, for the SDK and error messages (see StsContext). */
  stsPlace: Pick<StsContext, 'region' | 'endpoint' | 'timeoutMs'>;
  /**
   * Fetch from the source even if the cache holds fresh credentials for this chain; 'roles':
   * assume the roles again, from the cached MFA session if it is fresh.
   */
  renew?: boolean | 'roles';
  /** Gets the source credentials instead of the source kind's fetch (rotate has read the old key already). */
  fetchSource?: (source: ServedSource) => Promise<Credentials>;
  /** --no-browser: a sign-in opens no browser. */
  noBrowser?: boolean;
}

const MAX_MFA_ATTEMPTS = 3;
/** With the `none` prompt chosen (agents, CI), how long a run waits for another holder of the chain's lock. */
const NONE_LOCK_WAIT_MS = 1_000;

export async function fetchCredentials(ctx: FetchContext): Promise<Credentials> {
  const { plan, refs, cacheDir, logger } = ctx;
  let cacheUsable = true;
  const sources: SourceFetchContext = {
    env: ctx.env,
    homedir: ctx.homedir,
    settings: ctx.settings,
    cacheDir,
    logger,
    now: ctx.now,
    prompt: ctx.prompt,
    lockKey: refs.lockKey,
    lock: (name) => (cacheUsable ? acquireLock(cacheDir, name, logger) : Promise.resolve(async () => {})),
    ...(ctx.noBrowser ? { noBrowser: true } : {}),
  };
  await beforeLock(plan.source, sources);
  try {
    ensureCacheDir(cacheDir, logger);
  } catch (error) {
    if (!isMfaExecError(error, 'cache')) throw error;
    cacheUsable = false;
    logger.warn(`${error.message} Credentials will not be cached, so the next run asks again.`);
  }
  const waitStarted = ctx.now();
  const release = cacheUsable ? await takeLock(ctx) : async () => {};
  try {
    const read = (ref: CacheRef | undefined) =>
      cacheUsable && ref && (!ctx.renew || (ctx.renew === 'roles' && ref.kind !== 'role'))
        ? readCredentials(cacheDir, ref, ctx.now(), logger)
        : undefined;
    const save = (ref: CacheRef, creds: Credentials) => {
      if (!cacheUsable) return;
      try {
        writeEntry(cacheDir, ref, creds, ctx.now());
      } catch (error) {
        logger.warn(`${(error as Error).message} Continuing without caching.`);
      }
    };
    // Each entry read once: the deepest cached role (the final one included), else the session.
    const { start, found } = deepestCachedRole(refs, read);
    // A cached MFA session spares the source: no credential_process run, no key store opened; so
    // do the cached credentials of a temporary source (no sign-in, no token refresh).
    const cachedSession = !found && plan.session ? read(refs.session) : undefined;
    const cachedSource = !found && !cachedSession && refs.source ? read(refs.source) : undefined;
    const done = start === plan.roles.length ? (found ?? cachedSession ?? cachedSource) : undefined;
    if (done) {
      logger.debug('cache: filled by another mfa-exec while we waited for the lock');
      return done;
    }
    // Declined while we waited (Cancel, no answer in time): the same answer, not a second question.
    const declined = cacheUsable ? declinedSince(cacheDir, refs.lockKey, waitStarted, plan.profile, logger) : undefined;
    if (declined) throw declined;
    let creds = found;
    if (creds) logger.debug(`cache: reusing role credentials of '${plan.roles[start - 1]!.profile}'`);
    let firstRoleDevice: MfaDevice | undefined;
    if (cachedSession) {
      creds = cachedSession;
      logger.debug(`cache: reusing the MFA session ${mask(creds.accessKeyId)} valid until ${creds.expiration?.toISOString()}`);
    } else if (cachedSource) {
      creds = cachedSource;
      logger.debug(
        `cache: reusing the ${plan.source.kind} credentials ${mask(creds.accessKeyId)} valid until ${creds.expiration?.toISOString()}`,
      );
    } else if (!creds) {
      creds = await (ctx.fetchSource ? ctx.fetchSource(plan.source) : fetchSource(plan.source, sources));
      if (refs.source) save(refs.source, creds);
      if (plan.session && creds.sessionToken !== undefined) {
        logger.debug(
          `credential_process of '${plan.source.profile}' gave temporary credentials: GetSessionToken cannot take them, so MFA goes with the first AssumeRole`,
        );
        firstRoleDevice = { mfaSerial: plan.session.mfaSerial, mfaProcess: plan.session.mfaProcess };
      } else if (plan.session) {
        creds = await session(ctx, creds, save);
        logger.debug(`MFA session ${mask(creds.accessKeyId)} valid until ${creds.expiration?.toISOString()}`);
      }
    }
    for (let i = start; i < plan.roles.length; i++) {
      const role = i === start && firstRoleDevice ? { ...plan.roles[i]!, ...firstRoleDevice } : plan.roles[i]!;
      creds = await assume(ctx, creds, role);
      save(refs.roles[i]!, creds);
    }
    return creds;
  } catch (error) {
    const how = declinedBy(error);
    if (how && cacheUsable) noteDeclined(cacheDir, refs.lockKey, how, ctx.now());
    throw error;
  } finally {
    ctx.tokens.close();
    ctx.prompt.close();
    await release();
  }
}

/**
 * The chain's lock. Another holder may be waiting for a person at its prompt: a run whose prompt
 * is `none` by the person's choice (--prompt none, MFA_EXEC_PROMPT=none) does not wait for that (66).
 */
function takeLock(ctx: FetchContext): Promise<() => Promise<void>> {
  const { cacheDir, refs, logger, plan } = ctx;
  if (ctx.prompt.name !== 'none' || ctx.settings.prompt !== 'none') return acquireLock(cacheDir, refs.lockKey, logger);
  return acquireLock(
    cacheDir,
    refs.lockKey,
    logger,
    NONE_LOCK_WAIT_MS,
    () =>
      new NoTerminalError(
        `Another mfa-exec is fetching the credentials of profile '${plan.profile}' (perhaps waiting for a person to answer its prompt), and the prompt is 'none': this run does not wait. Run it again when that is done, or have a person run 'mfa-exec login --profile ${plan.profile}'.`,
      ),
  );
}

async function session(ctx: FetchContext, source: Credentials, save: (ref: CacheRef, c: Credentials) => void): Promise<Credentials> {
  const step = ctx.plan.session!;
  const sts = stsContext(ctx, `GetSessionToken${step.mfaSerial ? ' with MFA' : ''} (keys of profile '${ctx.plan.source.profile}')`);
  ctx.logger.debug(`STS GetSessionToken for ${step.durationSeconds} s${step.mfaSerial ? ` with MFA device ${step.mfaSerial}` : ''}`);
  const input = { durationSeconds: step.durationSeconds };
  const creds = step.mfaSerial
    ? await withMfa(ctx, step, (serialNumber, tokenCode) => ctx.sts.getSessionToken(source, { ...input, serialNumber, tokenCode }, sts))
    : await ctx.sts.getSessionToken(source, input, sts);
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
  ctx.logger.debug(
    `STS AssumeRole ${role.roleArn} for ${role.durationSeconds} s${role.externalId ? ' with external id' : ''}${role.mfaSerial ? ` with MFA device ${role.mfaSerial}` : ''}`,
  );
  if (!role.mfaSerial) return ctx.sts.assumeRole(creds, input, sts);
  return withMfa(ctx, role, (serialNumber, tokenCode) => ctx.sts.assumeRole(creds, { ...input, serialNumber, tokenCode }, sts));
}

/** One STS call with an MFA code; a code AWS rejects is asked for again where the source allows. */
async function withMfa<T>(ctx: FetchContext, device: MfaDevice, call: (serial: string, code: string) => Promise<T>): Promise<T> {
  const serial = device.mfaSerial!;
  let retry = false;
  for (let attempt = 1; ; attempt++) {
    const { code, source, canRetry } = await ctx.tokens.next({
      serial,
      profile: ctx.plan.profile,
      mfaProcess: device.mfaProcess,
      ...(device.ykmanAccount !== undefined ? { ykmanAccount: device.ykmanAccount } : {}),
      retry,
    });
    try {
      const result = await call(serial, code);
      ctx.tokens.accepted(serial, code);
      ctx.logger.debug(`MFA code from ${source} accepted`);
      return result;
    } catch (error) {
      if (!isMfaExecError(error, 'mfa-rejected') || !canRetry || attempt >= MAX_MFA_ATTEMPTS) throw error;
      retry = true;
    }
  }
}

/** Errors name the profile the user asked for; `what` names the step and the profile it came from. */
function stsContext(ctx: FetchContext, what: string): StsContext {
  return { ...ctx.stsPlace, what, profile: ctx.plan.profile };
}
