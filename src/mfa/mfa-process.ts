/**
 * A profile's mfa_process (as aws-vault reads it): a shell command whose stdout is the code, e.g.
 * `ykman oath accounts code -s aws`, `op item get AWS --otp`, `pass otp aws/me`, or
 * `oathtool --totp -b @$HOME/.config/aws-totp-seed` (the seed read from a file, never in argv:
 * every local user can read a process's arguments in /proc).
 */
import { ExitCode, MfaExecError } from '../errors.ts';
import { runShellCommand, type ShellOptions } from '../shell-command.ts';

export async function runMfaProcess(
  command: string,
  context: { serial: string; profile: string; env: NodeJS.ProcessEnv; timeoutMs: number } & ShellOptions,
): Promise<string> {
  const timeout = context.timeoutMs;
  const result = await runShellCommand(command, { ...context.env, MFA_EXEC_MFA_SERIAL: context.serial }, timeout, {
    detached: context.detached,
    signal: context.signal,
  });
  if (result.failed) {
    const why = result.timedOut ? `did not print a code within ${timeout / 1000} s` : result.failure;
    throw new MfaExecError(
      `The mfa_process of profile '${context.profile}' ${why}. Run it by hand to check it prints the current code for ${context.serial}.`,
      ExitCode.mfaInput,
    );
  }
  return result.stdout;
}
