/**
 * allow [PATH]: approve a project file (.mfa-exec) as it is now, as `direnv allow` does an .envrc:
 * its profile, min_lifetime and server then take effect for its directory tree. A change to the
 * file withdraws the approval until it is given again (project/trust.ts). What the file does is
 * said, so the person sees what they approved.
 */
import { loadAwsFiles } from '../aws-config/load.ts';
import { ConfigError, isMfaExecError } from '../errors.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { describeApplied } from '../project/describe.ts';
import { appliedSettings } from '../project/trust.ts';
import { namedProjectFile, projectToDecide, recordDecision } from './project-files.ts';
import type { CommandHelp, CommandInput } from './types.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec allow [PATH]                         approve the project file (.mfa-exec) here, or at PATH'],
};

export function run({ args }: CommandInput, rt: Runtime): number {
  const file = namedProjectFile('allow', args, rt);
  const project = projectToDecide(file, 'allow', rt);
  if (project.state === 'ignored') {
    throw new ConfigError(`${file} cannot be approved: ${project.why}.`);
  }
  recordDecision(project, 'allow', rt);
  const changes = describeApplied(appliedSettings(project.settings, 'approved', undefined));
  rt.logger.info(`approved ${file}${changes.length ? `: ${changes.join('; ')}` : ' (it sets nothing)'}`);
  const profile = project.settings.profile;
  if (profile !== undefined && !profileDefined(profile, rt)) {
    rt.logger.warn(`profile '${profile}' (its profile =) is not defined in your AWS config files: commands here will fail until it is`);
  }
  return 0;
}

function profileDefined(profile: string, rt: Runtime): boolean {
  try {
    return loadAwsFiles(rt.env, rt.homedir, rt.cwd).profiles.has(profile);
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    return true; // the files do not parse: every command says so itself
  }
}
