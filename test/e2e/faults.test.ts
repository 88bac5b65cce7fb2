// Faults around mfa-exec: STS that is down, hangs, fails or answers garbage; a cache that is
// corrupt, foreign, too open, symlinked or planted with links. Each ends in a clear error or a
// correct recovery, within a bounded time, with no partial cache file and no secret printed.
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile, chown } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { CI } from '../helpers/needs.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

describe('faults: STS and the cache', { timeout: 180_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let cache: string;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    cache = join(s.home, '.cache', 'mfa-exec');
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  /**
   * Nothing secret in what the program wrote (with --debug on: every run here sets MFA_EXEC_DEBUG):
   * not the long-term secret, and not the temporary secrets and tokens now in the cache, which
   * belong only in the 0600 cache files and the child's environment. No temp or partial files.
   */
  async function clean(r: CliResult): Promise<void> {
    const secrets = [aws.users[s.user]!.secretAccessKey];
    assert.doesNotMatch(r.stderr, /mfa-exec: internal error|\n\s+at \S+ \(/);
    const names = await readdir(cache).catch(() => [] as string[]);
    assert.deepEqual(
      names.filter((n) => n.startsWith('.tmp-') || n.startsWith('lock-')),
      [],
      'leftover temp files or locks',
    );
    for (const name of names) {
      const text = await readFile(join(cache, name), 'utf8').catch(() => '');
      assert.ok(!text.includes(secrets[0]!), `${name} holds the long-term secret`);
      if (!name.endsWith('.json')) continue;
      const entry = JSON.parse(text) as { secretAccessKey?: string; sessionToken?: string };
      for (const value of [entry.secretAccessKey, entry.sessionToken]) if (value) secrets.push(value);
    }
    for (const secret of secrets) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'a secret was printed');
  }

  const exec = async (extra: NodeJS.ProcessEnv = {}, args: string[] = []) =>
    runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), ...args, '--', 'true'], {
      env: { ...s.env, MFA_EXEC_STS_TIMEOUT: '1', MFA_EXEC_DEBUG: '1', ...extra },
      timeoutMs: 40_000,
    });

  test('STS unreachable (connection refused): exit 69 naming the endpoint, fast', async () => {
    const r = await exec({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    assert.equal(r.code, 69, r.stderr);
    assert.match(r.stderr, /Cannot reach STS at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    assert.ok(r.durationMs < 20_000, `${r.durationMs} ms`);
    await clean(r);
  });

  test('an endpoint URL with user:password@ is never echoed whole (errors and --debug)', async () => {
    const r = await exec({ AWS_ENDPOINT_URL_STS: 'http://alice:Pa55w0rdInUrl@127.0.0.1:9' });
    assert.equal(r.code, 69, r.stderr);
    assert.match(r.stderr, /Cannot reach STS at http:\/\/\*\*\*@127\.0\.0\.1:9 /);
    assert.doesNotMatch(r.stdout + r.stderr, /Pa55w0rdInUrl|alice:/);
    await clean(r);
  });

  test('STS that accepts and never answers: exit 69 after the bounded retries', async () => {
    aws.failNext('GetSessionToken', 3, 'hang');
    const r = await exec();
    assert.equal(r.code, 69, r.stderr);
    assert.match(r.stderr, /did not answer in time/);
    assert.ok(r.durationMs < 20_000, `${r.durationMs} ms`);
    await clean(r);
  });

  // 500 and throttling are retried (3 attempts with backoff); an answer that is not STS XML is
  // not going to improve on a retry, so it fails at once.
  for (const [kind, attempts, pattern] of [
    ['500', 3, /failed with HTTP 500/],
    ['throttle', 3, /throttling/],
    ['malformed', 1, /cannot read/],
  ] as const) {
    test(`STS answering ${kind} every time: ${attempts} attempt(s), then exit 69`, async () => {
      aws.failNext('GetSessionToken', attempts, kind);
      const r = await exec();
      assert.equal(r.code, 69, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(aws.log.filter((e) => e.action === 'GetSessionToken').length, attempts);
      await clean(r);
    });
  }

  test('one 500 then success: the retry recovers with the same code', async () => {
    aws.failNext('GetSessionToken', 1, '500');
    const r = await exec();
    assert.equal(r.code, 0, r.stderr);
    await clean(r);
  });

  test('corrupt, truncated and other-schema cache files are misses, replaced by whole new ones', async () => {
    assert.equal((await exec()).code, 0);
    for (const mangle of [
      (t: string) => t.slice(0, t.length / 2),
      () => 'not json at all',
      (t: string) => t.replace(/"version":\d+/, '"version":99'),
    ]) {
      for (const name of await readdir(cache)) {
        if (!name.startsWith('role-') && !name.startsWith('session-')) continue;
        const file = join(cache, name);
        await writeFile(file, mangle(await readFile(file, 'utf8')), { mode: 0o600 });
      }
      const r = await exec();
      assert.equal(r.code, 0, r.stderr);
      await clean(r);
    }
    assert.equal(aws.calls.GetSessionToken, 4, 'each mangled cache meant a new session');
  });

  test('a cache directory left 0755 is fixed to 0700 and said so', async () => {
    await mkdir(cache, { recursive: true, mode: 0o755 });
    await chmod(cache, 0o755);
    const r = await exec();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /had mode 755; changed it to 700/);
    assert.equal((await stat(cache)).mode & 0o777, 0o700);
    await clean(r);
  });

  test('a cache directory owned by someone else, or a symlink, is refused: the command still runs, nothing is cached there', async () => {
    await mkdir(cache, { recursive: true, mode: 0o700 });
    await chown(cache, 65534, 65534);
    const foreign = await exec();
    assert.equal(foreign.code, 0, foreign.stderr);
    assert.match(foreign.stderr, /belongs to uid 65534.*will not be cached/s);
    assert.deepEqual(await readdir(cache), []);
    await rm(cache, { recursive: true });
    const elsewhere = join(s.home, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o700 });
    await symlink(elsewhere, cache);
    const linked = await exec();
    assert.equal(linked.code, 0, linked.stderr);
    assert.match(linked.stderr, /symbolic link/);
    assert.deepEqual(await readdir(elsewhere), []);
  });

  test('a symlink planted where a cache file goes is never written through, and not read', async () => {
    assert.equal((await exec()).code, 0);
    const victim = join(s.home, 'victim');
    await writeFile(victim, 'precious\n');
    for (const name of await readdir(cache)) {
      if (!name.startsWith('role-') && !name.startsWith('session-')) continue;
      await rm(join(cache, name));
      await symlink(victim, join(cache, name));
    }
    const r = await exec();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /is a symbolic link/);
    assert.equal(await readFile(victim, 'utf8'), 'precious\n');
    for (const name of (await readdir(cache)).filter((n) => n.endsWith('.json') && !n.startsWith('mfa-used'))) {
      assert.ok((await lstat(join(cache, name))).isFile(), `${name} is a regular file again`);
    }
    await clean(r);
  });

  test('a full disk: the command still runs, no partial file is left, the next run asks again', async (t) => {
    // A tiny tmpfs needs mount rights; where the sandbox forbids it, say so instead of pretending.
    const mnt = join(s.home, 'tiny');
    await mkdir(mnt);
    const { spawnSync } = await import('node:child_process');
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', mnt]);
    // CI runs as root and can mount: there a failure to mount is a failure, not a skip.
    if (mounted.status !== 0 && CI) assert.fail(`cannot mount a tmpfs: ${mounted.stderr.toString().trim()}`);
    if (mounted.status !== 0) return t.skip(`cannot mount a tmpfs here (not root?): ${mounted.stderr.toString().trim()}`);
    try {
      await writeFile(join(mnt, 'filler'), Buffer.alloc(4096 - 1)).catch(() => {});
      const r = await exec({ XDG_CACHE_HOME: mnt });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /no space left|Cannot (write|create)/);
      const names = await readdir(join(mnt, 'mfa-exec')).catch(() => [] as string[]);
      assert.deepEqual(
        names.filter((n) => n.startsWith('.tmp-')),
        [],
      );
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});
