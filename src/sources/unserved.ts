/**
 * The profile kinds mfa-exec does not serve (yet): web identity (web_identity_token_file), a
 * role's credential_source other than Environment (instance metadata, containers), and an IAM
 * Identity Center profile that only signs in (sso_* without sso_account_id and sso_role_name: no
 * role to get credentials for; sso.ts serves the others, login.ts every login_session). Detected
 * for what they are, so that a plan for one fails with a message that says so (UnservedError,
 * exit 78), and so that the shims can let such a profile through untouched (issue #18). A kind
 * that becomes served moves from here into a file of its own.
 *
 * A profile with source_profile and no role_arn has no credentials of its own in botocore's
 * eyes, but aws-vault and the Go SDK take its source profile's: when that one is not a profile
 * with keys, this one is unserved too, saying which it is (aws-vault's TestIssue1195: a profile
 * whose source_profile is an SSO profile; mfa-exec serves that SSO profile itself, or a role
 * assumed with its credentials).
 */
import { shownValue, where } from '../aws-config/setting.ts';
import type { AwsFiles, Profile } from '../aws-config/types.ts';
import type { Credentials } from '../aws/credentials.ts';
import { ConfigError } from '../errors.ts';
import type { SourceKind } from './types.ts';

export interface UnservedSource {
  readonly kind: 'unserved';
  readonly profile: string;
  /** What it is, in a few words: "AWS IAM Identity Center (sso_*)". */
  readonly what: string;
  /** The whole message: the profile, what it uses, and the next step. */
  readonly why: string;
}

/** A plan for a profile mfa-exec does not serve: a configuration error (78) of its own kind, 'unserved'. */
export class UnservedError extends ConfigError {
  constructor(readonly source: UnservedSource) {
    super(source.why, { kind: 'unserved' });
  }
}

interface Kind {
  what: string;
  next: string;
  /** mfa-exec serves a profile of this kind itself (reached here only through a source_profile without role_arn). */
  served?: true;
}

const SSO: Kind = { what: 'AWS IAM Identity Center (sso_*)', next: '', served: true };
const SSO_SIGN_IN_ONLY: Kind = {
  what: 'an AWS IAM Identity Center sign-in without sso_account_id and sso_role_name',
  next: 'add sso_account_id and sso_role_name (the account and permission set to get credentials for)',
};
const LOGIN: Kind = { what: '`aws login` (login_session)', next: '', served: true };
const WEB_IDENTITY: Kind = {
  what: 'a web identity (web_identity_token_file)',
  next: 'use the profile directly, without mfa-exec',
};

/** What a profile (not a role) uses that mfa-exec does not serve, following source_profile without role_arn. */
function unservedKind(p: Profile, files: AwsFiles, seen = new Set<string>()): { kind: Kind; via?: string } | undefined {
  const v = p.values;
  if (v.web_identity_token_file !== undefined) return { kind: WEB_IDENTITY };
  if (v.sso_account_id !== undefined || v.sso_role_name !== undefined) return { kind: SSO };
  if (Object.keys(v).some((k) => k.startsWith('sso_'))) return { kind: SSO_SIGN_IN_ONLY };
  if (v.login_session !== undefined) return { kind: LOGIN };
  const next = v.role_arn === undefined && v.source_profile !== undefined ? files.profiles.get(v.source_profile) : undefined;
  if (next === undefined || seen.has(p.name)) return undefined;
  seen.add(p.name);
  const found = unservedKind(next, files, seen);
  return found && { kind: found.kind, via: found.via ?? next.name };
}

function source(p: Profile, what: string, why: string): UnservedSource {
  return { kind: 'unserved', profile: p.name, what, why };
}

export const unserved: SourceKind<UnservedSource> = {
  kind: 'unserved',
  onRole: ['credential_source'], // other than Environment
  detect(p, { files, role }) {
    const v = p.values;
    if (role) {
      const kind = v.credential_source;
      if (kind === undefined || kind === 'Environment') return undefined; // environment.ts has it (or refuses both settings)
      return source(
        p,
        `credential_source = ${kind}`,
        `Profile '${p.name}' in ${where(p, 'credential_source')} uses credential_source = ${shownValue(p, 'credential_source', files)}; mfa-exec supports only 'Environment'. Use source_profile with a profile that holds keys instead.`,
      );
    }
    const found = unservedKind(p, files);
    if (!found) return undefined;
    const { kind, via } = found;
    if (kind.served && via !== undefined) {
      return source(
        p,
        kind.what,
        `Profile '${p.name}' has no credentials mfa-exec can use: it names source_profile '${via}' but no role_arn, and '${via}' uses ${kind.what}. Use profile '${via}' itself, or add a role_arn to '${p.name}' to assume with its credentials.`,
      );
    }
    const uses = via === undefined ? `It uses ${kind.what}` : `Its source_profile '${via}' uses ${kind.what}`;
    return source(
      p,
      kind.what,
      `Profile '${p.name}' has no credentials mfa-exec can use. ${uses}, which mfa-exec does not handle; ${kind.next}.`,
    );
  },
  id: (s) => `unserved:${s.profile}`,
  describe: (s) => s.what,
};

export function fetch(s: UnservedSource): Promise<Credentials> {
  return Promise.reject(new UnservedError(s));
}
