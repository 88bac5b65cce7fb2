/**
 * What the --server endpoint answers. A request never waits for a human: SDKs give a
 * container-credentials endpoint about a second. So each request
 *   1. resolves without the terminal: the cache, or a silent refresh from the MFA session;
 *   2. if that needs an MFA code, serves the newest credentials that are still valid (the cache
 *      entry, else what was served last);
 *   3. when those have less than RENEW_BEFORE_MS left, asks for a new code on the terminal in the
 *      background (once at a time), saying why, and serves the renewed credentials from then on.
 * With no terminal the renewal fails, is said once, and the current credentials are served until
 * they expire; after that the child gets a clear error from the endpoint.
 */
import type { Credentials } from '../credentials/types.ts';
import { readEntry, toCredentials } from '../credentials/cache.ts';
import { planCacheRefs } from '../credentials/cache-key.ts';
import { resolveCredentials, type ResolveContext } from '../credentials/resolve.ts';
import { ExitCode, MfaExecError, isMfaExecError } from '../errors.ts';
import type { Plan } from '../aws-config/plan.ts';

const RENEW_BEFORE_MS = 15 * 60 * 1000;

export function createRefresher(plan: Plan, first: Credentials, command: string, ctx: ResolveContext): () => Promise<Credentials> {
  const { logger } = ctx;
  let last = first;
  let renewing: Promise<void> | undefined;
  let renewFailed = false;
  const refs = planCacheRefs(plan, ctx.settings.stsEndpoint);
  const valid = (c: Credentials) => !c.expiration || c.expiration.getTime() > ctx.now();
  const left = (c: Credentials) => (c.expiration ? c.expiration.getTime() - ctx.now() : Infinity);

  const renew = () => {
    renewing = resolveCredentials(plan, {
      ...ctx,
      renew: true,
      promptReason: `the credentials of profile '${plan.profile}' for '${command}' (still running) run out at ${last.expiration?.toISOString()}; enter a new MFA code to keep it going.`,
    })
      .then((creds) => {
        last = creds;
        logger.debug(`credential server: renewed; valid until ${creds.expiration?.toISOString()}`);
      })
      .catch((error: unknown) => {
        renewFailed = true;
        logger.warn(
          `${isMfaExecError(error) ? error.message : String(error)} Serving the current credentials until they expire at ${last.expiration?.toISOString()}.`,
        );
      })
      .finally(() => (renewing = undefined));
  };

  return async () => {
    try {
      last = await resolveCredentials(plan, { ...ctx, interactive: false });
    } catch (error) {
      if (!isMfaExecError(error, 'no-terminal')) throw error;
      // The cache is the shared truth: another mfa-exec may have renewed these credentials.
      const cached = refs.final && readEntry(ctx.cacheDir, refs.final, ctx.now(), logger);
      const candidate = cached ? toCredentials(cached) : undefined;
      if (candidate && valid(candidate)) last = candidate;
      if (left(last) < RENEW_BEFORE_MS && !renewing && !renewFailed) renew();
    }
    if (valid(last)) return last;
    throw new MfaExecError(
      `The credentials of profile '${plan.profile}' have expired${renewing ? ' and a new MFA code is being asked for on the terminal' : ''}. Run 'mfa-exec login --profile ${plan.profile}' in a terminal.`,
      ExitCode.noTerminal,
    );
  };
}
