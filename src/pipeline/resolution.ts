/**
 * The line every credential command shares: which profile (chosen once) → the AWS files → the
 * plan → credentials (cache first, on-demand fetch on a miss). exec, env, credential-process,
 * status, login and clear call it; what each does with the result is theirs.
 */
import { loadAwsFiles } from '../aws-config/load.ts';
import { resolvePlan, type Plan, type PlanOverrides } from '../aws-config/plan.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import { selectProfile, type ProfileChoice } from '../aws-config/select-profile.ts';
import type { Credentials } from '../aws/credentials.ts';
import { awsVaultWarnings } from '../aws-vault-compat.ts';
import { resolveCredentials, type ResolveContext } from '../credentials/resolve.ts';
import type { Options } from '../options.ts';
import type { Settings } from '../settings.ts';
import type { Runtime } from './runtime.ts';

/** What a command has decided already: the profile (exec chooses it first) and the files (when it has read them). */
export interface Given {
  choice?: ProfileChoice;
  files?: AwsFiles;
}

export interface Resolution {
  choice: ProfileChoice;
  plan: Plan;
  files: AwsFiles;
}

/** The profile asked for: --profile, else the variables (select-profile.ts). */
export function chooseProfile(options: Pick<Options, 'profile'>, rt: Runtime): ProfileChoice {
  return selectProfile(options.profile, rt.env);
}

export function planFor(options: Options, rt: Runtime, given: Given = {}): Resolution {
  const { env, logger } = rt;
  const files = given.files ?? loadAwsFiles(env, rt.homedir, rt.cwd);
  const choice = given.choice ?? chooseProfile(options, rt);
  logger.debug(`profile '${choice.name}' (from ${choice.from})`);
  const shown = (file: string) => (files.missing.includes(file) ? `${file} (does not exist)` : file);
  logger.debug(`config files: ${shown(files.configFile)}, ${shown(files.credentialsFile)}`);
  const plan = resolvePlan(files, choice.name, env, planOverrides(options, rt.settings));
  logger.debug(`chain: ${plan.chain.join(' → ')}; source: ${plan.source.kind} credentials of '${plan.source.profile}'`);
  for (const note of plan.notes) logger.debug(`plan: ${note}`);
  return { choice, plan, files };
}

/**
 * The region the command gets as AWS_REGION / AWS_DEFAULT_REGION: --region, else the profile's
 * own; else, when the environment names none either, [default]'s, as aws-vault exports it (a
 * program that reads only the environment finds it, and so does a shell that evaluated `mfa-exec
 * env` with its AWS_PROFILE still set). Undefined: the variables are left as they are. Never the
 * source_profile's: the AWS CLI does not read that one either.
 */
export function childRegion({ plan, files }: Pick<Resolution, 'plan' | 'files'>, rt: Runtime): string | undefined {
  if (plan.region !== undefined || rt.settings.region !== undefined) return plan.region;
  const region = files.profiles.get('default')?.values.region?.trim();
  if (!region) return undefined;
  rt.logger.debug(
    `region ${region} from [default]: profile '${plan.profile}' has none, and neither AWS_REGION nor AWS_DEFAULT_REGION is set`,
  );
  return region;
}

/**
 * Durations are part of a cache entry's identity, so every command that looks at the cache (list
 * and status too) must use the same overrides a run would.
 * Lifetimes, most specific first (as aws-vault orders its flags, variables and file):
 * role: -d, AWS_ASSUME_ROLE_TTL, then duration_seconds (plan.ts), then 1h;
 * MFA session: --session-duration, MFA_EXEC_SESSION_DURATION, then aws-vault's
 * AWS_CHAINED_SESSION_TOKEN_TTL / AWS_SESSION_TOKEN_TTL (plan.ts picks one), then 8h.
 */
export function planOverrides(options: Options, settings: Settings): PlanOverrides {
  const ttls = settings.awsVaultTtls();
  const overrides: PlanOverrides = {
    noSession: options.noSession,
    region: options.region,
    sessionTtl: { direct: ttls.sessionSeconds, chained: ttls.chainedSessionSeconds },
  };
  if (options.duration !== undefined) Object.assign(overrides, { durationSeconds: options.duration, durationFrom: '-d/--duration' });
  else if (ttls.assumeRoleSeconds !== undefined)
    Object.assign(overrides, { durationSeconds: ttls.assumeRoleSeconds, durationFrom: 'AWS_ASSUME_ROLE_TTL' });
  const sessionFromEnv = settings.sessionDurationSeconds();
  if (options.sessionDuration !== undefined)
    Object.assign(overrides, { sessionDurationSeconds: options.sessionDuration, sessionDurationFrom: '--session-duration' });
  else if (sessionFromEnv !== undefined)
    Object.assign(overrides, { sessionDurationSeconds: sessionFromEnv, sessionDurationFrom: 'MFA_EXEC_SESSION_DURATION' });
  return overrides;
}

/** What credentials/ needs of the runtime to resolve a plan (and --server to refresh it). */
export function resolveContext(rt: Runtime, options: Pick<Options, 'mfaToken'>): ResolveContext {
  const { env, settings, logger, now, onDemand } = rt;
  return {
    env,
    settings,
    logger,
    now,
    onDemand,
    homedir: rt.homedir,
    cacheDir: rt.cacheDir,
    mfaToken: options.mfaToken,
    prompt: settings.prompt,
  };
}

export async function credentialsFor(options: Options, rt: Runtime, given: Given = {}): Promise<Resolution & { creds: Credentials }> {
  for (const warning of awsVaultWarnings(rt.settings)) rt.logger.warn(warning);
  const resolution = planFor(options, rt, given);
  const creds = await resolveCredentials(resolution.plan, resolveContext(rt, options));
  return { ...resolution, creds };
}
