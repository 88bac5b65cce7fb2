/** login: ask for the MFA code now (if needed) and fill the cache, e.g. at the start of a day. */
import { cacheState } from '../credentials/cache-state.ts';
import type { Options } from '../invocation.ts';
import { credentialsFor, type Runtime } from './profile-credentials.ts';
import { describe } from './status.ts';

export async function loginCommand(options: Options, rt: Runtime): Promise<number> {
  const { plan, cacheDir } = await credentialsFor(options, rt);
  const now = rt.now();
  const state = cacheState(plan, rt.env, cacheDir, now, rt.logger);
  const parts = [describe('credentials', state.credentials, now), state.session && state.session !== state.credentials ? describe('MFA session', state.session, now) : undefined].filter(Boolean);
  process.stderr.write(`mfa-exec: profile '${plan.profile}' is ready${parts.length ? `: ${parts.join('; ')}` : ''}\n`);
  return 0;
}
