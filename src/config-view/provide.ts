/**
 * The view for a child: found (the warm path: a hash and four small file checks), else made
 * (write.ts, loaded on demand). A view that cannot be had does not stop the command when the
 * user's own files can stand in for it (then the user is told why): the command gets them, as
 * without mfa-exec. Under --server they cannot when [default] finds credentials on its own: every
 * SDK would use those before the endpoint, so the run fails before the command starts.
 */
import { isMfaExecError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { refuseOwnFiles } from './fallback.ts';
import { findView, viewKey, type Stamp, type ViewPaths, type ViewSpec } from './store.ts';
import type { makeView } from './write.ts';

export interface ProvideContext {
  cacheDir: string;
  logger: Logger;
  now: () => number;
  /** Loads the code that makes a view (the on-demand bundle). */
  load: () => Promise<{ makeView: typeof makeView; refuseOwnFiles: typeof refuseOwnFiles }>;
  /** Whether mfa-exec's key store holds keys for a profile (asked only when a view is made). */
  storeHolds?: (profile: string) => boolean;
}

/**
 * The view's paths: found at once (no promise, no import on the warm path), else a promise of the
 * view made (or of undefined when it cannot be had).
 */
export function provideView(spec: ViewSpec, ctx: ProvideContext): ViewPaths | Promise<ViewPaths | undefined> {
  const found = findView(ctx.cacheDir, viewKey(spec), ctx.now(), ctx.logger);
  if (!found) return makeOnDemand(spec, ctx);
  describe(found.paths, found.stamp, ctx.logger, 'found');
  return found.paths;
}

async function makeOnDemand(spec: ViewSpec, ctx: ProvideContext): Promise<ViewPaths | undefined> {
  const { logger } = ctx;
  const onDemand = await ctx.load();
  try {
    const made = onDemand.makeView(spec, ctx.cacheDir, logger, ctx.now(), ctx.storeHolds);
    describe(made.paths, made.stamp, logger, 'made');
    return made.paths;
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    const refusal = onDemand.refuseOwnFiles(spec, error);
    if (refusal) throw refusal;
    logger.warn(`${error.message} The command gets your own AWS files, so profiles it names itself are not served by mfa-exec.`);
    return undefined;
  }
}

function describe(paths: ViewPaths, stamp: Stamp, logger: Logger, how: string): void {
  if (!logger.debugEnabled) return;
  logger.debug(`config view ${how}: ${paths.dir} (${stamp.served} profile${stamp.served === 1 ? '' : 's'} served by mfa-exec)`);
  for (const { profile, why } of stamp.left ?? []) logger.debug(`config view: profile '${profile}' is left as written: ${why}`);
  for (const { profile, why } of stamp.refused ?? []) {
    logger.debug(`config view: profile '${profile}' is served, but mfa-exec refuses it: ${why}`);
  }
}
