/**
 * IAM Identity Center's OIDC service (@aws-sdk/client-sso-oidc, imported with import() when a
 * sign-in or a token refresh needs it): RegisterClient, StartDeviceAuthorization, CreateToken,
 * and the base of the browser's authorize page, which the service model does not describe (the
 * AWS CLI finds it as the endpoint a RegisterClient call would go to; so does oidcBase, without
 * sending one). Every call is unsigned; the client reads AWS_ENDPOINT_URL_SSO_OIDC /
 * AWS_ENDPOINT_URL itself. Tokens and secrets go in and out of here, never into a message.
 */
import type * as OidcSdk from '@aws-sdk/client-sso-oidc';
import { ExitCode, MfaExecError } from '../errors.ts';
import { UNSIGNED, withClient, type AwsPlace } from './client.ts';
import { classifyAwsError } from './errors.ts';

type Sdk = typeof OidcSdk;
type Client = InstanceType<Sdk['SSOOIDCClient']>;

export interface Registration {
  clientId: string;
  clientSecret: string;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds. */
  expiresIn: number;
  /** Seconds between polls. */
  interval: number;
}

export interface IssuedToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken?: string;
}

export type TokenGrant =
  | { grantType: 'refresh_token'; refreshToken: string }
  | { grantType: 'authorization_code'; code: string; redirectUri: string; codeVerifier: string }
  | { grantType: 'urn:ietf:params:oauth:grant-type:device_code'; deviceCode: string };

/** An OIDC refusal: the exception's name and its OAuth `error` (invalid_grant, authorization_pending, …). */
export class OidcError extends MfaExecError {
  constructor(
    message: string,
    exitCode: number,
    readonly exception: string,
    cause: unknown,
  ) {
    super(message, exitCode, { cause });
  }
}

function withOidc<T>(place: AwsPlace, use: (sdk: Sdk, client: Client) => Promise<T>): Promise<T> {
  return import('@aws-sdk/client-sso-oidc').then((sdk) =>
    withClient(sdk, (s: Sdk, options) => new s.SSOOIDCClient(options), UNSIGNED, place, use),
  );
}

export async function registerClient(input: OidcSdk.RegisterClientCommandInput, place: AwsPlace): Promise<Registration> {
  const out = await call(place, 'RegisterClient', (sdk, client) => client.send(new sdk.RegisterClientCommand(input)));
  if (!out.clientId || !out.clientSecret || typeof out.clientSecretExpiresAt !== 'number') throw incomplete('RegisterClient', place);
  return { clientId: out.clientId, clientSecret: out.clientSecret, expiresAt: out.clientSecretExpiresAt * 1000 };
}

export async function startDeviceAuthorization(
  input: { clientId: string; clientSecret: string; startUrl: string },
  place: AwsPlace,
): Promise<DeviceAuthorization> {
  const out = await call(place, 'StartDeviceAuthorization', (sdk, client) => client.send(new sdk.StartDeviceAuthorizationCommand(input)));
  if (!out.deviceCode || !out.userCode || !out.verificationUri || typeof out.expiresIn !== 'number') {
    throw incomplete('StartDeviceAuthorization', place);
  }
  return {
    deviceCode: out.deviceCode,
    userCode: out.userCode,
    verificationUri: out.verificationUri,
    ...(out.verificationUriComplete ? { verificationUriComplete: out.verificationUriComplete } : {}),
    expiresIn: out.expiresIn,
    interval: typeof out.interval === 'number' && out.interval > 0 ? out.interval : 5,
  };
}

/** CreateToken with one grant, sent once (a refresh token, a code or a device code is good once). */
export async function createToken(
  client: { clientId: string; clientSecret: string },
  grant: TokenGrant,
  place: AwsPlace,
): Promise<IssuedToken> {
  const out = await call({ ...place, maxAttempts: 1 }, 'CreateToken', (sdk, c) =>
    c.send(new sdk.CreateTokenCommand({ ...client, ...grant })),
  );
  if (!out.accessToken || typeof out.expiresIn !== 'number') throw incomplete('CreateToken', place);
  return { accessToken: out.accessToken, expiresIn: out.expiresIn, ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}) };
}

/**
 * The URL the service's operations are sent under (scheme, host, port and any path prefix): the
 * browser's authorize page is `<base>/authorize`. Found by building a RegisterClient request and
 * stopping it before it is sent, so the endpoint variables and the region decide it as they
 * decide the calls.
 */
export async function oidcBase(place: AwsPlace): Promise<string> {
  const sentinel = Symbol('oidc-base');
  let base: string | undefined;
  try {
    await withOidc(place, (sdk, client) => {
      client.middlewareStack.add(
        () => (args) => {
          const r = args.request as { protocol: string; hostname: string; port?: number; path: string };
          const prefix = r.path.endsWith('/client/register') ? r.path.slice(0, -'/client/register'.length) : '';
          base = `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${prefix}`;
          throw Object.assign(new Error('captured'), { [sentinel]: true });
        },
        { step: 'build', name: 'mfaExecCaptureOidcBase' },
      );
      return client.send(new sdk.RegisterClientCommand({ clientName: 'mfa-exec', clientType: 'public' }));
    });
  } catch (error) {
    if (base === undefined) throw describe(error, 'RegisterClient', place);
  }
  return base!;
}

async function call<T>(place: AwsPlace, operation: string, use: (sdk: Sdk, client: Client) => Promise<T>): Promise<T> {
  try {
    return await withOidc(place, use);
  } catch (error) {
    throw describe(error, operation, place);
  }
}

function incomplete(operation: string, place: AwsPlace): MfaExecError {
  return new MfaExecError(
    `IAM Identity Center's OIDC service in ${place.region} answered ${operation} incompletely. Check AWS_ENDPOINT_URL_SSO_OIDC points at it.`,
    ExitCode.stsUnavailable,
  );
}

/** An OIDC error in one sentence (its name and AWS's words; never a token). Callers that expect some (pending, slow down, invalid grant) read `exception`. */
function describe(error: unknown, operation: string, place: AwsPlace): OidcError {
  const { name, awsMessage, failure } = classifyAwsError(error);
  const oauth = (error as { error?: unknown }).error;
  const detail = [typeof oauth === 'string' ? oauth : undefined, awsMessage && awsMessage !== 'UnknownError' ? awsMessage : undefined]
    .filter(Boolean)
    .join(': ');
  const unreachable = failure === 'timeout' || failure === 'network' || failure === 'server' || failure === 'throttled';
  const message = unreachable
    ? `IAM Identity Center's OIDC service in ${place.region} cannot be reached or failed (${name || 'error'}) during ${operation}. Check the network and AWS_ENDPOINT_URL_SSO_OIDC, and try again.`
    : `IAM Identity Center refused ${operation}: ${name || 'error'}${detail ? ` (${detail})` : ''}.`;
  return new OidcError(message, unreachable ? ExitCode.stsUnavailable : ExitCode.stsDenied, name, error);
}
