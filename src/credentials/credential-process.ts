/**
 * A source profile's credential_process: run through /bin/sh like the JS SDK and the AWS CLI v2
 * do, read the JSON (Version 1) it prints. Its stderr goes to ours, so a password manager's
 * "touch your key" shows.
 */
import { runShellCommand } from '../shell-command.ts';
import { ConfigError } from '../errors.ts';
import type { Credentials } from '../aws/credentials.ts';

const TIMEOUT_MS = 120_000;

export async function runCredentialProcess(command: string, profile: string, env: NodeJS.ProcessEnv): Promise<Credentials> {
  const result = await runShellCommand(command, env, TIMEOUT_MS);
  if (result.failed) {
    throw new ConfigError(`The credential_process of profile '${profile}' ${result.failure}. Run it by hand to see why.`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(String(result.stdout)) as Record<string, unknown>;
  } catch {
    throw new ConfigError(`The credential_process of profile '${profile}' did not print JSON credentials (Version 1).`);
  }
  const { Version, AccessKeyId, SecretAccessKey, SessionToken, Expiration } = parsed;
  if (Version !== 1 || typeof AccessKeyId !== 'string' || typeof SecretAccessKey !== 'string') {
    throw new ConfigError(
      `The credential_process of profile '${profile}' printed JSON without Version 1, AccessKeyId and SecretAccessKey.`,
    );
  }
  const expiration = typeof Expiration === 'string' ? new Date(Expiration) : undefined;
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: typeof SessionToken === 'string' ? SessionToken : undefined,
    expiration: expiration && !Number.isNaN(expiration.getTime()) ? expiration : undefined,
  };
}
