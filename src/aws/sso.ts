/**
 * The IAM Identity Center portal's GetRoleCredentials (@aws-sdk/client-sso, imported with
 * import() on a cache miss): role credentials for an account and role, with the access token of
 * a sign-in. The call is unsigned (the token is its authority); the client reads
 * AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL itself.
 */
import type * as SsoSdk from '@aws-sdk/client-sso';
import { ExitCode, MfaExecError } from '../errors.ts';
import { UNSIGNED, withClient, type AwsPlace } from './client.ts';
import type { Credentials } from './credentials.ts';
import { classifyAwsError } from './errors.ts';

export interface RoleRequest {
  accessToken: string;
  accountId: string;
  roleName: string;
}

/** Where, and for whom, for messages. */
export interface SsoContext extends AwsPlace {
  profile: string;
}

/** The portal refused the token (expired, logged out, unknown): a new sign-in may fix it. */
export class SsoTokenRejectedError extends MfaExecError {
  readonly tokenRejected = true;
  constructor(message: string, cause: unknown) {
    super(message, ExitCode.stsDenied, { cause });
  }
}

type Sdk = typeof SsoSdk;

export async function getRoleCredentials(input: RoleRequest, ctx: SsoContext): Promise<Credentials> {
  let out: SsoSdk.GetRoleCredentialsCommandOutput;
  try {
    out = await withClient(
      await import('@aws-sdk/client-sso'),
      (sdk: Sdk, options) => new sdk.SSOClient(options),
      UNSIGNED,
      ctx,
      (sdk, client) => client.send(new sdk.GetRoleCredentialsCommand(input)),
    );
  } catch (error) {
    throw describePortalError(error, input, ctx);
  }
  const c = out.roleCredentials;
  if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || typeof c.expiration !== 'number') {
    throw new MfaExecError(
      `The IAM Identity Center portal answered GetRoleCredentials for profile '${ctx.profile}' without complete credentials. Check AWS_ENDPOINT_URL_SSO points at the portal.`,
      ExitCode.stsUnavailable,
    );
  }
  // expiration is epoch milliseconds.
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: new Date(c.expiration),
  };
}

function describePortalError(error: unknown, input: RoleRequest, ctx: SsoContext): MfaExecError {
  const { name, awsMessage, failure, exitCode } = classifyAwsError(error);
  const at = `GetRoleCredentials (role ${input.roleName} in account ${input.accountId}) for profile '${ctx.profile}'`;
  if (name === 'UnauthorizedException') {
    return new SsoTokenRejectedError(
      `The IAM Identity Center portal refused the sign-in's access token during ${at}: ${awsMessage}.`,
      error,
    );
  }
  if (name === 'ForbiddenException' || name === 'ResourceNotFoundException' || failure === 'denied') {
    return new MfaExecError(
      `IAM Identity Center refused ${at}: ${awsMessage || name}. Check sso_account_id and sso_role_name: the role must be a permission set assigned to you in that account.`,
      ExitCode.stsDenied,
      { cause: error },
    );
  }
  const reason =
    failure === 'timeout' || failure === 'network'
      ? 'cannot be reached'
      : failure === 'throttled'
        ? 'is throttling requests'
        : `failed (${name || 'error'}${awsMessage ? `: ${awsMessage}` : ''})`;
  return new MfaExecError(
    `The IAM Identity Center portal in ${ctx.region} ${reason} during ${at}. Check the network and AWS_ENDPOINT_URL_SSO, and try again.`,
    failure === 'invalid' || failure === 'bad-region' ? exitCode : ExitCode.stsUnavailable,
    { cause: error },
  );
}
