// Finding and running the target, end to end: the real binary further down PATH whatever the
// layout (never the shim itself, no loops through wrapper scripts, legit nesting still works),
// 126/127 before any credential work, arguments untouched in shim mode, exit codes mirrored.
import assert from 'node:assert/strict';
import { link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  CLI_PATH,
  REPO_ROOT,
  TESTING_EXECUTABLE,
  nodePackageOnly,
  runCli,
  startFakeAws,
  type CliResult,
  type FakeAws,
} from '../harness/index.ts';
import { SPEC, makeScenario, script, type Scenario } from './scenario.ts';

const NODE_DIR = dirname(process.execPath);
/** Enough PATH for `#!/usr/bin/env node` (the Node running the tests) and `#!/bin/sh`, and nothing named mxtool. */
const SYSTEM_PATH = [...new Set([NODE_DIR, '/usr/bin', '/bin'])].join(':');

describe('exec: which program runs', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  /** A dir with the real `mxtool`: it logs one line per run to $HOME/real.log and prints its args. */
  let real: string;
  const env = (path: string): NodeJS.ProcessEnv => ({ ...s.env, AWS_PROFILE: 'carol-reader', PATH: path });
  const runs = async (file: string): Promise<number> =>
    (await readFile(join(s.home, file), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  const ok = (r: CliResult, what: string): void => assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);

  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    aws.resetCalls();
    real = join(s.home, 'real');
    await mkdir(real);
    await script(join(real, 'mxtool'), '#!/bin/sh\necho "$$" >> "$HOME/real.log"\necho "real mxtool: $*"\n');
  });
  afterEach(() => s.cleanup());

  describe('PATH layouts', () => {
    test('shim dir twice, a symlink to the shim dir, real dir before the shims, shim not first: the real binary runs once each time', async () => {
      const shim = await s.shim('mxtool');
      const linkDir = join(s.home, 'shims-link');
      await symlink(s.shims, linkDir);
      const other = join(s.home, 'other');
      await mkdir(other);
      const layouts: Array<[string, string, string]> = [
        ['shim dir listed twice', shim, `${s.shims}:${s.shims}:${real}:${SYSTEM_PATH}`],
        ['shim dir twice around a symlinked copy', join(linkDir, 'mxtool'), `${linkDir}:${s.shims}:${linkDir}:${real}:${SYSTEM_PATH}`],
        ['real dir before the shims', shim, `${real}:${s.shims}:${SYSTEM_PATH}`],
        ['shim dir not first', shim, `${other}:${SYSTEM_PATH}:${s.shims}:${linkDir}:${real}`],
        ['relative and empty PATH entries', shim, `:.:shims:shims-link:${s.shims}:${real}:${SYSTEM_PATH}`],
      ];
      for (const [what, file, path] of layouts) {
        const before = await runs('real.log');
        const r = await runCli(['a', 'b'], { env: env(path), argv0Path: file, timeoutMs: 10_000 });
        ok(r, what);
        assert.equal(r.stdout, 'real mxtool: a b\n', what);
        assert.equal(await runs('real.log'), before + 1, what);
      }
      assert.equal(aws.calls.AssumeRole, 1, 'later runs came from the cache');
    });

    test('the real binary in the current directory, reached through an empty or "." PATH entry, is run by its full path', async () => {
      const shim = await s.shim('mxtool');
      for (const path of [`${s.shims}::${SYSTEM_PATH}`, `${s.shims}:.:${SYSTEM_PATH}`]) {
        // Spawned as a bare 'mxtool', the name would be searched in PATH again and hit the shim.
        const r = await runCli(['c'], { env: env(path), argv0Path: shim, cwd: real, timeoutMs: 10_000 });
        ok(r, path);
        assert.equal(r.stdout, 'real mxtool: c\n', path);
      }
      assert.equal(await runs('real.log'), 2);
    });

    test('a shim that is a hard link to mfa-exec (dist/cli.js with the rest of the bundle next to it, or the executable) skips itself', async () => {
      const dir = join(s.home, 'hard');
      await mkdir(dir);
      await link(CLI_PATH, join(dir, 'mxtool'));
      // The rest of the bundle beside it (the entry loads warm.js, and on-demand/*.js on a miss); the executable is one file.
      if (!TESTING_EXECUTABLE) for (const part of ['warm.js', 'on-demand']) await symlink(join(dirname(CLI_PATH), part), join(dir, part));
      for (const path of [`${dir}:${real}:${SYSTEM_PATH}`, `${dir}:${s.shims}:${dir}:${real}:${SYSTEM_PATH}`]) {
        const r = await runCli(['x'], { env: env(path), argv0Path: join(dir, 'mxtool'), timeoutMs: 10_000 });
        ok(r, path);
        assert.equal(r.stdout, 'real mxtool: x\n');
      }
      assert.equal(await runs('real.log'), 2);
    });

    test(
      'the packaged launcher files (shims/terraform loads dist/cli.js): listed twice and through a symlink, they skip themselves',
      nodePackageOnly,
      async () => {
        const launchers = join(REPO_ROOT, 'shims');
        await script(join(real, 'terraform'), '#!/bin/sh\necho "$$" >> "$HOME/real.log"\necho "real terraform: $*"\n');
        const linkDir = join(s.home, 'launchers-link');
        await symlink(launchers, linkDir);
        for (const path of [`${launchers}:${launchers}:${real}:${SYSTEM_PATH}`, `${linkDir}:${launchers}:${real}:${SYSTEM_PATH}`]) {
          const r = await runCli(['plan'], { env: env(path), argv0Path: join(path.split(':')[0]!, 'terraform'), timeoutMs: 10_000 });
          ok(r, path);
          assert.equal(r.stdout, 'real terraform: plan\n');
        }
        assert.equal(await runs('real.log'), 2);
      },
    );

    test('only shims by that name on PATH (twice, and through a symlinked dir): 127 at once, naming the command, no STS call', async () => {
      const shim = await s.shim('mxtool');
      const linkDir = join(s.home, 'shims-link');
      await symlink(s.shims, linkDir);
      for (const path of [`${s.shims}:${SYSTEM_PATH}`, `${s.shims}:${linkDir}:${s.shims}:${SYSTEM_PATH}`]) {
        const r = await runCli([], { env: env(path), argv0Path: shim, timeoutMs: 10_000 });
        assert.equal(r.code, 127, r.stderr);
        assert.match(r.stderr, /'mxtool'/);
        assert.match(r.stderr, /only mfa-exec shims/);
        assert.ok(r.durationMs < 3_000, `${r.durationMs} ms`);
      }
      assert.deepEqual(aws.calls, {});
    });
  });

  describe('wrapper scripts and nesting', () => {
    // A wrapper named like the target, between the shim and the real binary, that calls the
    // name again: the call lands in the shim, which must go on to the real binary.
    for (const [variant, call] of [
      ['exec mxtool "$@"', 'exec mxtool "$@"'],
      ['plain mxtool "$@"', 'mxtool "$@"\necho "wrapper: after, status $?"'],
    ] as const) {
      test(`a wrapper that runs \`${variant}\` reaches the real binary exactly once`, async () => {
        const shim = await s.shim('mxtool');
        const wrap = join(s.home, 'wrap');
        await mkdir(wrap);
        await script(join(wrap, 'mxtool'), `#!/bin/sh\necho "$$" >> "$HOME/wrap.log"\necho "wrapper: $*"\n${call}\n`);
        const r = await runCli(['w x'], { env: env(`${s.shims}:${wrap}:${real}:${SYSTEM_PATH}`), argv0Path: shim, timeoutMs: 10_000 });
        ok(r, variant);
        assert.match(r.stdout, /^wrapper: w x\nreal mxtool: w x\n/);
        assert.equal(await runs('wrap.log'), 1);
        assert.equal(await runs('real.log'), 1);
        assert.equal(aws.calls.AssumeRole, 1, 'the inner shim reused the injected credentials');
      });
    }

    test('two stacked wrappers that call the name again each run once, then the real binary', async () => {
      const shim = await s.shim('mxtool');
      const dirs = [join(s.home, 'wrap1'), join(s.home, 'wrap2')];
      for (const [i, dir] of dirs.entries()) {
        await mkdir(dir);
        await script(join(dir, 'mxtool'), `#!/bin/sh\necho "$$" >> "$HOME/wrap${i + 1}.log"\nmxtool "$@"\n`);
      }
      const r = await runCli(['y'], {
        env: env(`${s.shims}:${dirs[0]}:${dirs[1]}:${real}:${SYSTEM_PATH}`),
        argv0Path: shim,
        timeoutMs: 10_000,
      });
      ok(r, 'stacked wrappers');
      assert.equal(r.stdout, 'real mxtool: y\n');
      assert.deepEqual([await runs('wrap1.log'), await runs('wrap2.log'), await runs('real.log')], [1, 1, 1]);
    });

    test('a wrapper with no real binary after it stops with an error instead of looping', async () => {
      const shim = await s.shim('mxtool');
      const wrap = join(s.home, 'wrap');
      await mkdir(wrap);
      await script(join(wrap, 'mxtool'), '#!/bin/sh\necho "$$" >> "$HOME/wrap.log"\nexec mxtool "$@"\n');
      const r = await runCli([], { env: env(`${s.shims}:${wrap}:${SYSTEM_PATH}`), argv0Path: shim, timeoutMs: 15_000 });
      // The wrapper cannot be told from a real program calling itself; MFA_EXEC_DEPTH ends it.
      assert.equal(r.code, 126, r.stderr);
      assert.match(r.stderr, /'mxtool' went through mfa-exec 16 times in one process chain; a wrapper or shim is calling itself\./);
      // Bounded by MFA_EXEC_DEPTH, not by time (runCli's deadline would kill a loop: a timing bound failed on a busy machine).
      assert.ok((await runs('wrap.log')) <= 17, 'bounded by MFA_EXEC_DEPTH');
      assert.equal(r.signal, null, 'it ended by itself');
      assert.equal(aws.calls.AssumeRole, 1, 'nested runs reuse the injected credentials');
    });

    test('legit nesting: a real tool that runs another shimmed tool through sh -c', async () => {
      const mytool = await s.shim('mytool');
      await s.shim('mytool2');
      await script(
        join(real, 'mytool'),
        `#!/bin/sh\necho "mytool: $*"\nsh -c 'mytool2 "$@"' sh "from mytool"\necho "mytool: inner status $?"\n`,
      );
      await script(join(real, 'mytool2'), '#!/bin/sh\necho "mytool2: $*, vault=$AWS_VAULT"\nexit 5\n');
      const r = await runCli(['go'], { env: env(`${s.shims}:${real}:${SYSTEM_PATH}`), argv0Path: mytool, timeoutMs: 10_000 });
      ok(r, 'mytool');
      assert.equal(r.stdout, 'mytool: go\nmytool2: from mytool, vault=carol-reader\nmytool: inner status 5\n');
      assert.equal(aws.calls.AssumeRole, 1);
    });

    // The real tf calls `tf` again (through a shell, or directly): the inner call lands in the
    // shim, which must run the real tf again, not refuse it as a wrapper's callback.
    for (const [variant, call] of [
      ['sh -c "tf leaf"', 'sh -c "tf leaf"'],
      ['bash -c "tf leaf" (bash execs the command)', 'bash -c "tf leaf"'],
      ['tf leaf (directly)', 'tf leaf'],
      ['exec tf leaf', 'exec tf leaf'],
    ] as const) {
      test(`legit nesting: tf inner runs ${variant} through the same shim`, async () => {
        const tf = await s.shim('tf');
        await script(
          join(real, 'tf'),
          `#!/bin/sh\necho "$$" >> "$HOME/real.log"\nif [ "$1" = inner ]; then echo "tf: inner"; ${call}; echo "tf: inner done $?"; exit 0; fi\necho "tf: $1"\nexit 7\n`,
        );
        const r = await runCli(['inner'], { env: env(`${s.shims}:${real}:${SYSTEM_PATH}`), argv0Path: tf, timeoutMs: 10_000 });
        const exec = call.startsWith('exec');
        assert.equal(r.code, exec ? 7 : 0, `${variant}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
        assert.equal(r.stdout, exec ? 'tf: inner\ntf: leaf\n' : 'tf: inner\ntf: leaf\ntf: inner done 7\n', r.stderr);
        assert.equal(await runs('real.log'), 2);
        assert.equal(aws.calls.AssumeRole, 1);
      });
    }
  });

  describe('126 and 127, before any credential work', () => {
    test('not found 127; not executable, a directory, a bad #! interpreter 126; with a profile that needs MFA and no terminal, still no STS call', async () => {
      const bad = join(s.home, 'bad');
      await mkdir(bad);
      await writeFile(join(bad, 'plainfile'), '#!/bin/sh\necho never\n', { mode: 0o644 });
      await mkdir(join(bad, 'adir'));
      await script(join(bad, 'badbang'), '#!/nonexistent/interp\necho never\n');
      const e = { ...s.env, PATH: `${bad}:${SYSTEM_PATH}` };
      const cases: Array<[string, number, RegExp]> = [
        ['nosuch-mxtool', 127, /not found.*'nosuch-mxtool'/i],
        ['plainfile', 126, /'plainfile'.*not executable/],
        ['adir', 126, /'adir'.*directory/],
        ['badbang', 126, /interpreter '\/nonexistent\/interp'/],
      ];
      for (const [name, code, message] of cases) {
        for (const profile of ['role', 'carol-reader']) {
          const r = await runCli(['-p', profile, '--', name, 'arg'], { env: e, timeoutMs: 10_000 });
          assert.equal(r.code, code, `${name} (${profile}): ${r.stderr}`);
          assert.match(r.stderr, message, name);
          assert.equal(r.stdout, '', 'the target never ran');
        }
      }
      assert.deepEqual(aws.calls, {}, 'no STS call for a target that cannot run');
    });

    test('shim mode: a non-executable file further down PATH is 126, and so is a directory', async () => {
      const shim = await s.shim('mxtool');
      const bad = join(s.home, 'bad');
      await mkdir(bad);
      await writeFile(join(bad, 'mxtool'), 'echo never\n', { mode: 0o644 });
      const r = await runCli([], { env: env(`${s.shims}:${bad}:${SYSTEM_PATH}`), argv0Path: shim, timeoutMs: 10_000 });
      assert.equal(r.code, 126, r.stderr);
      assert.match(r.stderr, /'mxtool'.*not executable/);

      const dirShim = await s.shim('mxdir');
      await mkdir(join(bad, 'mxdir'));
      const d = await runCli([], { env: env(`${s.shims}:${bad}:${SYSTEM_PATH}`), argv0Path: dirShim, timeoutMs: 10_000 });
      assert.equal(d.code, 126, d.stderr);
      assert.match(d.stderr, /'mxdir'.*directory/);
      assert.deepEqual(aws.calls, {});
    });
  });

  describe('arguments and argv[0] in shim mode', () => {
    test('every argument reaches the target untouched, options of mfa-exec included', async () => {
      const shim = await s.shim('mxtool');
      await writeFile(join(real, 'mxtool'), '#!/usr/bin/env node\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
      const args = [
        '--profile',
        'role',
        '-p',
        'x',
        '--',
        '--help',
        '-h',
        '--version',
        '--debug',
        '--mfa-token',
        '123456',
        '',
        ' ',
        'two words',
        '  lead and trail  ',
        'ünïcødé ✓ 日本',
        'line1\nline2',
        'tab\there',
        '$HOME',
        '*',
        "'q'",
        '"dq"',
        'exec',
        'env',
        '-',
      ];
      const r = await runCli(args, { env: env(`${s.shims}:${real}:${SYSTEM_PATH}`), argv0Path: shim, timeoutMs: 10_000 });
      ok(r, 'argv');
      assert.deepEqual(JSON.parse(r.stdout), args);
      assert.equal(aws.calls.GetSessionToken ?? 0, 0, '--profile role was not taken as ours (it would need MFA)');
    });

    test('argv[0] the target sees is the shim name', async () => {
      const shim = await s.shim('mxtool');
      const shDir = join(s.home, 'sh-as-mxtool');
      await mkdir(shDir);
      await symlink('/bin/sh', join(shDir, 'mxtool'));
      // `sh -c CMD` with no further arguments sets $0 to its own argv[0].
      const r = await runCli(['-c', 'echo "argv0=$0"'], {
        env: env(`${s.shims}:${shDir}:${SYSTEM_PATH}`),
        argv0Path: shim,
        timeoutMs: 10_000,
      });
      ok(r, 'argv0');
      assert.equal(r.stdout, 'argv0=mxtool\n');
    });
  });

  describe('exit status', () => {
    test('exit codes are mirrored; a child killed by a signal gives 128+N', async () => {
      const warm = await runCli(['-p', 'carol-reader', '--', 'true'], { env: s.env });
      ok(warm, 'warm the cache');
      const cases: Array<[string, number]> = [
        ['exit 0', 0],
        ['exit 1', 1],
        ['exit 3', 3],
        ['exit 255', 255],
        ['kill -TERM $$', 143],
        ['kill -KILL $$', 137],
        ['kill -SEGV $$', 139],
        ['kill -HUP $$', 129],
      ];
      const results = await Promise.all(
        cases.map(([cmd]) => runCli(['-p', 'carol-reader', '--', 'sh', '-c', cmd], { env: s.env, timeoutMs: 10_000 })),
      );
      for (const [i, [cmd, code]] of cases.entries()) {
        const r = results[i]!;
        assert.equal(r.signal, null, `${cmd}: mfa-exec itself was killed`);
        assert.equal(r.code, code, `${cmd}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /internal error/);
      }
      assert.equal(aws.calls.AssumeRole, 1);
    });
  });
});
