/**
 * login: ask for the MFA code now (if needed) and fill the cache, e.g. at the start of a day, or
 * in another terminal when a `--server` run says its MFA session is ending. An MFA session (or,
 * without one, MFA-backed credentials) with less than the renewal notice left (15 min,
 * MFA_EXEC_RENEWAL_NOTICE) is renewed with a new code rather than called ready. For an IAM
 * Identity Center profile (or a role from one) it signs in when the sign-in cannot serve: in the
 * browser, or with the device code (--no-browser, over SSH).
 */
import type { Plan } from '../aws-config/plan.ts';
import { openEntryReader } from '../credentials/cache-reader.ts';
import { cacheState, type CacheState } from '../credentials/cache-state.ts';
import { resolveCredentials } from '../credentials/resolve.ts';
import { formatDuration } from '../duration.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { planFor, resolveContext } from '../pipeline/resolution.ts';
import { signInReports, summarize, timeLeft } from './state-summary.ts';

export const help: CommandHelp = {
  usage: [
    'mfa-exec login [PROFILE] [options]            prompt now and fill the cache',
    'mfa-exec login SSO_PROFILE [--no-browser]     sign in to IAM Identity Center (device code with --no-browser)',
  ],
};

export async function run({ options }: CommandInput, rt: Runtime): Promise<number> {
  const { plan } = planFor(options, rt);
  const { cacheDir } = rt;
  const stateNow = (): CacheState => {
    const now = rt.now();
    const entries = openEntryReader(cacheDir, now, rt.logger);
    try {
      return cacheState(plan, rt.settings.stsEndpoint, entries, now);
    } finally {
      entries.close();
    }
  };
  const before = stateNow();
  const ending = endingMfaStep(plan, before, rt.now(), rt.settings.renewalNoticeMs);
  if (ending) rt.logger.debug(`${ending}: renewing it with a new MFA code`);
  await resolveCredentials(plan, {
    ...resolveContext(rt, options),
    renew: ending !== undefined,
    ...(ending ? { promptReason: `${ending}; enter a new MFA code to renew it.` } : {}),
  });
  const parts = summarize(stateNow(), rt.now());
  const [signIn] = await signInReports([plan.source], rt);
  if (signIn) parts.push(signIn.summary);
  rt.logger.info(`profile '${plan.profile}' is ready${parts.length ? `: ${parts.join('; ')}` : ''}`);
  return 0;
}

/**
 * "the MFA session of profile 'x' ends in 12m" when what holds the MFA is fresh but has less than
 * `noticeMs` left; undefined when it is not cached (a normal fetch asks anyway) or lasts longer.
 */
function endingMfaStep(plan: Plan, state: CacheState, now: number, noticeMs: number): string | undefined {
  const step = plan.session?.mfaSerial ? state.session : plan.roles.some((r) => r.mfaSerial) ? state.credentials : undefined;
  if (!step?.fresh) return undefined;
  const left = Date.parse(step.expiration) - now;
  if (left >= noticeMs) return undefined;
  const what = plan.session?.mfaSerial ? 'MFA session' : 'credentials';
  return `the ${what} of profile '${plan.profile}' end${what === 'credentials' ? '' : 's'} in ${timeLeft(left)} (under the ${formatDuration(noticeMs / 1000)} renewal notice)`;
}
