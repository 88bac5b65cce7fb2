/**
 * Profile → plan: the ordered STS steps that produce credentials for one profile. Pure: takes
 * the parsed files, the environment and the command-line overrides; touches nothing.
 *
 * Shape of every plan:  source credentials → [GetSessionToken] → AssumeRole × n
 *
 * It follows botocore for where credentials come from (a role profile's own keys are ignored in
 * favour of its source_profile; a *source* profile's keys win over its role_arn) and aws-vault
 * for when an MFA session can stand in front of the roles.
 */
import { ConfigError } from '../errors.ts';
import { formatDuration } from '../duration.ts';
import type { AwsFiles, Profile } from './types.ts';

export type SourceCredentials =
  | {
      kind: 'static';
      profile: string;
      file: string;
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string;
    }
  | { kind: 'environment'; profile: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { kind: 'process'; profile: string; file: string; command: string }
  /**
   * No keys in either file: they come from mfa-exec's key store (keyring or encrypted file),
   * read only on a cache miss, so the plan stays pure and the warm path never opens the store.
   * `files`: the config and credentials files, for the error when the store has none either.
   */
  | { kind: 'store'; profile: string; files: readonly string[] };

/** Where the code for an MFA device comes from when no flag or variable gives one. */
export interface MfaDevice {
  /** MFA device; absent for a step without MFA. */
  mfaSerial?: string;
  /** The mfa_process of the first profile in the chain that names this device and has one. */
  mfaProcess?: string;
}

export interface SessionStep extends MfaDevice {
  durationSeconds: number;
}

export interface RoleStep extends MfaDevice {
  profile: string;
  roleArn: string;
  externalId?: string;
  sessionName?: string;
  durationSeconds: number;
  // mfaSerial: sent with this AssumeRole call (the code is asked for this step).
}

export interface Plan {
  profile: string;
  /** Profiles walked, target first, source last. */
  chain: string[];
  region?: string;
  source: SourceCredentials;
  session?: SessionStep;
  roles: RoleStep[];
  /** The source's own temporary credentials are used as they are (no STS call at all). */
  passThrough: boolean;
  /** Why the plan looks the way it does, for --debug. */
  notes: string[];
}

export interface PlanOverrides {
  /** The target role's lifetime (-d/--duration, else AWS_ASSUME_ROLE_TTL): wins over duration_seconds. */
  durationSeconds?: number;
  /** Where durationSeconds comes from, for messages (default '-d/--duration'). */
  durationFrom?: string;
  /** The MFA session's lifetime (--session-duration, else MFA_EXEC_SESSION_DURATION). */
  sessionDurationSeconds?: number;
  /** Where sessionDurationSeconds comes from, for messages. */
  sessionDurationFrom?: string;
  /**
   * aws-vault's session lifetimes, used when sessionDurationSeconds is not given: `direct` when
   * the session is itself the credentials (AWS_SESSION_TOKEN_TTL), `chained` when roles are
   * assumed from it (AWS_CHAINED_SESSION_TOKEN_TTL).
   */
  sessionTtl?: { direct?: number; chained?: number };
  noSession?: boolean;
  region?: string;
}

export const DEFAULT_SESSION_SECONDS = 8 * 3600;
export const DEFAULT_ROLE_SECONDS = 3600;
/** AWS caps roles assumed with temporary credentials (role chaining) at one hour. */
export const CHAINED_ROLE_MAX_SECONDS = 3600;
const SESSION_LIMITS = { min: 900, max: 129600 };
const ROLE_LIMITS = { min: 900, max: 43200 };

export function resolvePlan(files: AwsFiles, profileName: string, env: NodeJS.ProcessEnv, overrides: PlanOverrides = {}): Plan {
  const notes: string[] = [];
  const target = lookup(files, profileName, undefined, env);
  const chain: string[] = [];
  const walked = new Set<string>(); // the chain's names, for a constant-time cycle check
  const roleProfiles: Profile[] = [];
  let source: SourceCredentials | undefined;
  let current = target;

  for (;;) {
    // Only the first profile walked is the target: `source_profile = self` comes back to the
    // same profile as a source, where its keys win (botocore does the same).
    const step = hop(files, current, chain.length === 0, env);
    chain.push(current.name);
    walked.add(current.name);
    if ('source' in step) {
      if (step.role) roleProfiles.push(current);
      source = step.source;
      if (step.note) notes.push(step.note);
      break;
    }
    roleProfiles.push(current); // walked target first; reversed below
    const next = step.next;
    if (walked.has(next) && !(next === current.name && step.selfWithKeys)) {
      throw new ConfigError(
        `Profile '${current.name}' in ${where(current, 'source_profile')} has a source_profile cycle: ${[...chain, next].join(' → ')}. Point source_profile at a profile that holds keys.`,
      );
    }
    current = lookup(files, next, current, env);
  }

  roleProfiles.reverse(); // source side first: the order the roles are assumed in
  const region = overrides.region ?? nonEmpty(target.values.region);
  const roles = roleProfiles.map((p, index) =>
    roleStep(p, { chained: index > 0, target: index === roleProfiles.length - 1 }, overrides, notes, files),
  );
  const sourceProfile = files.profiles.get(source.profile);
  const sourceSerial = nonEmpty(sourceProfile?.values.mfa_serial);
  const sessionSeconds = sessionDuration(overrides, roles.length > 0);
  const base = { profile: target.name, chain, region, source, notes };
  let processes: Map<string, string> | undefined;
  const device = (mfaSerial: string | undefined): MfaDevice => {
    const mfaProcess = mfaSerial === undefined ? undefined : (processes ??= mfaProcesses(files, chain)).get(mfaSerial);
    return mfaProcess === undefined ? { mfaSerial } : { mfaSerial, mfaProcess };
  };

  if (roles.length === 0) {
    if ((source.kind === 'static' || source.kind === 'environment') && source.sessionToken !== undefined) {
      notes.push(
        `profile '${source.profile}' already holds temporary credentials (aws_session_token or aws_security_token): they are used as they are`,
      );
      return { ...base, roles, passThrough: true };
    }
    if (overrides.noSession) notes.push('--no-session ignored: a profile without role_arn is served by a session');
    notes.push(sourceSerial ? `GetSessionToken with MFA device ${sourceSerial}` : 'GetSessionToken without MFA (no mfa_serial)');
    return { ...base, roles, passThrough: false, session: { ...device(sourceSerial), durationSeconds: sessionSeconds } };
  }

  // The MFA device of the first hop: the first role's mfa_serial, else the source profile's own.
  const firstSerial = roles[0]!.mfaSerial ?? sourceSerial;
  const reason = whyNoSession(roles, firstSerial, source, overrides);
  if (reason === undefined && firstSerial !== undefined) {
    notes.push(`GetSessionToken with MFA device ${firstSerial}, then AssumeRole from the session (no further MFA prompt while it lasts)`);
    for (const role of roles) delete role.mfaSerial;
    return { ...base, roles, passThrough: false, session: { ...device(firstSerial), durationSeconds: sessionSeconds } };
  }
  if (firstSerial !== undefined && roles[0]!.mfaSerial === undefined) roles[0]!.mfaSerial = firstSerial;
  for (const role of roles) Object.assign(role, role.mfaSerial === undefined ? {} : device(role.mfaSerial));
  if (reason !== undefined) notes.push(`no MFA session: ${reason}; AssumeRole is called with the MFA code directly`);
  else notes.push('no mfa_serial anywhere in the chain: AssumeRole without MFA');
  return { ...base, roles, passThrough: false };
}

/**
 * One step of the walk from a profile toward its keys: where the credentials of `current` come
 * from, or the profile it assumes its role from (`next`; the caller checks for cycles and looks it
 * up). `isTarget`: the profile asked for, whose own keys do not stop the walk when it has a
 * role_arn. Throws ConfigError for what is wrong with `current` itself.
 */
export type Hop =
  /** The walk ends here; `role`: `current` is also a role (credential_source). */
  | { source: SourceCredentials; role: boolean; note?: string }
  /** `current` is a role assumed with the credentials of `next`; `selfWithKeys`: it may name itself (its keys are the source). */
  | { next: string; selfWithKeys: boolean };

export function hop(files: AwsFiles, current: Profile, isTarget: boolean, env: NodeJS.ProcessEnv): Hop {
  const v = current.values;
  // botocore's order: keys in the credentials file, then credential_process, then keys in the
  // config file. So config-file keys count only when there is no credential_process.
  const keysIn = (file: string) =>
    ['aws_access_key_id', 'aws_secret_access_key'].some((k) => v[k] !== undefined && current.origin[k] === file);
  const hasStatic =
    (v.aws_access_key_id !== undefined || v.aws_secret_access_key !== undefined) &&
    (v.credential_process === undefined || keysIn(files.credentialsFile));
  if (hasStatic && !(isTarget && v.role_arn !== undefined)) return { source: staticSource(current), role: false };
  if (v.role_arn !== undefined) {
    if (v.credential_source !== undefined && v.source_profile !== undefined) {
      throw new ConfigError(
        `Profile '${current.name}' in ${where(current, 'credential_source')} sets both source_profile and credential_source; the AWS CLI refuses this too. Keep one of them.`,
      );
    }
    if (v.credential_source !== undefined) return { source: environmentSource(current, env, files), role: true };
    const next = v.source_profile;
    if (next === undefined) {
      throw new ConfigError(
        `Profile '${current.name}' in ${where(current, 'role_arn')} has role_arn but neither source_profile nor credential_source, so there are no credentials to assume the role with. Add 'source_profile = <profile with keys>'.`,
      );
    }
    return { next, selfWithKeys: hasStatic };
  }
  if (v.credential_process !== undefined) {
    return {
      source: { kind: 'process', profile: current.name, file: where(current, 'credential_process'), command: v.credential_process },
      role: false,
    };
  }
  if (Object.keys(v).some((k) => k.startsWith('sso_'))) throw ssoProfile(current);
  return {
    source: { kind: 'store', profile: current.name, files: [files.configFile, files.credentialsFile] },
    role: false,
    note: `profile '${current.name}' has no keys in ${files.credentialsFile} or ${files.configFile}: they come from the key store`,
  };
}

/**
 * aws-vault's rule: the code for a device comes from the mfa_process of the first profile in the
 * chain that names that device and has one. One pass over the chain for all devices.
 */
function mfaProcesses(files: AwsFiles, chain: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of chain) {
    const values = files.profiles.get(name)?.values;
    const serial = values?.mfa_serial?.trim();
    if (serial !== undefined && values?.mfa_process !== undefined && !found.has(serial)) found.set(serial, values.mfa_process);
  }
  return found;
}

export function whyNoSession(
  roles: RoleStep[],
  firstSerial: string | undefined,
  source: SourceCredentials,
  overrides: PlanOverrides,
): string | undefined {
  if (firstSerial === undefined) {
    const later = roles.find((r) => r.mfaSerial !== undefined);
    return later ? `chained roles: only profile '${later.profile}', not the first hop, names an MFA device` : undefined;
  }
  if (overrides.noSession) return '--no-session was given';
  if ((source.kind === 'static' || source.kind === 'environment') && source.sessionToken !== undefined) {
    return `profile '${source.profile}' holds temporary credentials, and GetSessionToken needs long-term keys`;
  }
  const other = roles.find((r) => r.mfaSerial !== undefined && r.mfaSerial !== firstSerial);
  if (other) return `chained roles: profile '${other.profile}' names a different MFA device (${other.mfaSerial})`;
  const long = roles.find((r) => r.durationSeconds > CHAINED_ROLE_MAX_SECONDS);
  if (long) {
    return `duration ${formatDuration(long.durationSeconds)} for profile '${long.profile}' is over the ${formatDuration(CHAINED_ROLE_MAX_SECONDS)} AWS allows for a role assumed from a session`;
  }
  return undefined;
}

/**
 * One role of a chain. `chained`: assumed with another role's credentials (AWS caps it at 1 h);
 * `target`: the profile asked for (-d applies to it alone).
 */
export function roleStep(
  p: Profile,
  place: { chained: boolean; target: boolean },
  overrides: PlanOverrides,
  notes: string[],
  files: AwsFiles,
): RoleStep {
  const isTarget = place.target;
  const configured = p.values.duration_seconds;
  let seconds = isTarget && overrides.durationSeconds !== undefined ? overrides.durationSeconds : undefined;
  const from =
    seconds !== undefined
      ? (overrides.durationFrom ?? '-d/--duration')
      : configured !== undefined
        ? where(p, 'duration_seconds')
        : 'the default';
  if (seconds === undefined && configured !== undefined) {
    if (!/^\s*\d+\s*$/.test(configured)) {
      throw new ConfigError(
        `Profile '${p.name}' in ${where(p, 'duration_seconds')} has duration_seconds = ${shownValue(p, 'duration_seconds', files)}, which is not a whole number of seconds.`,
      );
    }
    seconds = Number(configured);
  }
  seconds ??= DEFAULT_ROLE_SECONDS;
  checkRange(seconds, ROLE_LIMITS, `role duration for profile '${p.name}'`, from);
  if (place.chained && seconds > CHAINED_ROLE_MAX_SECONDS) {
    notes.push(`profile '${p.name}' is assumed from another role: AWS caps it at 1h, so ${formatDuration(seconds)} becomes 1h`);
    seconds = CHAINED_ROLE_MAX_SECONDS;
  }
  return {
    profile: p.name,
    roleArn: p.values.role_arn!,
    externalId: nonEmpty(p.values.external_id),
    sessionName: nonEmpty(p.values.role_session_name),
    durationSeconds: seconds,
    mfaSerial: nonEmpty(p.values.mfa_serial),
  };
}

/** --session-duration / MFA_EXEC_SESSION_DURATION, else aws-vault's variable for this kind of session, else 8h. */
export function sessionDuration(overrides: PlanOverrides, chained: boolean): number {
  const [ttl, variable] = chained
    ? [overrides.sessionTtl?.chained, 'AWS_CHAINED_SESSION_TOKEN_TTL']
    : [overrides.sessionTtl?.direct, 'AWS_SESSION_TOKEN_TTL'];
  const [seconds, from] =
    overrides.sessionDurationSeconds !== undefined
      ? [overrides.sessionDurationSeconds, overrides.sessionDurationFrom ?? '--session-duration / MFA_EXEC_SESSION_DURATION']
      : ttl !== undefined
        ? [ttl, variable]
        : [DEFAULT_SESSION_SECONDS, 'the default'];
  checkRange(seconds, SESSION_LIMITS, 'MFA session duration', from);
  return seconds;
}

function checkRange(seconds: number, limits: { min: number; max: number }, what: string, source: string): void {
  if (seconds < limits.min || seconds > limits.max) {
    throw new ConfigError(
      `The ${what} is ${formatDuration(seconds)} (from ${source}); AWS accepts ${formatDuration(limits.min)} to ${formatDuration(limits.max)}.`,
    );
  }
}

function staticSource(p: Profile): SourceCredentials {
  const { aws_access_key_id: id, aws_secret_access_key: secret } = p.values;
  // botocore reads the older name first: when aws_security_token is there at all, it is the token.
  const token = Object.hasOwn(p.values, 'aws_security_token') ? p.values.aws_security_token : p.values.aws_session_token;
  if (!id || !secret) {
    const missing = id ? 'aws_secret_access_key' : 'aws_access_key_id';
    const present = id ? 'aws_access_key_id' : 'aws_secret_access_key';
    throw new ConfigError(
      `Profile '${p.name}' in ${where(p, present)} has ${present} but no ${missing}. Add the missing key or remove both.`,
    );
  }
  return {
    kind: 'static',
    profile: p.name,
    file: where(p, 'aws_access_key_id'),
    accessKeyId: id,
    secretAccessKey: secret,
    sessionToken: nonEmpty(token),
  };
}

function environmentSource(p: Profile, env: NodeJS.ProcessEnv, files: AwsFiles): SourceCredentials {
  const kind = p.values.credential_source!;
  if (kind !== 'Environment') {
    throw new ConfigError(
      `Profile '${p.name}' in ${where(p, 'credential_source')} uses credential_source = ${shownValue(p, 'credential_source', files)}; mfa-exec supports only 'Environment'. Use source_profile with a profile that holds keys instead.`,
    );
  }
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (!id || !secret) {
    throw new ConfigError(
      `Profile '${p.name}' in ${where(p, 'credential_source')} takes its source credentials from the environment (credential_source = Environment), but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set.`,
    );
  }
  // botocore's EnvProvider: the first of AWS_SECURITY_TOKEN, AWS_SESSION_TOKEN that is not empty.
  const sessionToken = nonEmpty(env.AWS_SECURITY_TOKEN) ?? nonEmpty(env.AWS_SESSION_TOKEN);
  return { kind: 'environment', profile: p.name, accessKeyId: id, secretAccessKey: secret, sessionToken };
}

function lookup(files: AwsFiles, name: string, referrer: Profile | undefined, env: NodeJS.ProcessEnv): Profile {
  const found = files.profiles.get(name);
  if (found) return found;
  const known = [...files.profiles.keys()];
  const list =
    known.length === 0
      ? 'no profiles are defined there'
      : `defined profiles: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`;
  const how = referrer
    ? `Profile '${referrer.name}' in ${where(referrer, 'source_profile')} names source_profile '${name}', which`
    : `Profile '${name}'`;
  // A path that does not exist is said so: AWS_CONFIG_FILE=~/.aws/confg (a typo) reads as no file at all.
  const inFile = (file: string, section: string, variable: string): string =>
    files.missing.includes(file)
      ? `${file} (which does not exist${env[variable] ? `: ${variable} points there` : ''})`
      : `${file} (as ${section})`;
  throw new ConfigError(
    `${how} is not defined in ${inFile(files.configFile, `[profile ${name}]`, 'AWS_CONFIG_FILE')} or ${inFile(files.credentialsFile, `[${name}]`, 'AWS_SHARED_CREDENTIALS_FILE')}; ${list}.`,
  );
}

function ssoProfile(p: Profile): ConfigError {
  return new ConfigError(
    `Profile '${p.name}' has no credentials mfa-exec can use. It uses AWS IAM Identity Center (sso_*), which mfa-exec does not handle; run \`aws sso login\` and use the profile directly.`,
  );
}

/** A setting's value for an error message: quoted from the config file, never from the credentials file. */
function shownValue(p: Profile, key: string, files: AwsFiles): string {
  return p.origin[key] === files.credentialsFile ? '(value not shown: it is in the credentials file)' : `'${p.values[key]}'`;
}

function where(p: Profile, key: string): string {
  return p.origin[key] ?? Object.values(p.origin)[0] ?? '(unknown file)';
}

export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
