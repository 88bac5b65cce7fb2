/**
 * Plan → credentials. The warm path is one small file read; everything else (lock, STS SDK,
 * prompt) is imported only when the cache cannot serve.
 */
import type { Plan } from '../aws-config/plan.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import { envMilliseconds } from '../duration.ts';
import type { Logger } from '../log.ts';
import { readCredentials } from './cache.ts';
import { planCacheRefs } from './cache-key.ts';
import type { Credentials } from './types.ts';

export interface ResolveContext {
  files: AwsFiles;
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  logger: Logger;
  now: () => number;
  mfaToken?: string;
  /** Said on the terminal before a prompt, when the prompt needs explaining (--server refresh). */
  promptReason?: string;
  /** false: never open the terminal; a needed code fails at once with NoTerminalError. */
  interactive?: boolean;
  /** Ignore cached credentials of this chain and fetch from the source (--server renewing a session). */
  renew?: boolean;
}

export async function resolveCredentials(plan: Plan, ctx: ResolveContext): Promise<Credentials> {
  const { logger } = ctx;
  if (plan.passThrough && plan.source.kind !== 'process') {
    return { accessKeyId: plan.source.accessKeyId, secretAccessKey: plan.source.secretAccessKey, sessionToken: plan.source.sessionToken };
  }
  const refs = planCacheRefs(plan, ctx.env);
  const cached = !ctx.renew && refs.final && readCredentials(ctx.cacheDir, refs.final, ctx.now(), logger);
  if (cached) {
    logger.debug(`cache: hit for profile '${plan.profile}' (${refs.final!.kind}, valid until ${cached.expiration?.toISOString()})`);
    return cached;
  }
  logger.debug(`cache: miss for profile '${plan.profile}'; loading the STS client`);
  const { fetchCredentials, createTokenProvider, runMfaProcess } = await import('../slow.ts');
  const tokens = createTokenProvider({
    flagToken: ctx.mfaToken,
    reason: ctx.promptReason,
    ...(ctx.interactive === false ? { open: () => undefined } : {}),
    env: ctx.env,
    cacheDir: ctx.cacheDir,
    logger,
    now: ctx.now,
    runMfaProcess: (command, serial, profile) =>
      runMfaProcess(command, { serial, profile, env: ctx.env, timeoutMs: envMilliseconds(ctx.env.MFA_EXEC_MFA_PROCESS_TIMEOUT) }),
  });
  return fetchCredentials({ plan, refs, files: ctx.files, env: ctx.env, cacheDir: ctx.cacheDir, logger, now: ctx.now, tokens, renew: ctx.renew });
}

