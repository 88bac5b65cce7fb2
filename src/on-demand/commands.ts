/**
 * The subcommands that are not in the warm bundle (exec, credential-process, status, env and list
 * are: src/cli.ts imports them), loaded with one import() when asked for. The build makes this
 * the entry of dist/on-demand/commands.js (sharing chunks with the credentials entry).
 */
import type { Options } from '../options.ts';
import type { Runtime } from '../pipeline/runtime.ts';

export { loginCommand } from '../commands/login.ts';
export { clearCommand } from '../commands/clear.ts';
export { shimCommand } from '../commands/shim.ts';
export { doctorCommand } from '../commands/doctor/doctor.ts';

// The key commands load the key stores, the config editors and (rotate) IAM: a chunk of their
// own, so `login`, `clear` and the others do not parse them.
type KeyCommand = (args: string[], options: Options, rt: Runtime) => Promise<number>;
export const addCommand: KeyCommand = async (...a) => (await import('../commands/add.ts')).addCommand(...a);
export const importCommand: KeyCommand = async (...a) => (await import('../commands/import.ts')).importCommand(...a);
export const removeCommand: KeyCommand = async (...a) => (await import('../commands/remove.ts')).removeCommand(...a);
export const rotateCommand: KeyCommand = async (...a) => (await import('../commands/rotate.ts')).rotateCommand(...a);
export { HELP } from '../help.ts';
