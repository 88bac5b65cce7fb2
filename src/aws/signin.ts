/**
 * AWS Sign-In's CreateOAuth2Token, the refresh of an `aws login` session
 * (@aws-sdk/nested-clients/signin, the SDK's only Sign-In client; imported with import() when a
 * refresh is due). The call is unsigned; its authority is the refresh token and a DPoP proof
 * (RFC 9449) signed with the session's key, made for each attempt by `proof(htu)` from the URL
 * the request is sent to. Sent once: a refresh token is good once. The client reads
 * AWS_ENDPOINT_URL_SIGNIN / AWS_ENDPOINT_URL itself.
 */
import type * as SigninSdk from '@aws-sdk/nested-clients/signin';
import { ExitCode, MfaExecError } from '../errors.ts';
import { UNSIGNED, withClient, type AwsPlace } from './client.ts';
import { classifyAwsError } from './errors.ts';

type Sdk = typeof SigninSdk;

export interface RefreshedLogin {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken: string;
}

/** Sign-In refused the refresh for good: the session is over (TOKEN_EXPIRED, USER_CREDENTIALS_CHANGED, …). */
export class LoginRefusedError extends MfaExecError {
  constructor(
    message: string,
    readonly reason: string,
    cause: unknown,
  ) {
    super(message, ExitCode.noTerminal, { cause, kind: 'no-terminal' });
  }
}

export async function refreshLogin(
  input: { clientId: string; refreshToken: string },
  proof: (htu: string) => string,
  place: AwsPlace & { profile: string },
): Promise<RefreshedLogin> {
  let out: SigninSdk.CreateOAuth2TokenCommandOutput;
  try {
    out = await withClient(
      await import('@aws-sdk/nested-clients/signin'),
      (sdk: Sdk, options) => new sdk.SigninClient(options),
      UNSIGNED,
      { ...place, maxAttempts: 1 },
      (sdk, client) => {
        client.middlewareStack.add(
          (next) => (args) => {
            const r = args.request as { protocol: string; hostname: string; port?: number; path: string; headers: Record<string, string> };
            r.headers['DPoP'] = proof(`${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path}`);
            return next(args);
          },
          { step: 'finalizeRequest', name: 'mfaExecDpop' },
        );
        return client.send(new sdk.CreateOAuth2TokenCommand({ tokenInput: { ...input, grantType: 'refresh_token' } }));
      },
    );
  } catch (error) {
    throw describe(error, place);
  }
  const t = out.tokenOutput;
  const a = t?.accessToken;
  if (!a?.accessKeyId || !a.secretAccessKey || !a.sessionToken || typeof t?.expiresIn !== 'number' || !t.refreshToken) {
    throw new MfaExecError(
      `AWS Sign-In answered the refresh of profile '${place.profile}' incompletely. Check AWS_ENDPOINT_URL_SIGNIN points at it.`,
      ExitCode.stsUnavailable,
    );
  }
  return {
    accessKeyId: a.accessKeyId,
    secretAccessKey: a.secretAccessKey,
    sessionToken: a.sessionToken,
    expiresIn: t.expiresIn,
    refreshToken: t.refreshToken,
  };
}

function describe(error: unknown, place: AwsPlace & { profile: string }): MfaExecError {
  const { name, awsMessage, failure } = classifyAwsError(error);
  const reason = (error as { error?: unknown }).error;
  if (name === 'AccessDeniedException') {
    const why =
      reason === 'USER_CREDENTIALS_CHANGED'
        ? 'the password changed since it began'
        : reason === 'INSUFFICIENT_PERMISSIONS'
          ? 'the identity lacks signin:CreateOAuth2Token'
          : 'it has expired or was ended (aws logout)';
    return new LoginRefusedError(
      `The \`aws login\` session of profile '${place.profile}' cannot be refreshed: ${why}. Run: aws login --profile ${place.profile}`,
      typeof reason === 'string' ? reason : name,
      error,
    );
  }
  const unreachable = failure === 'timeout' || failure === 'network' || failure === 'server' || failure === 'throttled';
  return new MfaExecError(
    unreachable
      ? `AWS Sign-In in ${place.region} cannot be reached or failed (${name || 'error'}) while refreshing the \`aws login\` session of profile '${place.profile}'. Check the network and AWS_ENDPOINT_URL_SIGNIN, and try again.`
      : `AWS Sign-In refused the refresh of the \`aws login\` session of profile '${place.profile}': ${name || 'error'}${awsMessage ? `: ${awsMessage}` : ''}.`,
    unreachable ? ExitCode.stsUnavailable : ExitCode.stsDenied,
    { cause: error },
  );
}
