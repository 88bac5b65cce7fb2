/**
 * The profile precedence, where the project file comes in (docs/guardrails.md has the whole order):
 *   1. -p / --profile
 *   2. MFA_EXEC_PROFILE, AWS_PROFILE, AWS_DEFAULT_PROFILE (select-profile.ts; set on the command
 *      line or exported, they are the same to us: both are a choice)
 *   3. `profile =` of an approved project file
 *   4. [default]
 * A run inside a command mfa-exec started keeps that run's profile when its credentials are still
 * valid (commands/exec.ts, canReuseInjected): the outer run chose it by the same order. Pure.
 */
import type { ProfileChoice } from '../aws-config/select-profile.ts';
import type { Project } from './types.ts';

export function pinProfile(choice: ProfileChoice, project: Project | undefined): ProfileChoice {
  if (choice.requested !== undefined || !project || project.state === 'ignored') return choice;
  const profile = project.applied.profile;
  return profile === undefined ? choice : { name: profile, from: `project file ${project.file}`, project: project.file };
}
