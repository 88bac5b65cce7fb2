/** `mfa-exec version`: the same line as `--version`, `-v` and `-V`. */
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';

declare const __MFA_EXEC_VERSION__: string;

export const help: CommandHelp = {
  usage: ['mfa-exec version                              the version (also: -v, -V, --version)'],
};

export function run(_input: CommandInput, rt: Runtime): number {
  rt.out(`mfa-exec ${__MFA_EXEC_VERSION__}\n`);
  return 0;
}
