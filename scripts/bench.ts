// npm run bench: what mfa-exec adds to a Node start on its warm paths, and how config loading
// scales, measured side by side in one run in a clean environment.
//
// The cache is filled for real (moto in auth mode behind the MFA-checking front, one
// --mfa-token run). Then every warm command runs interleaved with its floor, all with the same
// environment, built from nothing: no NODE_* variable reaches them (NODE_EXTRA_CA_CERTS alone
// costs ~30 ms per Node start, which would hide what we add). Each command is compared with the
// cheapest Node program that does what it must do:
//   exec and a shim          a CommonJS `#!/usr/bin/env node` script that spawns `true` and
//                            mirrors its exit (dist/cli.js is CommonJS too; an ES module script
//                            pays Node's ESM loader, ~10 % on Node 20, and would flatter us);
//   credential-process,      a bare `node` start: an empty CommonJS script, which spawns
//   status, env, list        nothing, as those commands do not.
// It prints medians of wall time and of CPU time (user + system of the process and the children
// it waited for, from wait4(2) in scripts/bench/runner.py), each with its ratio to the floor,
// and the machine's load (1-minute average) beside them. The targets are on wall ratios; the
// config-loading growth is judged on CPU time. It exits 1 past a target.
//
// A busy machine pushes every wall ratio towards 1, so the ratios are refused (exit 3) when a
// floor's runs show that the machine was not quiet: their spread (for their number) or their
// waiting for a CPU past the limits in scripts/bench/measure.ts (steadiness). Until then another
// BENCH_RUNS rounds are added, at most BENCH_ATTEMPTS times.
//
//   --exe PATH (or BENCH_EXE=PATH)  also time a single executable of mfa-exec: its warm
//                                   `-p role -- true` and a `true` shim linked to it, interleaved
//                                   with the same CommonJS floor (target ≤ 0.5×)
//   --report-only (or BENCH_REPORT_ONLY=1)  print the same, exit 0 past a target or when the
//                                   ratios are refused (CI: a noisy machine must not fail the
//                                   build on timings)
//   BENCH_RUNS=n      interleaved rounds of the warm commands per attempt (default 30)
//   BENCH_ATTEMPTS=n  attempts, their rounds pooled, before the ratios are refused (default 3)
//   BENCH_CAP_MS=n    a config-loading run still going after this is killed, "over cap" (5000)
// A broken run (unexpected exit code or output, stderr output, a warm run that called STS)
// exits 2 always.
import { mkdir, symlink, writeFile, chmod } from 'node:fs/promises';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import which from 'which';
import { CLI_PATH, runCli, startFakeAws } from '../test/harness/index.ts';
import { SPEC, configText, makeScenario } from '../test/e2e/scenario.ts';
import { flatProfiles, profileChain, type RoleShape } from './bench/configs.ts';
import {
  Runner,
  interleave,
  median,
  runChecked,
  steadiness,
  maxSpread,
  MAX_WAITING,
  type CheckedRun,
  type Command,
  type Timing,
} from './bench/measure.ts';

const reportOnly = process.argv.includes('--report-only') || process.env.BENCH_REPORT_ONLY === '1';
const exeAt = process.argv.indexOf('--exe');
const exeArg = exeAt >= 0 ? process.argv[exeAt + 1] : process.env.BENCH_EXE || undefined;
const EXE = exeArg && resolve(exeArg);
try {
  if (exeAt >= 0 && !exeArg) throw new Error('--exe needs the path of an executable');
  if (EXE) accessSync(EXE, constants.X_OK);
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const ROUNDS = Number(process.env.BENCH_RUNS ?? 30);
const ATTEMPTS = Math.max(1, Number(process.env.BENCH_ATTEMPTS ?? 3));
const WARMUP = 3;
const CAP_MS = Number(process.env.BENCH_CAP_MS ?? 5000);
const CONFIG_ROUNDS = 9;

/** The floors: a CommonJS script that spawns `true` (what exec and a shim must do), and a bare Node start. */
const SPAWN = 'floor: node spawning true';
const BARE = 'floor: bare node start';
/**
 * Warm-path targets: a command's median wall time over its floor's. list@200 keeps the budget it
 * had against the old floor (1.5× an ES module script spawning `true`, which costs about 1.35× a
 * bare start on Node 20): 2.0× a bare start. A warm run repeated is replayed from its memo
 * (src/memo/); the `deciding` rows (MFA_EXEC_MEMO=0) are the first run after a change, which
 * decides in full: reported, no target.
 */
const TARGETS: Record<string, { floor: string; max?: number }> = {
  exec: { floor: SPAWN, max: 1.1 },
  'exec, deciding': { floor: SPAWN },
  shim: { floor: SPAWN, max: 1.1 },
  'credential-process': { floor: BARE, max: 1.1 },
  status: { floor: BARE, max: 1.1 },
  'status, deciding': { floor: BARE },
  env: { floor: BARE, max: 1.1 },
  'list@200': { floor: BARE, max: 2.0 },
  ...(EXE ? { 'executable: exec': { floor: SPAWN, max: 0.5 }, 'executable: shim': { floor: SPAWN, max: 0.5 } } : {}),
};
/** Linear loading: a profile's CPU cost from 1,000 to 3,000 profiles at most this many times its cost up to 1,000. */
const LINEAR_SLACK = 1.5;
/** A 3,000-deep chain costs at most this many times 3,000 flat profiles (status on the last one; CPU time over the floor). */
const CHAIN_SLACK = 2;

const misses: string[] = [];
let refused: string | undefined;
/** The machine's load beside every figure: the 1-minute average, and the cores it is shared by. */
const load = () =>
  `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} on ${cpus().length} cores`;
const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
const wallOf = (ts: Timing[]) => median(ts.map((t) => t.wall));
const cpuOf = (ts: Timing[]) => median(ts.map((t) => t.cpu));

const aws = await startFakeAws(SPEC);
const s = await makeScenario(aws);
const runner = new Runner();
try {
  // The children's Node is the one running the bench (its directory first on PATH), so
  // `node scripts/bench.ts` under another Node measures that Node.
  const env: NodeJS.ProcessEnv = { ...s.env, PATH: [dirname(process.execPath), s.env.PATH].join(':'), AWS_PROFILE: 'role' };
  for (const name of Object.keys(env)) if (/^NODE(_|$)/.test(name)) delete env[name];
  const inherited = Object.keys(process.env).filter((name) => /^NODE_/.test(name));
  const childNode = runChecked({ argv: ['/usr/bin/env', 'node', '-p', 'process.version'], env }, 10_000).stdout.trim();
  // The warm bundle, and the entry files of whatever else the build loads on demand.
  const dist = dirname(CLI_PATH);
  const bundles = [
    'cli.js',
    ...readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f !== 'cli.js' && f.endsWith('.js') && !f.includes('chunks/'),
    ),
  ];
  const sizes = bundles.map((f) => `dist/${f} ${(statSync(join(dist, f)).size / 1024).toFixed(0)} KB`).join(', ');
  console.log(`mfa-exec bench: node ${childNode} (${process.platform}-${process.arch}); ${sizes}; ${load()}`);
  if (EXE) {
    const version = runChecked({ argv: [EXE, '--version'], env }, 10_000).stdout.trim();
    console.log(`executable: ${EXE} (${version || 'no --version output'}), ${(statSync(EXE).size / 2 ** 20).toFixed(0)} MiB`);
  }
  console.log(
    inherited.length
      ? `clean environment: stripped ${inherited.join(', ')} (set in this shell; no NODE_* reaches the measured commands)`
      : 'clean environment: no NODE_* variable set here, none passed on',
  );

  const fill = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env });
  if (fill.code !== 0) throw new Error(`could not fill the cache: ${fill.stderr}`);
  const callsAfterFill = JSON.stringify(aws.calls);
  // A file changed in the last 3 s is not trusted to show its next change (src/memo/record.ts): past
  // that, the warm-up rounds record the memos that the measured rounds replay.
  await new Promise((done) => setTimeout(done, 3200));

  // The floor: the real `true`, resolved before the `true` shim exists (mfa-exec pays for its own PATH walk).
  const realTrue = which.sync('true', { path: env.PATH });
  const script = async (file: string, body: string) => {
    await writeFile(
      file,
      `#!/usr/bin/env node\n${body}spawn(${JSON.stringify(realTrue)}, [], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 1));\n`,
    );
    await chmod(file, 0o755);
    return file;
  };
  const floorSpawn = await script(join(s.home, 'spawn-true.cjs'), "const { spawn } = require('node:child_process');\n");
  const floorBare = join(s.home, 'bare.cjs');
  await writeFile(floorBare, '#!/usr/bin/env node\n');
  await chmod(floorBare, 0o755);
  await symlink(CLI_PATH, join(s.shims, 'true'));
  // The executable's own shim directory; its PATH does not hold the Node shims (they are not it).
  const exeShims = join(s.home, 'exe-shims');
  const exeEnv: NodeJS.ProcessEnv = { ...env, PATH: [exeShims, ...env.PATH!.split(':').filter((d) => d !== s.shims)].join(':') };
  if (EXE) {
    await mkdir(exeShims);
    await symlink(EXE, join(exeShims, 'true'));
  }

  const role: RoleShape = {
    sourceProfile: 'source',
    roleArn: aws.roles['hc-master']!.arn,
    mfaSerial: s.serial,
    externalId: '730993910069',
  };
  const base = configText(aws, s.user);
  const configEnv = async (name: string, extra: string): Promise<NodeJS.ProcessEnv> => {
    const file = join(s.home, `config-${name}`);
    await writeFile(file, `${base}\n${extra}`);
    return { ...env, AWS_CONFIG_FILE: file };
  };

  // ---- warm paths against the floor -------------------------------------------------------
  const exited0 = (run: CheckedRun) => (run.status !== 0 ? `exit ${run.status}` : undefined);
  const clean = (run: CheckedRun) => exited0(run) ?? (run.stderr ? 'wrote to stderr' : undefined);
  const json = (test: (v: Record<string, unknown>) => boolean) => (run: CheckedRun) => {
    const problem = clean(run);
    if (problem) return problem;
    try {
      return test(JSON.parse(run.stdout) as Record<string, unknown>) ? undefined : `unexpected output: ${run.stdout.slice(0, 80)}…`;
    } catch {
      return `output is not JSON: ${run.stdout.slice(0, 80)}…`;
    }
  };
  const cli = (args: string[]): string[] => [CLI_PATH, ...args];
  const env200 = await configEnv('200', flatProfiles(200, role));
  const deciding = { ...env, MFA_EXEC_MEMO: '0' };
  const warm: Record<string, Command> = {
    [SPAWN]: { argv: [floorSpawn], env, check: exited0 },
    [BARE]: { argv: [floorBare], env, check: clean },
    exec: { argv: cli(['-p', 'role', '--', 'true']), env, check: clean },
    'exec, deciding': { argv: cli(['-p', 'role', '--', 'true']), env: deciding, check: clean },
    shim: { argv: [join(s.shims, 'true')], env, check: clean },
    'credential-process': {
      argv: cli(['credential-process', '--profile', 'role']),
      env,
      check: json((v) => v.Version === 1 && typeof v.SessionToken === 'string'),
    },
    status: {
      argv: cli(['status', '-p', 'role']),
      env,
      check: (r) => clean(r) ?? (/ready, no MFA prompt needed/.test(r.stdout) ? undefined : `not ready: ${r.stdout}`),
    },
    'status, deciding': {
      argv: cli(['status', '-p', 'role']),
      env: deciding,
      check: (r) => clean(r) ?? (/ready, no MFA prompt needed/.test(r.stdout) ? undefined : `not ready: ${r.stdout}`),
    },
    env: { argv: cli(['env', '-p', 'role', '--format', 'json']), env, check: json((v) => typeof v.AWS_SESSION_TOKEN === 'string') },
    'list@200': {
      argv: cli(['list']),
      env: env200,
      check: (r) =>
        clean(r) ?? (r.stdout.split('\n').filter((l) => l.startsWith('team-')).length === 200 ? undefined : 'not 200 team-* rows'),
    },
    ...(EXE
      ? {
          'executable: exec': { argv: [EXE, '-p', 'role', '--', 'true'], env: exeEnv, check: clean },
          'executable: shim': { argv: [join(exeShims, 'true')], env: exeEnv, check: clean },
        }
      : {}),
  };
  // Rounds until both floors were steady (see steadiness in scripts/bench/measure.ts), at most
  // ATTEMPTS; each attempt adds its rounds to the earlier ones (more runs make up for a wider spread).
  const times: Record<string, Timing[]> = Object.fromEntries(Object.keys(warm).map((name) => [name, []]));
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const started = Date.now();
    const before = load();
    const more = await interleave(runner, warm, ROUNDS, WARMUP, 10_000);
    for (const name of Object.keys(warm)) times[name]!.push(...more[name]!);
    console.log(
      `\nwarm paths: ${ROUNDS} interleaved rounds (+${WARMUP} warm-up) in ${((Date.now() - started) / 1000).toFixed(0)} s, ${times[SPAWN]!.length} in all ` +
        `(attempt ${attempt} of ${ATTEMPTS}; ${before} before, ${load()} after)`,
    );
    const unsteady = [SPAWN, BARE].flatMap((name) => {
      const { problem } = steadiness(times[name]!);
      return problem ? [`${name}: ${problem}`] : [];
    });
    refused = unsteady.length ? unsteady.join('\n  ') : undefined;
    if (!refused) break;
    console.log(`  the machine was not quiet enough for ratios:\n  ${refused}`);
  }
  if (JSON.stringify(aws.calls) !== callsAfterFill)
    throw new Error(`the warm runs called STS: ${callsAfterFill} → ${JSON.stringify(aws.calls)}`);
  const floorRow = (name: string) => {
    const ts = times[name]!;
    const { spread, waiting } = steadiness(ts);
    return `  ${name.padEnd(28)} ${ms(wallOf(ts))}          ${ms(cpuOf(ts))}          spread ${(spread * 100).toFixed(0).padStart(2)} %, wall/cpu ${waiting.toFixed(2)}`;
  };
  console.log(`  ${''.padEnd(28)} ${'wall'.padStart(10)}  ${'ratio'.padStart(5)}    ${'cpu'.padStart(10)}  ${'ratio'.padStart(5)}`);
  console.log(floorRow(SPAWN));
  console.log(floorRow(BARE));
  if (refused) {
    console.log(
      `  no ratios: after ${ATTEMPTS} attempt(s) a floor's runs were still unsteady (limits: spread ≤ ` +
        `${(maxSpread(times[SPAWN]!.length) * 100).toFixed(0)} % for ${times[SPAWN]!.length} runs, wall/cpu ≤ ${MAX_WAITING}); run again on a quieter machine`,
    );
  } else {
    for (const [name, { floor, max }] of Object.entries(TARGETS)) {
      const [w, c] = [wallOf(times[name]!), cpuOf(times[name]!)];
      const ratio = w / wallOf(times[floor]!);
      const ok = max === undefined || ratio <= max;
      if (!ok) misses.push(`${name} ${ratio.toFixed(2)}× > ${max}×`);
      const verdict =
        max === undefined
          ? 'no target: a run after a change'
          : `target ≤ ${max.toFixed(2)}× ${floor === SPAWN ? 'spawning' : 'bare'} (wall) ${ok ? 'ok' : 'MISSED'}`;
      console.log(`  ${name.padEnd(28)} ${ms(w)}  ${ratio.toFixed(2)}×   ${ms(c)}  ${(c / cpuOf(times[floor]!)).toFixed(2)}×   ${verdict}`);
    }
  }

  // ---- config loading ---------------------------------------------------------------------
  const flat10 = await configEnv('10', flatProfiles(10, role));
  const flat1k = await configEnv('1000', flatProfiles(1000, role));
  const flat3k = await configEnv('3000', flatProfiles(3000, role));
  const chain3k = await configEnv('chain', profileChain(3000, role));
  // status exits 1 for these profiles (their roles are not cached: a prompt would be needed).
  const loaded = (r: CheckedRun) => (r.status === 0 || r.status === 1 ? undefined : `exit ${r.status}: ${r.stderr.slice(0, 300)}`);
  // MFA_EXEC_MEMO=0: loading is what is measured, not the replay of a run that loaded it before.
  const loader = (args: string[], e: NodeJS.ProcessEnv): Command => ({
    argv: cli(args),
    env: { ...e, MFA_EXEC_MEMO: '0' },
    check: loaded,
    okStatus: [0, 1],
  });
  const loading: Record<string, Command> = {
    floor: warm[BARE]!,
    'list, 10 profiles': loader(['list'], flat10),
    'list, 1,000 profiles': loader(['list'], flat1k),
    'list, 3,000 profiles': loader(['list'], flat3k),
    'status, 3,000 profiles': loader(['status', '-p', 'team-3000'], flat3k),
    'status, 3,000-deep chain': loader(['status', '-p', 'chain-3000'], chain3k),
    'list, 3,000-deep chain': loader(['list'], chain3k),
  };
  // One probe run each: what is over the cap is reported as such and not run again.
  const overCap = new Set<string>();
  for (const [name, cmd] of Object.entries(loading)) {
    if ((await runner.time(cmd, CAP_MS)).overCap) overCap.add(name);
  }
  const measured = Object.fromEntries(Object.entries(loading).filter(([name]) => !overCap.has(name)));
  const started2 = Date.now();
  const ltimes = await interleave(runner, measured, CONFIG_ROUNDS, 0, CAP_MS);
  // Growth is judged on CPU time: it is about how the work scales, and a busy machine blurs wall time.
  const lm = (name: string) => (overCap.has(name) ? Infinity : cpuOf(ltimes[name]!));
  console.log(
    `\nconfig loading: ${CONFIG_ROUNDS} interleaved rounds in ${((Date.now() - started2) / 1000).toFixed(0)} s (cap ${CAP_MS / 1000} s); medians; growth judged on cpu`,
  );
  console.log(`  ${''.padEnd(26)} ${'wall'.padStart(10)}   ${'cpu'.padStart(10)}`);
  for (const name of Object.keys(loading)) {
    const ts = ltimes[name];
    console.log(`  ${name.padEnd(26)} ${ts ? `${ms(wallOf(ts))}   ${ms(cpuOf(ts))}` : `   over cap (> ${CAP_MS / 1000} s)`}`);
  }
  const perProfileLow = (lm('list, 1,000 profiles') - lm('list, 10 profiles')) / 990;
  const perProfileHigh = (lm('list, 3,000 profiles') - lm('list, 1,000 profiles')) / 2000;
  const growth = perProfileHigh / perProfileLow;
  const linearOk = growth <= LINEAR_SLACK;
  console.log(
    `  list per profile (cpu): ${(perProfileLow * 1000).toFixed(0)} µs (10→1,000), ${(perProfileHigh * 1000).toFixed(0)} µs (1,000→3,000): ` +
      `${growth.toFixed(2)}× (target ≤ ${LINEAR_SLACK}, linear) ${linearOk ? 'ok' : 'MISSED'}`,
  );
  if (!linearOk) misses.push(`list per-profile cost grows ${growth.toFixed(2)}× from 1,000 to 3,000 profiles`);
  const chainFactor = (lm('status, 3,000-deep chain') - lm('floor')) / (lm('status, 3,000 profiles') - lm('floor'));
  const chainOk = chainFactor <= CHAIN_SLACK;
  console.log(
    `  status on a 3,000-deep chain: ${Number.isFinite(chainFactor) ? `${chainFactor.toFixed(2)}×` : 'over cap, ∞×'} the cpu cost over the floor of 3,000 flat profiles (target ≤ ${CHAIN_SLACK}) ${chainOk ? 'ok' : 'MISSED'}`,
  );
  if (!chainOk) misses.push('status on a 3,000-deep source_profile chain is not linear');
  if (overCap.has('list, 3,000-deep chain')) misses.push(`list on a 3,000-deep chain over the ${CAP_MS / 1000} s cap`);

  console.log(`\n${load()} at the end`);
  if (refused)
    console.log(
      `warm-path ratios refused: the floors were unsteady (a busy machine, or too few runs)${reportOnly ? ' (report only: exit 0)' : ' (exit 3)'}`,
    );
  console.log(
    misses.length
      ? `${misses.length} target(s) missed: ${misses.join('; ')}${reportOnly ? ' (report only: exit 0)' : ''}`
      : `all targets ${refused ? 'that could be judged ' : ''}met`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
} finally {
  runner.close();
  await s.cleanup();
  await aws.close();
}
if (process.exitCode !== 2 && !reportOnly) {
  if (misses.length) process.exitCode = 1;
  else if (refused) process.exitCode = 3;
}
