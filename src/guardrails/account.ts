/**
 * Which AWS account a plan's credentials are for, when the config files say it: before any prompt
 * or STS call, so that an account a project does not allow is refused first. Pure.
 *
 *   a role (role_arn)            the account in the target role's ARN: AssumeRole gives credentials there
 *   an MFA session, no role      the account in the MFA device's ARN (mfa_serial): a virtual or FIDO
 *                                device belongs to its user's account, and GetSessionToken gives
 *                                credentials of that user
 *   IAM Identity Center, no role the profile's sso_account_id: GetRoleCredentials gives
 *                                credentials in that account
 *   aws login, no role           the account in login_session (the ARN it signed in as)
 *   anything else                unknown here (keys without MFA, a hardware token's serial, a profile's
 *                                own session token, credential_process): GetCallerIdentity tells,
 *                                after the credentials are fetched and before the command starts
 */
import type { Plan } from '../aws-config/plan.ts';

export interface KnownAccount {
  account: string;
  /** Where it was read, for messages: "role_arn arn:aws:iam::…:role/x of profile 'prod'". */
  from: string;
}

/** The 12-digit account of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`), or undefined. */
export function arnAccount(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return accountId(parts[4]!);
}

/** `id` if it is an account ID (12 digits), else undefined. */
function accountId(id: string): string | undefined {
  return /^\d{12}$/.test(id) ? id : undefined;
}

export function planAccount(plan: Plan): KnownAccount | undefined {
  const role = plan.roles.at(-1);
  if (role) {
    const account = arnAccount(role.roleArn);
    return account ? { account, from: `role_arn ${role.roleArn} of profile '${role.profile}'` } : undefined;
  }
  if (plan.source.kind === 'sso') {
    const { profile } = plan.source;
    const account = accountId(plan.source.accountId);
    return account ? { account, from: `sso_account_id ${account} of profile '${profile}'` } : undefined;
  }
  if (plan.source.kind === 'login') {
    const { session, profile } = plan.source;
    const account = arnAccount(session);
    return account ? { account, from: `login_session ${session} of profile '${profile}'` } : undefined;
  }
  const device = plan.session?.mfaSerial;
  const account = arnAccount(device);
  return account && device ? { account, from: `MFA device ${device} of profile '${plan.source.profile}'` } : undefined;
}
