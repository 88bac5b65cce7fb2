/**
 * The code that is off the warm path, loaded with one import() on a cache miss, for --server, or
 * to make a config view: the lock, the token sources and prompt, the STS SDK, the credential
 * endpoint, the view writer, a guardrail's question and GetCallerIdentity, and the state of a
 * source's sign-in (list, status).
 * The build makes it the entry of dist/on-demand/credentials.js; nothing here imports commands/.
 */
export { fetchOnMiss } from '../credentials/miss.ts';
export { startCredentialServer } from '../server/credential-server.ts';
export { createRefresher } from '../server/refresher.ts';
export { makeView } from '../config-view/write.ts';
export { refuseOwnFiles } from '../config-view/fallback.ts';
export { confirmDestructive } from '../guardrails/confirm.ts';
export { callerAccount } from '../guardrails/identity.ts';
export { signInDebugLine, signInReports } from '../sources/fetch.ts';
