// Long-term keys in the encrypted file store, end to end: the built CLI, moto behind the front,
// the real `aws` CLI as the target. No keyring here (no D-Bus in the environment), so "auto"
// chooses the encrypted file; test/e2e/keys-keyring.test.ts covers the Secret Service.
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, TESTING_EXECUTABLE, runCli, startFakeAws, writeAwsFiles, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, configText, makeScenario, type Scenario } from './scenario.ts';

const PASSPHRASE = 'correct horse battery staple';

/** Every file under `dir` whose bytes contain `needle` (the whole HOME: config, cache, key store, …). */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if ((await readFile(file)).includes(needle)) found.push(file);
  }
  return found;
}

function ok(r: CliResult, what: string): void {
  assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

describe('keys in the encrypted file store', { timeout: 180_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let env: NodeJS.ProcessEnv;
  let secret: string;
  let keyId: string;
  const outputs: string[] = [];
  const run = async (args: string[], extra: NodeJS.ProcessEnv = {}, argv0Path?: string): Promise<CliResult> => {
    const r = await runCli(args, { env: { ...env, ...extra }, ...(argv0Path ? { argv0Path } : {}), timeoutMs: 30_000 });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    secret = aws.users[s.user]!.secretAccessKey;
    keyId = aws.users[s.user]!.accessKeyId;
    // The profile 'source' has no keys in any file: only the store will have them.
    await writeAwsFiles(s.home, { credentials: '# keys live in mfa-exec\n' });
    env = { ...s.env, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE };
    aws.resetCalls();
    outputs.length = 0;
  });
  afterEach(async () => {
    for (const text of outputs) assert.ok(!text.includes(secret), `a secret in the output:\n${text}`);
    await s.cleanup();
  });

  test('add --env, then a shim runs with no key in any file; the secret is nowhere in HOME in the clear; the warm path never opens the store', async () => {
    const add = await run(['add', 'source', '--env'], { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret });
    ok(add, 'add');
    const keyFile = join(s.home, '.local/share/mfa-exec/keys/source.keys');
    assert.match(add.stderr, /stored the keys of profile 'source' \(AKIA…\w{4}\) in the encrypted key files in .*mfa-exec\/keys$/m);
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.equal((await stat(join(s.home, '.local/share/mfa-exec/keys'))).mode & 0o777, 0o700);

    const awsShim = await s.shim('aws');
    const first = await run(
      ['sts', 'get-caller-identity', '--output', 'json'],
      { AWS_PROFILE: 'role', MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.serial) },
      awsShim,
    );
    ok(first, 'shim run with stored keys');
    assert.match(callerArn(first.stdout), /assumed-role\/hc-master\//);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.log.find((e) => e.action === 'GetSessionToken')?.accessKeyId, keyId, 'GetSessionToken was signed with the stored key');
    assert.deepEqual(await filesContaining(s.home, secret), [], 'the secret is in no file under HOME');
    assert.deepEqual(await filesContaining(s.home, keyId), [], 'nor the access key id (the key file is encrypted, the cache keys hash)');

    // Warm path: no key store code in the warm bundle, and a store that would fail if opened
    // (wrong passphrase, damaged file) is not opened.
    // dist/cli.js loads dist/warm.js (src/boot.ts); the executable has no such file (warm-path.test.ts checks what it loads).
    if (!TESTING_EXECUTABLE) {
      const bundle = (await readFile(CLI_PATH, 'utf8')) + (await readFile(join(dirname(CLI_PATH), 'warm.js'), 'utf8'));
      for (const text of ['mfa-exec encrypted keys', '@napi-rs/keyring', 'scrypt', 'aes-256-gcm']) {
        assert.ok(!bundle.includes(text), `dist/cli.js or dist/warm.js holds '${text}'`);
      }
    }
    await writeFile(keyFile, 'damaged');
    const warm = await run(
      ['sts', 'get-caller-identity', '--output', 'json'],
      { AWS_PROFILE: 'reader', MFA_EXEC_FILE_PASSPHRASE: 'wrong' },
      awsShim,
    );
    ok(warm, 'a cached run with a broken store');
    assert.match(callerArn(warm.stdout), /assumed-role\/reader\//);
    assert.equal(aws.calls.GetSessionToken, 1, 'the MFA session served; the store was not needed');
  });

  test('a wrong passphrase: exit 79, no AWS call, the key file unchanged; no passphrase and no terminal: exit 66', async () => {
    ok(await run(['add', 'source', '--env'], { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret }), 'add');
    const keyFile = join(s.home, '.local/share/mfa-exec/keys/source.keys');
    const before = await readFile(keyFile);
    const wrong = await run(['-p', 'role', '--mfa-token', '123456', '--', 'true'], { MFA_EXEC_FILE_PASSPHRASE: 'not it' });
    assert.equal(wrong.code, 79, wrong.stderr);
    assert.match(
      wrong.stderr,
      /Wrong passphrase for the encrypted key files in .*keys \(the keys of profile 'source'\)\. Nothing was changed and no AWS call was made/,
    );
    assert.equal(Object.keys(aws.calls).length, 0, 'no call reached AWS');
    assert.deepEqual(await readFile(keyFile), before);

    const none = await run(['-p', 'role', '--mfa-token', '123456', '--', 'true'], { MFA_EXEC_FILE_PASSPHRASE: '' });
    assert.equal(none.code, 66, none.stderr);
    assert.match(none.stderr, /need a passphrase, and there is no terminal to ask on: set MFA_EXEC_FILE_PASSPHRASE/);
  });

  test("aws-vault's AWS_VAULT_BACKEND=file and AWS_VAULT_FILE_PASSPHRASE are honoured", async () => {
    const vaultEnv = { MFA_EXEC_FILE_PASSPHRASE: '', AWS_VAULT_BACKEND: 'file', AWS_VAULT_FILE_PASSPHRASE: 'from aws-vault' };
    ok(await run(['add', 'source', '--env'], { ...vaultEnv, AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret }), 'add');
    const r = await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], vaultEnv);
    ok(r, 'exec with the aws-vault variables');
    const wrong = await run(['clear'], {});
    ok(wrong, 'clear');
    const bad = await run(['-p', 'role', '--mfa-token', '123456', '--', 'true'], { ...vaultEnv, AWS_VAULT_FILE_PASSPHRASE: 'other' });
    assert.equal(bad.code, 79, bad.stderr);
  });

  test('a profile with keys nowhere: exit 78 naming the profile, both files and the store', async () => {
    const r = await run(['-p', 'role', '--mfa-token', '123456', '--', 'true']);
    assert.equal(r.code, 78, r.stderr);
    assert.match(
      r.stderr,
      /Profile 'source' has no keys: none in .*\.aws\/config or .*\.aws\/credentials, and none stored for it in the encrypted key files in .*mfa-exec\/keys\b/,
    );
    assert.match(r.stderr, /mfa-exec add source/);
    assert.equal(Object.keys(aws.calls).length, 0);
  });

  test('add: a new profile gets [profile NAME] in the config file; keys in a file win and add says so', async () => {
    const before = await readFile(join(s.home, '.aws/config'), 'utf8');
    ok(await run(['add', 'my new', '--env', '--backend', 'file'], { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret }), 'add');
    assert.equal(await readFile(join(s.home, '.aws/config'), 'utf8'), `${before}\n[profile 'my new']\n`);
    const list = await run(['list', '--json']);
    ok(list, 'list');
    const rows = JSON.parse(list.stdout) as { profile: string; keys?: string }[];
    assert.equal(rows.find((r) => r.profile === 'my new')?.keys, 'encrypted file');

    await writeAwsFiles(s.home, {
      credentials: `[carol]\naws_access_key_id = ${aws.users.carol!.accessKeyId}\naws_secret_access_key = x\n`,
    });
    const shadowed = await run(['add', 'carol', '--env'], { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret });
    ok(shadowed, 'add a profile that has keys in the credentials file');
    assert.match(shadowed.stderr, /warning: profile 'carol' also has aws_access_key_id in .*credentials, and keys in the files win/);
    const role = await run(['add', 'role', '--env'], { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret });
    ok(role, 'add under a role profile');
    assert.match(
      role.stderr,
      /warning: profile 'role' assumes a role with the credentials of its source_profile, so keys stored under its name are not used/,
    );
  });

  test('add default: a shim with no profile selected uses the stored keys of [default] (which has no settings in the files)', async () => {
    const awsShim = await s.shim('aws');
    const before = await run(['sts', 'get-caller-identity', '--output', 'json'], {}, awsShim);
    assert.notEqual(before.code, 0, 'untouched: the real aws finds no credentials');
    ok(await run(['add', 'default', '--env'], { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret }), 'add default');
    const after = await run(['sts', 'get-caller-identity', '--output', 'json'], {}, awsShim);
    ok(after, 'shim with the stored default keys');
    assert.equal(callerArn(after.stdout), aws.users[s.user]!.arn);
    assert.equal(aws.log.find((e) => e.action === 'GetSessionToken')?.accessKeyId, keyId);
  });

  test('add --env refuses temporary credentials and missing variables', async () => {
    const temp = await run(['add', 'source', '--env'], {
      AWS_ACCESS_KEY_ID: keyId,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_SESSION_TOKEN: 'tok',
    });
    assert.equal(temp.code, 64, temp.stderr);
    assert.match(temp.stderr, /AWS_SESSION_TOKEN is set/);
    const missing = await run(['add', 'source', '--env']);
    assert.equal(missing.code, 64);
    const noTerminal = await run(['add', 'source']);
    assert.equal(noTerminal.code, 66, noTerminal.stderr);
    assert.match(noTerminal.stderr, /use --env/);
  });

  test('remove: asks on a terminal (none here: refused without --yes), --yes deletes the keys and the sessions made from them', async () => {
    ok(await run(['add', 'source', '--env'], { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret }), 'add');
    ok(await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']), 'exec');
    const cached = (await readdir(join(s.home, '.cache/mfa-exec'))).filter((n) => /^(session|role)-/.test(n));
    assert.equal(cached.length, 2, 'an MFA session and role credentials');

    const refused = await run(['remove', 'source']);
    assert.equal(refused.code, 64, refused.stderr);
    assert.match(refused.stderr, /add --yes/);
    const keyFile = join(s.home, '.local/share/mfa-exec/keys/source.keys');
    await stat(keyFile);

    const removed = await run(['remove', '--yes', 'source']);
    ok(removed, 'remove --yes');
    assert.match(
      removed.stderr,
      /deleted the keys of profile 'source' from the encrypted key files in .*; dropped 2 cached entries made from them/,
    );
    await assert.rejects(stat(keyFile));
    assert.deepEqual(
      (await readdir(join(s.home, '.cache/mfa-exec'))).filter((n) => /^(session|role)-/.test(n)),
      [],
    );
    const after = await run(['-p', 'role', '--mfa-token', '123456', '--', 'true']);
    assert.equal(after.code, 78, after.stderr);
    const again = await run(['remove', '--yes', 'source']);
    ok(again, 'remove of nothing');
    assert.match(
      again.stderr,
      /no keys of profile 'source' are stored in the encrypted key files in .* or the OS keyring \(none answers here\); nothing to delete/,
    );
    // No keyring answers here: no message offers one as a place the keys were or are.
    assert.doesNotMatch(refused.stderr + removed.stderr + again.stderr, /Secret Service/);
    // The credentials file has no keys for 'source' (they were added, not imported): the last copy, said before deleting.
    assert.match(removed.stderr, /warning: these are the only copy of the keys of profile 'source'/);
  });

  test('add of the keys already stored keeps the sessions made from them: the next run asks for no code', async () => {
    const keys = { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret };
    ok(await run(['add', 'source', '--env'], keys), 'add');
    ok(await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']), 'exec');
    const again = await run(['add', 'source', '--env'], keys);
    ok(again, 'add the same keys');
    assert.match(again.stderr, /the keys of profile 'source' \(AKIA…\w{4}\) are already in the encrypted key files in .*; nothing changed/);
    aws.resetCalls();
    ok(await run(['-p', 'role', '--', 'true']), 'exec without a code: the cached role credentials serve');
    assert.deepEqual(aws.calls, {});

    // Other keys under the same name: the sessions made from the old ones go.
    const other = await run(['add', 'source', '--env'], {
      AWS_ACCESS_KEY_ID: aws.users.carol!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.users.carol!.secretAccessKey,
    });
    ok(other, 'add other keys');
    assert.match(other.stderr, /stored the keys of profile 'source'/);
    const status = await run(['status', 'role']);
    assert.equal(status.code, 1, 'a code is needed again');
  });

  test('messages name the profile, never the key file’s %-encoded name', async () => {
    const config = `${configText(aws, s.user)}\n[profile GEHC-000]\nregion = us-west-2\n`;
    await writeAwsFiles(s.home, { config });
    const add = await run(['add', 'GEHC-000', '--env'], { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret });
    ok(add, 'add GEHC-000');
    const wrong = await run(['add', 'GEHC-000', '--env'], {
      AWS_ACCESS_KEY_ID: aws.users.carol!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.users.carol!.secretAccessKey,
      MFA_EXEC_FILE_PASSPHRASE: 'not the passphrase',
    });
    assert.equal(wrong.code, 79, wrong.stderr);
    const removed = await run(['remove', 'GEHC-000', '--yes']);
    ok(removed, 'remove');
    for (const r of [add, wrong, removed]) {
      assert.match(r.stderr, /profile 'GEHC-000'/);
      assert.doesNotMatch(r.stderr, /%[0-9A-F]{2}|\.keys\b/, r.stderr);
    }
    assert.equal((await readdir(join(s.home, '.local/share/mfa-exec/keys'))).length, 0);
  });

  test('doctor: which store answers, and the plaintext keys import could move', async () => {
    await writeAwsFiles(s.home, {
      credentials: `[source]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n[temp]\naws_access_key_id = ASIAX\naws_secret_access_key = y\naws_session_token = z\n`,
    });
    const r = await run(['doctor']);
    assert.match(
      r.stdout,
      /^ok\s+key store: no keyring answers \(.*\); new keys go to encrypted files in .*\/\.local\/share\/mfa-exec\/keys$/m,
    );
    assert.match(
      r.stdout,
      /^ok\s+long-term keys in plain text in .*credentials for 'source'; 'mfa-exec import source' moves them into the key store$/m,
    );
    ok(await run(['import', 'source']), 'import');
    const after = await run(['doctor']);
    assert.match(after.stdout, /new keys go to encrypted files in .*keys \(1 profile\)$/m);
    assert.doesNotMatch(after.stdout, /plain text/);
    const forced = await run(['doctor'], { MFA_EXEC_BACKEND: 'keyring' });
    assert.equal(forced.code, 1);
    assert.match(forced.stdout, /^fail\s+key store: MFA_EXEC_BACKEND=keyring chooses the OS keyring, but no keyring answers/m);
  });

  test('import keeps every other byte of the credentials file; the keys then come from the store', async () => {
    const user = aws.users[s.user]!;
    const carol = aws.users.carol!;
    const original =
      '# my AWS keys\r\n' +
      '[carol]\r\naws_access_key_id = ' +
      carol.accessKeyId +
      '\r\naws_secret_access_key = ' +
      carol.secretAccessKey +
      '\r\n\r\n' +
      '; the main one\n[source]\nregion = us-west-2\nAWS_Access_Key_ID  :  ' +
      user.accessKeyId +
      '\n# keep me\naws_secret_access_key=' +
      user.secretAccessKey +
      '\noutput = json\n\n' +
      '[other]\nx = 1';
    const expected =
      '# my AWS keys\r\n' +
      '[carol]\r\naws_access_key_id = ' +
      carol.accessKeyId +
      '\r\naws_secret_access_key = ' +
      carol.secretAccessKey +
      '\r\n\r\n' +
      '; the main one\n[source]\nregion = us-west-2\n# keep me\noutput = json\n\n' +
      '[other]\nx = 1';
    await writeAwsFiles(s.home, { credentials: original });
    const credentials = join(s.home, '.aws/credentials');
    const r = await run(['import', 'source']);
    ok(r, 'import');
    assert.match(
      r.stderr,
      /moved the keys of profile 'source' in the encrypted key files in .*keys \(AKIA…\w{4}\); removed them from .*credentials/,
    );
    assert.equal(await readFile(credentials, 'utf8'), expected);
    assert.deepEqual(await readdir(join(s.home, '.aws')), ['config', 'credentials'], 'no backup or temporary copy left behind');
    assert.deepEqual(await filesContaining(s.home, user.secretAccessKey), []);

    const exec = await run([
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
    ok(exec, 'exec with the imported keys');
    assert.equal(aws.log.find((e) => e.action === 'GetSessionToken')?.accessKeyId, user.accessKeyId);
    const list = JSON.parse((await run(['list', '--json'])).stdout) as { profile: string; keys?: string }[];
    assert.equal(list.find((x) => x.profile === 'source')?.keys, 'encrypted file');
    assert.equal(list.find((x) => x.profile === 'carol')?.keys, 'credentials file');
  });

  test('import that cannot store leaves the credentials file untouched (and temporary credentials are refused)', async () => {
    const user = aws.users[s.user]!;
    const original = `[source]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n[temp]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\naws_session_token = t\n`;
    await writeAwsFiles(s.home, { credentials: original });
    const credentials = join(s.home, '.aws/credentials');
    const noKeyring = await run(['import', 'source', '--backend', 'keyring']);
    assert.equal(noKeyring.code, 74, noKeyring.stderr);
    assert.equal(await readFile(credentials, 'utf8'), original);
    const wrong = await run(['import', 'source'], { MFA_EXEC_FILE_PASSPHRASE: '' });
    assert.equal(wrong.code, 66, wrong.stderr);
    assert.equal(await readFile(credentials, 'utf8'), original);
    const temp = await run(['import', 'temp']);
    assert.equal(temp.code, 78, temp.stderr);
    assert.match(temp.stderr, /temporary credentials/);
    assert.equal(await readFile(credentials, 'utf8'), original);
    void configText;
  });
});
