/**
 * deny [PATH]: withdraw the approval of a project file (.mfa-exec) and stop the warning about it,
 * as `direnv deny` does: its profile, min_lifetime and server are not used. Its allowed_account_ids
 * and confirm still apply — refusing more is always safe. A later change to the file is said again.
 */
import type { Runtime } from '../pipeline/runtime.ts';
import { describeApplied } from '../project/describe.ts';
import { restrictionsOf } from '../project/trust.ts';
import { namedProjectFile, projectToDecide, recordDecision } from './project-files.ts';
import type { CommandHelp, CommandInput } from './types.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec deny [PATH]                          stop using the project file here, or at PATH (its restrictions stay)'],
};

export function run({ args }: CommandInput, rt: Runtime): number {
  const file = namedProjectFile('deny', args, rt);
  const project = projectToDecide(file, 'deny', rt);
  if (project.state === 'ignored') {
    rt.logger.info(`${file} is ignored already: ${project.why}`);
    return 0;
  }
  recordDecision(project, 'deny', rt);
  const still = describeApplied(restrictionsOf(project.settings));
  rt.logger.info(
    `denied ${file}: its profile, min_lifetime and server are not used${still.length ? `; what still applies: ${still.join('; ')}` : ''}`,
  );
  return 0;
}
