/**
 * credential-process hands role credentials to an SDK that keeps them until they near their
 * expiry, and SDKs refresh early (boto3 re-runs credential_process on every call once less than
 * 15 minutes are left, the JS SDK under 5 minutes). So credentials with less than RENEW_WITHIN_MS
 * left are renewed first, when that needs no MFA code: the roles are assumed again from the
 * cached MFA session (or from the source keys, when no step names a device). Otherwise, and if
 * the renewal fails, the cached credentials are handed out as they are (their real expiry).
 */
import type { Plan } from '../aws-config/plan.ts';
import { isMfaExecError } from '../errors.ts';
import { readCredentials } from './cache.ts';
import { planCacheRefs } from './cache-key.ts';
import { resolveCredentials, type ResolveContext } from './resolve.ts';
import type { Credentials } from '../aws/credentials.ts';
import { isoTime } from '../iso-time.ts';

export const RENEW_WITHIN_MS = 20 * 60 * 1000;

/**
 * Pure: whether `creds` should be renewed before they are handed out. Not when they have more
 * than RENEW_WITHIN_MS left, nor more than half their lifetime (a 15-minute role would be renewed
 * on every run), nor when a renewal would need an MFA code.
 */
export function shouldRenewEarly(plan: Plan, creds: Credentials, now: number, sessionCached: boolean): boolean {
  const role = plan.roles.at(-1);
  if (plan.passThrough || role === undefined || creds.expiration === undefined) return false;
  const left = creds.expiration.getTime() - now;
  if (left >= Math.min(RENEW_WITHIN_MS, (role.durationSeconds * 1000) / 2)) return false;
  if (plan.roles.some((r) => r.mfaSerial !== undefined)) return false; // each renewal would ask for a code
  return plan.session?.mfaSerial === undefined || sessionCached;
}

/** `creds`, or renewed ones when shouldRenewEarly says so and the renewal works without a prompt. */
export async function renewEarly(plan: Plan, creds: Credentials, ctx: ResolveContext): Promise<Credentials> {
  const { logger } = ctx;
  // Most runs stop here: not near their expiry (the MFA session's entry is read only when it would count).
  if (!shouldRenewEarly(plan, creds, ctx.now(), true)) return creds;
  const refs = planCacheRefs(plan, ctx.settings.stsEndpoint);
  const sessionCached = refs.session !== undefined && readCredentials(ctx.cacheDir, refs.session, ctx.now(), logger) !== undefined;
  if (!shouldRenewEarly(plan, creds, ctx.now(), sessionCached)) return creds;
  logger.debug(
    `credentials of '${plan.profile}' expire at ${creds.expiration && isoTime(creds.expiration)}: renewing them first, without a prompt`,
  );
  try {
    return await resolveCredentials(plan, { ...ctx, renew: 'roles', prompt: 'none' });
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    logger.debug(`renewal failed (${error.message}); handing out the current credentials`);
    return creds;
  }
}
