/**
 * Which cache file holds which step's credentials. Pure.
 *
 * A key hashes everything that decides what STS would return: the STS endpoint, the source
 * (access key id, the credential_process command, or the profile whose keys are in the store), the MFA device, and for each role its
 * ARN, external id and session name, chained from the key of the step before. Change any of
 * them and the old file is simply never looked at again. Secrets never enter a key.
 */
import { createHash } from 'node:crypto';
import type { Plan } from '../aws-config/plan.ts';

export interface CacheRef {
  kind: 'session' | 'role';
  key: string;
  /** What the entry is for, stored beside the credentials for `status` / `list`. */
  describe: { profile: string; mfaSerial?: string; roleArn?: string };
}

export interface PlanCacheRefs {
  session?: CacheRef;
  roles: CacheRef[];
  /** The step whose credentials the child gets; undefined for a pass-through plan. */
  final?: CacheRef;
  /** One lock per chain root: every profile behind the same MFA session shares it. */
  lockKey: string;
}

/** `stsEndpoint`: AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL (settings.ts), part of every key. */
export function planCacheRefs(plan: Plan, stsEndpoint: string | undefined): PlanCacheRefs {
  const endpoint = stsEndpoint ?? '';
  const source = plan.source;
  const sourceId = sourceIdOf(source);
  let parent = hash(['source', endpoint, sourceId]);
  let session: CacheRef | undefined;
  if (plan.session) {
    parent = hash(['session', endpoint, sourceId, plan.session.mfaSerial ?? '']);
    session = { kind: 'session', key: parent, describe: { profile: source.profile, mfaSerial: plan.session.mfaSerial } };
  }
  const lockKey = parent;
  const roles = plan.roles.map((role) => {
    parent = hash(['role', parent, role.roleArn, role.externalId ?? '', role.sessionName ?? '', role.mfaSerial ?? '']);
    const describe = { profile: role.profile, roleArn: role.roleArn, mfaSerial: role.mfaSerial ?? plan.session?.mfaSerial };
    return { kind: 'role' as const, key: parent, describe };
  });
  return { session, roles, final: roles.at(-1) ?? session, lockKey };
}

/**
 * What identifies the source in every key. Keys from the store are known by the profile they are
 * stored under, not by their id: the warm path must compute the key without opening the store.
 * So add, import, rotate and remove drop the entries made from a profile's stored keys.
 */
function sourceIdOf(source: Plan['source']): string {
  switch (source.kind) {
    case 'process':
      return `process\0${source.profile}\0${source.command}`;
    case 'store':
      return `store\0${source.profile}`;
    default:
      return `${source.kind}\0${source.accessKeyId}`;
  }
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
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}
