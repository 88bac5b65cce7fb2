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
  const resolution = await credentialsFor(options, rt);
  const { plan, creds } = resolution;
  const injection = { profile: plan.profile, region: plan.region };
  if (!options.server) return run(buildChildEnv(env, { ...credentialVariables(creds, injection), ...markers }));

  const { startCredentialServer, createRefresher } = await import('../slow.ts');
  const refresh = createRefresher(plan, creds, name, { files: resolution.files, env, cacheDir: resolution.cacheDir, logger, now: rt.now });
  const server = await startCredentialServer(refresh, logger);
  try {
    return await run(buildChildEnv(env, { ...serverVariables(server.url, server.token, injection), ...markers }));
  } finally {
    await server.close();
  }
}
