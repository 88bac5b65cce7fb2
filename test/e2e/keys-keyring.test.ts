// Keys in the OS keyring, end to end, against a real Secret Service (gnome-keyring on a private
// D-Bus session bus, test/harness/secret-service.ts): chosen by default when it answers, listed
// without opening it, used on a miss, rotated, removed; a locked keyring is a clear error.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, startFakeAws, writeAwsFiles, type CliResult, type FakeAws } from '../harness/index.ts';
import { secretServiceMissing, startSecretService, type SecretService } from '../harness/secret-service.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

const missing = process.platform !== 'linux' ? 'the Secret Service harness is Linux-only' : secretServiceMissing();
if (missing) console.log(`SKIPPING the keyring e2e tests: ${missing}`);
if (missing && process.env.CI === 'true') {
  test('CI runs the keyring e2e tests', () => assert.fail(`they cannot run: ${missing}`));
}

describe('keys in the Secret Service keyring', { skip: missing, timeout: 180_000 }, () => {
  let aws: FakeAws;
  let ss: SecretService;
  let s: Scenario;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];
  const run = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const r = await runCli(args, { env: { ...env, ...extra }, timeoutMs: 60_000 });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const ok = (r: CliResult, what: string) => assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  const keysColumn = async (profile: string) =>
    (JSON.parse((await run(['list', '--json'])).stdout) as { profile: string; keys?: string }[]).find((r) => r.profile === profile)?.keys;

  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    ss = await startSecretService();
    s = await makeScenario(aws);
    await writeAwsFiles(s.home, { credentials: '' });
    env = { ...s.env, ...ss.env };
    aws.resetCalls();
    outputs.length = 0;
  });
  afterEach(async () => {
    const secret = aws.users[s.user]!.secretAccessKey;
    for (const text of outputs) assert.ok(!text.includes(secret), `a secret in the output:\n${text}`);
    await ss.stop();
    await s.cleanup();
  });

  test('add --env goes to the keyring when one answers; list says so from the index; a miss reads it; rotate and remove work there', async () => {
    const user = aws.users[s.user]!;
    const add = await run(['add', 'source', '--env'], { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey });
    ok(add, 'add');
    assert.match(
      add.stderr,
      /stored the keys of profile 'source' \(AKIA…\w{4}\) in the Secret Service keyring \(service 'mfa-exec', account 'source'\)/,
    );
    const keysDir = join(s.home, '.local/share/mfa-exec/keys');
    assert.deepEqual(await readdir(keysDir), ['keyring-profiles.json'], 'no key file: only the index of names');
    assert.equal(await readFile(join(keysDir, 'keyring-profiles.json'), 'utf8'), '{"version":1,"profiles":["source"]}\n');
    assert.equal(await keysColumn('source'), 'keyring');
    assert.equal(await keysColumn('role'), 'keyring', "a role profile shows its source's keys");
    assert.match(
      (await run(['doctor'])).stdout,
      /^ok\s+key store: the OS keyring \(1 profile stored by mfa-exec\) answers; new keys go there$/m,
    );

    ok(await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']), 'exec from the keyring');
    assert.equal(aws.log.find((e) => e.action === 'GetSessionToken')?.accessKeyId, user.accessKeyId);

    const rotate = await run(['rotate', 'source']);
    ok(rotate, 'rotate (the MFA session is cached)');
    assert.match(rotate.stderr, /stored the new key AKIA…\w{4} in the Secret Service keyring/);
    aws.resetCalls();
    ok(await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']), 'exec with the rotated key');
    const newKey = aws.log.find((e) => e.action === 'GetSessionToken')?.accessKeyId;
    assert.ok(newKey && newKey !== user.accessKeyId);

    ok(await run(['remove', '--yes', 'source']), 'remove');
    assert.equal(await keysColumn('source'), 'none');
    assert.equal(await readFile(join(keysDir, 'keyring-profiles.json'), 'utf8'), '{"version":1,"profiles":[]}\n');
    const after = await run(['-p', 'role', '--mfa-token', '123456', '--', 'true']);
    assert.equal(after.code, 78, after.stderr);
    assert.match(
      after.stderr,
      /none stored for it in the encrypted key files in .* or the Secret Service keyring \(service 'mfa-exec', account 'source'\)/,
    );
  });

  test('a locked keyring that holds the keys: exit 74 saying to unlock it, no AWS call', async () => {
    const user = aws.users[s.user]!;
    ok(await run(['add', 'source', '--env'], { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey }), 'add');
    ss.lock();
    const r = await run(['-p', 'role', '--mfa-token', '123456', '--', 'true']);
    assert.equal(r.code, 74, r.stderr);
    assert.match(
      r.stderr,
      /Cannot read the keys of profile 'source' in the Secret Service keyring: .*Unlock the keyring, or use the encrypted file instead/,
    );
    assert.equal(Object.keys(aws.calls).length, 0);
  });

  test('MFA_EXEC_BACKEND=file keeps keys out of the keyring even when it answers', async () => {
    const user = aws.users[s.user]!;
    const add = await run(['add', 'source', '--env'], {
      MFA_EXEC_BACKEND: 'file',
      MFA_EXEC_FILE_PASSPHRASE: 'pw',
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
    });
    ok(add, 'add');
    assert.match(add.stderr, /in the encrypted key files in /);
    assert.equal(await keysColumn('source'), 'encrypted file');
  });
});
