// The IAM side of a fake IAM Identity Center: one role per permission set, named and placed as
// AWS names them (AWSReservedSSO_<set>_<16 hex> under /aws-reserved/sso.amazonaws.com/), and a
// broker user they trust. The SSO portal fake assumes these roles as the broker, with the
// signed-in user as the session name, so callers see an ARN shaped like AWS's:
// arn:aws:sts::<acct>:assumed-role/AWSReservedSSO_Dev_0123456789abcdef/alice@example.com
import { createHash } from 'node:crypto';
import type { FakeAwsSpec } from './spec.ts';

export const SSO_BROKER = 'sso-broker';
export const SSO_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';

/** The role name AWS gives a permission set's role (deterministic here, so tests can trust it). */
export function ssoRoleName(permissionSet: string): string {
  return `AWSReservedSSO_${permissionSet}_${createHash('sha1').update(permissionSet).digest('hex').slice(0, 16)}`;
}

/**
 * The spec plus the broker user and one role per permission set. Permission sets allow up to 12 h
 * sessions, so the roles allow it too. Other roles may trust these for chaining:
 * `trustedRoles: [ssoRoleName('Dev')]`.
 */
export function withSsoRoles(spec: FakeAwsSpec, permissionSets: string[]): FakeAwsSpec {
  return {
    users: spec.users.some((u) => u.name === SSO_BROKER) ? spec.users : [...spec.users, { name: SSO_BROKER }],
    roles: [
      ...spec.roles,
      ...permissionSets.map((ps) => ({
        name: ssoRoleName(ps),
        path: SSO_ROLE_PATH,
        trustedUsers: [SSO_BROKER],
        maxSessionDuration: 43_200,
      })),
    ],
  };
}
