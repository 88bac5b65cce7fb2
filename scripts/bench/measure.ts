// Timing child processes for the bench: one run (bounded by a cap), interleaved rounds, medians.
import { spawnSync } from 'node:child_process';

export interface Command {
  /** The executable and its arguments, spawned directly (no shell). */
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Checks one run's outcome; returns a problem to report, or undefined. Called on every run. */
  check?: (run: Run) => string | undefined;
}

export interface Run {
  ms: number;
  status: number | null;
  /** True when the run was killed at the cap. */
  overCap: boolean;
  stdout: string;
  stderr: string;
}

/** One run, killed (SIGKILL) if it is still going after capMs. */
export function runOnce(cmd: Command, capMs: number, keepStdout = true): Run {
  const [file, ...args] = cmd.argv;
  const started = process.hrtime.bigint();
  const r = spawnSync(file!, args, {
    env: cmd.env,
    stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'],
    timeout: capMs,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return { ms, status: r.status, overCap: r.signal === 'SIGKILL' && ms >= capMs, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * Runs every command once per round, `rounds` times after `warmup` unrecorded rounds, so that
 * whatever else the machine does affects all of them alike. Throws on the first failed check.
 */
export function interleave(commands: Record<string, Command>, rounds: number, warmup: number, capMs: number): Record<string, number[]> {
  const names = Object.keys(commands);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < warmup + rounds; i++) {
    // Rotate the order each round: no command always runs right after the same neighbour.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!;
      const cmd = commands[name]!;
      const run = runOnce(cmd, capMs);
      const problem = run.overCap ? `still running after ${capMs} ms` : cmd.check?.(run);
      if (problem) throw new Error(`bench: ${name} (${cmd.argv.join(' ')}): ${problem}\n${run.stderr}`);
      if (i >= warmup) times[name]!.push(run.ms);
    }
  }
  return times;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
