/**
 * The subcommands other than exec, loaded with one import() when asked for. The build makes this
 * the entry of dist/on-demand/commands.js (sharing chunks with the credentials entry).
 */
export { envCommand } from '../commands/env.ts';
export { credentialProcessCommand } from '../commands/credential-process.ts';
export { statusCommand } from '../commands/status.ts';
export { loginCommand } from '../commands/login.ts';
export { listCommand } from '../commands/list.ts';
export { clearCommand } from '../commands/clear.ts';
export { shimCommand } from '../commands/shim.ts';
export { doctorCommand } from '../commands/doctor/doctor.ts';
export { addCommand } from '../commands/add.ts';
export { importCommand } from '../commands/import.ts';
export { removeCommand } from '../commands/remove.ts';
export { rotateCommand } from '../commands/rotate.ts';
export { HELP } from '../help.ts';
