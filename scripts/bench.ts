// npm run bench: how much mfa-exec adds on the warm path, measured side by side in one run.
//
// The cache is filled for real (moto in auth mode behind the MFA-checking front, one
// --mfa-token run), then these commands run interleaved, each as an executable with the same
// #!/usr/bin/env node line and the same environment:
//   baseline  a bare Node script that only spawns `true` and mirrors its exit code
//   wrapper   mfa-exec -p role -- true
//   shim      a shim named `true` on PATH (shim mode, the way terraform/aws are used)
// It prints the median wall time of each and the ratios to the baseline. Target: ≤ 1.25.
import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import which from 'which';
import { CLI_PATH, runCli, startFakeAws } from '../test/harness/index.ts';
import { SPEC, makeScenario } from '../test/e2e/scenario.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARMUP = 5;

const aws = await startFakeAws(SPEC);
const s = await makeScenario(aws);
try {
  // Same environment for every command: the scenario's, plus what the developer's shell sets
  // that changes Node's start-up (NODE_EXTRA_CA_CERTS costs ~30 ms here), if anything.
  const env: NodeJS.ProcessEnv = { ...s.env, AWS_PROFILE: 'role' };
  for (const name of ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'] as const) if (process.env[name]) env[name] = process.env[name];

  const fill = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env });
  if (fill.code !== 0) throw new Error(`could not fill the cache: ${fill.stderr}`);

  const dir = join(s.home, 'bench');
  await mkdir(dir);
  const baseline = join(dir, 'spawn-true.mjs');
  // The real `true`, resolved before the `true` shim exists (mfa-exec pays for its own PATH walk).
  const realTrue = which.sync('true', { path: env.PATH });
  await writeFile(
    baseline,
    `#!/usr/bin/env node\nimport { spawn } from 'node:child_process';\nspawn(${JSON.stringify(realTrue)}, [], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 1));\n`,
  );
  await chmod(baseline, 0o755);
  await symlink(CLI_PATH, join(s.shims, 'true'));

  const commands: Record<string, string[]> = {
    baseline: [baseline],
    wrapper: [CLI_PATH, '-p', 'role', '--', 'true'],
    shim: [join(s.shims, 'true')],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const [name, [file, ...args]] of Object.entries(commands)) {
      const started = process.hrtime.bigint();
      const r = spawnSync(file!, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${r.stderr}`);
      if (name !== 'baseline' && r.stderr.length > 0) throw new Error(`${name} wrote to stderr: ${r.stderr}`);
      if (i >= WARMUP) times[name]!.push(ms);
    }
  }
  if (aws.calls.GetSessionToken !== 1 || aws.calls.AssumeRole !== 1) {
    throw new Error(`the warm runs called STS: ${JSON.stringify(aws.calls)}`);
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const base = median(times.baseline!);
  console.log(`mfa-exec warm-path benchmark: ${RUNS} interleaved runs each (median wall time)`);
  for (const name of Object.keys(commands)) {
    const m = median(times[name]!);
    console.log(`  ${name.padEnd(9)} ${m.toFixed(1).padStart(7)} ms   ratio ${(m / base).toFixed(3)}`);
  }
  const ratio = median(times.wrapper!) / base;
  console.log(`ratio (mfa-exec -- true vs bare node spawning true): ${ratio.toFixed(3)} (target ≤ 1.25)`);
} finally {
  await s.cleanup();
  await aws.close();
}
