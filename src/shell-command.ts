/**
 * Runs a user's shell command from the config (mfa_process, credential_process) and reads its
 * stdout: through /bin/sh -c, stdin closed, stderr to ours (so "touch your key" shows), bounded
 * in time, without our own secrets in its environment (secret-variables.ts).
 *
 * At the deadline the whole tree goes: a grandchild (dash does not exec its last command) would
 * otherwise keep our stdout/stderr pipes open, and whoever reads them (the AWS CLI running
 * credential_process) would wait forever. The command is not put in a process group of its own,
 * which would take its controlling terminal away from password managers that prompt on it, so
 * its descendants are found through /proc (Linux) before they are orphaned.
 */
import { execa } from 'execa';
import { descendants } from './proc.ts';
import { withoutSecrets } from './secret-variables.ts';

export interface ShellResult {
  stdout: string;
  failed: boolean;
  /** The deadline passed and the command was killed. */
  timedOut: boolean;
  /** "exited with code 1", "was killed by SIGTERM", "could not be started (ENOENT)". */
  failure?: string;
}

export interface ShellOptions {
  /**
   * Run in a session of its own, without a controlling terminal: it cannot read the terminal
   * (--server renewals, while the terminal belongs to the running command). Its stderr still
   * reaches ours, so "touch your key" shows.
   */
  detached?: boolean;
  /** Kill the command (and what it started) when this aborts: we are exiting. */
  signal?: AbortSignal;
}

export async function runShellCommand(
  command: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  options: ShellOptions = {},
): Promise<ShellResult> {
  const subprocess = execa('/bin/sh', ['-c', command], {
    env: withoutSecrets(env), // our MFA code and the key files' passphrase are for us alone
    extendEnv: false,
    stdin: 'ignore',
    stderr: 'inherit',
    reject: false,
    stripFinalNewline: true,
    detached: options.detached ?? false,
  });
  let timedOut = false;
  const tree = () => (subprocess.pid === undefined ? [] : [subprocess.pid, ...descendants(subprocess.pid)]);
  const killTree = () => {
    const pids = tree();
    signalAll(pids, 'SIGTERM');
    setTimeout(() => signalAll(pids, 'SIGKILL'), 1_000).unref();
    // Whatever still holds the pipe, we are done reading it.
    setTimeout(() => subprocess.stdout?.destroy(), 1_100).unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, timeoutMs);
  // On abort we are about to exit: SIGKILL at once, nothing may outlive us.
  const onAbort = () => signalAll(tree(), 'SIGKILL');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const result = await subprocess;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  const failed = timedOut || result.failed;
  const failure = timedOut
    ? `did not finish within ${timeoutMs / 1000} s`
    : result.exitCode !== undefined && result.exitCode !== 0
      ? `exited with code ${result.exitCode}`
      : result.signal
        ? `was killed by ${result.signal}`
        : result.failed
          ? `could not be started (${result.code ?? 'unknown'})`
          : undefined;
  return { stdout: String(result.stdout ?? ''), failed, timedOut, failure };
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
