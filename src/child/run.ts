/**
 * Runs the target and becomes as transparent as Node allows (aws-vault replaces itself with
 * execve; Node cannot): stdio inherited, the child in our process group, our exit code its
 * exit code, 128+N when a signal N killed it.
 *
 * Signals reach the child exactly once. Ctrl-C, Ctrl-\, a window resize and a terminal hang-up
 * are delivered by the kernel to the whole foreground process group, child included, so when
 * we are in the terminal's foreground group we only make sure they do not kill us first.
 * Otherwise (no terminal, a background job, `kill <our pid>`) we forward them. SIGTERM is
 * never sent to a group by a terminal, so it is always forwarded. Which signals exist and how
 * "in the foreground group" is told are the platform's (src/platform/; Windows: the console gives
 * Ctrl-C to the target itself, and there is nothing else to forward).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { ExitCode, MfaExecError } from '../errors.ts';
import { platform } from '../platform/index.ts';
import { systemTools } from '../platform/tools.ts';
import { shebang } from './shebang.ts';
import type { Logger } from '../log.ts';

export interface RunOptions {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** argv[0] the target sees: the name it was invoked by. */
  argv0: string;
  logger: Logger;
}

export function runTarget(options: RunOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const { signals } = platform;
    const child = spawn(options.file, options.args, { stdio: 'inherit', env: options.env, argv0: options.argv0 });
    const onSignal = (signal: NodeJS.Signals) => {
      if (signals.terminal.has(signal) && platform.terminalSignalsReachTarget(systemTools)) {
        options.logger.debug(`${signal}: the terminal delivered it to the target too; not forwarding`);
        return;
      }
      options.logger.debug(`${signal}: forwarding to the target (pid ${child.pid})`);
      try {
        child.kill(signal);
      } catch {
        // The child is already gone; its exit event follows.
      }
    };
    for (const s of signals.listened) process.on(s, onSignal);
    const cleanup = () => {
      for (const s of signals.listened) process.off(s, onSignal);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(spawnError(error, options.file));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      if (signal) {
        options.logger.debug(`target killed by ${signal}`);
        resolve(128 + (os.constants.signals[signal] ?? 0));
      } else resolve(code ?? 0);
    });
  });
}

function spawnError(error: NodeJS.ErrnoException, file: string): MfaExecError {
  if (error.code === 'ENOENT') {
    // The file exists (we checked): it is the #! interpreter that is missing.
    const interpreter = shebang(file);
    if (interpreter)
      return new MfaExecError(
        `Cannot execute ${file}: its interpreter '${interpreter}' (the #! line) was not found.`,
        ExitCode.cannotExecute,
      );
    return new MfaExecError(`Command not found: ${file} disappeared before it could be started.`, ExitCode.notFound);
  }
  if (error.code === 'EACCES' || error.code === 'ENOEXEC' || error.code === 'EISDIR') {
    return new MfaExecError(`Cannot execute ${file} (${error.code}): it is not a program this system can run.`, ExitCode.cannotExecute);
  }
  return new MfaExecError(`Cannot start ${file}: ${error.code ?? error.message}.`, ExitCode.cannotExecute);
}
