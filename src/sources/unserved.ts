/**
 * The profile kinds mfa-exec does not serve (yet): IAM Identity Center (sso_*), `aws login`
 * (login_session), web identity (web_identity_token_file), and a role's credential_source other
 * than Environment (instance metadata, containers). Detected for what they are, so that a plan
 * for one fails with a message that says so (UnservedError, exit 78), and so that the shims can
 * let such a profile through untouched (issue #18). A kind that becomes served (SSO and login in
 * issue #19) moves from here into a file of its own.
 *
 * A profile with source_profile and no role_arn has no credentials of its own in botocore's
 * eyes, but aws-vault and the Go SDK take its source profile's: when that one is unserved, so is
 * this one (aws-vault's TestIssue1195: a profile whose source_profile is an SSO profile).
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
}

const SSO: Kind = { what: 'AWS IAM Identity Center (sso_*)', next: 'run `aws sso login` and use the profile directly' };
const LOGIN: Kind = { what: '`aws login` (login_session)', next: 'run `aws login` and use the profile directly' };
const WEB_IDENTITY: Kind = {
  what: 'a web identity (web_identity_token_file)',
  next: 'use the profile directly, without mfa-exec',
};

/** What a profile (not a role) uses that mfa-exec does not serve, following source_profile without role_arn. */
function unservedKind(p: Profile, files: AwsFiles, seen = new Set<string>()): { kind: Kind; via?: string } | undefined {
  const v = p.values;
  if (v.web_identity_token_file !== undefined) return { kind: WEB_IDENTITY };
  if (Object.keys(v).some((k) => k.startsWith('sso_'))) return { kind: SSO };
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
