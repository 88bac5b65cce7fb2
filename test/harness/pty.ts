// Runs a command in a real pseudo-terminal (pty_driver.py, pexpect) and answers its prompts.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pythonTool } from './python-bin.ts';
import { killGroup, trackGroup, untrackGroup } from './reaper.ts';

const DRIVER = fileURLToPath(new URL('./pty_driver.py', import.meta.url));

export interface PtyStep {
  /** Wait for this text (a string is literal; a RegExp is matched by Python's `re`). */
  expect?: string | RegExp;
  /** Then type this verbatim: '\r' is Enter, '\x03' is Ctrl-C. */
  send?: string;
  /** Or compute the text when the prompt appears (e.g. the current TOTP); Enter is appended. */
  sendCode?: () => string | Promise<string>;
  /** Or send a signal: to the child's pid, or to the terminal's foreground process group. */
  signal?: NodeJS.Signals;
  target?: 'child' | 'foreground';
  /** Pause after the step. */
  sleepMs?: number;
  /** This step's `expect` must match within this many ms (a bound tighter than the whole run's). */
  timeoutMs?: number;
}

export interface PtyResult {
  exitStatus: number | null;
  signalStatus: number | null;
  /** Everything the program wrote to the terminal, including the echo of what was typed. */
  output: string;
}

export interface RunInPtyOptions {
  /** TERM defaults to 'xterm' if the env has none. */
  env: NodeJS.ProcessEnv;
  /** Default: the env's HOME. */
  cwd?: string;
  steps: PtyStep[];
  timeoutMs: number;
  rows?: number;
  cols?: number;
}

interface DriverDone extends PtyResult {
  ok: boolean;
  error: string | null;
  step: number | null;
}

function toWire(step: PtyStep): Record<string, unknown> {
  const w: Record<string, unknown> = {};
  if (typeof step.expect === 'string') w['expect'] = step.expect;
  else if (step.expect) w['expectRe'] = step.expect.source;
  if (step.send !== undefined) w['send'] = step.send;
  else if (step.sendCode) w['ask'] = true;
  else if (step.signal) Object.assign(w, { signal: step.signal, target: step.target ?? 'child' });
  if (step.sleepMs) w['sleepMs'] = step.sleepMs;
  if (step.timeoutMs) w['timeoutMs'] = step.timeoutMs;
  return w;
}

/** Resolves when the program exits; rejects (with the output so far) if a step fails or time runs out. */
export function runInPty(argv: string[], opts: RunInPtyOptions): Promise<PtyResult> {
  const driver = spawn(pythonTool('python3'), [DRIVER], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const pgid = driver.pid!;
  trackGroup(pgid);
  const env = Object.fromEntries(Object.entries(opts.env).filter(([, v]) => v !== undefined));
  env['TERM'] ??= 'xterm'; // a terminal always has one; baseEnv does not set it
  const spec = {
    argv,
    env,
    cwd: opts.cwd ?? env['HOME'],
    timeoutMs: opts.timeoutMs,
    rows: opts.rows,
    cols: opts.cols,
    steps: opts.steps.map(toWire),
  };
  driver.stdin.write(JSON.stringify(spec) + '\n');
  let stderr = '';
  driver.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));

  return new Promise<PtyResult>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      untrackGroup(pgid);
      fn();
    };
    // The driver enforces timeoutMs itself; this is the backstop if the driver gets stuck.
    const timer = setTimeout(() => {
      killGroup(pgid, 'SIGTERM');
      setTimeout(() => killGroup(pgid, 'SIGKILL'), 1000).unref();
      settle(() =>
        reject(new Error(`runInPty: driver still running ${opts.timeoutMs + 3000} ms after start: ${argv.join(' ')}\n${stderr}`)),
      );
    }, opts.timeoutMs + 3000);

    createInterface({ input: driver.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as { need?: number; done?: DriverDone };
      if (msg.need !== undefined) {
        const step = opts.steps[msg.need]!;
        Promise.resolve(step.sendCode!())
          .then((text) => driver.stdin.write(JSON.stringify({ text: text + '\r' }) + '\n'))
          .catch((err: unknown) => {
            killGroup(pgid, 'SIGTERM');
            settle(() => reject(err));
          });
      } else if (msg.done) {
        const d = msg.done;
        settle(() => {
          if (d.ok) resolve({ exitStatus: d.exitStatus, signalStatus: d.signalStatus, output: d.output });
          else
            reject(
              new Error(
                `runInPty: ${d.error}${d.step !== null ? ` (step ${d.step})` : ''}: ${argv.join(' ')}\n--- terminal output\n${d.output}`,
              ),
            );
        });
      }
    });
    driver.once('close', (code) => {
      settle(() => reject(new Error(`runInPty: driver exited (${code}) without a result\n${stderr}`)));
    });
  });
}
