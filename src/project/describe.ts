/** A project file and what it changes, in words: status, list, doctor, allow, deny and --debug say it the same way. Pure. */
import { formatDuration } from '../duration.ts';
import type { Applied, Project } from './types.ts';

/** What a file changes, in words (status, list, doctor, --debug, allow); empty when nothing. */
export function describeApplied(applied: Applied): string[] {
  const parts: string[] = [];
  if (applied.profile !== undefined) parts.push(`profile '${applied.profile}' when none is chosen`);
  if (applied.allowedAccountIds) {
    parts.push(
      applied.allowedAccountIds.length === 0
        ? 'no account allowed (the approved and the changed account lists have none in common)'
        : `only account${applied.allowedAccountIds.length === 1 ? '' : 's'} ${applied.allowedAccountIds.join(', ')}`,
    );
  }
  if (applied.confirm) {
    parts.push(`destructive commands confirmed${applied.confirmPatterns.length ? ` (also: ${applied.confirmPatterns.join(', ')})` : ''}`);
  }
  if (applied.minLifetimeSeconds !== undefined)
    parts.push(`min_lifetime ${applied.minLifetimeSeconds === 0 ? '0 (none)' : formatDuration(applied.minLifetimeSeconds)}`);
  if (applied.server) parts.push('terraform/tofu apply and destroy under --server');
  return parts;
}

/** "project file F (approved): what it changes" — or why it is ignored. */
export function describeProject(project: Project): string {
  if (project.state === 'ignored') return `project file ${project.file} (ignored: ${project.why})`;
  const changes = describeApplied(project.applied);
  const state = {
    approved: 'approved',
    denied: 'denied: only its restrictions apply',
    new: "not approved yet: only its restrictions apply; review it, then run 'mfa-exec allow'",
    changed: "changed since the last allow/deny: only its restrictions apply; review it, then run 'mfa-exec allow'",
  }[project.state];
  return `project file ${project.file} (${state}): ${changes.length ? changes.join('; ') : 'changes nothing'}`;
}
