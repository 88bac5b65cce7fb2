/**
 * exec (wrapper mode and shim mode): find the target, get credentials, run the target.
 * The target is looked up first, so a typo never costs an MFA code.
 */
import { selectProfile } from '../aws-config/select-profile.ts';
import { buildChildEnv, canReuseInjected, credentialVariables } from '../child/env.ts';
import { findTarget } from '../child/find-target.ts';
import { checkDepth, launchMarkers, skipIdsFor } from '../child/recursion.ts';
import { runTarget } from '../child/run.ts';
import type { Options } from '../invocation.ts';
import { credentialsFor, type Runtime } from './profile-credentials.ts';

export interface ExecRequest {
  /** The command name as typed (shim name or first word after --). */
  name: string;
  args: string[];
  options: Options;
  /** Identities of our own entry point, never to be run as a target. */
  selfIds: ReadonlySet<string>;
}

export async function execCommand(request: ExecRequest, rt: Runtime): Promise<number> {
  const { env, logger } = rt;
  const { name, options } = request;
  const depth = checkDepth(env, name);
  const target = findTarget(name, {
    pathEnv: env.PATH ?? '',
    cwd: process.cwd(),
    selfIds: request.selfIds,
    skipIds: skipIdsFor(name, env),
  });
  logger.debug(`target '${name}' is ${target.path}`);
  const markers = launchMarkers(name, target.id, depth);
  const run = (childEnv: NodeJS.ProcessEnv) => runTarget({ file: target.path, args: request.args, env: childEnv, argv0: name, logger });

  const { requested } = selectProfile(options.profile, env);
  if (!options.server && canReuseInjected(env, requested, rt.now())) {
    logger.debug(`nested run: AWS_VAULT=${env.AWS_VAULT} already carries valid credentials; no STS call`);
    return run({ ...env, ...markers });
  }
  const { plan, creds } = await credentialsFor(options, rt);
  const vars = credentialVariables(creds, { profile: plan.profile, region: plan.region });
  return run(buildChildEnv(env, { ...vars, ...markers }));
}
