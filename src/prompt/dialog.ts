/**
 * What the desktop dialogs (zenity.ts, kdialog.ts, osascript.ts) share: running the program,
 * bounded in time, and the Prompt made around it. Each program's file says only how a question
 * becomes its argv and what its exit means.
 *
 * - A dialog's argv can be read by every local user (`ps`): it shows the profile, the MFA device
 *   or the key store, never an answer; the answer comes back on the dialog's stdout (a pipe).
 * - It gets our environment less the secrets mfa-exec may hold there (an MFA code, a passphrase,
 *   keys): a dialog needs DISPLAY and the session's settings, nothing else of ours.
 * - MFA_EXEC_PROMPT_TIMEOUT (120 s) ends it (SIGTERM, then SIGKILL): exit 66, never a hang.
 *   Cancel, Escape or closing the window is exit 130, as Ctrl-C at the terminal; so are SIGINT,
 *   SIGTERM and SIGHUP sent to mfa-exec while it waits (the dialog is closed first).
 * - Lines said beside the questions (`say`: "AWS rejected that code") are shown at the top of
 *   the next dialog.
 * - It does not outlive us: a SIGKILL leaves no handler to close it, and a dialog in its own
 *   session has no terminal to lose, so it runs under a leash (below) that closes it when the pipe
 *   from us closes, as it does when we die however we die (Node has no prctl(PR_SET_PDEATHSIG)).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { ExitCode, MfaExecError } from '../errors.ts';
import { printable } from '../printable.ts';
import { withoutSecretsOrCredentials } from '../secret-variables.ts';
import { findOnPath, type DialogName } from './desktop.ts';
import { cannotAsk, PromptCancelledError, promptTimedOut } from './errors.ts';
import type { Prompt, PromptContext, Question, QuestionContext } from './types.ts';

/** What one dialog is to show. */
export interface DialogRequest {
  /** entry: a line of text; secret: a hidden line; confirm: yes or no. */
  kind: 'entry' | 'secret' | 'confirm';
  title: string;
  /** The label, line by line (control characters already escaped); each program escapes for its own markup. */
  lines: readonly string[];
  /** MFA_EXEC_PROMPT_TIMEOUT in whole seconds, for a program that can time itself out. */
  timeoutSeconds: number;
}

/** How a dialog program ended. */
export interface DialogExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What an exit means: an answer (confirm: yes), no (confirm), cancelled, timed out by itself, no display to show it on, or anything else. */
export type DialogOutcome = 'answer' | 'no' | 'cancel' | 'timeout' | 'no-display' | 'failed';

export interface DialogProgram {
  name: DialogName;
  args(request: DialogRequest): string[];
  outcome(exit: DialogExit, request: DialogRequest): DialogOutcome;
}

/** The environment of a program mfa-exec runs to ask or to tell a person (a dialog, ykman, notify-send): no secret, no keys. */
export const helperEnv = (env: PromptContext['env']): NodeJS.ProcessEnv => withoutSecretsOrCredentials(env);

/** The label of a question: the lines said since the last one, the question, and the profile when the question does not name it. */
export function dialogLines(message: string, context: QuestionContext | undefined, said: readonly string[]): string[] {
  const question = message.trim().replace(/:$/, '');
  const lines = [...said, question];
  const profile = context?.profile;
  if (profile !== undefined && !question.includes(`'${profile}'`)) lines.push(`(profile ${profile})`);
  return lines.map(printable);
}

const CANCEL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
const OUTPUT_LIMIT = 64 * 1024;

export type Ran = { exit: DialogExit; ended: 'exit' | 'timeout' | 'cancel' } | { missing: true } | { spawnError: string };

/**
 * The leash, run by /bin/sh as `sh -c LEASH sh PROGRAM ARGS…` with a pipe from us as its stdin:
 * the program runs in the background with its input closed, beside a reader of that pipe that
 * ends the whole process group (the program and all it started) when the pipe closes. The
 * program's exit is the leash's (a signal as 128+N, as sh says it).
 */
const LEASH = `exec 3<&0
"$@" </dev/null 3<&- &
program=$!
(while read -r _; do :; done; kill -TERM 0) <&3 3<&- >/dev/null 2>&1 &
reader=$!
exec 3<&-
wait "$program"
status=$?
kill "$reader" 2>/dev/null
exit "$status"`;

/** A leashed program's exit as the program's own: sh's 128+N back to the signal N. */
function unleashed(code: number | null, signal: NodeJS.Signals | null): Pick<DialogExit, 'code' | 'signal'> {
  if (code === null || code <= 128) return { code, signal };
  const name = Object.entries(os.constants.signals).find(([, n]) => n === code - 128)?.[0];
  return name ? { code: null, signal: name as NodeJS.Signals } : { code, signal };
}

/**
 * Runs `file args` for a person to answer: stdin closed, stdout and stderr captured (bounded),
 * ended by our timer, by `signal`, or by a signal to us.
 */
export function runForPerson(
  file: string,
  args: readonly string[],
  ctx: Pick<PromptContext, 'env' | 'timeoutMs' | 'signal' | 'platform'>,
  onStderr?: (chunk: string) => void,
): Promise<Ran> {
  return new Promise((resolve) => {
    if (ctx.signal?.aborted) return resolve({ exit: { code: null, signal: null, stdout: '', stderr: '' }, ended: 'cancel' });
    // A process group of its own: closing it closes whatever it started, and Ctrl-C at a terminal
    // reaches mfa-exec, which closes it (and says "cancelled") rather than the program dying under it.
    // Leashed where there is a /bin/sh (not on Windows, where no dialog runs).
    const leashed = ctx.platform.name !== 'win32';
    const program = leashed ? findOnPath(file, ctx.env) : file;
    if (program === undefined) return resolve({ missing: true });
    const child = leashed
      ? spawn('/bin/sh', ['-c', LEASH, 'sh', program, ...args], {
          stdio: ['pipe', 'pipe', 'pipe'],
          env: helperEnv(ctx.env),
          detached: true,
        })
      : spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: helperEnv(ctx.env), detached: true });
    child.stdin?.on('error', () => {}); // the leash gone first: nothing was to be written anyway
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // gone already
      }
    };
    let stdout = '';
    let stderr = '';
    let ended: 'exit' | 'timeout' | 'cancel' = 'exit';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      if (stderr.length < OUTPUT_LIMIT) stderr += s;
      onStderr?.(s);
    });
    let killer: NodeJS.Timeout | undefined;
    const end = (why: 'timeout' | 'cancel') => {
      if (ended !== 'exit') return;
      ended = why;
      kill('SIGTERM');
      killer = setTimeout(() => kill('SIGKILL'), 2_000);
    };
    const timer = setTimeout(() => end('timeout'), ctx.timeoutMs);
    const onSignal = () => end('cancel');
    const onAbort = () => end('cancel');
    for (const s of CANCEL_SIGNALS) process.on(s, onSignal);
    ctx.signal?.addEventListener('abort', onAbort);
    const done = (result: Ran) => {
      clearTimeout(timer);
      clearTimeout(killer);
      for (const s of CANCEL_SIGNALS) process.off(s, onSignal);
      ctx.signal?.removeEventListener('abort', onAbort);
      child.stdin?.destroy();
      resolve(result);
    };
    child.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ENOENT' ? { missing: true } : { spawnError: `${error.code ?? error.name}: ${error.message}` }),
    );
    child.once('close', (code, signal) =>
      done({ exit: { ...(leashed ? unleashed(code, signal) : { code, signal }), stdout, stderr }, ended }),
    );
  });
}

/** The first line of what a program said on stderr, for an error message. */
export function firstLine(text: string): string {
  return printable(
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim()
      .slice(0, 200) ?? '',
  );
}

/** A Prompt that shows each question as a dialog of `program`. */
export function dialogPrompt(program: DialogProgram, ctx: PromptContext): Prompt {
  const said: string[] = [];
  const timeoutSeconds = Math.max(1, Math.ceil(ctx.timeoutMs / 1000));
  const show = async (
    request: DialogRequest,
    title: string,
    nextStep: string | undefined,
  ): Promise<{ outcome: DialogOutcome; text: string }> => {
    const ran = await runForPerson(program.name, program.args(request), ctx);
    if ('missing' in ran) throw cannotAsk(`${program.name} is not on PATH`, title, nextStep);
    if ('spawnError' in ran) throw cannotAsk(`${program.name} cannot be started (${ran.spawnError})`, title, nextStep);
    if (ran.ended === 'timeout') throw promptTimedOut(title, `the ${program.name} dialog`, ctx.timeoutMs);
    if (ran.ended === 'cancel') throw new PromptCancelledError(title);
    const outcome = program.outcome(ran.exit, request);
    const { code, signal, stderr } = ran.exit;
    switch (outcome) {
      case 'answer':
      case 'no':
        return { outcome, text: ran.exit.stdout.replace(/\r?\n$/, '') };
      case 'cancel':
        throw new PromptCancelledError(title);
      case 'timeout':
        throw promptTimedOut(title, `the ${program.name} dialog`, ctx.timeoutMs);
      case 'no-display':
        throw cannotAsk(
          `${program.name} cannot open a window on this desktop (${firstLine(stderr) || `exit ${code ?? signal}`})`,
          title,
          nextStep,
        );
      case 'failed':
        throw new MfaExecError(
          `${title}: the ${program.name} dialog failed (exit ${code ?? signal}${stderr.trim() ? `: ${firstLine(stderr)}` : ''}); nothing was asked.`,
          ExitCode.noTerminal,
          { kind: 'no-terminal' },
        );
    }
  };
  const request = (kind: DialogRequest['kind'], title: string, lines: string[]): DialogRequest => ({
    kind,
    title: `mfa-exec: ${title}`,
    lines,
    timeoutSeconds,
  });
  return {
    name: program.name,
    async ask(q: Question) {
      const lines = dialogLines(q.message, q.context, said.splice(0));
      return (await show(request(q.secret ? 'secret' : 'entry', q.title, lines), q.title, q.unanswerable)).text;
    },
    async confirm(message, options) {
      const lines = dialogLines(message.replace(/\s*\[y\/N\]\s*$/i, ''), options?.context, said.splice(0));
      // A "No" (or the window closed) is 'no', told apart by each program; a signal to us is a cancel (130).
      return (await show(request('confirm', 'Confirmation', lines), 'Confirmation', options?.unanswerable)).outcome === 'answer';
    },
    say(message) {
      said.push(message.replace(/^./, (c) => c.toUpperCase()));
    },
    close() {},
  };
}
