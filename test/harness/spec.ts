// What a test asks the fake AWS to contain.
export interface UserSpec {
  name: string;
  /** Create and enable a virtual MFA device (serial arn:aws:iam::<acct>:mfa/<name>). */
  mfa?: boolean;
  /** Emulates a deny-unless-MFA identity policy: AssumeRole without MFA is explicitly denied. */
  mfaRequired?: boolean;
}

export interface RoleSpec {
  name: string;
  path?: string;
  /** User names allowed by the trust policy. */
  trustedUsers: string[];
  /** Required sts:ExternalId. */
  externalId?: string;
  /** Seconds; AWS default 3600, max 43200. */
  maxSessionDuration?: number;
  /** Role names whose sessions may assume this role (role chaining). */
  trustedRoles?: string[];
}

export interface FakeAwsSpec {
  users: UserSpec[];
  roles: RoleSpec[];
}
