/**
 * Trusting a project file, as direnv trusts an .envrc: a file in a cloned repository could send a
 * person's credentials elsewhere, so it is used only once the person approved exactly this
 * content at exactly this path (`mfa-exec allow`). Pure: the record and the content's hash in,
 * what takes effect out.
 *
 * What needs no approval is what can only refuse more: `allowed_account_ids` and `confirm`. A
 * file that is new, changed or denied still restricts, and never less than the content decided
 * on last: while a change is not approved, its account list is intersected with the approved one
 * (an added account is not allowed yet) and confirmation stays on if either asked for it (a
 * removed `confirm` does not switch it off). `profile`, `min_lifetime` and `server` change what a
 * command gets, and take effect only from approved content.
 */
import type { Applied, ProjectSettings, Restrictions, TrustRecord, TrustState } from './types.ts';

export function trustState(record: TrustRecord | undefined, sha256: string): TrustState {
  if (!record) return 'new';
  if (record.sha256 !== sha256) return 'changed';
  return record.decision === 'allow' ? 'approved' : 'denied';
}

export function restrictionsOf(settings: ProjectSettings): Restrictions {
  const restrictions: Restrictions = { confirm: settings.confirm?.on ?? false, confirmPatterns: settings.confirm?.patterns ?? [] };
  if (settings.allowedAccountIds) restrictions.allowedAccountIds = settings.allowedAccountIds;
  return restrictions;
}

/** The tighter of two sets of restrictions: accounts in both lists (a list where only one has it), confirmation if either asks. */
export function tighten(decided: Restrictions | undefined, now: Restrictions): Restrictions {
  if (!decided) return now;
  const a = decided.allowedAccountIds;
  const b = now.allowedAccountIds;
  const tightened: Restrictions = {
    confirm: decided.confirm || now.confirm,
    confirmPatterns: [...new Set([...decided.confirmPatterns, ...now.confirmPatterns])],
  };
  const accounts = a && b ? a.filter((id) => b.includes(id)) : (a ?? b);
  if (accounts) tightened.allowedAccountIds = accounts;
  return tightened;
}

/** What takes effect: everything of approved content; otherwise the restrictions, tightened by the last decision. */
export function appliedSettings(settings: ProjectSettings, state: TrustState, record: TrustRecord | undefined): Applied {
  const own = restrictionsOf(settings);
  if (state !== 'approved') return tighten(record?.restrictions, own); // denied: the record holds this content's own
  const applied: Applied = { ...own };
  if (settings.profile !== undefined) applied.profile = settings.profile;
  if (settings.minLifetimeSeconds !== undefined) applied.minLifetimeSeconds = settings.minLifetimeSeconds;
  if (settings.server !== undefined) applied.server = settings.server;
  return applied;
}
