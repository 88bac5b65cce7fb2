/**
 * The credential source kinds, in the order they are asked whether a profile is theirs (as the
 * JS SDK's resolveProfileData asks isStaticCredsProfile, isSsoProfile, …): the first that claims
 * a profile gives its source. aws-config/plan.ts walks a chain with it (a role that no kind claims
 * is assumed with its source_profile's credentials); the cache keys, `list` and --debug ask the
 * source's kind for its identity and its description; on a miss, fetch.ts finds the kind's
 * on-demand half by its file name. A new kind is one file in this folder and one entry here.
 *
 * The order is botocore's where the kinds meet: IAM Identity Center (sso_account_id or
 * sso_role_name: above keys), `aws login` (login_session: above credential_process and keys in
 * the config file, below keys in the credentials file), keys (a source profile's keys win over
 * its own role_arn), credential_source on a role, credential_process, then what mfa-exec does not
 * serve, then the key store for a profile with nothing else.
 */
import type { AwsFiles, Profile } from '../aws-config/types.ts';
import { environment } from './environment.ts';
import { login } from './login.ts';
import { credentialProcess } from './process.ts';
import { sso } from './sso.ts';
import { staticKeys } from './static.ts';
import { keyStore } from './store.ts';
import type { DetectContext, SourceKind } from './types.ts';
import { unserved } from './unserved.ts';

export const SOURCES = [sso, login, staticKeys, environment, credentialProcess, unserved, keyStore] as const;

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

const ALL_KINDS = SOURCES as readonly SourceKind<Source>[];
/** The kinds that may claim a role profile, and the settings by which they may (SourceKind.onRole). */
const ROLE_KINDS = ALL_KINDS.filter((k) => k.onRole);
const ROLE_SETTINGS = [...new Set(ROLE_KINDS.flatMap((k) => k.onRole!))];

/**
 * The first kind that claims `profile`, and its source; undefined for a role that no kind claims
 * (it is assumed with its source_profile's credentials). `isTarget`: the profile asked for.
 */
export function detectSource(
  profile: Profile,
  files: AwsFiles,
  env: DetectContext['env'],
  isTarget: boolean,
): { source: Source; kind: SourceKind<Source> } | undefined {
  const v = profile.values;
  const role = v.role_arn !== undefined && v.web_identity_token_file === undefined;
  // Indexed loops and nothing allocated for a role no kind can claim: this runs once per hop of
  // a chain of thousands, mostly before V8 has optimized it.
  let kinds = ALL_KINDS;
  if (role) {
    let claimable = false;
    for (let i = 0; i < ROLE_SETTINGS.length && !claimable; i++) claimable = v[ROLE_SETTINGS[i]!] !== undefined;
    if (!claimable) return undefined;
    kinds = ROLE_KINDS;
  }
  const ctx: DetectContext = { files, env, isTarget, role };
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i]!;
    const source = kind.detect(profile, ctx);
    if (source) return { source, kind };
  }
  return undefined;
}

/** What identifies the source in every cache request. */
export function sourceId(source: Source): string {
  return kindOf(source).id(source);
}
