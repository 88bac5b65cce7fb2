/**
 * status: is a profile usable without an MFA prompt right now? For direnv hooks and shell
 * prompts: never prompts, never calls STS, prints no secret. Exit 0 yes, 1 a prompt is needed.
 */
import { cacheState, type EntryState } from '../credentials/cache-state.ts';
import { ExitCode } from '../errors.ts';
import type { Options } from '../invocation.ts';
import { planFor, type Runtime } from './profile-credentials.ts';

export function statusCommand(options: Options, rt: Runtime, out: (text: string) => void): number {
  const { plan, cacheDir } = planFor(options, rt);
  const now = rt.now();
  const state = cacheState(plan, rt.env, cacheDir, now, rt.logger);
  if (options.json) {
    out(JSON.stringify({ profile: plan.profile, valid: !state.promptNeeded, promptNeeded: state.promptNeeded, mfaSerials: state.mfaSerials, credentials: state.credentials ?? null, session: state.session ?? null }, null, 2) + '\n');
  } else {
    const parts = [
      describe('credentials', state.credentials, now),
      state.session && state.session !== state.credentials ? describe('MFA session', state.session, now) : undefined,
    ].filter(Boolean);
    const verdict = state.promptNeeded
      ? `needs an MFA code${state.mfaSerials.length ? ` (${state.mfaSerials.join(', ')})` : ''}: run 'mfa-exec login --profile ${plan.profile}'`
      : 'ready, no MFA prompt needed';
    out(`${plan.profile}: ${verdict}${parts.length ? `; ${parts.join('; ')}` : ''}\n`);
  }
  return state.promptNeeded ? ExitCode.status : 0;
}

export function describe(what: string, entry: EntryState | undefined, now: number): string | undefined {
  if (!entry) return undefined;
  const left = Date.parse(entry.expiration) - now;
  if (left <= 0) return `${what} expired at ${entry.expiration}`;
  return `${what} valid until ${entry.expiration} (${humanize(left)} left${entry.fresh ? '' : ', too close to expiry to use'})`;
}

export function humanize(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m` : `${minutes}m`;
}
