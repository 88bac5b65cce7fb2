/**
 * The IAM calls `rotate` makes: CreateAccessKey, DeleteAccessKey and ListAccessKeys (to finish an
 * interrupted rotation). @aws-sdk/client-iam is imported with import() when rotate runs, never on
 * the warm path; it honours AWS_ENDPOINT_URL_IAM (and AWS_ENDPOINT_URL), proxies and retries.
 */
import type * as IamSdk from '@aws-sdk/client-iam';
import { MfaExecError } from '../errors.ts';
import { withClient, type AwsPlace } from './client.ts';
import type { Credentials } from './credentials.ts';
import { classifyAwsError, describeAwsError } from './errors.ts';
import { callerIdentity } from './sts.ts';

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** An access key of a user as IAM lists it (no secret). */
export interface ListedKey {
  accessKeyId: string;
  created?: Date;
}

/** What rotate asks of AWS, passed in so that its steps are unit-tested with a fake (as fetch.ts takes StsApi). */
export interface IamApi {
  /** STS GetCallerIdentity: the ARN the credentials act as. */
  callerIdentity(creds: Credentials, place: AwsPlace): Promise<string>;
  createAccessKey(creds: Credentials, userName: string, place: AwsPlace): Promise<NewAccessKey>;
  deleteAccessKey(creds: Credentials, userName: string, accessKeyId: string, place: AwsPlace): Promise<void>;
  listAccessKeys(creds: Credentials, userName: string, place: AwsPlace): Promise<ListedKey[]>;
}

/** The real IAM (and STS for GetCallerIdentity). */
export const awsIam: IamApi = { callerIdentity, createAccessKey, deleteAccessKey, listAccessKeys };

type Sdk = typeof IamSdk;

async function withIam<T>(creds: Credentials, place: AwsPlace, use: (sdk: Sdk, client: InstanceType<Sdk['IAMClient']>) => Promise<T>) {
  return withClient(await import('@aws-sdk/client-iam'), (sdk, options) => new sdk.IAMClient(options), creds, place, use);
}

export function createAccessKey(creds: Credentials, userName: string, place: AwsPlace): Promise<NewAccessKey> {
  return withIam(creds, place, async (sdk, client) => {
    const out = await client.send(new sdk.CreateAccessKeyCommand({ UserName: userName }));
    const key = out.AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey)
      throw Object.assign(new Error('CreateAccessKey answered without a key'), { name: 'IncompleteAnswer' });
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  });
}

export async function deleteAccessKey(creds: Credentials, userName: string, accessKeyId: string, place: AwsPlace): Promise<void> {
  await withIam(creds, place, (sdk, client) =>
    client.send(new sdk.DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })),
  );
}

export function listAccessKeys(creds: Credentials, userName: string, place: AwsPlace): Promise<ListedKey[]> {
  return withIam(creds, place, async (sdk, client) => {
    const out = await client.send(new sdk.ListAccessKeysCommand({ UserName: userName }));
    return (out.AccessKeyMetadata ?? [])
      .filter((k) => k.AccessKeyId)
      .map((k) => ({ accessKeyId: k.AccessKeyId!, ...(k.CreateDate ? { created: k.CreateDate } : {}) }));
  });
}

/** A failed IAM (or STS) step of rotate, with the exit code errors.ts gives its class (77 refused, 78 invalid, 69 unreachable). */
export function iamError(what: string, error: unknown, then: string): MfaExecError {
  const { name, exitCode } = classifyAwsError(error);
  const hint =
    name === 'LimitExceededException' || name === 'LimitExceeded'
      ? ' IAM allows two access keys per user: delete the one you do not use (aws iam list-access-keys shows both) and run rotate again.'
      : /AccessDenied/.test(name)
        ? ' Your IAM policy must allow iam:CreateAccessKey and iam:DeleteAccessKey on your own user (with MFA, if your policy asks for it).'
        : '';
  return new MfaExecError(`${what} failed (${describeAwsError(error)}).${hint} ${then}`.trim(), exitCode, { cause: error });
}
