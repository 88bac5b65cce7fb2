/**
 * Which cache file holds which step's credentials, and what request each entry must have been
 * fetched for. Pure.
 *
 * A source whose credentials are temporary (IAM Identity Center, `aws login`: SourceKind.lifetime)
 * has a step of its own, kind 'source': its request is the source's id and profile, and the roles
 * assumed from it name it as their parent.
 *
 * Each step has a request: everything that decides what STS returns for it — the STS endpoint,
 * the source (its kind's id: access key id, the credential_process command's hash, or the
 * profile whose keys are in the store; src/sources/), the profile, the MFA
 * device, the duration asked for, and for a role its ARN, external id and session name and the
 * key of the step it is assumed from. The key is a hash of the request, so changing any of them
 * (`-d 15m` after a 1 h run included) looks at another file; the request is also stored in the
 * entry and compared on every read, so an entry renamed over another's name is a miss. Secrets
 * never enter a request or a key. The hash is SHA-256 (../sha256.ts: plain JS, the warm path does
 * not load node:crypto).
 */
import type { Plan, RoleStep, SessionStep } from '../aws-config/plan.ts';
import { redactUrls } from '../printable.ts';
import { sha256Hex } from '../sha256.ts';
import { kindOf, sourceId, type Source } from '../sources/table.ts';

export interface StepRequest {
  /** AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL with any userinfo redacted; '' for the SDK's own endpoint. */
  endpoint: string;
  /** The source's id (src/sources/: `static:<access key id>`, `process:<hash>`, `store:<profile>`, …). */
  source: string;
  /** The step's own profile: the source profile for the session, the role's profile for a role. */
  profile: string;
  /** The MFA device sent with this call (for a role assumed from a session: none). */
  mfaSerial?: string;
  durationSeconds: number;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  /** The key of the step this role is assumed from (the session's, or the role's before it). */
  parent?: string;
}

export interface CacheRef {
  kind: 'session' | 'role' | 'source';
  key: string;
  request: StepRequest;
}

export interface PlanCacheRefs {
  /** The source's own credentials, for a source whose credentials are temporary (SourceKind.lifetime). */
  source?: CacheRef;
  session?: CacheRef;
  roles: CacheRef[];
  /** The step whose credentials the child gets; undefined for a pass-through plan. */
  final?: CacheRef;
  /** One lock per source and MFA device: every profile behind the same MFA session shares it, whatever the durations. */
  lockKey: string;
}

/** `stsEndpoint`: AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL (settings.ts), part of every key. */
export function planCacheRefs(plan: Plan, stsEndpoint: string | undefined): PlanCacheRefs {
  const fullEndpoint = stsEndpoint ?? '';
  const endpoint = redactUrls(fullEndpoint);
  const source = sourceId(plan.source);
  const sourceStep = sourceStepRef(plan.source);
  let session: CacheRef | undefined;
  let parent = sourceStep?.key;
  if (plan.session) {
    session = cacheRef('session', fullEndpoint, sessionRequest(endpoint, source, plan.source.profile, plan.session));
    parent = session.key;
  }
  const roles = plan.roles.map((role) => {
    const r = cacheRef('role', fullEndpoint, roleRequest(endpoint, source, role, parent));
    parent = r.key;
    return r;
  });
  let lockKey: string | undefined;
  return {
    ...(sourceStep ? { source: sourceStep } : {}),
    session,
    roles,
    final: roles.at(-1) ?? session ?? sourceStep,
    // Needed on a miss only: not hashed on the warm path (and hashed once there).
    get lockKey() {
      return (lockKey ??= hash(['lock', fullEndpoint, source, plan.session?.mfaSerial ?? '']));
    },
  };
}

/** The cache entry of one step. The key covers the endpoint as given: two endpoints that differ only in their userinfo differ. */
export function cacheRef(kind: CacheRef['kind'], fullEndpoint: string, request: StepRequest): CacheRef {
  return { kind, key: hash([kind, fullEndpoint, canonical(request)]), request };
}

/**
 * The step of a source whose credentials are temporary (SourceKind.lifetime), or undefined for
 * any other. Its credentials do not come from STS: the STS endpoint is no part of it (the source's
 * id holds the endpoints that matter), and its duration is the longest the kind gives. Nor is the
 * profile: every profile that names the same sign-in and role shares the entry (`profile` is '').
 */
export function sourceStepRef(source: Source): CacheRef | undefined {
  const lifetime = kindOf(source).lifetime;
  if (lifetime === undefined) return undefined;
  return cacheRef('source', '', { endpoint: '', source: sourceId(source), profile: '', durationSeconds: lifetime });
}

/** GetSessionToken's request: `endpoint` redacted (redactUrls), `source` from sourceId. */
export function sessionRequest(endpoint: string, source: string, profile: string, session: SessionStep): StepRequest {
  return {
    endpoint,
    source,
    profile,
    ...(session.mfaSerial !== undefined ? { mfaSerial: session.mfaSerial } : {}),
    durationSeconds: session.durationSeconds,
  };
}

/** AssumeRole's request, assumed from the step whose key is `parent` (none: from the source credentials). */
export function roleRequest(endpoint: string, source: string, role: RoleStep, parent: string | undefined): StepRequest {
  return {
    endpoint,
    source,
    profile: role.profile,
    ...(role.mfaSerial !== undefined ? { mfaSerial: role.mfaSerial } : {}),
    durationSeconds: role.durationSeconds,
    roleArn: role.roleArn,
    ...(role.externalId !== undefined ? { externalId: role.externalId } : {}),
    ...(role.sessionName !== undefined ? { sessionName: role.sessionName } : {}),
    ...(parent !== undefined ? { parent } : {}),
  };
}

/** The request's fields in a fixed order, as one string: what a key hashes and what an entry is compared by. */
export function canonical(request: StepRequest): string {
  const { endpoint, source, profile, mfaSerial, durationSeconds, roleArn, externalId, sessionName, parent } = request;
  return JSON.stringify([endpoint, source, profile, mfaSerial, durationSeconds, roleArn, externalId, sessionName, parent]);
}

/**
 * The same step whatever durations were asked for, and with or without an MFA session in front
 * (a role assumed with the code directly records the device and no parent): what
 * `clear --profile` removes.
 */
export function sameStepAnyForm(a: StepRequest, b: StepRequest): boolean {
  const strip = (r: StepRequest) =>
    canonical({ ...r, durationSeconds: 0, parent: undefined, mfaSerial: r.roleArn === undefined ? r.mfaSerial : undefined });
  return strip(a) === strip(b);
}

/**
 * Where a fetch starts: the deepest role step that `cached` finds usable, so that only the steps
 * after it need STS. `start` is the index of the first step left to run (0: none is cached).
 */
export function deepestCachedRole<T>(refs: PlanCacheRefs, cached: (ref: CacheRef) => T | undefined): { start: number; found?: T } {
  for (let i = refs.roles.length; i > 0; i--) {
    const found = cached(refs.roles[i - 1]!);
    if (found !== undefined) return { start: i, found };
  }
  return { start: 0 };
}

function hash(parts: string[]): string {
  return sha256Hex(JSON.stringify(parts)).slice(0, 40);
}
