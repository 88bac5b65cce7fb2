/**
 * The project file of this run's working directory (src/project/), looked up once per run: the
 * profile choice, the guardrails and the commands that show it all ask here, and what is said
 * about the file (a new or changed one is one warning line) is said once.
 */
import type { ProfileChoice } from '../aws-config/select-profile.ts';
import { loadProject } from '../project/load.ts';
import { pinProfile } from '../project/pin.ts';
import type { Applied, Project } from '../project/types.ts';
import type { Runtime } from './runtime.ts';

const loaded = new WeakMap<Runtime, Project | undefined>();

export function projectOf(rt: Runtime): Project | undefined {
  if (loaded.has(rt)) return loaded.get(rt);
  const project = loadProject({ cwd: rt.cwd, homedir: rt.homedir, env: rt.env, logger: rt.logger });
  loaded.set(rt, project);
  return project;
}

/** What the project file changes here (nothing when there is none, or it is ignored). */
export function appliedHere(rt: Runtime): Applied | undefined {
  const project = projectOf(rt);
  return project && project.state !== 'ignored' ? project.applied : undefined;
}

/** `choice`, or the approved project file's profile when nothing asked for one (project/pin.ts). */
export function pinnedByProject(choice: ProfileChoice, rt: Runtime): ProfileChoice {
  return choice.requested !== undefined ? choice : pinProfile(choice, projectOf(rt));
}
