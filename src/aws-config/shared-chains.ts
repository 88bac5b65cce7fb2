/**
 * The plans of many role profiles at once, for `list`: profiles whose source_profile chains
 * share a tail share its resolution. resolvePlan walks a profile's whole chain, so resolving every
 * profile of a 3,000-deep chain that way walks 4.5 million hops; here each profile is walked once
 * as a source (a Tail, kept), and what a plan needs from the roles below it (the first role, the
 * first that names an MFA device, the first that names another) is carried up the tail, so each
 * profile costs the same whatever its depth.
 *
 * Only role profiles whose tail resolves without an error are planned here (`plan` returns
 * undefined for the others, which resolvePlan handles: no roles, or an error whose message names
 * the whole chain). The decisions are resolvePlan's own functions (hop, roleStep, whyNoSession,
 * sessionDuration); a differential test holds the results to resolvePlan's (test/unit/list.test.ts).
 * Pure.
 */
import type { AwsFiles, Profile } from './types.ts';
import { nonEmpty } from './setting.ts';
import {
  hop,
  roleStep,
  sessionDuration,
  whyNoSession,
  type PlanOverrides,
  type RoleStep,
  type SessionStep,
  type SourceCredentials,
} from './plan.ts';

/** A role step and its place among the plan's roles (0: the first assumed, from the source's credentials). */
export interface IndexedStep {
  readonly step: RoleStep;
  readonly index: number;
}

/** A profile walked as the source of another, and the chain below it. */
export interface Tail {
  readonly profile: Profile;
  /** The profile this one's role is assumed from; undefined where the walk ends. */
  readonly next?: Tail;
  /** Profiles from this one to the end of the walk, this one included; the last two of their names; the last one's. */
  readonly depth: number;
  readonly lastTwo: readonly string[];
  readonly endName: string;
  readonly source: SourceCredentials;
  /** The source profile's own mfa_serial. */
  readonly sourceSerial?: string;
  /** This profile's role step (as a source: no -d), when it is a role; its index is `roleCount - 1`. */
  readonly step?: RoleStep;
  /** Role steps from the source up to this one. */
  readonly roleCount: number;
  /** The plan's roles[0], and the MFA device its first hop uses (roles[0]'s, else the source profile's). */
  readonly first?: RoleStep;
  readonly firstSerial?: string;
  /**
   * From the source side: the first role that names an MFA device, and the first whose device is
   * not firstSerial. (Of the roles over an hour whyNoSession looks for, only roles[0] can be one:
   * roleStep caps the others.)
   */
  readonly firstWithSerial?: IndexedStep;
  readonly firstOther?: IndexedStep;
}

/** A role profile's plan as `list` needs it: what resolvePlan would return, with the roles below the target left in `tail`. */
export interface ChainPlan {
  profile: string;
  /** The chain after the target: `[profile, ...names(tail)]` is resolvePlan's `chain`. */
  tail: Tail;
  /** The target's own role step: the plan's last role. */
  target: RoleStep;
  source: SourceCredentials;
  /** The MFA session in front of the roles (its device is firstSerial), as in resolvePlan; then no role names a device. */
  session?: SessionStep;
  /** roles[0].mfaSerial, else the source profile's mfa_serial. */
  firstSerial?: string;
}

/** Stands for a tail that cannot be walked (a missing profile, a cycle, a bad setting): its profiles go through resolvePlan. */
const BROKEN = Symbol('broken');

export function sharedChains(
  files: AwsFiles,
  env: NodeJS.ProcessEnv,
  overrides: PlanOverrides,
): { plan(name: string): ChainPlan | undefined } {
  const tails = new Map<string, Tail | typeof BROKEN>();
  let sessionSeconds: number | undefined;

  /** The tail of `name` walked as a source, or BROKEN; iterative, so a chain of any depth is fine. */
  const tailOf = (name: string): Tail | typeof BROKEN => {
    const path: Profile[] = [];
    const onPath = new Set<string>();
    let below: Tail | typeof BROKEN | undefined;
    let end: { source: SourceCredentials; role: boolean } | undefined;
    for (let current = name; ;) {
      const known = tails.get(current);
      if (known !== undefined) {
        below = known;
        break;
      }
      const profile = files.profiles.get(current);
      if (profile === undefined || onPath.has(current)) {
        below = BROKEN;
        break;
      }
      path.push(profile);
      onPath.add(current);
      let step;
      try {
        step = hop(files, profile, false, env);
      } catch {
        below = BROKEN;
        break;
      }
      if ('source' in step) {
        end = step;
        break;
      }
      current = step.next;
    }
    // Build the nodes from the bottom up; a broken tail breaks everything above it.
    for (let i = path.length - 1; i >= 0; i--) {
      const profile = path[i]!;
      let node: Tail | typeof BROKEN = BROKEN;
      if (below !== BROKEN) {
        try {
          node = below === undefined ? endNode(profile, end!) : roleNode(profile, below);
        } catch {
          node = BROKEN;
        }
      }
      tails.set(profile.name, node);
      below = node;
    }
    return below!;
  };

  const endNode = (profile: Profile, end: { source: SourceCredentials; role: boolean }): Tail => {
    const source = end.source;
    const sourceSerial = nonEmpty(files.profiles.get(source.profile)?.values.mfa_serial);
    const node = { profile, depth: 1, lastTwo: [profile.name], endName: profile.name, source, sourceSerial };
    // A role taking its source credentials from the environment (credential_source) is roles[0].
    return end.role
      ? withStep(node, roleStep(profile, { chained: false, target: false }, overrides, [], files), undefined)
      : { ...node, roleCount: 0 };
  };

  const roleNode = (profile: Profile, below: Tail): Tail => {
    const node = {
      profile,
      next: below,
      depth: below.depth + 1,
      lastTwo: below.depth === 1 ? [profile.name, below.profile.name] : below.lastTwo,
      endName: below.endName,
      source: below.source,
      sourceSerial: below.sourceSerial,
    };
    return withStep(node, roleStep(profile, { chained: below.roleCount > 0, target: false }, overrides, [], files), below);
  };

  /** `node` with its role step and the summaries of the roles up to it. */
  const withStep = (node: Omit<Tail, 'roleCount'>, step: RoleStep, below: Tail | undefined): Tail => {
    const index = below?.roleCount ?? 0;
    const self: IndexedStep = { step, index };
    if (below === undefined || index === 0) {
      const firstSerial = step.mfaSerial ?? node.sourceSerial;
      // roles[0]'s own device, if it names one, is firstSerial: it cannot be "another".
      const withSerial = step.mfaSerial !== undefined ? self : undefined;
      return { ...node, step, roleCount: 1, first: step, firstSerial, firstWithSerial: withSerial };
    }
    const other = step.mfaSerial !== undefined && step.mfaSerial !== below.firstSerial ? self : undefined;
    return {
      ...node,
      step,
      roleCount: index + 1,
      first: below.first,
      firstSerial: below.firstSerial,
      firstWithSerial: below.firstWithSerial ?? (step.mfaSerial !== undefined ? self : undefined),
      firstOther: below.firstOther ?? other,
    };
  };

  return {
    plan(name) {
      const profile = files.profiles.get(name);
      if (profile === undefined) return undefined;
      let step;
      try {
        step = hop(files, profile, true, env);
      } catch {
        return undefined;
      }
      if ('source' in step || step.next === name) return undefined;
      const tail = tailOf(step.next);
      // A tail that ends at the target itself (its keys) is a cycle through the target: resolvePlan says so.
      if (tail === BROKEN || tail.endName === name) return undefined;
      let target: RoleStep;
      try {
        target = roleStep(profile, { chained: tail.roleCount > 0, target: true }, overrides, [], files);
      } catch {
        return undefined;
      }
      sessionSeconds ??= sessionDuration(overrides, true); // throws as resolvePlan would, for every role profile
      const first = tail.roleCount > 0 ? tail.first! : target;
      const firstSerial = first.mfaSerial ?? tail.sourceSerial;
      // whyNoSession looks for the first role of some kind: these are every role it can find, in order.
      const found = [tail.firstWithSerial, tail.firstOther].filter((s): s is IndexedStep => s !== undefined);
      const roles = [...new Set([first, ...found.sort((a, b) => a.index - b.index).map((s) => s.step), target])];
      const reason = whyNoSession(roles, firstSerial, tail.source, overrides);
      const plan: ChainPlan = { profile: name, tail, target, source: tail.source, firstSerial };
      if (reason === undefined && firstSerial !== undefined) plan.session = { mfaSerial: firstSerial, durationSeconds: sessionSeconds };
      return plan;
    },
  };
}

/** The names of the profiles in `tail`, in walk order. */
export function tailNames(tail: Tail): string[] {
  const names: string[] = [];
  for (let node: Tail | undefined = tail; node; node = node.next) names.push(node.profile.name);
  return names;
}
