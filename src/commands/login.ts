/** login: ask for the MFA code now (if needed) and fill the cache, e.g. at the start of a day. */
import { cacheState } from '../credentials/cache-state.ts';
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';
import { credentialsFor } from './profile-resolution.ts';
import { summarize } from './state-summary.ts';

export async function loginCommand(options: Options, rt: Runtime): Promise<number> {
  const { plan, cacheDir } = await credentialsFor(options, rt);
  const parts = summarize(cacheState(plan, rt.settings.stsEndpoint, cacheDir, rt.now(), rt.logger), rt.now());
  rt.logger.info(`profile '${plan.profile}' is ready${parts.length ? `: ${parts.join('; ')}` : ''}`);
  return 0;
}
