// Signals, stdio and the terminal, end to end: a signal sent to mfa-exec reaches the child
// exactly once and mfa-exec exits with the child's status, never before the child; Ctrl-C and
// a window resize at a terminal are delivered once (by the kernel, to the whole foreground
// group); stdin/stdout pass through; after an MFA prompt the terminal belongs to the target.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, runCli, runInPty, startFakeAws, type FakeAws } from '../harness/index.ts';
import { killGroup, trackGroup, untrackGroup } from '../harness/reaper.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

const CHILD = fileURLToPath(new URL('../fixtures/exec/signal-child.mjs', import.meta.url));

interface Running {
  pid: number;
  /** Resolves with everything written to stdout so far once it matches. */
  waitFor(re: RegExp): Promise<string>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; endedAt: number }>;
}

/**
 * Starts the CLI in a new session with no terminal (like runCli) but hands back its pid, so a
 * signal can be sent to mfa-exec alone rather than to its process group.
 */
function startCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 10_000): Running {
  const child = spawn(CLI_PATH, args, { env, cwd: env.HOME, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid!;
  trackGroup(pid);
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: (s: string) => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    for (const w of waiters.splice(0)) {
      if (w.re.test(stdout)) w.resolve(stdout);
      else waiters.push(w);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<Awaited<Running['done']>>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(pid, 'SIGKILL');
      untrackGroup(pid);
      reject(
        new Error(`mfa-exec ${args.join(' ')} still running after ${timeoutMs} ms (killed)\n--- stdout\n${stdout}\n--- stderr\n${stderr}`),
      );
    }, timeoutMs);
    child.once('close', (code, signal) => {
      const endedAt = Date.now();
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL');
      untrackGroup(pid);
      resolve({ code, signal, stdout, stderr, endedAt });
    });
  });
  return {
    pid,
    done,
    waitFor: (re) =>
      re.test(stdout)
        ? Promise.resolve(stdout)
        : Promise.race([
            new Promise<string>((resolve) => waiters.push({ re, resolve })),
            done.then((r) =>
              Promise.reject(new Error(`ended (${r.code ?? r.signal}) before ${re}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`)),
            ),
          ]),
  };
}

describe('exec: signals, stdio and the terminal', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => ['-p', 'carol-reader', '--', ...args];

  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    env = { ...s.env };
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  describe('no terminal: signals sent to the mfa-exec process are forwarded', () => {
    for (const [signal, name] of [
      ['SIGTERM', 'TERM'],
      ['SIGHUP', 'HUP'],
      ['SIGINT', 'INT'],
    ] as const) {
      test(`${signal} reaches the child exactly once; mfa-exec exits with the child's code after it`, async () => {
        const run = startCli(cli(CHILD, '--trap', 'SIGTERM,SIGINT,SIGHUP', '--code', '42'), env);
        await run.waitFor(/^ready pid=\d+\n/m);
        const sentAt = Date.now();
        process.kill(run.pid, signal);
        const r = await run.done;
        assert.equal(r.signal, null, `mfa-exec died of ${r.signal}\n${r.stderr}`);
        assert.equal(r.code, 42, r.stderr);
        assert.match(r.stdout, new RegExp(`^${name} count=1$`, 'm'));
        for (const other of ['TERM', 'HUP', 'INT'].filter((o) => o !== name)) assert.match(r.stdout, new RegExp(`^${other} count=0$`, 'm'));
        assert.ok(r.endedAt - sentAt >= 350, 'mfa-exec waited for the child, which reports 400 ms after the signal');
        assert.equal(r.stderr, '');
      });
    }

    test('a child that ignores SIGTERM keeps mfa-exec waiting until it exits by itself', async () => {
      const run = startCli(cli(CHILD, '--ignore', 'SIGTERM', '--exit-after', '1500', '--code', '0'), env);
      await run.waitFor(/^ready/m);
      const sentAt = Date.now();
      process.kill(run.pid, 'SIGTERM');
      await run.waitFor(/^ignored TERM$/m);
      const r = await run.done;
      assert.equal(r.signal, null, `mfa-exec died of ${r.signal}`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.match(/ignored TERM/g)?.length, 1, 'delivered once');
      assert.ok(r.endedAt - sentAt >= 700, `mfa-exec ended ${r.endedAt - sentAt} ms after the signal, before its child`);
    });

    test('a second SIGTERM is forwarded too (mfa-exec never dies of it while the child lives)', async () => {
      const run = startCli(cli(CHILD, '--ignore', 'SIGTERM', '--exit-after', '1200', '--code', '3'), env);
      await run.waitFor(/^ready/m);
      process.kill(run.pid, 'SIGTERM');
      await run.waitFor(/ignored TERM\n/);
      process.kill(run.pid, 'SIGTERM');
      await run.waitFor(/(ignored TERM\n[^]*){2}/);
      const r = await run.done;
      assert.equal(r.signal, null);
      assert.equal(r.code, 3);
      assert.equal(r.stdout.match(/ignored TERM/g)?.length, 2);
    });
  });

  describe('stdio', () => {
    test('stdin and stdout pass through: printf abc | mfa-exec -- cat', async () => {
      const r = await runCli(cli('cat'), { env, input: 'abc' });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'abc');
      assert.equal(r.stderr, '');
    });

    test('a child whose own pipeline closes early (yes | head -1) behaves', async () => {
      const r = await runCli(cli('sh', '-c', 'yes | head -1'), { env, timeoutMs: 10_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'y\n');
      assert.equal(r.stderr, '');
    });

    test('mfa-exec -- yes | head -1: the child dies of SIGPIPE, mfa-exec mirrors 141 and reports nothing itself', async () => {
      // A real pipe, as a shell makes it (a Node socketpair would give ECONNRESET instead).
      const pipeline = '"$0" -p carol-reader -- yes | head -1; echo "status=${PIPESTATUS[0]}" >&2';
      const r = await runCli(['-c', pipeline, CLI_PATH], { env, argv0Path: '/bin/bash', timeoutMs: 10_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'y\n');
      assert.equal(r.stderr, 'status=141\n');
    });
  });

  describe('in a terminal', () => {
    test('Ctrl-C reaches the child exactly once; mfa-exec does not die before it and exits with its code', async () => {
      const r = await runInPty([CLI_PATH, ...cli(CHILD, '--trap', 'SIGINT', '--code', '42')], {
        env,
        steps: [{ expect: /ready pid=\d+\r\n/, send: '\x03' }, { expect: 'INT count=' }],
        timeoutMs: 10_000,
      });
      assert.equal(r.signalStatus, null, `mfa-exec died of signal ${r.signalStatus}\n${r.output}`);
      assert.equal(r.exitStatus, 42, r.output);
      assert.deepEqual(r.output.match(/INT count=\d+/g), ['INT count=1'], r.output); // the terminal echoes ^C before it
    });

    test('a window resize (SIGWINCH to the foreground group) is delivered once', async () => {
      const r = await runInPty([CLI_PATH, ...cli(CHILD, '--trap', 'SIGWINCH', '--code', '5')], {
        env,
        steps: [{ expect: /ready pid=\d+\r\n/, signal: 'SIGWINCH', target: 'foreground' }, { expect: 'WINCH count=' }],
        timeoutMs: 10_000,
      });
      assert.equal(r.exitStatus, 5, r.output);
      assert.deepEqual(r.output.match(/WINCH count=\d+/g), ['WINCH count=1'], r.output);
    });

    test("after the MFA prompt the terminal is the target's: canonical mode and echo on, a typed line reaches it", async () => {
      const r = await runInPty([CLI_PATH, '-p', 'role', '--', 'sh', '-c', 'stty -a; echo ready; read line; echo "got:$line"'], {
        env,
        steps: [
          { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
          { expect: 'ready\r\n', send: 'hello there\r' },
          { expect: 'got:hello there' },
        ],
        timeoutMs: 20_000,
      });
      assert.equal(r.exitStatus, 0, r.output);
      const stty = r.output.slice(r.output.indexOf('speed'), r.output.indexOf('ready'));
      assert.match(stty, /(?<![-\w])icanon\b/, stty);
      assert.match(stty, /(?<![-\w])echo\b/, stty);
      assert.equal(aws.calls.GetSessionToken, 1);
    });

    test('a line typed ahead right after the MFA code is left for the target, not swallowed', async () => {
      const r = await runInPty([CLI_PATH, '-p', 'bob', '--', 'sh', '-c', 'read line; echo "got:$line"'], {
        env,
        steps: [
          { expect: `Enter MFA code for ${s.bobSerial}: `, sendCode: () => aws.freshTotp(s.bobSerial) },
          { send: 'typed ahead\r' },
          { expect: 'got:typed ahead' },
        ],
        timeoutMs: 20_000,
      });
      assert.equal(r.exitStatus, 0, r.output);
    });
  });
});
