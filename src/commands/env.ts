/** env: the child's variables for eval / direnv / Terragrunt, in the requested format. */
import { credentialVariables } from '../child/env.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { formatEnv, parseEnvFormat } from './env-format.ts';
import { childRegion, credentialsFor } from '../pipeline/resolution.ts';

export const help: CommandHelp = {
  usage: [
    'mfa-exec env [PROFILE] [--format F] [options]',
    '                                              the variables, for eval, direnv, Terragrunt (F: sh,',
    '                                              fish, powershell, dotenv, json, terragrunt)',
  ],
};

export async function run({ options }: CommandInput, rt: Runtime): Promise<number> {
  const format = parseEnvFormat(options.format);
  const resolved = await credentialsFor(options, rt);
  const { plan, creds } = resolved;
  rt.out(formatEnv(credentialVariables(creds, { profile: plan.profile, region: childRegion(resolved, rt) }), format));
  return 0;
}
