/** clear: remove cached credentials, all of them or one profile's (its role entry and session). */
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, entryPath } from '../credentials/cache.ts';
import { planCacheRefs } from '../credentials/cache-key.ts';
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';
import { planFor } from './profile-resolution.ts';

const OURS = /^(session-|role-|mfa-used-|lock-|\.tmp-)/;

export function clearCommand(options: Options, rt: Runtime): number {
  let removed = 0;
  const remove = (file: string) => {
    try {
      fs.rmSync(file, { recursive: true });
      removed++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  };
  let dir: string;
  if (options.profile) {
    const { plan, cacheDir: d } = planFor(options, rt);
    dir = d;
    const refs = planCacheRefs(plan, rt.settings.stsEndpoint);
    for (const ref of [refs.session, ...refs.roles]) if (ref) remove(entryPath(dir, ref));
  } else {
    dir = cacheDir(rt.env, rt.homedir);
    const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    for (const name of names) if (OURS.test(name)) remove(path.join(dir, name));
  }
  rt.logger.info(
    `removed ${removed} cached ${removed === 1 ? 'entry' : 'entries'}${options.profile ? ` for profile '${options.profile}'` : ''} from ${dir}`,
  );
  return 0;
}
