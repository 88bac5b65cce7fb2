/**
 * credential-process: the AWS credential_process JSON on stdout and nothing else, for
 * `credential_process = mfa-exec credential-process --profile X`. The AWS CLI and the SDKs
 * capture stdout (and often stdin/stderr), so a needed MFA prompt goes to /dev/tty.
 */
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';
import { credentialsFor } from './profile-resolution.ts';

export async function credentialProcessCommand(options: Options, rt: Runtime): Promise<number> {
  const { creds } = await credentialsFor(options, rt);
  const body: Record<string, unknown> = { Version: 1, AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey };
  if (creds.sessionToken) body.SessionToken = creds.sessionToken;
  if (creds.expiration) body.Expiration = creds.expiration.toISOString();
  rt.out(JSON.stringify(body) + '\n');
  return 0;
}
