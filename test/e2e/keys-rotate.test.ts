// rotate against moto's IAM (through the front, AWS_ENDPOINT_URL_IAM): exactly one working key
// afterwards, the old one deleted and refused, exec working with the new one; and what the user
// is told when a step after CreateAccessKey fails.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, startFakeAws, writeAwsFiles, type CliResult, type FakeAws } from '../harness/index.ts';
import { keysOf as iamKeysOf, works as keyWorks } from './iam-keys.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

const PASSPHRASE = 'rotate me';

describe('rotate', { timeout: 240_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];
  const run = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const r = await runCli(args, { env: { ...env, ...extra }, timeoutMs: 90_000 });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const ok = (r: CliResult, what: string) => assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);

  const keysOf = (user: string) => iamKeysOf(aws, user);
  const works = (accessKeyId: string, secretAccessKey: string) => keyWorks(aws, accessKeyId, secretAccessKey);
  const gstKeys = () => aws.log.filter((e) => e.action === 'GetSessionToken' && e.status === 200).map((e) => e.accessKeyId);
  /** The cached MFA sessions and role credentials (their file names), whatever they were made from. */
  const cachedEntries = async () =>
    (await readdir(join(s.home, '.cache', 'mfa-exec'))).filter((n) => /^(session|role)-[0-9a-f]{40}\.json$/.test(n));

  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    env = { ...s.env, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE };
    aws.resetCalls();
    outputs.length = 0;
  });
  afterEach(async () => {
    const secret = aws.users[s.user]!.secretAccessKey;
    for (const text of outputs) assert.ok(!text.includes(secret), `the old secret in the output:\n${text}`);
    assert.ok(!outputs.join('').match(/secret[^\n]*[A-Za-z0-9/+]{40}/i), 'no 40-character secret printed');
    await s.cleanup();
  });

  test('keys in the store: one MFA session, a new key stored, the old one deleted and refused, exec works after it', async () => {
    const old = aws.users[s.user]!;
    await writeAwsFiles(s.home, { credentials: '' });
    ok(await run(['add', 'source', '--env'], { AWS_ACCESS_KEY_ID: old.accessKeyId, AWS_SECRET_ACCESS_KEY: old.secretAccessKey }), 'add');
    ok(await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']), 'exec before');
    assert.deepEqual(await keysOf(s.user), [old.accessKeyId]);
    assert.equal((await cachedEntries()).length, 2, 'the MFA session and the role, made from the old key');
    aws.resetCalls();

    // The MFA session is cached: rotate asks for no code (there is no terminal; a prompt would fail).
    const r = await run(['rotate', 'source']);
    ok(r, 'rotate');
    assert.equal(aws.calls.GetSessionToken ?? 0, 0, 'the cached MFA session was used');
    assert.equal(aws.calls.CreateAccessKey, 1);
    assert.equal(aws.calls.DeleteAccessKey, 1);
    assert.match(
      r.stderr,
      /rotating access key AKIA…\w{4} of IAM user user\d+ \(profile 'source', kept in the encrypted key files in .*keys\)/,
    );
    assert.match(r.stderr, /stored the new key AKIA…\w{4} in the encrypted key files in /);
    assert.match(r.stderr, /deleted the old key AKIA…\w{4}; dropped 2 cached entries made from it/);
    assert.deepEqual(await cachedEntries(), [], 'the entries made from the old key are gone from the cache');

    const now = await keysOf(s.user);
    assert.equal(now.length, 1, 'exactly one key');
    assert.notEqual(now[0], old.accessKeyId);
    assert.equal(await works(old.accessKeyId, old.secretAccessKey), false, 'the old key is refused');

    const after = await run([
      '-p',
      'role',
      '--mfa-token',
      await aws.freshTotp(s.serial),
      '--',
      'aws',
      'sts',
      'get-caller-identity',
      '--output',
      'json',
    ]);
    ok(after, 'exec after rotate');
    assert.deepEqual(gstKeys(), [now[0]], 'the new MFA session was made with the new key');
  });

  test('keys in the credentials file: replaced in place, every other byte kept; one prompt-free code', async () => {
    const old = aws.users[s.user]!;
    const credentials = join(s.home, '.aws/credentials');
    const before = await readFile(credentials, 'utf8');
    const r = await run(['rotate', 'source', '--mfa-token', await aws.freshTotp(s.serial)]);
    ok(r, 'rotate');
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.deepEqual(await cachedEntries(), [], 'the MFA session rotate made from the old key is dropped');
    const [fresh] = await keysOf(s.user);
    assert.ok(fresh && fresh !== old.accessKeyId);
    const text = await readFile(credentials, 'utf8');
    const secretLine = /^\[source\]\naws_access_key_id = (\S+)\naws_secret_access_key = (\S+)\n/.exec(text);
    assert.ok(secretLine, text);
    assert.equal(secretLine[1], fresh);
    assert.equal(await works(secretLine[1]!, secretLine[2]!), true, 'the key in the file works');
    assert.equal(text.replace(secretLine[0], ''), before.replace(/^\[source\]\n.*\n.*\n/, ''), 'the rest of the file is unchanged');
    const exec = await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']);
    ok(exec, 'exec after rotate');
  });

  test('a code already used is never sent again: rotate says to wait for the next one', async () => {
    const code = await aws.freshTotp(s.serial);
    ok(await run(['login', '-p', 'bob', '--mfa-token', await aws.freshTotp(s.bobSerial)]), 'another device: unrelated');
    ok(await run(['-p', 'role', '--mfa-token', code, '--', 'true']), 'exec with the code');
    ok(await run(['clear', '--profile', 'role']), 'clear the session, not the record of used codes');
    aws.resetCalls();
    const r = await run(['rotate', 'source', '--mfa-token', code]);
    assert.equal(r.code, 65, r.stderr);
    assert.match(r.stderr, /already accepted by AWS .* Wait for the next code/);
    assert.equal(Object.keys(aws.calls).length, 0, 'nothing was sent');
    assert.equal((await keysOf(s.user)).length, 1);
  });

  test('the new key does not work: it is deleted again and the old one is kept and said to be', async () => {
    const old = aws.users[s.user]!;
    // The first call (whose key is it) passes; the new key's proof fails all 3 of the SDK's attempts.
    aws.failNext('GetCallerIdentity', 3, '500', 1);
    const r = await run(['rotate', 'source', '--mfa-token', await aws.freshTotp(s.serial)]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The new key AKIA…\w{4} does not work: .* The new key AKIA\w{16} was deleted again\. The old key AKIA\w{16} is still live and still in .*credentials: nothing else was changed\./,
    );
    assert.equal(aws.log.filter((e) => e.action === 'GetCallerIdentity' && e.by === 'fault').length, 3, 'every fault was used');
    assert.deepEqual(await keysOf(s.user), [old.accessKeyId]);
    assert.match(await readFile(join(s.home, '.aws/credentials'), 'utf8'), new RegExp(old.accessKeyId));
  });

  test('DeleteAccessKey fails: the new key is live and stored, the old one live and stored nowhere, with the command to delete it', async () => {
    const old = aws.users[s.user]!;
    await writeAwsFiles(s.home, { credentials: '' });
    ok(await run(['add', 'source', '--env'], { AWS_ACCESS_KEY_ID: old.accessKeyId, AWS_SECRET_ACCESS_KEY: old.secretAccessKey }), 'add');
    aws.failNext('DeleteAccessKey', 3, '500');
    const r = await run(['rotate', 'source', '--mfa-token', await aws.freshTotp(s.serial)]);
    assert.equal(r.code, 69, r.stderr);
    const keys = await keysOf(s.user);
    assert.equal(keys.length, 2, `${r.stderr}\n${JSON.stringify(aws.log)}`);
    const fresh = keys.find((k) => k !== old.accessKeyId)!;
    assert.match(
      r.stderr,
      new RegExp(
        `The new key ${fresh} is live and in the encrypted key files in .*keys, and mfa-exec uses it from now on\\. The old key ${old.accessKeyId} is still live but no longer stored anywhere: delete it with 'aws iam delete-access-key --user-name ${s.user} --access-key-id ${old.accessKeyId}'`,
      ),
    );
    const exec = await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']);
    ok(exec, 'exec with the new key');
    assert.deepEqual(gstKeys().slice(-1), [fresh]);
  });

  test('a role profile is refused, naming its source profile', async () => {
    const r = await run(['rotate', 'role']);
    assert.equal(r.code, 78, r.stderr);
    assert.match(
      r.stderr,
      /Profile 'role' assumes a role; its credentials come from profile 'source'\. Rotate that profile's keys: mfa-exec rotate source/,
    );
  });
});
