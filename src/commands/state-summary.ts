/** How `status` and `login` say what the cache holds for a profile. Pure. */
import type { CacheState, EntryState } from '../credentials/cache-state.ts';
import { formatDuration } from '../duration.ts';

/** "credentials valid until … (59m left)" and, when it is a separate entry, the MFA session's line. */
export function summarize(state: CacheState, now: number): string[] {
  const parts = [describe('credentials', state.credentials, now)];
  if (state.session && state.session !== state.credentials) parts.push(describe('MFA session', state.session, now));
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
