/**
 * Long commands never start on credentials about to end. Before a command starts, the credentials
 * it gets must last `min_lifetime` (a project file's, else 15 minutes for terraform/tofu apply and
 * destroy, else none); under --server, so must the MFA session the endpoint renews them from.
 * Otherwise they are renewed first: the roles silently from a cached MFA session that is still
 * fresh; with a new MFA code when the credentials are the MFA session, when a role is assumed with
 * the code itself, or when the MFA session ends too soon — saying so before the prompt.
 */
import type { Plan } from '../aws-config/plan.ts';
import type { Credentials } from '../aws/credentials.ts';
import { readEntry } from '../credentials/cache.ts';
import { planCacheRefs } from '../credentials/cache-key.ts';
import { isFresh } from '../credentials/fresh.ts';
import { resolveCredentials, type ResolveContext } from '../credentials/resolve.ts';
import { formatDuration } from '../duration.ts';
import type { Applied } from '../project/types.ts';
import { isLongRunning, type Invocation } from './destructive.ts';

/** min_lifetime's default for terraform/tofu apply and destroy. */
export const LONG_RUN_MIN_LIFETIME_SECONDS = 15 * 60;

/** The minimum for this invocation: the project file's min_lifetime (approved), else the default. */
export function minLifetimeSeconds(invocation: Invocation, applied: Applied | undefined): number {
  return applied?.minLifetimeSeconds ?? (isLongRunning(invocation) ? LONG_RUN_MIN_LIFETIME_SECONDS : 0);
}

export type Renewal =
  | { kind: 'none' }
  /** Renew with `renew` ('roles': assume the roles again from the cached MFA session; true: from the source). */
  | { kind: 'renew'; renew: 'roles' | true; code: boolean; why: string }
  /** Nothing mfa-exec can renew: the profile holds its own session token. */
  | { kind: 'cannot'; why: string };

export interface LifetimeFacts {
  /** ms left on the credentials the command would get (Infinity: no expiry). */
  credentialsLeft: number;
  /** ms left on the cached MFA session, when the plan has one with a device and it is cached. */
  sessionLeft?: number;
  minMs: number;
  server: boolean;
  now: number;
}

/** What to renew, if anything, and why in words (without the minimum: keepAlive adds it). Pure. */
export function renewalFor(plan: Plan, facts: LifetimeFacts): Renewal {
  const { credentialsLeft, sessionLeft, minMs, now } = facts;
  const hasRoles = plan.roles.length > 0;
  const sessionDevice = plan.session?.mfaSerial !== undefined;
  const short = credentialsLeft < minMs;
  // Under --server the endpoint renews the roles from the MFA session while the command runs.
  const sessionShort = facts.server && hasRoles && sessionDevice && (sessionLeft ?? 0) < minMs;
  if (!short && !sessionShort) return { kind: 'none' };
  const credentials = `the credentials of profile '${plan.profile}' ${ends(credentialsLeft)}`;
  if (plan.passThrough) return { kind: 'cannot', why: `${credentials}, and are the profile's own: mfa-exec cannot renew them` };
  if (!hasRoles) return { kind: 'renew', renew: true, code: sessionDevice, why: credentials };
  if (plan.roles.some((r) => r.mfaSerial !== undefined)) {
    return { kind: 'renew', renew: true, code: true, why: `${credentials} (a role is assumed with the MFA code itself)` };
  }
  const sessionFresh = sessionLeft !== undefined && isFresh({ expiration: new Date(now + sessionLeft) }, now);
  if (!sessionDevice || (sessionFresh && !sessionShort)) return { kind: 'renew', renew: 'roles', code: false, why: credentials };
  const session = `the MFA session of profile '${plan.source.profile}' ${sessionLeft === undefined ? 'is not cached' : ends(sessionLeft, true)}`;
  return { kind: 'renew', renew: true, code: true, why: short ? `${credentials} and ${session}` : session };
}

/** "end in 4m" / "ends in 4m" / "have ended". */
function ends(ms: number, singular = false): string {
  if (ms === Infinity) return singular ? 'does not end' : 'do not end';
  if (ms <= 0) return singular ? 'has ended' : 'have ended';
  return `${singular ? 'ends' : 'end'} in ${formatDuration(Math.max(1, Math.floor(ms / 1000)))}`;
}

/**
 * `creds`, or renewed ones that last `minSeconds` when they would not. `what` names the command
 * for messages (`terraform apply`).
 */
export async function keepAlive(
  plan: Plan,
  creds: Credentials,
  want: { minSeconds: number; server: boolean; what: string },
  ctx: ResolveContext,
): Promise<Credentials> {
  const { logger } = ctx;
  const minMs = want.minSeconds * 1000;
  if (minMs <= 0) return creds;
  const now = ctx.now();
  const credentialsLeft = creds.expiration ? creds.expiration.getTime() - now : Infinity;
  const refs = planCacheRefs(plan, ctx.settings.stsEndpoint);
  const sessionEntry =
    plan.session?.mfaSerial !== undefined && refs.session && refs.session !== refs.final
      ? readEntry(ctx.cacheDir, refs.session, now, logger)
      : undefined;
  const sessionLeft = sessionEntry ? Date.parse(sessionEntry.expiration) - now : undefined;
  const renewal = renewalFor(plan, { credentialsLeft, sessionLeft, minMs, server: want.server, now });
  if (renewal.kind === 'none') {
    logger.debug(`min_lifetime ${formatDuration(want.minSeconds)} for '${want.what}': the credentials last long enough`);
    return creds;
  }
  const why = `${renewal.why}, under the ${formatDuration(want.minSeconds)} '${want.what}' is to have (min_lifetime)`;
  if (renewal.kind === 'cannot') {
    logger.warn(`${why}; it may run out of credentials.`);
    return creds;
  }
  logger.debug(`${why}: renewing ${renewal.code ? 'with a new MFA code' : 'without a prompt'}`);
  const renewed = await resolveCredentials(plan, {
    ...ctx,
    renew: renewal.renew,
    ...(renewal.code ? { promptReason: `${why}: enter a new MFA code to renew them.` } : {}),
  });
  const left = renewed.expiration ? renewed.expiration.getTime() - ctx.now() : Infinity;
  if (left < minMs) {
    logger.warn(
      `the renewed credentials of profile '${plan.profile}' last ${formatDuration(Math.floor(left / 1000))}, under the ${formatDuration(want.minSeconds)} asked for '${want.what}' (the role's duration_seconds or -d is shorter); with server = true in the project file (or --server) they are renewed while it runs.`,
    );
  }
  return renewed;
}
