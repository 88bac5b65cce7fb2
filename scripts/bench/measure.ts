// Timing child processes for the bench: checked runs, timed runs (wall and CPU, bounded by a
// cap) through a small Python runner, interleaved rounds, medians.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Command {
  /** The executable (an absolute path) and its arguments, spawned directly (no shell). */
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Checks a run's outcome (output included); returns a problem to report, or undefined. */
  check?: (run: CheckedRun) => string | undefined;
  /** Exit codes a timed run may end with (default: 0 only). */
  okStatus?: number[];
}

export interface CheckedRun {
  status: number | null;
  overCap: boolean;
  stdout: string;
  stderr: string;
}

export interface Timing {
  /** Wall time, ms. */
  wall: number;
  /** User + system CPU time of the process and the children it waited for, ms. */
  cpu: number;
  /** Exit code, or minus the signal number. */
  status: number;
  overCap: boolean;
}

/** One run with its output captured, to check what a command does before timing it. */
export function runChecked(cmd: Command, capMs: number): CheckedRun {
  const [file, ...args] = cmd.argv;
  const r = spawnSync(file!, args, {
    env: cmd.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: capMs,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return { status: r.status, overCap: r.signal === 'SIGKILL', stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs commands (output to /dev/null) and reports their wall and CPU time. */
export class Runner {
  private readonly child = spawn('python3', [fileURLToPath(new URL('runner.py', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  private readonly lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();

  async time(cmd: Command, capMs: number): Promise<Timing> {
    this.child.stdin!.write(JSON.stringify({ argv: cmd.argv, env: cmd.env, capMs }) + '\n');
    const line = await this.lines.next();
    if (line.done) throw new Error('bench: the process runner (scripts/bench/runner.py) stopped');
    return JSON.parse(line.value) as Timing;
  }

  close(): void {
    this.child.stdin!.end();
  }
}

/**
 * Checks each command once, then runs every command once per round, `rounds` times after
 * `warmup` unrecorded rounds, so that whatever else the machine does affects all of them alike.
 * Throws on a failed check or a failed run.
 */
export async function interleave(
  runner: Runner,
  commands: Record<string, Command>,
  rounds: number,
  warmup: number,
  capMs: number,
): Promise<Record<string, Timing[]>> {
  const names = Object.keys(commands);
  for (const name of names) {
    const cmd = commands[name]!;
    const run = runChecked(cmd, capMs);
    const problem = run.overCap ? `still running after ${capMs} ms` : cmd.check?.(run);
    if (problem) throw new Error(`bench: ${name} (${cmd.argv.join(' ')}): ${problem}\n${run.stderr}`);
  }
  const times: Record<string, Timing[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < warmup + rounds; i++) {
    // Rotate the order each round: no command always runs right after the same neighbour.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!;
      const t = await runner.time(commands[name]!, capMs);
      if (t.overCap || !(commands[name]!.okStatus ?? [0]).includes(t.status)) {
        throw new Error(
          `bench: ${name} (${commands[name]!.argv.join(' ')}): ${t.overCap ? `still running after ${capMs} ms` : `exit ${t.status}`} in a timed run`,
        );
      }
      if (i >= warmup) times[name]!.push(t);
    }
  }
  return times;
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The p-quantile (0 ≤ p ≤ 1), interpolated between the two nearest runs. */
export function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * p;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.ceil(at)]! - s[lo]!) * (at - lo);
}

/**
 * When a floor's runs cannot carry a ratio, and why. A floor is a few milliseconds of pure start-up
 * on an otherwise idle core; the targets leave 10 % between a command and its floor.
 *
 * - Spread: the floor's median must be known to ±MAX_MEDIAN_ERROR (one standard error, relative).
 *   The median of n runs has a standard error of about 1.25 σ / √n, and σ ≈ IQR / 1.35, so the
 *   limit is on IQR / median ≤ MAX_MEDIAN_ERROR × √n / 0.93: 15 % for 30 runs, 21 % for 60, 25 %
 *   for 90 (more runs make up for a wider spread). At 2.5 % a ratio of two such medians is known
 *   to about ±5 % (95 %), half the margin a target leaves. Measured on this 2-core machine, 30
 *   interleaved runs of each floor: IQR / median 0.05–0.12 in most calm runs (one 0.155), 0.14–0.22
 *   with one core kept busy by another process, 0.08–0.64 with both.
 * - Waiting: the floor's median wall time over its median CPU time (user + system of the process
 *   tree), at most MAX_WAITING. A floor runs on one core and waits for nothing, so on a calm
 *   machine the two are equal (0.97–1.08 measured, Node 20, 22 and 24); when every core is busy
 *   the runs are slowed alike, the spread can stay small (0.08 seen) while wall time doubles (2.2×
 *   its CPU time), and every wall ratio is pulled towards 1. More runs do not help there; 1.15
 *   refused every run with both cores busy and most with one.
 */
export const MAX_MEDIAN_ERROR = 0.025;
export const MAX_WAITING = 1.15;

/** The widest spread (IQR / median) whose median of n runs is known to ±MAX_MEDIAN_ERROR. */
export function maxSpread(n: number): number {
  return (MAX_MEDIAN_ERROR * Math.sqrt(n)) / 0.93;
}

export interface Steadiness {
  spread: number;
  waiting: number;
  /** Why the runs cannot carry a ratio, or undefined when they can. */
  problem?: string;
}

export function steadiness(ts: readonly Timing[]): Steadiness {
  const wall = ts.map((t) => t.wall);
  const mid = median(wall);
  const spread = (quantile(wall, 0.75) - quantile(wall, 0.25)) / mid;
  const limit = maxSpread(ts.length);
  const waiting = mid / median(ts.map((t) => t.cpu));
  const problems = [
    spread > limit
      ? `its wall times spread too wide (IQR ${(spread * 100).toFixed(0)} % of the median > ${(limit * 100).toFixed(0)} % for ${ts.length} runs)`
      : '',
    waiting > MAX_WAITING
      ? `it waited for a CPU (median wall ${waiting.toFixed(2)}× its CPU time > ${MAX_WAITING}: the cores were busy)`
      : '',
  ].filter(Boolean);
  return { spread, waiting, ...(problems.length ? { problem: problems.join('; ') } : {}) };
}
