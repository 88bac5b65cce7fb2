/**
 * What the --server endpoint answers, and how the served identity is kept alive without ever
 * touching the terminal: while the command runs, the terminal is the command's (a `yes` typed
 * for Terraform must reach Terraform), so mfa-exec never reads it.
 *
 * Each request
 *   1. resolves quietly: the cache, or a silent refresh from the MFA session; never a code. If
 *      that takes longer than a moment (STS is slow, or `mfa-exec login` in another terminal holds
 *      the lock while its user types), the request gets the credentials that are still valid and
 *      the resolution goes on in the background;
 *   2. when the quiet path would need a code, gets the newest credentials still valid.
 * When the served credentials have less than the notice window left (MFA_EXEC_RENEWAL_NOTICE,
 * 15 min) and their renewal will need a code (the MFA session ends first, or there is none):
 *   - with an mfa_process, it is run once in the background, in a session of its own (no
 *     controlling terminal; its stderr still shows), and killed if the command exits first;
 *   - otherwise (or if it fails), unless the prompt is `terminal` or `none`, the run's prompt asks
 *     once in the background without the terminal: a desktop dialog (`auto` with a desktop
 *     session, or the dialog named), or the YubiKey (`ykman`); closed if the command exits first;
 *   - otherwise (or if that is cancelled, unanswered or impossible) mfa-exec says so once on
 *     stderr, with the `mfa-exec login` command to run in another terminal. Whatever login (or
 *     any other mfa-exec) puts in the cache is picked up by the next request.
 * For a source that signs a person in (IAM Identity Center, `aws login`), renewals refresh its
 * token silently (never a browser: the quiet path's prompt is `none`); when a new sign-in is
 * needed (its files say so near the end, or a renewal fails for want of one), mfa-exec says so
 * once on stderr, with the command that signs in.
 * A timer makes the check even when the command asks nothing. `close()` aborts what runs in the
 * background, so nothing keeps mfa-exec alive after the command.
 */
import type { Plan } from '../aws-config/plan.ts';
import { readEntry } from '../credentials/cache.ts';
import { planCacheRefs } from '../credentials/cache-key.ts';
import { resolveCredentials, type ResolveContext } from '../credentials/resolve.ts';
import type { Credentials } from '../aws/credentials.ts';
import { ExitCode, MfaExecError, isMfaExecError } from '../errors.ts';
import { platform as current, type Platform } from '../platform/index.ts';
import { desktopDialog, desktopFacts } from '../prompt/desktop.ts';
import { sourceState } from '../sources/fetch.ts';
import { kindOf } from '../sources/table.ts';

export interface RefresherContext extends ResolveContext {
  /** The command to renew with, as the user would type it: `mfa-exec login -p NAME [-d …]`. */
  loginCommand: string;
  /** How long a request waits for a resolution before it is answered with what is still valid. */
  answerWithinMs?: number;
  /** How often the background check runs. */
  checkEveryMs?: number;
  /** The resolution (unit tests pass a fake; default: resolveCredentials). */
  resolve?: typeof resolveCredentials;
}

export interface Refresher {
  /** The endpoint's answer: never waits for a human. */
  get(): Promise<Credentials>;
  /** The command has exited: stop the timer, kill a running mfa_process. */
  close(): void;
}

const ANSWER_WITHIN_MS = 500;
const CHECK_EVERY_MS = 30_000;

/** Whether the prompt `name` can ask while the terminal is a running command's. */
export function canAskInBackground(name: string, env: RefresherContext['env'], platform: Platform = current): boolean {
  if (name === 'terminal' || name === 'none') return false;
  return name !== 'auto' || 'dialog' in desktopDialog(desktopFacts({ env, platform }));
}

export function createRefresher(plan: Plan, first: Credentials, command: string, ctx: RefresherContext): Refresher {
  const { logger, now } = ctx;
  const resolve = ctx.resolve ?? resolveCredentials;
  const refs = planCacheRefs(plan, ctx.settings.stsEndpoint);
  const noticeMs = ctx.settings.renewalNoticeMs;
  const abort = new AbortController();
  const deviceProcess = plan.session?.mfaSerial ? plan.session.mfaProcess : plan.roles.find((r) => r.mfaSerial)?.mfaProcess;
  const needsMfa = !!plan.session?.mfaSerial || plan.roles.some((r) => r.mfaSerial);
  const signsIn = kindOf(plan.source).signsIn === true;
  /** Why the last quiet renewal needed a sign-in (its message names the command), for the final error. */
  let signInNeeded: string | undefined;

  let last = first;
  let quiet: Promise<Credentials> | undefined;
  let renewing = false;
  // One notice (and one mfa_process attempt) per credentials that run out; renewed ones start afresh.
  let noticedFor: Credentials | undefined;
  let processTriedFor: Credentials | undefined;
  let askedFor: Credentials | undefined;
  // A prompt that can ask without the terminal (the terminal is the command's while it runs): for
  // `auto`, only when this session has a desktop to show a dialog on.
  const askable = canAskInBackground(ctx.settings.prompt, ctx.env);

  const left = (c: Credentials) => (c.expiration ? c.expiration.getTime() - now() : Infinity);
  const valid = (c: Credentials) => left(c) > 0;
  const adopt = (c: Credentials) => {
    // The newest wins: a quiet hit may be older than what an mfa_process renewal just gave.
    if (c.accessKeyId !== last.accessKeyId && left(c) >= left(last)) {
      logger.debug(`credential server: now serving credentials valid until ${c.expiration?.toISOString()}`);
      last = c;
    }
  };

  /** The renewal of `last` will need an MFA code: no MFA session outlives it (or there is none to renew from). */
  const renewalNeedsCode = (): boolean => {
    if (!needsMfa) return false;
    if (!refs.session || refs.final === refs.session || !plan.session?.mfaSerial) return true;
    const session = readEntry(ctx.cacheDir, refs.session, now(), logger);
    return !session || !last.expiration || Date.parse(session.expiration) < last.expiration.getTime();
  };

  const notice = (why?: string) => {
    if (noticedFor === last) return;
    noticedFor = last;
    const until = last.expiration?.toISOString() ?? 'soon';
    const situation =
      plan.session?.mfaSerial && refs.final !== refs.session
        ? `the MFA session of profile '${plan.profile}' ends before the credentials of '${command}' (still running, valid until ${until}) do, so renewing them needs a new MFA code`
        : `the credentials of profile '${plan.profile}' for '${command}' (still running) run out at ${until}, and renewing them needs a new MFA code`;
    logger.warn(
      `${situation}${why ? ` (${why})` : ''}. To keep it going, run in another terminal: ${ctx.loginCommand}` +
        `${deviceProcess === undefined ? ' (or set mfa_process in the profile)' : ''}. mfa-exec does not read this terminal while '${command}' runs.`,
    );
  };

  /** Once per credentials, as `notice`: a new sign-in is needed to renew them. */
  const signInNotice = (why: string) => {
    if (noticedFor === last) return;
    noticedFor = last;
    logger.warn(
      `the credentials of profile '${plan.profile}' for '${command}' (still running) run out at ${last.expiration?.toISOString() ?? 'soon'}, and renewing them needs a new sign-in: ${why.replace(/\.$/, '')}. mfa-exec opens no browser and does not read this terminal while '${command}' runs.`,
    );
  };

  /** Near the end: the sign-in's files say whether a renewal will need a person. */
  const checkSignIn = async () => {
    const state = await sourceState(plan.source, { env: ctx.env, homedir: ctx.homedir, now });
    if (!state || abort.signal.aborted) return;
    const endsFirst =
      state.expiresAt !== undefined && last.expiration !== undefined && Date.parse(state.expiresAt) < last.expiration.getTime();
    if (state.next === 'sign-in' || (state.next === 'use' && endsFirst)) {
      signInNotice(
        `${state.what} ${state.next === 'sign-in' ? 'has ended' : `ends at ${state.expiresAt}`}; run in another terminal: ${state.signIn}`,
      );
    }
  };

  /** Renews in the background: with mfa_process, or by asking through the run's prompt (never the terminal). */
  const renewInBackground = (how: 'mfa_process' | 'prompt') => {
    renewing = true;
    if (how === 'mfa_process') processTriedFor = last;
    else askedFor = last;
    logger.debug(`credential server: renewing in the background (${how === 'prompt' ? `the ${ctx.settings.prompt} prompt` : how})`);
    const until = last.expiration?.toISOString() ?? 'soon';
    const asking = {
      prompt: ctx.settings.prompt,
      mfaProcess: false,
      promptReason: `the credentials of '${command}' (still running) run out at ${until}; a new MFA code for profile '${plan.profile}' keeps it going`,
    };
    resolve(plan, { ...ctx, renew: true, background: abort.signal, ...(how === 'prompt' ? asking : { prompt: 'none' }) })
      .then((creds) => {
        if (abort.signal.aborted) return;
        adopt(creds);
        // What it brought is handled too: if even that is inside the window (a notice longer than
        // the credentials last), running it again at once could only ask for the same code.
        processTriedFor = askedFor = noticedFor = last;
        logger.debug(`credential server: renewed (${how}); valid until ${creds.expiration?.toISOString()}`);
      })
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        const why = isMfaExecError(error) ? error.message.replace(/\.$/, '') : `${how} failed`;
        if (how === 'mfa_process' && askable) logger.debug(`credential server: mfa_process did not renew (${why}); asking instead`);
        else notice(why);
      })
      .finally(() => {
        renewing = false;
        if (how === 'mfa_process' && askable && !abort.signal.aborted) check();
      });
  };

  /** Near the end, with a code needed: mfa_process once, else the prompt once (not the terminal), else tell the user once. */
  const check = () => {
    if (abort.signal.aborted || renewing || left(last) >= noticeMs) return;
    if (signsIn) checkSignIn().catch((error: unknown) => logger.debug(`credential server: ${(error as Error).message}`));
    if (!renewalNeedsCode()) return;
    if (deviceProcess !== undefined && processTriedFor !== last) renewInBackground('mfa_process');
    else if (askable && askedFor !== last) renewInBackground('prompt');
    else notice();
  };

  const resolveQuietly = () => (quiet ??= resolve(plan, { ...ctx, prompt: 'none', mfaProcess: false }).finally(() => (quiet = undefined)));

  const timer = setInterval(check, ctx.checkEveryMs ?? CHECK_EVERY_MS);
  timer.unref();
  setImmediate(check).unref();

  return {
    async get() {
      const pending = resolveQuietly().then(
        (creds) => {
          adopt(creds);
          return true;
        },
        (error: unknown) => {
          if (!isMfaExecError(error, 'no-terminal')) throw error;
          if (signsIn && !needsMfa) {
            signInNeeded = error.message;
            signInNotice(error.message);
          }
          return false; // a code (or a sign-in) would be needed: the check below says so
        },
      );
      const inTime = await Promise.race([
        pending,
        new Promise<'late'>((done) => setTimeout(() => done('late'), ctx.answerWithinMs ?? ANSWER_WITHIN_MS).unref()),
      ]).catch((error: unknown) => {
        if (!valid(last)) throw error;
        logger.debug(`credential server: ${isMfaExecError(error) ? error.message : 'internal error'} Serving the current credentials.`);
        return false;
      });
      if (inTime === 'late') {
        pending.catch(() => {}); // it goes on; its result is adopted when it comes
        if (!valid(last)) await pending;
      }
      check();
      if (valid(last)) return last;
      if (signInNeeded !== undefined) throw new MfaExecError(signInNeeded, ExitCode.noTerminal);
      throw new MfaExecError(
        `The credentials of profile '${plan.profile}' have expired and renewing them needs a new MFA code. Run '${ctx.loginCommand}' in another terminal.`,
        ExitCode.noTerminal,
      );
    },
    close() {
      clearInterval(timer);
      abort.abort();
    },
  };
}
