/**
 * doctor: the project file (.mfa-exec) that applies here: which, whether it is approved, what it
 * changes, and whether it contradicts itself (a profile it pins that is not defined, or whose
 * account its own allowed_account_ids refuses). Files only, no STS call.
 */
import { resolvePlan } from '../../aws-config/plan.ts';
import { isMfaExecError } from '../../errors.ts';
import { planAccount } from '../../guardrails/account.ts';
import { projectOf } from '../../pipeline/project.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import { describeProject } from '../../project/describe.ts';
import type { Project } from '../../project/types.ts';
import type { Finding, LoadedFiles } from './finding.ts';

export function checkProjectFile(rt: Runtime, loaded: LoadedFiles): Finding[] {
  let project: Project | undefined;
  try {
    project = projectOf(rt);
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    return [['fail', error.message]];
  }
  if (!project) return [['ok', `no project file (.mfa-exec) in ${rt.cwd} or above`]];
  const line = describeProject(project);
  if (project.state === 'ignored' || project.state === 'new' || project.state === 'changed') return [['warn', line]];
  const findings: Finding[] = [['ok', line]];
  const { profile, allowedAccountIds } = project.applied;
  if (profile === undefined || !('files' in loaded)) return findings;
  if (!loaded.files.profiles.has(profile)) {
    findings.push(['fail', `${project.file} pins profile '${profile}', which is not defined in the AWS config files`]);
    return findings;
  }
  if (!allowedAccountIds) return findings;
  try {
    const account = planAccount(resolvePlan(loaded.files, profile, rt.env))?.account;
    if (account !== undefined && !allowedAccountIds.includes(account)) {
      findings.push(['warn', `${project.file} pins profile '${profile}' (account ${account}), which its own allowed_account_ids refuses`]);
    }
  } catch (error) {
    if (!isMfaExecError(error)) throw error; // the profile check says what is wrong with it
  }
  return findings;
}
