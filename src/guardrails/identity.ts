/**
 * The account of credentials the config files do not place (account.ts): one GetCallerIdentity,
 * after the credentials are fetched and before the command starts. On demand only (the STS SDK).
 * A failure is worded like every STS failure (aws/sts.ts) and stops the run: an allow-list that
 * cannot be checked does not let the command through.
 */
import { describeStsError, callerIdentity } from '../aws/sts.ts';
import type { Credentials } from '../aws/credentials.ts';
import { arnAccount } from './account.ts';

export interface IdentityPlace {
  region: string;
  endpoint: string | undefined;
  timeoutMs: number;
  profile: string;
}

/** The 12-digit account the credentials act in. */
export async function callerAccount(creds: Credentials, place: IdentityPlace): Promise<string> {
  const what = `GetCallerIdentity (the account, for the project file's allowed_account_ids or a confirmation)`;
  let arn: string;
  try {
    arn = await callerIdentity(creds, place);
  } catch (error) {
    throw describeStsError(error, { ...place, what });
  }
  const account = arnAccount(arn);
  if (account === undefined) {
    throw describeStsError(
      Object.assign(new Error(`GetCallerIdentity answered an ARN without an account: ${arn}`), { name: 'IncompleteAnswer' }),
      {
        ...place,
        what,
      },
    );
  }
  return account;
}
