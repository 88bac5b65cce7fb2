/**
 * How list, status, login and doctor word where a sign-in stands (IAM Identity Center, `aws
 * login`). Loaded on demand with the sign-in's state (the warm bundle holds none of it). Pure.
 */
import { formatDuration } from '../duration.ts';
import type { SignInState } from './types.ts';

/** What a command shows of one sign-in. */
export interface SignInReport {
  state: SignInState;
  /** "IAM Identity Center session 'corp' (https://…) signed in until … (7h59m left)", or that it ended. */
  summary: string;
  /** list's few words: what the next run does about it (`asked`: it would fetch from the source), else how long it lasts. */
  brief(asked: boolean): string;
  /** --json's `signIn`. */
  json: { what: string; expiration: string | null; next: SignInState['next']; renews: boolean; command: string };
}

export function signInReport(state: SignInState, now: number): SignInReport {
  const left = state.expiresAt === undefined ? undefined : Date.parse(state.expiresAt) - now;
  const renews = state.renews ? ', renewed silently' : '';
  const summary =
    left === undefined
      ? `${state.what}: not signed in`
      : left > 0
        ? `${state.what} signed in until ${state.expiresAt} (${minutes(left)} left${renews})`
        : `${state.what} ended at ${state.expiresAt}${renews ? ' (renewed silently)' : ''}`;
  return {
    state,
    summary,
    brief(asked) {
      if (asked && state.next === 'sign-in') return 'sign-in needed';
      if (asked && state.next === 'refresh') return 'sign-in refreshed silently';
      if (left === undefined) return 'not signed in';
      return left > 0
        ? `sign-in ${minutes(left)} left${state.renews ? ', renews' : ''}`
        : state.renews
          ? 'sign-in renews'
          : 'sign-in ended';
    },
    json: { what: state.what, expiration: state.expiresAt ?? null, next: state.next, renews: state.renews, command: state.signIn },
  };
}

/** Whole minutes: "7h59m", "59m", "0m". */
function minutes(ms: number): string {
  const m = Math.floor(ms / 60_000);
  return m > 0 ? formatDuration(m * 60) : '0m';
}
