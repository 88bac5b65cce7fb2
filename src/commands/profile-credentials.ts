/** The resolution every credential command shares: profile → files → plan → credentials. */
import os from 'node:os';
import { loadAwsFiles } from '../aws-config/load.ts';
import { resolvePlan, type Plan } from '../aws-config/plan.ts';
import { selectProfile, type ProfileChoice } from '../aws-config/select-profile.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import { cacheDir } from '../credentials/cache.ts';
import { resolveCredentials } from '../credentials/resolve.ts';
import type { Credentials } from '../credentials/types.ts';
import { parseDuration } from '../duration.ts';
import type { Options } from '../invocation.ts';
import type { Logger } from '../log.ts';

export interface Runtime {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  now: () => number;
  homedir?: string;
}

export interface Resolution {
  choice: ProfileChoice;
  files: AwsFiles;
  plan: Plan;
  cacheDir: string;
}

export function planFor(options: Options, rt: Runtime): Resolution {
  const { env, logger } = rt;
  const choice = selectProfile(options.profile, env);
  logger.debug(`profile '${choice.name}' (from ${choice.from})`);
  const files = loadAwsFiles(env, rt.homedir ?? os.homedir());
  logger.debug(`config files: ${files.configFile}, ${files.credentialsFile}`);
  const sessionEnv = env.MFA_EXEC_SESSION_DURATION;
  const plan = resolvePlan(files, choice.name, env, {
    durationSeconds: options.duration,
    sessionDurationSeconds: options.sessionDuration ?? (sessionEnv ? parseDuration(sessionEnv, 'MFA_EXEC_SESSION_DURATION') : undefined),
    noSession: options.noSession,
    region: options.region,
  });
  logger.debug(`chain: ${plan.chain.join(' → ')}; source: ${plan.source.kind} credentials of '${plan.source.profile}'`);
  for (const note of plan.notes) logger.debug(`plan: ${note}`);
  return { choice, files, plan, cacheDir: cacheDir(env, rt.homedir ?? os.homedir()) };
}

export async function credentialsFor(options: Options, rt: Runtime): Promise<Resolution & { creds: Credentials }> {
  const resolution = planFor(options, rt);
  const creds = await resolveCredentials(resolution.plan, {
    files: resolution.files,
    env: rt.env,
    cacheDir: resolution.cacheDir,
    logger: rt.logger,
    now: rt.now,
    mfaToken: options.mfaToken,
  });
  return { ...resolution, creds };
}
