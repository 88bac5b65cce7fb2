// What IAM and STS say about a user's access keys, asked directly (not through mfa-exec): for the
// rotate tests (keys-rotate.test.ts, keys-interrupted.test.ts).
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { FakeAws } from '../harness/index.ts';

/** The user's access key ids, as IAM lists them (asked as carol, who may list keys). */
export async function keysOf(aws: FakeAws, user: string): Promise<string[]> {
  const carol = aws.users.carol!;
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: aws.endpoint,
    credentials: { accessKeyId: carol.accessKeyId, secretAccessKey: carol.secretAccessKey },
  });
  try {
    const out = await iam.send(new ListAccessKeysCommand({ UserName: user }));
    return (out.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId!).sort();
  } finally {
    iam.destroy();
  }
}

/** Whether AWS accepts this key pair at all. */
export async function works(aws: FakeAws, accessKeyId: string, secretAccessKey: string): Promise<boolean> {
  const sts = new STSClient({ region: 'us-east-1', endpoint: aws.endpoint, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  try {
    await sts.send(new GetCallerIdentityCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    sts.destroy();
  }
}
