/**
 * A cache miss, wired: the prompt (the run's driver, or `none`), the token sources (flag,
 * variable, mfa_process, the prompt), the real STS client and the fetch. Part of the on-demand
 * bundle: nothing here loads on the warm path.
 */
import type { Plan } from '../aws-config/plan.ts';
import type { Logger } from '../log.ts';
import { runMfaProcess } from '../mfa/mfa-process.ts';
import { createTokenProvider } from '../mfa/token.ts';
import { openPrompt } from '../prompt/drivers.ts';
import type { Settings } from '../settings.ts';
import type { PlanCacheRefs } from './cache-key.ts';
import { fetchCredentials, type FetchContext } from './fetch.ts';
import { awsSts } from '../aws/sts.ts';
import type { Credentials } from '../aws/credentials.ts';

export interface MissContext {
  env: NodeJS.ProcessEnv;
  /** For the key store's directory (${XDG_DATA_HOME:-~/.local/share}/mfa-exec/keys). */
  homedir: string;
  settings: Settings;
  cacheDir: string;
  logger: Logger;
  now: () => number;
  /** --mfa-token. */
  mfaToken?: string;
  /** Said before a question, when the question needs explaining. */
  promptReason?: string;
  /**
   * The prompt driver (src/prompt/drivers.ts): the run's (Settings.prompt), or 'none' where nobody
   * may be asked: a needed code (or passphrase) then fails at once (kind 'no-terminal') unless
   * mfa_process (or a variable) gives it.
   */
  prompt: string;
  /** false: never run mfa_process either (with the `none` prompt, any needed code fails at once). */
  mfaProcess?: boolean;
  /**
   * --server renewals: mfa_process runs without a controlling terminal and is killed when this
   * aborts; the prompt never uses the terminal (a dialog is closed when this aborts).
   */
  background?: AbortSignal;
  /** Ignore cached credentials of this chain and fetch from the source ('roles': all but the MFA session). */
  renew?: boolean | 'roles';
  /** Gets the source credentials instead of the source's kind (rotate, which has read the old key already). */
  fetchSource?: FetchContext['fetchSource'];
  /** --no-browser: a sign-in opens no browser. */
  noBrowser?: boolean;
}

export function fetchOnMiss(plan: Plan, refs: PlanCacheRefs, ctx: MissContext): Promise<Credentials> {
  const { env, settings, cacheDir, logger, now } = ctx;
  // In --server's background the terminal is the command's: the prompt may only use the desktop.
  const prompt = openPrompt(ctx.prompt, env, {
    timeoutMs: settings.promptTimeoutMs,
    ...(ctx.background ? { terminal: false, signal: ctx.background } : {}),
  });
  const tokens = createTokenProvider({
    flagToken: ctx.mfaToken,
    envToken: settings.mfaToken,
    digits: settings.mfaDigits,
    reason: ctx.promptReason,
    prompt,
    cacheDir,
    logger,
    now,
    ...(ctx.mfaProcess === false
      ? {}
      : {
          runMfaProcess: (command: string, serial: string, profile: string) =>
            runMfaProcess(command, {
              serial,
              profile,
              env,
              timeoutMs: settings.mfaProcessTimeoutMs,
              detached: ctx.background !== undefined,
              signal: ctx.background,
            }),
        }),
  });
  return fetchCredentials({
    plan,
    refs,
    env,
    homedir: ctx.homedir,
    settings,
    cacheDir,
    logger,
    now,
    prompt,
    tokens,
    sts: awsSts,
    stsPlace: { region: plan.region ?? settings.region ?? 'us-east-1', endpoint: settings.stsEndpoint, timeoutMs: settings.stsTimeoutMs },
    renew: ctx.renew,
    fetchSource: ctx.fetchSource,
    noBrowser: ctx.noBrowser,
  });
}
