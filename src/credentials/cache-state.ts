/**
 * What the cache holds for a plan, and whether using the profile now would need an MFA code.
 * Reads cache files only: never STS, never a prompt, never a secret in the result.
 */
import type { Plan } from '../aws-config/plan.ts';
import { kindOf } from '../sources/table.ts';
import type { CacheEntry } from './cache.ts';
import { deepestCachedRole, planCacheRefs, type CacheRef } from './cache-key.ts';
import type { EntryReader } from './cache-reader.ts';
import { isFresh } from './fresh.ts';

export interface EntryState {
  kind: CacheRef['kind'];
  profile: string;
  /** The lifetime asked for: part of what the entry is (a `-d 15m` run has its own entry). */
  durationSeconds: number;
  expiration: string;
  fresh: boolean;
}

export interface CacheState {
  /** Credentials the child would get, if cached. */
  credentials?: EntryState;
  session?: EntryState;
  /** A temporary source's own credentials (IAM Identity Center, `aws login`), if cached. */
  source?: EntryState;
  /** MFA device(s) a fetch would need a code for. */
  mfaSerials: string[];
  /** Running the profile now would ask for an MFA code. */
  promptNeeded: boolean;
  /**
   * Running the profile now would fetch from a source that signs a person in (nothing cached
   * covers it): whether a person is needed then is its sign-in's state (SourceKind.signsIn).
   */
  signInAsked: boolean;
}

export function entryState(entry: CacheEntry, now: number): EntryState {
  return {
    kind: entry.kind,
    profile: entry.request.profile,
    durationSeconds: entry.request.durationSeconds,
    expiration: entry.expiration,
    fresh: isFresh({ expiration: new Date(entry.expiration) }, now),
  };
}

/** `now`: the time `entries` judges by. */
export function cacheState(plan: Plan, stsEndpoint: string | undefined, entries: EntryReader, now: number): CacheState {
  const mfaSerials = [plan.session?.mfaSerial, ...plan.roles.map((r) => r.mfaSerial)].filter((s): s is string => !!s);
  if (plan.passThrough) return { mfaSerials, promptNeeded: false, signInAsked: false };
  const refs = planCacheRefs(plan, stsEndpoint);
  const state = (ref: CacheRef | undefined): EntryState | undefined => {
    const entry = ref && entries.entry(ref);
    return entry && entryState(entry, now);
  };
  const credentials = state(refs.final);
  const session = refs.session === refs.final ? credentials : state(refs.session);
  // The deepest fresh role: the steps after it would run on a fetch.
  const { start } = deepestCachedRole(refs, (ref) => (state(ref)?.fresh ? true : undefined));
  const remaining = plan.roles.slice(start);
  const sessionNeedsCode = start === 0 && !!plan.session?.mfaSerial && !session?.fresh;
  const promptNeeded = sessionNeedsCode || remaining.some((r) => r.mfaSerial !== undefined);
  const source = refs.source === refs.final ? credentials : state(refs.source);
  const signInAsked = kindOf(plan.source).signsIn === true && start === 0 && !credentials?.fresh && !source?.fresh;
  return { credentials, session, ...(source ? { source } : {}), mfaSerials, promptNeeded, signInAsked };
}
