/**
 * The STS calls mfa-exec makes: GetSessionToken and AssumeRole (a cache miss), GetCallerIdentity
 * (rotate, console), GetFederationToken (console, for a profile with no role). @aws-sdk/client-sts is imported with import() when one is made, so the warm path
 * never parses the SDK. An error is classified by errors.ts and worded here, one paragraph naming
 * the step, the profile and what to check.
 */
import type * as StsSdk from '@aws-sdk/client-sts';
import { ExitCode, MfaExecError } from '../errors.ts';
import { forDisplay } from '../printable.ts';
import { withClient, type AwsPlace } from './client.ts';
import type { Credentials } from './credentials.ts';
import { classifyAwsError, InvalidMfaCodeError } from './errors.ts';

export interface StsContext extends AwsPlace {
  /** What is being done, for error messages: "GetSessionToken for profile 'x'". */
  what: string;
  profile: string;
  /** For error messages: where STS was asked (undefined: the SDK's endpoint for the region). */
  endpoint: string | undefined;
  /** What to check when AWS denies the call (default: the role's trust policy, external_id, mfa_serial). */
  deniedHint?: string;
}

export interface FederationTokenInput {
  /** The federated user's name: 2–32 of [\w+=,.@-]. */
  name: string;
  durationSeconds: number;
  /** The session policy: the federated user gets the intersection of it and the IAM user's own. */
  policy: string;
}

export interface SessionTokenInput {
  durationSeconds: number;
  serialNumber?: string;
  tokenCode?: string;
}

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  externalId?: string;
  serialNumber?: string;
  tokenCode?: string;
}

/** The two STS calls of a cache miss; credentials/fetch.ts takes them as a parameter (unit tests pass a fake). */
export interface StsApi {
  getSessionToken(creds: Credentials, input: SessionTokenInput, ctx: StsContext): Promise<Credentials>;
  assumeRole(creds: Credentials, input: AssumeRoleInput, ctx: StsContext): Promise<Credentials>;
}

/** The real STS, through @aws-sdk/client-sts. */
export const awsSts: StsApi = { getSessionToken, assumeRole };

type Sdk = typeof StsSdk;
type Client = InstanceType<Sdk['STSClient']>;

async function withSts<T>(creds: Credentials, place: AwsPlace, use: (sdk: Sdk, client: Client) => Promise<T>): Promise<T> {
  return withClient(await import('@aws-sdk/client-sts'), (sdk, options) => new sdk.STSClient(options), creds, place, use);
}

/**
 * The expiry we act on. STS states it in its own clock; ours may be minutes off. Credentials
 * cannot outlive the duration we asked for, counted from before we asked, on our clock — so the
 * earlier of the two is safe whichever way the clocks differ.
 */
export function safeExpiry(stated: Date, requestedAt: number, durationSeconds: number): Date {
  return new Date(Math.min(stated.getTime(), requestedAt + durationSeconds * 1000));
}

type StsAnswer = { Credentials?: Parameters<typeof fromSdk>[0] };

/** One STS call that returns credentials: the request, the answer checked, errors explained. */
async function call(
  creds: Credentials,
  ctx: StsContext,
  durationSeconds: number,
  send: (sdk: Sdk, c: Client) => Promise<StsAnswer>,
): Promise<Credentials> {
  const requestedAt = Date.now();
  let out: StsAnswer;
  try {
    out = await withSts(creds, ctx, send);
  } catch (error) {
    throw describeStsError(error, ctx);
  }
  return fromSdk(out.Credentials, ctx, requestedAt, durationSeconds);
}

function getSessionToken(creds: Credentials, input: SessionTokenInput, ctx: StsContext): Promise<Credentials> {
  return call(creds, ctx, input.durationSeconds, (sdk, c) =>
    c.send(
      new sdk.GetSessionTokenCommand({
        DurationSeconds: input.durationSeconds,
        SerialNumber: input.serialNumber,
        TokenCode: input.tokenCode,
      }),
    ),
  );
}

function assumeRole(creds: Credentials, input: AssumeRoleInput, ctx: StsContext): Promise<Credentials> {
  return call(creds, ctx, input.durationSeconds, (sdk, c) =>
    c.send(
      new sdk.AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName,
        DurationSeconds: input.durationSeconds,
        ExternalId: input.externalId,
        SerialNumber: input.serialNumber,
        TokenCode: input.tokenCode,
      }),
    ),
  );
}

/** Federation credentials for the console from long-term keys (they carry no MFA). */
export function getFederationToken(creds: Credentials, input: FederationTokenInput, ctx: StsContext): Promise<Credentials> {
  return call(creds, ctx, input.durationSeconds, (sdk, c) =>
    c.send(new sdk.GetFederationTokenCommand({ Name: input.name, DurationSeconds: input.durationSeconds, Policy: input.policy })),
  );
}

/** The ARN the credentials act as. Throws the SDK's error as it is (callers decide what it means). */
export function callerIdentity(creds: Credentials, place: AwsPlace): Promise<string> {
  return withSts(creds, place, async (sdk, client) => {
    const out = await client.send(new sdk.GetCallerIdentityCommand({}));
    if (!out.Arn) throw Object.assign(new Error('GetCallerIdentity answered without an Arn'), { name: 'IncompleteAnswer' });
    return out.Arn;
  });
}

function fromSdk(
  raw: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined,
  ctx: StsContext,
  requestedAt: number,
  durationSeconds: number,
): Credentials {
  if (
    !raw?.AccessKeyId ||
    !raw.SecretAccessKey ||
    !raw.SessionToken ||
    !(raw.Expiration instanceof Date) ||
    Number.isNaN(raw.Expiration.getTime())
  ) {
    throw describeStsError(Object.assign(new Error('incomplete credentials in the STS answer'), { name: 'IncompleteAnswer' }), ctx);
  }
  return {
    accessKeyId: raw.AccessKeyId,
    secretAccessKey: raw.SecretAccessKey,
    sessionToken: raw.SessionToken,
    expiration: safeExpiry(raw.Expiration, requestedAt, durationSeconds),
  };
}

/** An STS error of a cache miss as one paragraph with its exit code (errors.ts decides the class). */
export function describeStsError(error: unknown, ctx: StsContext): MfaExecError {
  const { failure, exitCode, name, awsMessage, code } = classifyAwsError(error);
  const endpoint = ctx.endpoint !== undefined ? forDisplay(ctx.endpoint) : `the STS endpoint for ${ctx.region}`;
  const at = `${ctx.what} for profile '${ctx.profile}'`;
  const fail = (message: string) => new MfaExecError(message, exitCode, { cause: error });
  switch (failure) {
    case 'mfa-rejected':
      return new InvalidMfaCodeError(ctx);
    case 'denied':
      return fail(`AWS denied ${at}: ${awsMessage}. ${ctx.deniedHint ?? "Check the role's trust policy, external_id and mfa_serial."}`);
    case 'bad-keys':
      return fail(
        `AWS does not accept the source credentials of profile '${ctx.profile}' (${name}) during ${ctx.what}: the access key is wrong, deleted or inactive. Check aws_access_key_id / aws_secret_access_key.`,
      );
    case 'expired':
      return fail(
        `The credentials used for ${at} have expired (${name}). Run 'mfa-exec clear --profile ${ctx.profile}' and try again; if the source profile holds a session token, renew it.`,
      );
    case 'invalid':
      return fail(`AWS rejected ${at} as invalid: ${awsMessage}. Check duration_seconds, role_arn and role_session_name.`);
    case 'region-disabled':
      return fail(`STS is not activated in region ${ctx.region} (${at}). Use another region or activate it in IAM.`);
    case 'throttled':
      return fail(`STS is throttling requests (${at}), even after retries. Wait a minute and try again.`);
    case 'timeout':
      return fail(
        `STS at ${endpoint} did not answer in time during ${at} (MFA_EXEC_STS_TIMEOUT allows ${ctx.timeoutMs / 1000} s per attempt, 3 attempts). Check the network and try again.`,
      );
    case 'network':
      return fail(`Cannot reach STS at ${endpoint} (${code}) during ${at}. Check the network, proxy settings and AWS_ENDPOINT_URL_STS.`);
    case 'bad-region':
      return fail(`The region '${ctx.region}' used for ${at} is not a valid AWS region name. Fix 'region' in the profile or --region.`);
    case 'server':
      return fail(
        `STS at ${endpoint} failed with HTTP ${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode} during ${at}, even after retries. Try again later.`,
      );
    case 'garbled':
      return fail(`STS at ${endpoint} sent an answer mfa-exec cannot read during ${at}. Check AWS_ENDPOINT_URL_STS points at STS.`);
    case 'other':
      return new MfaExecError(
        `STS failed during ${at}: ${name || 'error'}${awsMessage ? `: ${awsMessage}` : ''}.`,
        ExitCode.stsUnavailable,
        {
          cause: error,
        },
      );
  }
}
