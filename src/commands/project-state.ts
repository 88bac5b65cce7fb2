/**
 * What status (and list) say about the project file of the working directory: which file, its
 * state, what it changes, and whether it refuses the profile's account here. Never an STS call:
 * an account the AWS files do not tell is "not known before the credentials are fetched".
 */
import type { Plan } from '../aws-config/plan.ts';
import { planAccount } from '../guardrails/account.ts';
import { projectOf } from '../pipeline/project.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { describeApplied, describeProject } from '../project/describe.ts';

/** Whether the account is allowed here: true / false, or undefined when no list applies or the account is not known. */
export function allowedHere(account: string | undefined, rt: Runtime): boolean | undefined {
  const project = projectOf(rt);
  const ids = project && project.state !== 'ignored' ? project.applied.allowedAccountIds : undefined;
  return ids && account !== undefined ? ids.includes(account) : undefined;
}

/** status's second line, or undefined when there is no project file. */
export function projectLine(rt: Runtime, plan: Plan): string | undefined {
  const project = projectOf(rt);
  if (!project) return undefined;
  const account = planAccount(plan)?.account;
  const allowed = allowedHere(account, rt);
  const verdict =
    allowed === false
      ? `; account ${account} of profile '${plan.profile}' is not allowed here: commands with it are refused (exit 80)`
      : project.state !== 'ignored' && project.applied.allowedAccountIds && account === undefined
        ? `; the account of profile '${plan.profile}' is checked once its credentials are fetched`
        : '';
  return `${describeProject(project)}${verdict}`;
}

/** status --json's `project`: null without a project file. */
export function projectJson(rt: Runtime, plan: Plan): Record<string, unknown> | null {
  const project = projectOf(rt);
  if (!project) return null;
  if (project.state === 'ignored') return { file: project.file, state: 'ignored', why: project.why };
  const account = planAccount(plan)?.account;
  return {
    file: project.file,
    state: project.state,
    changes: describeApplied(project.applied),
    profile: project.applied.profile ?? null,
    allowedAccountIds: project.applied.allowedAccountIds ?? null,
    account: account ?? null,
    allowed: allowedHere(account, rt) ?? null,
  };
}
