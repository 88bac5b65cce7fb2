/**
 * How `status`, `login` and `list` say what the cache holds for a profile. Pure, but for
 * signInReports, which asks the on-demand bundle where the sign-in of its source stands (IAM
 * Identity Center, `aws login`; files only, never the network).
 */
import type { CacheState, EntryState } from '../credentials/cache-state.ts';
import { formatDuration } from '../duration.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { kindOf, type ServedSource } from '../sources/table.ts';
import type { SignInReport } from '../sign-in/describe.ts';

/** "credentials valid until … (59m left)" and, when it is a separate entry, the MFA session's line. */
export function summarize(state: CacheState, now: number): string[] {
  const parts = [describe('credentials', state.credentials, now)];
  if (state.session && state.session !== state.credentials) parts.push(describe('MFA session', state.session, now));
  if (state.source && state.source !== state.credentials) parts.push(describe('source credentials', state.source, now));
  return parts.filter((p): p is string => p !== undefined);
}

function describe(what: string, entry: EntryState | undefined, now: number): string | undefined {
  if (!entry) return undefined;
  const left = Date.parse(entry.expiration) - now;
  if (left <= 0) return `${what} expired at ${entry.expiration}`;
  return `${what} valid until ${entry.expiration} (${timeLeft(left)} left${entry.fresh ? '' : ', too close to expiry to use'})`;
}

/** Whole minutes: "7h59m", "59m", "0m". */
export function timeLeft(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes > 0 ? formatDuration(minutes * 60) : '0m';
}

/**
 * How the sign-in of each source that signs a person in stands (undefined for the others), in
 * order; the on-demand bundle, which reads and words it, is loaded only when there is one.
 */
export async function signInReports(sources: readonly (ServedSource | undefined)[], rt: Runtime): Promise<(SignInReport | undefined)[]> {
  if (!sources.some((s) => s && kindOf(s).signsIn)) return [];
  return (await rt.onDemand()).signInReports(sources, { env: rt.env, homedir: rt.homedir, now: rt.now });
}
