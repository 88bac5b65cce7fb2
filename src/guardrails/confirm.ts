/**
 * The question before a destructive command on an account that asks for it: the person types the
 * account ID shown (as the AWS console asks before deleting an account's resources: a `y` typed out
 * of habit is not an answer). On demand only (the prompt is not in the warm bundle): guard.ts
 * decides whether to ask, and `MFA_EXEC_CONFIRMED` spares the question there.
 *
 * No one to ask (no terminal, the `none` driver) → refused, exit 80, with the variable to set;
 * another answer → refused; Ctrl-C / Ctrl-D → cancelled (130). Nothing has started by then.
 */
import { isMfaExecError } from '../errors.ts';
import { withPrompt } from '../prompt/drivers.ts';
import { RefusedError } from './errors.ts';

export interface ConfirmRequest {
  /** The words that matched: `terraform destroy`. */
  what: string;
  profile: string;
  account: string;
  /** What asks for it: "mfa_exec_confirm in /home/me/.aws/config", "confirm in /repo/prod/.mfa-exec". */
  why: string;
  /** The prompt driver (Settings.prompt). */
  prompt: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** An account ID as typed: spaces and the console's dashes (1234-5678-9012) do not count. */
export function sameAccount(answer: string, account: string): boolean {
  return answer.replace(/[\s-]/g, '') === account;
}

export async function confirmDestructive(req: ConfirmRequest): Promise<void> {
  const { what, profile, account, why } = req;
  const about = `'${what}' with profile '${profile}' (account ${account})`;
  let answer: string;
  try {
    answer = await withPrompt(req.prompt, req.env, async (prompt) => {
      prompt.say(`'${what}' is destructive, and account ${account} (profile '${profile}') asks to confirm it: ${why}.`);
      return prompt.ask({
        kind: 'text',
        message: `Type the account ID ${account} to go on: `,
        secret: false,
        title: 'Confirmation',
        context: { profile },
      });
    });
  } catch (error) {
    if (!isMfaExecError(error, 'no-terminal')) throw error;
    throw new RefusedError(
      `${about} needs a confirmation (${why}), and there is no terminal to ask on; it did not run. In a job without a terminal, set MFA_EXEC_CONFIRMED=${account} to confirm it for that account.`,
    );
  }
  if (!sameAccount(answer, account)) {
    throw new RefusedError(`Not confirmed: ${about} did not run; the answer was not the account ID ${account}.`);
  }
}
