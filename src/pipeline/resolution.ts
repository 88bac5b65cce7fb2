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
import { kindOf } from '../sources/table.ts';
import { resolveCredentials, type ResolveContext } from '../credentials/resolve.ts';
import { guardPlan, type Guarded, type GuardedInvocation } from '../guardrails/guard.ts';
import type { Options } from '../options.ts';
import type { Settings } from '../settings.ts';
import { pinnedByProject } from './project.ts';
import type { Runtime } from './runtime.ts';

/** What a command has decided already: the profile (exec chooses it first) and the files (when it has read them). */
export interface Given {
  choice?: ProfileChoice;
  files?: AwsFiles;
  /** exec: the command the credentials are for (the guardrails that depend on it: src/guardrails/guard.ts). */
  invocation?: GuardedInvocation;
}

export interface Resolution {
  choice: ProfileChoice;
  plan: Plan;
  files: AwsFiles;
}

/** The profile asked for: --profile, else the variables (select-profile.ts), else an approved project file's, else 'default'. */
export function chooseProfile(options: Pick<Options, 'profile'>, rt: Runtime): ProfileChoice {
  return pinnedByProject(selectProfile(options.profile, rt.env), rt);
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
export function resolveContext(rt: Runtime, options: Pick<Options, 'mfaToken' | 'noBrowser'>): ResolveContext {
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
    ...(options.noBrowser ? { noBrowser: true } : {}),
  };
}

export async function credentialsFor(
  options: Options,
  rt: Runtime,
  given: Given = {},
): Promise<Resolution & { creds: Credentials; guarded: Guarded }> {
  for (const warning of awsVaultWarnings(rt.settings)) rt.logger.warn(warning);
  const files = given.files ?? loadAwsFiles(rt.env, rt.homedir, rt.cwd);
  const resolution = planFor(options, rt, { ...given, files });
  if (rt.logger.debugEnabled && kindOf(resolution.plan.source).signsIn) await debugSignIn(resolution.plan, rt);
  // The guardrails (src/guardrails/): refused or confirmed before any prompt or STS call.
  const guarded = await guardPlan(resolution.plan, files, given.invocation, rt);
  const ctx = resolveContext(rt, options);
  const creds = await guarded.after(await resolveCredentials(resolution.plan, ctx), ctx);
  return { ...resolution, creds, guarded };
}

/** --debug: where the sign-in of the plan's source stands, from its files (worded on demand: the warm bundle holds none of it). */
async function debugSignIn(plan: Plan, rt: Runtime): Promise<void> {
  const line = await (await rt.onDemand()).signInDebugLine(plan.source, { env: rt.env, homedir: rt.homedir, now: rt.now });
  if (line) rt.logger.debug(line);
}
