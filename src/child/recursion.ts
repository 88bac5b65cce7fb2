/**
 * Guards against a wrapper script that calls the shim again. When we start a target we leave
 * `MFA_EXEC_LAUNCHED=<our pid> <name> <target id>` in its environment. A shim for the same
 * name that finds this marker, and whose parent (exec'd wrapper) or grandparent (wrapper that
 * spawned it) is that pid, was called back by that target: it goes on with the program after
 * it in PATH (find-target.ts), so stacked wrappers each run once. A real program that calls
 * itself looks the same from here; there is nothing after it in PATH, so it is found again.
 * Ordinary nesting (terraform → sh → terraform, terragrunt → terraform) is not affected.
 * MFA_EXEC_DEPTH is a hard stop for whatever slips through (and the only one where the platform
 * cannot say who a process's parent is: Windows).
 */
import { ExitCode, MfaExecError } from '../errors.ts';
import { platform as current, type Platform } from '../platform/index.ts';
import { systemTools, type Tools } from '../platform/tools.ts';

export const MAX_DEPTH = 16;

/** The identity of the target that called our name back, if that is how we were started. */
export function calledBackFrom(
  name: string,
  env: NodeJS.ProcessEnv,
  given?: number,
  platform: Platform = current,
  tools: Tools = systemTools,
): string | undefined {
  const marker = env.MFA_EXEC_LAUNCHED?.split(' ');
  if (!marker || marker.length !== 3 || marker[1] !== name) return undefined;
  const launcher = Number(marker[0]);
  // Read only here: who started us is this process's own, and a run that asks is not one to replay (src/memo/).
  const ppid = given ?? process.ppid;
  if (ppid === launcher || platform.parentOf(ppid, tools) === launcher) return marker[2];
  return undefined;
}

export function checkDepth(env: NodeJS.ProcessEnv, name: string): number {
  const depth = Number(env.MFA_EXEC_DEPTH ?? 0) || 0;
  if (depth >= MAX_DEPTH) {
    throw new MfaExecError(
      `'${name}' went through mfa-exec ${depth} times in one process chain; a wrapper or shim is calling itself. Check PATH and any wrapper scripts named '${name}'.`,
      ExitCode.cannotExecute,
    );
  }
  return depth + 1;
}

export function launchMarkers(name: string, targetId: string, depth: number): Record<string, string> {
  return { MFA_EXEC_LAUNCHED: `${process.pid} ${name} ${targetId}`, MFA_EXEC_DEPTH: String(depth) };
}
