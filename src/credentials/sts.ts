/**
 * The only module that touches @aws-sdk/client-sts, imported with import() on a cache miss so the
 * warm path never parses the SDK. The SDK brings what users expect of an AWS tool:
 * AWS_ENDPOINT_URL_STS and endpoint_url, regional endpoints, proxies via the standard agent
 * settings, and retries with backoff for throttling and 5xx.
 */
import type * as StsSdk from '@aws-sdk/client-sts';
import type { Credentials } from './types.ts';
import { describeStsError } from './sts-errors.ts';

export interface StsContext {
  region: string;
  /** What is being done, for error messages: "GetSessionToken for profile 'x'". */
  what: string;
  profile: string;
  /** For error messages: where STS was asked (undefined: the SDK's endpoint for the region). */
  endpoint: string | undefined;
  /** Each attempt's bound (MFA_EXEC_STS_TIMEOUT). */
  timeoutMs: number;
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

/** The two STS calls mfa-exec makes; fetch.ts takes them as a parameter (unit tests pass a fake). */
export interface StsApi {
  getSessionToken(creds: Credentials, input: SessionTokenInput, ctx: StsContext): Promise<Credentials>;
  assumeRole(creds: Credentials, input: AssumeRoleInput, ctx: StsContext): Promise<Credentials>;
}

/** The real STS, through @aws-sdk/client-sts. */
export const awsSts: StsApi = { getSessionToken, assumeRole };

/**
 * Bounded network: each of the SDK's 3 attempts may take `ms` (MFA_EXEC_STS_TIMEOUT, default
 * 10 s) to answer, connecting included; throttling and 5xx are retried with backoff.
 */
export function requestHandlerOptions(ms: number) {
  // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only logs a warning when the
  // request timeout passes, and a silent STS would hang us forever.
  return { connectionTimeout: Math.min(ms, 5_000), requestTimeout: ms, throwOnRequestTimeout: true };
}

/**
 * The expiry we act on. STS states it in its own clock; ours may be minutes off. Credentials
 * cannot outlive the duration we asked for, counted from before we asked, on our clock — so the
 * earlier of the two is safe whichever way the clocks differ.
 */
export function safeExpiry(stated: Date, requestedAt: number, durationSeconds: number): Date {
  return new Date(Math.min(stated.getTime(), requestedAt + durationSeconds * 1000));
}

/**
 * What every AWS SDK client of ours is made with: these credentials, the region, 3 attempts each
 * bounded in time. Node 20 makes the SDK print a multi-line NodeVersionSupportWarning; it is
 * silenced in our own process only (the child's environment was copied at start-up).
 */
export function sdkClientOptions(creds: Credentials, place: { region: string; timeoutMs: number }) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return {
    region: place.region,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
    maxAttempts: 3,
    requestHandler: requestHandlerOptions(place.timeoutMs),
  };
}

async function client(creds: Credentials, ctx: StsContext) {
  const sdk = await import('@aws-sdk/client-sts');
  return { sdk, c: new sdk.STSClient(sdkClientOptions(creds, ctx)) };
}

type Sdk = typeof StsSdk;
type StsAnswer = { Credentials?: Parameters<typeof fromSdk>[0] };

/** One STS call: a client for these credentials, the request, the answer checked, errors explained. */
async function call(
  creds: Credentials,
  ctx: StsContext,
  durationSeconds: number,
  send: (sdk: Sdk, c: InstanceType<Sdk['STSClient']>) => Promise<StsAnswer>,
): Promise<Credentials> {
  const { sdk, c } = await client(creds, ctx);
  const requestedAt = Date.now();
  try {
    const out = await send(sdk, c);
    return fromSdk(out.Credentials, ctx, requestedAt, durationSeconds);
  } catch (error) {
    throw describeStsError(error, ctx);
  } finally {
    c.destroy();
  }
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
