/** env: the child's variables for eval / direnv / Terragrunt, in the requested format. */
import { credentialVariables } from '../child/env.ts';
import type { Options } from '../options.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { formatEnv, parseEnvFormat } from './env-format.ts';
import { credentialsFor } from '../pipeline/resolution.ts';

export async function envCommand(options: Options, rt: Runtime): Promise<number> {
  const format = parseEnvFormat(options.format);
  const { plan, creds } = await credentialsFor(options, rt);
  rt.out(formatEnv(credentialVariables(creds, { profile: plan.profile, region: plan.region }), format));
  return 0;
}
