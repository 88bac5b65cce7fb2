/**
 * exec (wrapper mode and shim mode): find the target, get credentials, run the target.
 * The target is looked up first, so a typo never costs an MFA code.
 */
import { selectProfile } from '../aws-config/select-profile.ts';
import { buildChildEnv, canReuseInjected, credentialVariables, serverVariables } from '../child/env.ts';
import { findTarget } from '../child/find-target.ts';
import { calledBackFrom, checkDepth, launchMarkers } from '../child/recursion.ts';
import { runTarget } from '../child/run.ts';
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';
import { credentialsFor, resolveContext } from './profile-resolution.ts';

export interface ExecRequest {
  /** The command name as typed (shim name or first word after --). */
  name: string;
  args: string[];
  options: Options;
}

export async function execCommand(request: ExecRequest, rt: Runtime): Promise<number> {
  const { env, logger } = rt;
  const { name, options } = request;
  const depth = checkDepth(env, name);
  const target = findTarget(name, {
    pathEnv: env.PATH ?? '',
    cwd: rt.cwd,
    selfIds: rt.self.ids,
    calledBackFrom: calledBackFrom(name, env),
  });
  logger.debug(`target '${name}' is ${target.path}`);
  const markers = launchMarkers(name, target.id, depth);
  const run = (childEnv: NodeJS.ProcessEnv) => runTarget({ file: target.path, args: request.args, env: childEnv, argv0: name, logger });

  const { requested } = selectProfile(options.profile, env);
  // Also under --server / MFA_EXEC_SERVER=1: a shim inside a served child must not start a second server.
  if (canReuseInjected(env, requested, rt.now())) {
    logger.debug(`nested run: AWS_VAULT=${env.AWS_VAULT} already carries valid credentials; no STS call`);
    return run({ ...env, ...markers });
  }
  const { plan, creds, cacheDir } = await credentialsFor(options, rt);
  const injection = { profile: plan.profile, region: plan.region };
  if (!options.server) return run(buildChildEnv(env, { ...credentialVariables(creds, injection), ...markers }));

  const { startCredentialServer, createRefresher } = await rt.onDemand();
  const refresh = createRefresher(plan, creds, name, resolveContext(rt, cacheDir, {})); // a --mfa-token code is spent by now
  const server = await startCredentialServer(refresh, logger);
  try {
    return await run(buildChildEnv(env, { ...serverVariables(server.url, server.token, injection), ...markers }));
  } finally {
    await server.close();
  }
}
