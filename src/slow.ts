/**
 * Everything off the warm path, in one place: the build turns this module into a second bundle
 * (dist/slow.js, its own chunks for the AWS SDK), loaded with one import() on a cache miss or for
 * any subcommand other than exec. The warm path (dist/cli.js) is then a single file.
 */
export { fetchCredentials } from './credentials/fetch.ts';
export { createTokenProvider } from './mfa/token.ts';
export { runMfaProcess } from './mfa/mfa-process.ts';
export { startCredentialServer } from './server/credential-server.ts';
export { createRefresher } from './server/refresher.ts';
export { envCommand } from './commands/env.ts';
export { credentialProcessCommand } from './commands/credential-process.ts';
export { statusCommand } from './commands/status.ts';
export { loginCommand } from './commands/login.ts';
export { listCommand } from './commands/list.ts';
export { clearCommand } from './commands/clear.ts';
export { shimCommand } from './commands/shim.ts';
export { doctorCommand } from './commands/doctor.ts';
export { HELP } from './help.ts';

export type SlowModule = typeof import('./slow.ts');
