// Many mfa-exec processes at once (make -j8, parallel terragrunt): one MFA code, one
// GetSessionToken, one prompt, also across profiles behind one device; a holder slow at its
// prompt keeps the lock, while a lock left by a killed process goes stale (10 s) instead of
// blocking forever; a reader never sees half a cache file; nothing is left in the cache dir.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, runCli, runInPty, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

const cacheDirOf = (s: Scenario) => join(s.home, '.cache', 'mfa-exec');

/** The cache directory after everyone finished: one entry per STS step, no debris. */
async function assertTidyCache(s: Scenario): Promise<string[]> {
  const files = await readdir(cacheDirOf(s));
  assert.equal(files.filter((f) => /^session-.*\.json$/.test(f)).length, 1, files.join(' '));
  assert.equal(files.filter((f) => /^role-.*\.json$/.test(f)).length, 1, files.join(' '));
  assert.deepEqual(
    files.filter((f) => f.startsWith('.tmp-')),
    [],
    'temporary files left behind',
  );
  assert.deepEqual(
    files.filter((f) => f.startsWith('lock-')),
    [],
    'lock directories left behind',
  );
  return files;
}

describe('parallel runs share one MFA code and one cache', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  test('8 aws shims on a cold cache with MFA_EXEC_MFA_TOKEN: all succeed, one GetSessionToken, one AssumeRole', async () => {
    const awsShim = await s.shim('aws');
    const env = { ...s.env, AWS_PROFILE: 'role', MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.serial) };
    const runs = await Promise.all(
      Array.from({ length: 8 }, () =>
        runCli(['sts', 'get-caller-identity', '--output', 'json'], { env, argv0Path: awsShim, timeoutMs: 30_000 }),
      ),
    );
    for (const [i, r] of runs.entries()) {
      assert.equal(r.code, 0, `run ${i}: ${r.stderr}`);
      assert.match(callerArn(r.stdout), /assumed-role\/hc-master\//);
    }
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 1, 'the others read the role credentials the first one cached');
    assert.equal(aws.calls.GetCallerIdentity, 8);
    await assertTidyCache(s);
  });

  test('20 processes at once: all get the same role credentials from one STS round', async (t) => {
    const env = { ...s.env, MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.serial) };
    const started = Date.now();
    const runs = await Promise.all(
      Array.from({ length: 20 }, () =>
        runCli(['-p', 'role', '--', 'sh', '-c', 'test -n "$AWS_SESSION_TOKEN" && echo "$AWS_ACCESS_KEY_ID"'], {
          env,
          timeoutMs: 30_000,
        }),
      ),
    );
    const elapsed = Date.now() - started;
    t.diagnostic(`20 runs in ${elapsed} ms`);
    for (const [i, r] of runs.entries()) assert.equal(r.code, 0, `run ${i}: ${r.stderr}`);
    const keys = new Set(runs.map((r) => r.stdout.trim()));
    assert.equal(keys.size, 1, `one set of role credentials for all: ${[...keys].join(' ')}`);
    assert.match([...keys][0]!, /^ASIA/);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 1);
    assert.ok(elapsed < 20_000, `20 parallel runs took ${elapsed} ms`);
    await assertTidyCache(s);
  });

  test('4 background runs in one terminal: exactly one MFA prompt, all four succeed', async () => {
    const loop = `for i in 1 2 3 4; do ( "$0" -p role -- true; echo "run $i exit $?" ) & done; wait; echo all-done`;
    const r = await runInPty(['/bin/sh', '-c', loop, CLI_PATH], {
      env: s.env,
      steps: [{ expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) }, { expect: 'all-done' }],
      timeoutMs: 30_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.equal(r.output.split('Enter MFA code for').length - 1, 1, `one prompt expected:\n${r.output}`);
    for (const i of [1, 2, 3, 4]) assert.match(r.output, new RegExp(`run ${i} exit 0`), r.output);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 1);
    await assertTidyCache(s);
  });

  test('two profiles behind the same MFA device at once (4 + 4 runs, one code): one GetSessionToken, one AssumeRole per role', async () => {
    const env = { ...s.env, MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.serial) };
    const run = (profile: string) => runCli(['-p', profile, '--', 'sh', '-c', 'echo "$AWS_ACCESS_KEY_ID"'], { env, timeoutMs: 30_000 });
    const runs = await Promise.all(['role', 'reader', 'role', 'reader', 'role', 'reader', 'role', 'reader'].map(run));
    for (const [i, r] of runs.entries()) assert.equal(r.code, 0, `run ${i}: ${r.stderr}`);
    assert.equal(new Set(runs.map((r) => r.stdout.trim())).size, 2, 'one set of credentials per role');
    assert.equal(aws.calls.GetSessionToken, 1, 'the lock is per MFA session, not per profile: the code is used once');
    assert.equal(aws.calls.AssumeRole, 2);
    const files = await readdir(cacheDirOf(s));
    assert.equal(files.filter((f) => /^session-.*\.json$/.test(f)).length, 1, files.join(' '));
    assert.equal(files.filter((f) => /^role-.*\.json$/.test(f)).length, 2, files.join(' '));
    assert.deepEqual(
      files.filter((f) => f.startsWith('.tmp-') || f.startsWith('lock-')),
      [],
    );
  });

  test('8 runs with no terminal and no code: all fail at once with 66, no STS call, no lock left', async () => {
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => runCli(['-p', 'role', '--', 'true'], { env: s.env, timeoutMs: 15_000 })),
    );
    for (const [i, r] of runs.entries()) {
      assert.equal(r.code, 66, `run ${i}: ${r.stderr}`);
      assert.match(r.stderr, /no terminal/);
      assert.ok(r.durationMs < 8_000, `run ${i} took ${r.durationMs} ms`);
    }
    assert.deepEqual(aws.calls, {});
    const files = await readdir(cacheDirOf(s)).catch(() => [] as string[]);
    assert.deepEqual(
      files.filter((f) => f.startsWith('lock-') || f.startsWith('.tmp-') || f.endsWith('.json')),
      [],
    );
  });

  test('a holder waiting 12 s at the MFA prompt keeps its lock (no takeover after 10 s); the waiter then reads its result', async (t) => {
    let waiter: Promise<CliResult> | undefined;
    const holder = await runInPty([CLI_PATH, '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [
        {
          expect: `Enter MFA code for ${s.serial}: `,
          sendCode: async () => {
            // A second process with a valid code of its own: if it broke the lock it would
            // make a second GetSessionToken instead of waiting.
            const own = await aws.freshTotp(s.serial);
            waiter = runCli(['--debug', '-p', 'role', '--', 'true'], { env: { ...s.env, MFA_EXEC_MFA_TOKEN: own }, timeoutMs: 40_000 });
            await new Promise((resolve) => setTimeout(resolve, 12_000));
            return aws.freshTotp(s.serial);
          },
        },
      ],
      timeoutMs: 40_000,
    });
    assert.equal(holder.exitStatus, 0, holder.output);
    const w = await waiter!;
    t.diagnostic(`the waiter took ${w.durationMs} ms`);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /another mfa-exec is fetching these credentials/);
    assert.match(w.stderr, /filled by another mfa-exec while we waited for the lock/);
    assert.doesNotMatch(w.stderr, /was taken over/);
    assert.ok(w.durationMs > 11_000, `the waiter waited for the holder (${w.durationMs} ms)`);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 1);
    await assertTidyCache(s);
  });

  test('a process SIGKILLed at the MFA prompt leaves its lock; the next run takes it over once stale (10 s), not never', async (t) => {
    const killed = await runInPty([CLI_PATH, '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [{ expect: `Enter MFA code for ${s.serial}: `, signal: 'SIGKILL', target: 'child' }],
      timeoutMs: 15_000,
    });
    assert.equal(killed.signalStatus, 9, killed.output);
    const left = (await readdir(cacheDirOf(s))).filter((f) => f.startsWith('lock-'));
    assert.equal(left.length, 1, 'the killed process held the lock');

    const code = await aws.freshTotp(s.serial);
    const r = await runCli(['--debug', '-p', 'role', '--mfa-token', code, '--', 'true'], { env: s.env, timeoutMs: 25_000 });
    t.diagnostic(`the next run took ${r.durationMs} ms`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /another mfa-exec is fetching these credentials/, 'it did find the lock held');
    assert.ok(r.durationMs < 15_000, `took ${r.durationMs} ms: the stale lock should be taken over after ~10 s`);
    assert.ok(r.durationMs > 4_000, `took ${r.durationMs} ms: a fresh-looking lock must not be broken at once`);
    assert.equal(aws.calls.GetSessionToken, 1);
    await assertTidyCache(s);
  });

  test('readers never see a partial cache file while other processes rewrite it', async (t) => {
    const first = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env: s.env });
    assert.equal(first.code, 0, first.stderr);
    const dir = cacheDirOf(s);
    const roleFile = join(
      dir,
      (await readdir(dir)).find((f) => f.startsWith('role-'))!,
    );
    // Counted, not timed: the writer rewrites the file REWRITES times, and every reader keeps
    // reading from before the first rewrite until after the last, however slow the machine.
    const REWRITES = 4;
    const stopFile = join(s.home, 'stop-reading');

    // A raw reader in its own process: reads and parses the role file as fast as it can, from
    // before the writer starts ('reading' on stdout) until the stop file appears.
    let startedReading!: () => void;
    const reading = new Promise<void>((resolve) => (startedReading = resolve));
    const rawReader = new Promise<{ ok: number; bad: number; missing: number; sample?: string }>((resolve, reject) => {
      const code = `
        const fs = require('node:fs');
        const n = { ok: 0, bad: 0, missing: 0 };
        process.stdout.write('reading\\n');
        while (!fs.existsSync(${JSON.stringify(stopFile)})) {
          let text;
          try { text = fs.readFileSync(${JSON.stringify(roleFile)}, 'utf8'); } catch { n.missing++; continue; }
          try { const e = JSON.parse(text); if (typeof e.accessKeyId !== 'string') throw 0; n.ok++; } catch { n.bad++; n.sample = text.slice(0, 80); }
        }
        process.stdout.write(JSON.stringify(n));`;
      const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.startsWith('reading\n')) startedReading();
      });
      // Not a measure: only so that a test failing before the stop file never leaves it running.
      const leash = setTimeout(() => child.kill('SIGKILL'), 110_000);
      child.once('error', reject);
      child.once('close', () => {
        clearTimeout(leash);
        try {
          resolve(JSON.parse(out.replace(/^reading\n/, '')) as { ok: number; bad: number; missing: number });
        } catch {
          reject(new Error(`raw reader gave no result: ${out}`));
        }
      });
    });
    await Promise.race([reading, rawReader]);

    // The writer: mark the role entry as near expiry (atomically, as mfa-exec would), then run
    // mfa-exec, which assumes the role again from the cached session and rewrites the file.
    let writerDone = false;
    const writer = (async () => {
      const failures: CliResult[] = [];
      try {
        for (let i = 0; i < REWRITES; i++) {
          const entry = JSON.parse(await readFile(roleFile, 'utf8')) as Record<string, unknown>;
          const tmp = join(dir, `.tmp-test-${i}`);
          await writeFile(tmp, JSON.stringify({ ...entry, expiration: new Date(Date.now() + 60_000).toISOString() }) + '\n', {
            mode: 0o600,
          });
          await rename(tmp, roleFile);
          const r = await runCli(['-p', 'role', '--', 'true'], { env: s.env, timeoutMs: 60_000 });
          if (r.code !== 0) failures.push(r);
        }
      } finally {
        writerDone = true;
      }
      return failures;
    })();

    // mfa-exec readers: the cache must serve them or they refresh; never a corrupt entry.
    const reader = async () => {
      const failures: CliResult[] = [];
      let runs = 0;
      while (!writerDone || runs < 2) {
        const r = await runCli(['--debug', '-p', 'role', '--', 'sh', '-c', 'test -n "$AWS_SESSION_TOKEN"'], {
          env: s.env,
          timeoutMs: 60_000,
        });
        if (r.code !== 0 || /corrupt|unreadable|schema version/.test(r.stderr)) failures.push(r);
        runs++;
      }
      return { failures, runs };
    };

    let writerFailures: CliResult[];
    let readers: { failures: CliResult[]; runs: number }[];
    try {
      [writerFailures, ...readers] = await Promise.all([writer, reader(), reader(), reader()]);
    } finally {
      await writeFile(stopFile, '');
    }
    const raw = await rawReader;
    t.diagnostic(
      `rewrites ${REWRITES}, mfa-exec reader runs ${readers.map((r) => r.runs).join('+')}, raw reads ${raw.ok}, AssumeRole ${aws.calls.AssumeRole}`,
    );
    assert.deepEqual(
      writerFailures.map((r) => r.stderr),
      [],
    );
    for (const { failures } of readers) {
      assert.deepEqual(
        failures.map((r) => `${r.code}: ${r.stderr}`),
        [],
      );
    }
    assert.ok((aws.calls.AssumeRole ?? 0) >= REWRITES, `each rewrite assumed the role again (${aws.calls.AssumeRole} for ${REWRITES})`);
    assert.equal(aws.calls.GetSessionToken, 1, 'the session was reused throughout');
    assert.equal(raw.bad, 0, `the raw reader saw a partial file: ${raw.sample}`);
    assert.equal(raw.missing, 0, 'the file was never absent (rename, not delete + create)');
    // It read throughout the rewrites: thousands of reads on an idle machine, hundreds on a busy one.
    assert.ok(raw.ok > 100, `the raw reader read the file often enough (${raw.ok})`);
    await assertTidyCache(s);
  });
});
