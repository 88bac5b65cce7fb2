// Generated ~/.aws/config texts for the bench's config-loading figures.

export interface RoleShape {
  /** The profile holding the long-term keys (in the credentials file). */
  sourceProfile: string;
  roleArn: string;
  mfaSerial: string;
  externalId: string;
}

/** `count` role profiles, each one step from the key profile, in the shapes users write. */
export function flatProfiles(count: number, r: RoleShape): string {
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const lines = [`[profile team-${i}]`, `source_profile = ${r.sourceProfile}`, `role_arn = ${r.roleArn}`, `mfa_serial = ${r.mfaSerial}`];
    if (i % 2 === 0) lines.push(`external_id = ${r.externalId}`);
    if (i % 3 === 0) lines.push('duration_seconds = 3600');
    lines.push(`region = ${['eu-central-1', 'us-east-1', 'ap-southeast-2'][i % 3]}`, '');
    out.push(lines.join('\n'));
  }
  return out.join('\n');
}

/** chain-1 … chain-`depth`, each the source_profile of the next; chain-1 starts from the keys. */
export function profileChain(depth: number, r: RoleShape): string {
  const out: string[] = [];
  for (let i = 1; i <= depth; i++) {
    const source = i === 1 ? r.sourceProfile : `chain-${i - 1}`;
    const lines = [`[profile chain-${i}]`, `source_profile = ${source}`, `role_arn = ${r.roleArn}`];
    if (i === 1) lines.push(`mfa_serial = ${r.mfaSerial}`, `external_id = ${r.externalId}`);
    lines.push('');
    out.push(lines.join('\n'));
  }
  return out.join('\n');
}
