/**
 * The AWS calls `rotate` makes besides GetSessionToken: IAM CreateAccessKey / DeleteAccessKey and
 * STS GetCallerIdentity (who a key belongs to, and whether a new key works yet). The SDKs are
 * imported with import() when rotate runs, never on the warm path; they honour
 * AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL_STS (and AWS_ENDPOINT_URL), proxies and retries.
 */
import type * as IamSdk from '@aws-sdk/client-iam';
import type { Credentials } from './types.ts';
import { sdkClientOptions } from './sts.ts';
import { ExitCode, MfaExecError } from '../errors.ts';

export interface AwsCallPlace {
  region: string;
  /** Each attempt's bound (MFA_EXEC_STS_TIMEOUT). */
  timeoutMs: number;
}

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The ARN the credentials act as. Throws the SDK's error as it is (callers decide what it means). */
export async function callerIdentity(creds: Credentials, place: AwsCallPlace): Promise<string> {
  const sdk = await import('@aws-sdk/client-sts');
  const client = new sdk.STSClient(sdkClientOptions(creds, place));
  try {
    const out = await client.send(new sdk.GetCallerIdentityCommand({}));
    if (!out.Arn) throw Object.assign(new Error('GetCallerIdentity answered without an Arn'), { name: 'IncompleteAnswer' });
    return out.Arn;
  } finally {
    client.destroy();
  }
}

export async function createAccessKey(creds: Credentials, userName: string, place: AwsCallPlace): Promise<NewAccessKey> {
  return withIam(creds, place, async (sdk, client) => {
    const out = await client.send(new sdk.CreateAccessKeyCommand({ UserName: userName }));
    const key = out.AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey)
      throw Object.assign(new Error('CreateAccessKey answered without a key'), { name: 'IncompleteAnswer' });
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  });
}

export async function deleteAccessKey(creds: Credentials, userName: string, accessKeyId: string, place: AwsCallPlace): Promise<void> {
  await withIam(creds, place, (sdk, client) =>
    client.send(new sdk.DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })),
  );
}

async function withIam<T>(
  creds: Credentials,
  place: AwsCallPlace,
  call: (sdk: typeof IamSdk, client: InstanceType<(typeof IamSdk)['IAMClient']>) => Promise<T>,
): Promise<T> {
  const sdk = await import('@aws-sdk/client-iam');
  const client = new sdk.IAMClient(sdkClientOptions(creds, place));
  try {
    return await call(sdk, client);
  } finally {
    client.destroy();
  }
}

/** An IAM or STS error in one sentence (AWS's own message names ARNs, never secrets). */
export function describeAwsError(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  const message = (e.message ?? String(error)).trim().replace(/\s+/g, ' ').replace(/\.+$/, '');
  return `${e.name ?? e.code ?? 'Error'}: ${message}`;
}

/** A failed IAM step as an error with the code scripts expect (77 refused, 69 unreachable). */
export function iamError(what: string, error: unknown, then: string): MfaExecError {
  const name = (error as { name?: string }).name ?? '';
  const refused = /AccessDenied|InvalidClientTokenId|SignatureDoesNotMatch|LimitExceeded|NoSuchEntity|ExpiredToken|Unrecognized/.test(name);
  const hint =
    name === 'LimitExceededException' || name === 'LimitExceeded'
      ? ' IAM allows two access keys per user: delete the one you do not use (aws iam list-access-keys shows both) and run rotate again.'
      : /AccessDenied/.test(name)
        ? ' Your IAM policy must allow iam:CreateAccessKey and iam:DeleteAccessKey on your own user (with MFA, if your policy asks for it).'
        : '';
  return new MfaExecError(
    `${what} failed (${describeAwsError(error)}).${hint} ${then}`.trim(),
    refused ? ExitCode.stsDenied : ExitCode.stsUnavailable,
    {
      cause: error,
    },
  );
}
