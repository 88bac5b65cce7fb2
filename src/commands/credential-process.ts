/**
 * credential-process: the AWS credential_process JSON on stdout and nothing else, for
 * `credential_process = mfa-exec credential-process --profile X` (and for every profile of the
 * config view a child of mfa-exec reads). The AWS CLI and the SDKs capture stdout (and often
 * stdin/stderr), so a needed MFA prompt goes to /dev/tty, or with none (an IDE) to a dialog. Credentials near their expiry are
 * renewed first when no prompt is needed (renew-early.ts); the expiry given is the real one.
 */
import { renewEarly } from '../credentials/renew-early.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { credentialsFor, resolveContext } from '../pipeline/resolution.ts';
import { isoTime } from '../iso-time.ts';

export const help: CommandHelp = {
  usage: [
    'mfa-exec credential-process [PROFILE] [options]',
    '                                              credential_process JSON (asks on /dev/tty or in a dialog)',
  ],
};

export async function run({ options }: CommandInput, rt: Runtime): Promise<number> {
  const { plan, creds: cached } = await credentialsFor(options, rt);
  const creds = await renewEarly(plan, cached, resolveContext(rt, {}));
  const body: Record<string, unknown> = { Version: 1, AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey };
  if (creds.sessionToken) body.SessionToken = creds.sessionToken;
  if (creds.expiration) body.Expiration = isoTime(creds.expiration);
  rt.out(JSON.stringify(body) + '\n');
  return 0;
}
