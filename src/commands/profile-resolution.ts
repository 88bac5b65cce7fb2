/** The resolution every credential command shares: profile → files → plan → credentials. */
import { loadAwsFiles } from '../aws-config/load.ts';
import { resolvePlan, type Plan } from '../aws-config/plan.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import { selectProfile, type ProfileChoice } from '../aws-config/select-profile.ts';
import { cacheDir } from '../credentials/cache.ts';
import { resolveCredentials, type ResolveContext } from '../credentials/resolve.ts';
import type { Credentials } from '../credentials/types.ts';
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';

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
  logger.debug(`config files: ${files.configFile}, ${files.credentialsFile}`);
  const plan = resolvePlan(files, choice.name, env, {
    durationSeconds: options.duration,
    sessionDurationSeconds: options.sessionDuration ?? rt.settings.sessionDurationSeconds(),
    noSession: options.noSession,
    region: options.region,
  });
  logger.debug(`chain: ${plan.chain.join(' → ')}; source: ${plan.source.kind} credentials of '${plan.source.profile}'`);
  for (const note of plan.notes) logger.debug(`plan: ${note}`);
  return { choice, plan, cacheDir: cacheDir(env, rt.homedir) };
}

/** What credentials/ needs of the runtime to resolve a plan (and --server to refresh it). */
export function resolveContext(rt: Runtime, dir: string, options: Pick<Options, 'mfaToken'>): ResolveContext {
  const { env, settings, logger, now, onDemand } = rt;
  return { env, settings, logger, now, onDemand, cacheDir: dir, mfaToken: options.mfaToken };
}

export async function credentialsFor(options: Options, rt: Runtime, files?: AwsFiles): Promise<Resolution & { creds: Credentials }> {
  const resolution = planFor(options, rt, files);
  const creds = await resolveCredentials(resolution.plan, resolveContext(rt, resolution.cacheDir, options));
  return { ...resolution, creds };
}
