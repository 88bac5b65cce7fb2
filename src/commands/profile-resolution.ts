/** The resolution every credential command shares: profile → files → plan → credentials. */
import { loadAwsFiles } from '../aws-config/load.ts';
import { resolvePlan, type Plan, type PlanOverrides } from '../aws-config/plan.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import { selectProfile, type ProfileChoice } from '../aws-config/select-profile.ts';
import { awsVaultWarnings } from '../aws-vault-compat.ts';
import { cacheDir } from '../credentials/cache.ts';
import { resolveCredentials, type ResolveContext } from '../credentials/resolve.ts';
import type { Credentials } from '../aws/credentials.ts';
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';
import type { Settings } from '../settings.ts';

export interface Resolution {
  choice: ProfileChoice;
  plan: Plan;
  cacheDir: string;
}

/** `files`: the config files when the caller has loaded them already. */
export function planFor(options: Options, rt: Runtime, files: AwsFiles = loadAwsFiles(rt.env, rt.homedir, rt.cwd)): Resolution {
  const { env, logger } = rt;
  const choice = selectProfile(options.profile, env);
  logger.debug(`profile '${choice.name}' (from ${choice.from})`);
  const shown = (file: string) => (files.missing.includes(file) ? `${file} (does not exist)` : file);
  logger.debug(`config files: ${shown(files.configFile)}, ${shown(files.credentialsFile)}`);
  const plan = resolvePlan(files, choice.name, env, planOverrides(options, rt.settings));
  logger.debug(`chain: ${plan.chain.join(' → ')}; source: ${plan.source.kind} credentials of '${plan.source.profile}'`);
  for (const note of plan.notes) logger.debug(`plan: ${note}`);
  return { choice, plan, cacheDir: cacheDir(env, rt.homedir) };
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
export function resolveContext(rt: Runtime, dir: string, options: Pick<Options, 'mfaToken'>): ResolveContext {
  const { env, settings, logger, now, onDemand } = rt;
  return { env, settings, logger, now, onDemand, homedir: rt.homedir, cacheDir: dir, mfaToken: options.mfaToken, prompt: settings.prompt };
}

export async function credentialsFor(options: Options, rt: Runtime, files?: AwsFiles): Promise<Resolution & { creds: Credentials }> {
  for (const warning of awsVaultWarnings(rt.settings)) rt.logger.warn(warning);
  const resolution = planFor(options, rt, files);
  const creds = await resolveCredentials(resolution.plan, resolveContext(rt, resolution.cacheDir, options));
  return { ...resolution, creds };
}
