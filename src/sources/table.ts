/**
 * The credential source kinds, in the order they are asked whether a profile is theirs (as the
 * JS SDK's resolveProfileData asks isStaticCredsProfile, isSsoProfile, …): the first that claims
 * a profile gives its source. aws-config/plan.ts walks a chain with it (a role that no kind claims
 * is assumed with its source_profile's credentials); the cache keys, `list` and --debug ask the
 * source's kind for its identity and its description; on a miss, fetch.ts finds the kind's
 * on-demand half by its file name. A new kind is one file in this folder and one entry here.
 *
 * The order is botocore's where the kinds meet: keys (a source profile's keys win over its own
 * role_arn), credential_source on a role, credential_process, then what mfa-exec does not serve,
 * then the key store for a profile with nothing else.
 */
import type { Profile } from '../aws-config/types.ts';
import { environment } from './environment.ts';
import { credentialProcess } from './process.ts';
import { staticKeys } from './static.ts';
import { keyStore } from './store.ts';
import type { DetectContext, SourceKind } from './types.ts';
import { unserved } from './unserved.ts';

export const SOURCES = [staticKeys, environment, credentialProcess, unserved, keyStore] as const;

/** Any source a profile can have (the union of what the kinds detect). */
export type Source = NonNullable<ReturnType<(typeof SOURCES)[number]['detect']>>;
/** A source mfa-exec serves: what a plan holds. */
export type ServedSource = Exclude<Source, { kind: 'unserved' }>;
export type SourceOfKind<K extends Source['kind']> = Extract<Source, { kind: K }>;

const BY_KIND = new Map<string, SourceKind<Source>>(SOURCES.map((k) => [k.kind, k as SourceKind<Source>]));

/** The kind of `source`. */
export function kindOf<S extends Source>(source: S): SourceKind<S> {
  return BY_KIND.get(source.kind) as unknown as SourceKind<S>;
}

/** The kinds asked about a role profile (a chain of thousands of roles asks once per hop). */
const ROLE_KINDS = (SOURCES as readonly SourceKind<Source>[]).filter((k) => k.onRole);

/** The first kind that claims `profile`, and its source; undefined for a role no kind claims. */
export function detectSource(profile: Profile, ctx: DetectContext): { source: Source; kind: SourceKind<Source> } | undefined {
  for (const kind of ctx.role ? ROLE_KINDS : (SOURCES as readonly SourceKind<Source>[])) {
    const source = kind.detect(profile, ctx);
    if (source) return { source, kind };
  }
  return undefined;
}

/** What identifies the source in every cache request. */
export function sourceId(source: Source): string {
  return kindOf(source).id(source);
}
