// What the cache trusts, and what `clear` deletes: the directory is checked on every read, each
// entry must have been fetched for the request asked for (profile, role, external id, source
// key, duration, endpoint) and be well-formed; `clear` deletes only its own entries, by name,
// never through a symlink, never recursively, and keeps the record of used MFA codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, startFakeAws, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

interface Entry {
  kind: string;
  profile?: string; // schema 1
  request?: { profile: string; durationSeconds: number }; // schema 2
  sessionToken?: unknown;
  expiration: string;
}

describe('the cache: what is trusted, and what clear deletes', { timeout: 180_000 }, () => {
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

  const login = async (profile = 'role', extra: string[] = []) => {
    const code = await aws.freshTotp(s.serial);
    const r = await runCli(['login', '-p', profile, '--mfa-token', code, ...extra], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    return code;
  };
  /** The role entries in the cache, with the profile each was fetched for. */
  const roleEntries = async () => {
    const out: { name: string; profile: string; entry: Entry }[] = [];
    for (const name of await readdir(cache)) {
      if (!name.startsWith('role-')) continue;
      const entry = JSON.parse(await readFile(join(cache, name), 'utf8')) as Entry;
      out.push({ name, profile: entry.request?.profile ?? entry.profile ?? '?', entry });
    }
    return out;
  };
  const rewrite = async (name: string, change: (e: Entry) => void) => {
    const file = join(cache, name);
    const entry = JSON.parse(await readFile(file, 'utf8')) as Entry;
    change(entry);
    await writeFile(file, JSON.stringify(entry), { mode: 0o600 });
  };

  test("with the directory left 0777, an entry renamed over another profile's is never used: -p reader runs as reader", async () => {
    await login('role');
    await login('reader');
    const entries = await roleEntries();
    const admin = entries.find((e) => e.profile === 'role')!;
    const reader = entries.find((e) => e.profile === 'reader')!;
    assert.ok(admin && reader, JSON.stringify(entries.map((e) => e.profile)));
    // Another user, allowed in by the open directory, swaps the files (rename needs only the directory's permission).
    await chmod(cache, 0o777);
    await rename(join(cache, admin.name), join(cache, reader.name));
    const r = await runCli(['-p', 'reader', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(callerArn(r.stdout), /:assumed-role\/reader\//);
    assert.match(r.stderr, /had mode 777; changed it to 700/);
    assert.equal((await stat(cache)).mode & 0o777, 0o700);
  });

  test('-d 15m does not reuse cached 1 h role credentials (nor the reverse); each has its own entry, status shows either', async () => {
    await login('role');
    const expiry = async (args: string[]) => {
      const r = await runCli(['-p', 'role', ...args, '--', 'sh', '-c', 'echo "$AWS_CREDENTIAL_EXPIRATION"'], { env: s.env });
      assert.equal(r.code, 0, r.stderr);
      return Date.parse(r.stdout.trim()) - Date.now();
    };
    const quarter = await expiry(['-d', '15m']);
    assert.ok(quarter <= 15 * 60_000 && quarter > 10 * 60_000, `-d 15m gave ${Math.round(quarter / 60_000)} min`);
    const hour = await expiry([]);
    assert.ok(hour > 50 * 60_000, `the plain run gave ${Math.round(hour / 60_000)} min`);
    assert.ok((await expiry(['-d', '15m'])) <= 15 * 60_000, 'the 15 min entry is kept beside the 1 h one');
    assert.equal(aws.calls.AssumeRole, 2, 'one AssumeRole per duration');
    assert.equal(aws.calls.GetSessionToken, 1, 'both from the same MFA session');
    const durations = (await roleEntries()).map((e) => e.entry.request?.durationSeconds).sort((a, b) => (a ?? 0) - (b ?? 0));
    assert.deepEqual(durations, [900, 3600]);
    const status = await runCli(['status', '-p', 'role', '-d', '15m', '--json'], { env: s.env });
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { credentials: { durationSeconds: number } }).credentials.durationSeconds, 900);
  });

  test('--session-duration is part of the session: a shorter one is a new session, not the cached 8 h one', async () => {
    await login('role');
    const r = await runCli(['-p', 'role', '--session-duration', '15m', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], {
      env: s.env,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(aws.calls.GetSessionToken, 2);
    const sessions = (await readdir(cache)).filter((n) => n.startsWith('session-'));
    assert.equal(sessions.length, 2);
    // status and list look at the entries of the durations a run would use.
    assert.equal((await runCli(['status', '-p', 'role', '--session-duration', '15m'], { env: s.env })).code, 0);
    const list = await runCli(['list'], { env: { ...s.env, MFA_EXEC_SESSION_DURATION: '15m' } });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^role\s.*\srole \d+m left$/m);
    assert.match(list.stdout, /^reader\s.*\ssession \d+m left$/m, 'reader would be served from the 15 min session');
  });

  test('entries are checked by shape: a session token that is an object, or an expiry in year 9999, is a miss', async () => {
    await login('role');
    const [entry] = await roleEntries();
    await rewrite(entry!.name, (e) => (e.sessionToken = {}));
    const token = await runCli(['-p', 'role', '--', 'sh', '-c', 'echo "token=$AWS_SESSION_TOKEN"'], { env: s.env });
    assert.equal(token.code, 0, token.stderr);
    assert.doesNotMatch(token.stdout, /object Object/);
    assert.match(token.stdout, /^token=\S{20,}$/m);
    assert.equal(aws.calls.AssumeRole, 2, 'refetched from the session');

    const [again] = await roleEntries();
    await rewrite(again!.name, (e) => (e.expiration = '9999-12-31T23:59:59.000Z'));
    const far = await runCli(['-p', 'role', '--', 'sh', '-c', 'echo "$AWS_CREDENTIAL_EXPIRATION"'], { env: s.env });
    assert.equal(far.code, 0, far.stderr);
    assert.doesNotMatch(far.stdout, /9999/);
    assert.equal(aws.calls.AssumeRole, 3, 'an expiry beyond what STS gives is not believed');
  });

  test('a FIFO or a symlink at the used-codes path is ignored, never waited on', async () => {
    await mkdir(cache, { recursive: true, mode: 0o700 });
    const usedCodes = join(cache, `mfa-used-${createHash('sha256').update(s.serial).digest('hex').slice(0, 32)}.json`);
    await new Promise<void>((resolve, reject) => execFile('mkfifo', [usedCodes], (e) => (e ? reject(e) : resolve())));
    const r = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env: s.env, timeoutMs: 15_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.durationMs < 10_000, `${r.durationMs} ms`);
    assert.ok((await stat(usedCodes)).isFile(), 'replaced by a record of the code just used');

    const elsewhere = join(s.home, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify({ codeHash: 'x', at: Date.now() }), { mode: 0o600 });
    await symlink(elsewhere, `${usedCodes}.tmp`);
    await rename(`${usedCodes}.tmp`, usedCodes);
    const linked = await runCli(['-p', 'reader', '--', 'true'], { env: s.env, timeoutMs: 15_000 });
    assert.equal(linked.code, 0, linked.stderr);
  });

  test('clear refuses a symlinked cache directory and deletes nothing behind it', async () => {
    const documents = join(s.home, 'documents');
    await mkdir(join(documents, 'session-notes'), { recursive: true });
    await writeFile(join(documents, 'session-notes', 'minutes.txt'), 'keep\n');
    await writeFile(join(documents, 'role-budget.xlsx'), 'keep\n');
    const lookalike = `role-${'a'.repeat(40)}.json`;
    await writeFile(join(documents, lookalike), 'keep\n', { mode: 0o600 });
    await mkdir(join(s.home, '.cache'), { recursive: true });
    await symlink(documents, cache);
    const r = await runCli(['clear'], { env: s.env });
    assert.equal(r.code, 73, r.stderr);
    assert.match(r.stderr, /is a symbolic link.*clear deletes nothing in it/);
    assert.deepEqual((await readdir(documents)).sort(), [lookalike, 'role-budget.xlsx', 'session-notes'].sort());
    assert.deepEqual(await readdir(join(documents, 'session-notes')), ['minutes.txt']);
  });

  test('clear removes only its own entries by exact name, never a directory or a file it does not recognise', async () => {
    await login('role');
    await mkdir(join(cache, 'session-notes'));
    await writeFile(join(cache, 'session-notes', 'minutes.txt'), 'keep\n');
    await writeFile(join(cache, 'role-budget.xlsx'), 'keep\n', { mode: 0o600 });
    await mkdir(join(cache, `role-${'b'.repeat(40)}.json`)); // a directory with an entry's name
    const before = await readdir(cache);
    assert.equal(before.filter((n) => /^(session|role)-[0-9a-f]{40}\.json$/.test(n)).length, 3, before.join(' '));
    const r = await runCli(['clear'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /removed 2 cached entries/);
    const left = (await readdir(cache)).sort();
    assert.deepEqual(
      left.filter((n) => !n.startsWith('mfa-used-')),
      [`role-${'b'.repeat(40)}.json`, 'role-budget.xlsx', 'session-notes'].sort(),
    );
    assert.deepEqual(await readdir(join(cache, 'session-notes')), ['minutes.txt']);
  });

  test('clear keeps the record of used MFA codes: right after it, the same code is refused with "wait for the next code"', async () => {
    const code = await login('role');
    const r = await runCli(['clear'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    const again = await runCli(['-p', 'role', '--mfa-token', code, '--', 'true'], { env: s.env });
    assert.equal(again.code, 65, again.stderr);
    assert.match(again.stderr, /already accepted by AWS .* Wait for the next code/);
    assert.equal(aws.calls.GetSessionToken, 1, 'the used code was not sent again');
  });
});
