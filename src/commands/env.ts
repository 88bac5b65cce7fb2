/** env: the child's variables for eval / direnv / Terragrunt, in the requested format. */
import { credentialVariables } from '../child/env.ts';
import type { Options } from '../invocation.ts';
import { formatEnv, parseEnvFormat } from './env-format.ts';
import { credentialsFor, type Runtime } from './profile-credentials.ts';

export async function envCommand(options: Options, rt: Runtime, out: (text: string) => void): Promise<number> {
  const format = parseEnvFormat(options.format);
  const { plan, creds } = await credentialsFor(options, rt);
  out(formatEnv(credentialVariables(creds, { profile: plan.profile, region: plan.region }), format));
  return 0;
}
