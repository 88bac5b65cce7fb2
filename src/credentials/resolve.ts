/**
 * Plan → credentials. The warm path is one small file read; everything else (lock, STS SDK,
 * prompt) is loaded through `onDemand` only when the cache cannot serve.
 */
import type { Plan } from '../aws-config/plan.ts';
import { readCredentials } from './cache.ts';
import { planCacheRefs } from './cache-key.ts';
import type { MissContext, fetchOnMiss } from './miss.ts';
import type { Credentials } from '../aws/credentials.ts';
import { isoTime } from '../iso-time.ts';
import { kindOf } from '../sources/table.ts';

export interface ResolveContext extends MissContext {
  /** Loads the code for a miss (cli.ts passes the on-demand bundle's loader). */
  onDemand: () => Promise<{ fetchOnMiss: typeof fetchOnMiss }>;
}

export async function resolveCredentials(plan: Plan, ctx: ResolveContext): Promise<Credentials> {
  const { logger } = ctx;
  const held = plan.passThrough ? kindOf(plan.source).held?.(plan.source) : undefined;
  if (held) return held;
  const refs = planCacheRefs(plan, ctx.settings.stsEndpoint);
  const cached = !ctx.renew && refs.final && readCredentials(ctx.cacheDir, refs.final, ctx.now(), logger);
  if (cached) {
    logger.debug(
      `cache: hit for profile '${plan.profile}' (${refs.final!.kind}, valid until ${cached.expiration && isoTime(cached.expiration)})`,
    );
    return cached;
  }
  logger.debug(`cache: miss for profile '${plan.profile}'; loading the STS client`);
  const { fetchOnMiss } = await ctx.onDemand();
  return fetchOnMiss(plan, refs, ctx);
}
