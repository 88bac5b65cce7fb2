/**
 * Profile → plan: the ordered STS steps that produce credentials for one profile. Pure: takes
 * the parsed files, the environment and the command-line overrides; touches nothing.
 *
 * Shape of every plan:  source credentials → [GetSessionToken] → AssumeRole × n
 * (no GetSessionToken from a source whose credentials are temporary: a session token of its own,
 * IAM Identity Center, `aws login`; STS refuses session credentials there)
 *
 * It follows botocore for where credentials come from (a role profile's own keys are ignored in
 * favour of its source_profile; a *source* profile's keys win over its role_arn) and aws-vault
 * for when an MFA session can stand in front of the roles.
 */
import { ConfigError } from '../errors.ts';
import { formatDuration } from '../duration.ts';
import { hasStaticKeys } from '../sources/static.ts';
import { detectSource, kindOf, type ServedSource, type Source } from '../sources/table.ts';
import { UnservedError } from '../sources/unserved.ts';
import { nonEmpty, shownValue, where } from './setting.ts';
import type { AwsFiles, Profile } from './types.ts';

/** Where a plan's first credentials come from: one of the served kinds of src/sources/table.ts. */
export type SourceCredentials = ServedSource;

/** Where the code for an MFA device comes from when no flag or variable gives one. */
export interface MfaDevice {
  /** MFA device; absent for a step without MFA. */
  mfaSerial?: string;
  /** The mfa_process of the first profile in the chain that names this device and has one. */
  mfaProcess?: string;
  /** Likewise its `mfa_exec_ykman_account`: the YubiKey OATH account the ykman prompt asks for. */
  ykmanAccount?: string;
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
  let source: ServedSource | undefined;
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
  let accounts: Map<string, string> | undefined;
  const device = (mfaSerial: string | undefined): MfaDevice => {
    if (mfaSerial === undefined) return { mfaSerial };
    const mfaProcess = (processes ??= deviceSettings(files, chain, 'mfa_process')).get(mfaSerial);
    const ykmanAccount = (accounts ??= deviceSettings(files, chain, 'mfa_exec_ykman_account')).get(mfaSerial);
    return { mfaSerial, ...(mfaProcess === undefined ? {} : { mfaProcess }), ...(ykmanAccount === undefined ? {} : { ykmanAccount }) };
  };

  if (roles.length === 0) {
    if (kindOf(source).lifetime !== undefined) {
      notes.push(`the ${source.kind} credentials of profile '${source.profile}' are temporary: used as they are (no GetSessionToken)`);
      if (sourceSerial)
        notes.push(`mfa_serial of profile '${source.profile}' is not used: GetSessionToken cannot take temporary credentials`);
      return { ...base, roles, passThrough: false };
    }
    if (heldToken(source)) {
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
 * from (the first kind of src/sources/table.ts that claims it), or the profile it assumes its role
 * from (`next`; the caller checks for cycles and looks it up). `isTarget`: the profile asked for,
 * whose own keys do not stop the walk when it has a role_arn. Throws ConfigError for what is wrong
 * with `current` itself, UnservedError for a kind mfa-exec does not serve.
 */
export type Hop =
  /** The walk ends here; `role`: `current` is also a role (credential_source). */
  | { source: ServedSource; role: boolean; note?: string }
  /** `current` is a role assumed with the credentials of `next`; `selfWithKeys`: it names itself, and may (its keys are the source). */
  | { next: string; selfWithKeys: boolean };

export function hop(files: AwsFiles, current: Profile, isTarget: boolean, env: NodeJS.ProcessEnv): Hop {
  const found = detectSource(current, files, env, isTarget);
  if (found) {
    const { source, kind } = found;
    if (source.kind === 'unserved') throw new UnservedError(source);
    const note = kind.note?.(source, files);
    return { source, role: kind.roleSource === true, ...(note === undefined ? {} : { note }) };
  }
  // A role that no kind claims: assumed with the credentials of its source_profile.
  const next = current.values.source_profile;
  if (next === undefined) {
    throw new ConfigError(
      `Profile '${current.name}' in ${where(current, 'role_arn')} has role_arn but neither source_profile nor credential_source, so there are no credentials to assume the role with. Add 'source_profile = <profile with keys>'.`,
    );
  }
  return { next, selfWithKeys: next === current.name && hasStaticKeys(current, files) };
}

/** The source's own session token, when it holds temporary credentials (keys with aws_session_token, or the environment's). */
function heldToken(source: Source): boolean {
  return kindOf(source).held?.(source).sessionToken !== undefined;
}

/**
 * aws-vault's rule: the code for a device comes from the mfa_process of the first profile in the
 * chain that names that device and has one (and so does the ykman prompt's account). One pass
 * over the chain for all devices.
 */
function deviceSettings(files: AwsFiles, chain: readonly string[], setting: 'mfa_process' | 'mfa_exec_ykman_account'): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of chain) {
    const values = files.profiles.get(name)?.values;
    const serial = values?.mfa_serial?.trim();
    const value = setting === 'mfa_process' ? values?.mfa_process : nonEmpty(values?.[setting]);
    if (serial !== undefined && value !== undefined && !found.has(serial)) found.set(serial, value);
  }
  return found;
}

export function whyNoSession(
  roles: RoleStep[],
  firstSerial: string | undefined,
  source: ServedSource,
  overrides: PlanOverrides,
): string | undefined {
  if (firstSerial === undefined) {
    const later = roles.find((r) => r.mfaSerial !== undefined);
    return later ? `chained roles: only profile '${later.profile}', not the first hop, names an MFA device` : undefined;
  }
  if (overrides.noSession) return '--no-session was given';
  if (heldToken(source) || kindOf(source).lifetime !== undefined) {
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
