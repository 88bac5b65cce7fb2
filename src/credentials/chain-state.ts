/**
 * What the cache holds for the role profiles of shared-chains.ts, as cacheState says it for one
 * plan: each tail's cache keys, and the deepest fresh role below each, computed once per tail and
 * kind of plan, so a profile costs the same whatever its depth. A tail's steps have one of two
 * forms, as resolvePlan words them: behind an MFA session (no role names a device, the first is
 * assumed from the session) or not (the first role carries the first hop's device).
 */
import type { ChainPlan, Tail } from '../aws-config/shared-chains.ts';
import type { RoleStep } from '../aws-config/plan.ts';
import { redactUrls } from '../printable.ts';
import { kindOf, sourceId } from '../sources/table.ts';
import { cacheRef, canonical, roleRequest, sessionRequest, sourceStepRef, type CacheRef } from './cache-key.ts';
import type { EntryReader } from './cache-reader.ts';
import { entryState, type CacheState, type EntryState } from './cache-state.ts';

/** cacheState's answer, with the first of its MFA devices (the one list shows). */
export type ChainState = Omit<CacheState, 'mfaSerials'> & { mfaSerial?: string };

type Form = 'session' | 'direct';

interface TailCache {
  ref?: CacheRef;
  /** Index + 1 of the deepest fresh role in the tail, 0 when none is. */
  freshStart?: number;
  /** A role after the deepest fresh one names an MFA device (a fetch would ask for a code). */
  codeAfterFresh?: boolean;
}

export function chainStates(entries: EntryReader, stsEndpoint: string | undefined, now: number): (plan: ChainPlan) => ChainState {
  const fullEndpoint = stsEndpoint ?? '';
  const endpoint = redactUrls(fullEndpoint);
  const cache: Record<Form, Map<Tail, TailCache>> = { session: new Map(), direct: new Map() };
  const state = (ref: CacheRef | undefined): EntryState | undefined => {
    const entry = ref && entries.entry(ref);
    return entry && entryState(entry, now);
  };
  // Every profile behind one MFA session (or one temporary source) asks for its entry: made once per source and session.
  const sessions = new Map<string, CacheRef>();
  const sources = new Map<string, CacheRef | undefined>();
  const sessionRef = (source: ChainPlan['source'], session: ChainPlan['session']): CacheRef | undefined => {
    if (!session) {
      const id = sourceId(source);
      if (!sources.has(id)) sources.set(id, sourceStepRef(source));
      return sources.get(id);
    }
    const request = sessionRequest(endpoint, sourceId(source), source.profile, session);
    const text = canonical(request);
    let ref = sessions.get(text);
    if (!ref) sessions.set(text, (ref = cacheRef('session', fullEndpoint, request)));
    return ref;
  };

  /** The device a role step carries in a plan of this form: none behind a session; the first role the first hop's. */
  const device = (step: RoleStep, index: number, form: Form, firstSerial: string | undefined): string | undefined =>
    form === 'session' ? undefined : index === 0 ? (step.mfaSerial ?? firstSerial) : step.mfaSerial;

  const asked = (step: RoleStep, index: number, form: Form, firstSerial: string | undefined): RoleStep => ({
    ...step,
    mfaSerial: device(step, index, form, firstSerial),
  });

  /**
   * The cache facts of `tail` and every tail below it in `form`, from the bottom up (iterative:
   * chains of any depth). `session`: the MFA session's ref in this form, the parent of the first role.
   */
  const facts = (tail: Tail, form: Form, session: CacheRef | undefined): TailCache => {
    const memo = cache[form];
    const path: Tail[] = [];
    for (let node: Tail | undefined = tail; node && !memo.has(node); node = node.next) path.push(node);
    for (let i = path.length - 1; i >= 0; i--) {
      const node = path[i]!;
      const below = node.next && node.next.roleCount > 0 ? memo.get(node.next)! : undefined;
      const facts: TailCache = { freshStart: below?.freshStart ?? 0, codeAfterFresh: below?.codeAfterFresh ?? false };
      if (node.step) {
        const index = node.roleCount - 1;
        const parent = below ? below.ref!.key : session?.key;
        const step = asked(node.step, index, form, node.firstSerial);
        facts.ref = cacheRef('role', fullEndpoint, roleRequest(endpoint, sourceId(node.source), step, parent));
        if (state(facts.ref)?.fresh) {
          facts.freshStart = index + 1;
          facts.codeAfterFresh = false;
        } else {
          facts.codeAfterFresh = facts.codeAfterFresh || step.mfaSerial !== undefined;
        }
      }
      memo.set(node, facts);
    }
    return memo.get(tail)!;
  };

  return (plan) => {
    const form: Form = plan.session ? 'session' : 'direct';
    const { tail, target, firstSerial } = plan;
    const session = sessionRef(plan.source, plan.session);
    const below = tail.roleCount > 0 ? facts(tail, form, session) : undefined;
    const index = tail.roleCount;
    const step = asked(target, index, form, firstSerial);
    const final = cacheRef('role', fullEndpoint, roleRequest(endpoint, sourceId(plan.source), step, below ? below.ref!.key : session?.key));
    const credentials = state(final);
    const sessionState = state(session);
    const start = credentials?.fresh ? index + 1 : (below?.freshStart ?? 0);
    const codeForRoles = !credentials?.fresh && (step.mfaSerial !== undefined || (below?.codeAfterFresh ?? false));
    const sessionNeedsCode = start === 0 && !!plan.session?.mfaSerial && !sessionState?.fresh;
    // cacheState's mfaSerials[0]: the session's device, else the first role's (the first hop's), else the first role naming one.
    const first = plan.session?.mfaSerial ?? firstSerial ?? (tail.firstWithSerial?.step ?? target).mfaSerial;
    // A temporary source's own entry stands where the session would (no plan has both).
    const sourceState = plan.session ? undefined : sessionState;
    const signInAsked = kindOf(plan.source).signsIn === true && start === 0 && !sourceState?.fresh;
    return {
      credentials,
      session: plan.session ? sessionState : undefined,
      ...(sourceState ? { source: sourceState } : {}),
      mfaSerial: first,
      promptNeeded: sessionNeedsCode || codeForRoles,
      signInAsked,
    };
  };
}
