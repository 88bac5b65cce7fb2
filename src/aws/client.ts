/**
 * How every AWS SDK client of mfa-exec is made, used and let go. The SDKs are imported with
 * import() by the call that needs them (aws/sts.ts, aws/iam.ts), so the warm path never parses
 * them; they bring what users expect of an AWS tool: AWS_ENDPOINT_URL_<SERVICE> and
 * AWS_ENDPOINT_URL, regional endpoints, proxies through the standard agent settings, and retries
 * with backoff for throttling and 5xx.
 */
import type { Credentials } from './credentials.ts';

/** Where a call goes and how long each attempt may take. */
export interface AwsPlace {
  region: string;
  /** Each attempt's bound (MFA_EXEC_STS_TIMEOUT). */
  timeoutMs: number;
  /** Attempts (default 3): 1 for a call that must not be sent twice (a refresh token or an authorization code is good once). */
  maxAttempts?: number;
}

/**
 * The credentials of a client whose calls are unsigned (IAM Identity Center, Sign-In): empty
 * keys, so that the SDK never looks for credentials of its own (its default chain would read the
 * very profile being resolved).
 */
export const UNSIGNED: Credentials = { accessKeyId: '', secretAccessKey: '' };

/**
 * Bounded network: each of the SDK's 3 attempts may take `ms` (MFA_EXEC_STS_TIMEOUT, default
 * 10 s) to answer, connecting included; throttling and 5xx are retried with backoff.
 */
export function requestHandlerOptions(ms: number) {
  // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only logs a warning when the
  // request timeout passes, and a silent endpoint would hang us forever.
  return { connectionTimeout: Math.min(ms, 5_000), requestTimeout: ms, throwOnRequestTimeout: true };
}

/**
 * What every client is made with: these credentials, the region, 3 attempts each bounded in time.
 * Node 20 makes the SDK print a multi-line NodeVersionSupportWarning; it is silenced in our own
 * process only (the child's environment was copied at start-up).
 */
export function sdkClientOptions(creds: Credentials, place: AwsPlace) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return {
    region: place.region,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
    maxAttempts: place.maxAttempts ?? 3,
    requestHandler: requestHandlerOptions(place.timeoutMs),
  };
}

/** A client of the SDK module `sdk` (loaded by the caller), used for one call, then destroyed. */
export async function withClient<Sdk, Client extends { destroy(): void }, T>(
  sdk: Sdk,
  make: (sdk: Sdk, options: ReturnType<typeof sdkClientOptions>) => Client,
  creds: Credentials,
  place: AwsPlace,
  use: (sdk: Sdk, client: Client) => Promise<T>,
): Promise<T> {
  const client = make(sdk, sdkClientOptions(creds, place));
  try {
    return await use(sdk, client);
  } finally {
    client.destroy();
  }
}
