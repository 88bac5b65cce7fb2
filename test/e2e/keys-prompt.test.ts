// The key prompts in a real terminal: `add` echoes the access key id but not the secret nor the
// passphrase, also when everything is pasted at once on a busy machine; Ctrl-C at the secret ends
// mfa-exec at once (130) with the terminal's echo back on; a cache miss asks for the key store's
// passphrase (three tries), then for the MFA code; a keyring asked for by name is checked first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, runCli, runInPty, startFakeAws, writeAwsFiles, type FakeAws } from '../harness/index.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

const PASSPHRASE = 'Tr0ub4dor&3-passphrase';

describe('key prompts on the terminal', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let keyId: string;
  let secret: string;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    keyId = aws.users[s.user]!.accessKeyId;
    secret = aws.users[s.user]!.secretAccessKey;
    await writeAwsFiles(s.home, { credentials: '' });
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  test('add: the key id is echoed, the secret and the new passphrase (asked twice) are not', async () => {
    const r = await runInPty([CLI_PATH, 'add', 'source'], {
      env: { ...s.env, MFA_EXEC_BACKEND: 'file' },
      steps: [
        { expect: "Access key id for profile 'source': ", send: `${keyId}\r` },
        { expect: "Secret access key for profile 'source' (not shown): ", send: `${secret}\r` },
        { expect: 'New passphrase for the encrypted key files in ', send: `${PASSPHRASE}\r` },
        { expect: 'Repeat the passphrase: ', send: `${PASSPHRASE}\r` },
        { expect: "stored the keys of profile 'source'" },
      ],
      timeoutMs: 30_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.ok(r.output.includes(keyId), 'the key id was echoed');
    assert.ok(!r.output.includes(secret), `the secret was shown:\n${r.output}`);
    assert.ok(!r.output.includes(PASSPHRASE), `the passphrase was shown:\n${r.output}`);

    const exec = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], {
      env: { ...s.env, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(aws.log.find((e) => e.action === 'GetSessionToken')?.accessKeyId, keyId);
  });

  test('add: the whole input pasted at once (id, Enter, secret, Enter, passphrase twice) on a loaded machine: only the id is shown', async () => {
    // Two CPU-bound processes beside it, as on the busy machine where the secret was echoed.
    const load = [0, 1].map(() => spawn('/bin/sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    try {
      const r = await runInPty([CLI_PATH, 'add', 'source'], {
        env: { ...s.env, MFA_EXEC_BACKEND: 'file' },
        steps: [
          { expect: "Access key id for profile 'source': ", send: `${keyId}\r${secret}\r${PASSPHRASE}\r${PASSPHRASE}\r` },
          { expect: "stored the keys of profile 'source'" },
        ],
        timeoutMs: 60_000,
      });
      assert.equal(r.exitStatus, 0, r.output);
      assert.ok(r.output.includes(keyId), 'the key id was shown');
      assert.ok(!r.output.includes(secret), `the secret was shown:\n${r.output}`);
      assert.ok(!r.output.includes(PASSPHRASE), `the passphrase was shown:\n${r.output}`);
      assert.match(r.output, /\(not shown\): \r?\n/, 'the secret prompt, then only the line end');
    } finally {
      for (const child of load) child.kill('SIGKILL');
    }
    const exec = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], {
      env: { ...s.env, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(aws.log.find((e) => e.action === 'GetSessionToken')?.accessKeyId, keyId, 'the pasted keys were stored whole');
  });

  test('add --backend keyring where no keyring answers: exit 74 before the keys are asked for', async () => {
    const r = await runInPty([CLI_PATH, 'add', 'source', '--backend', 'keyring'], {
      env: { ...s.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(s.home, 'no-bus')}` },
      steps: [{ expect: 'Nothing was asked or stored' }],
      timeoutMs: 30_000,
    });
    assert.equal(r.exitStatus, 74, r.output);
    assert.doesNotMatch(r.output, /Access key id/);
    assert.match(r.output, /--backend keyring chooses the OS keyring, and none can be used here: .*--backend file/s);
    assert.doesNotMatch(r.output, /Unlock the keyring/);
  });

  test('a wrong passphrase is asked again, three tries in all, then exit 79 with no AWS call; a right one on the second try goes on', async () => {
    const add = await runCli(['add', 'source', '--env', '--backend', 'file'], {
      env: { ...s.env, AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(add.code, 0, add.stderr);
    const wrong = await runInPty([CLI_PATH, '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [
        { expect: 'Passphrase for the encrypted key files in ', send: 'wrong one\r' },
        { expect: 'try again (2 more)' },
        { expect: 'Passphrase for the encrypted key files in ', send: 'wrong two\r' },
        { expect: 'try again (1 more)' },
        { expect: 'Passphrase for the encrypted key files in ', send: 'wrong three\r' },
        { expect: 'No passphrase of 3 tries opened the encrypted key files' },
      ],
      timeoutMs: 60_000,
    });
    assert.equal(wrong.exitStatus, 79, wrong.output);
    assert.doesNotMatch(wrong.output, /wrong (one|two|three)/, 'no passphrase was shown');
    assert.deepEqual(aws.calls, {});

    const second = await runInPty([CLI_PATH, '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [
        { expect: 'Passphrase for the encrypted key files in ', send: 'wrong one\r' },
        { expect: 'try again (2 more)' },
        { expect: 'Passphrase for the encrypted key files in ', send: `${PASSPHRASE}\r` },
        { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
      ],
      timeoutMs: 60_000,
    });
    assert.equal(second.exitStatus, 0, second.output);
    assert.equal(aws.calls.GetSessionToken, 1);
  });

  test('import of two profiles into a new store asks for the passphrase once (new: twice to confirm), not once per profile', async () => {
    const keys = (u: string) =>
      `aws_access_key_id = ${aws.users[u]!.accessKeyId}\naws_secret_access_key = ${aws.users[u]!.secretAccessKey}\n`;
    await writeAwsFiles(s.home, { credentials: `[source]\n${keys(s.user)}\n[bob]\n${keys('bob')}` });
    const r = await runInPty([CLI_PATH, 'import', 'source', 'bob'], {
      env: { ...s.env, MFA_EXEC_BACKEND: 'file' },
      steps: [
        { expect: 'New passphrase for the encrypted key files in ', send: `${PASSPHRASE}\r` },
        { expect: 'Repeat the passphrase: ', send: `${PASSPHRASE}\r` },
      ],
      timeoutMs: 30_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.equal(r.output.match(/passphrase/gi)?.length, 2, `asked more than once:\n${r.output}`);
    assert.equal((await readdir(join(s.home, '.local', 'share', 'mfa-exec', 'keys'))).filter((n) => n.endsWith('.keys')).length, 2);
  });

  test('Ctrl-C at the secret: exit 130 within a second, echo back on (terminal settings unchanged), nothing stored', async () => {
    const script =
      'before=$(stty -g); "$MFA" add source; echo "rc=$?"; [ "$(stty -g)" = "$before" ] && echo tty-same; read line; echo "got=$line"';
    const r = await runInPty(['/bin/bash', '-c', script], {
      env: { ...s.env, MFA: CLI_PATH, MFA_EXEC_BACKEND: 'file' },
      steps: [
        { expect: "Access key id for profile 'source': ", send: `${keyId}\r` },
        { expect: '(not shown): ', send: 'half-typed' },
        { send: '\x03' },
        { expect: 'rc=130', timeoutMs: 1_000 },
        { expect: 'tty-same' },
        { send: 'visible\r' },
        { expect: 'got=visible' },
      ],
      timeoutMs: 20_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.match(r.output, /Key prompt cancelled/);
    assert.ok(!r.output.includes('half-typed'), 'what was typed at the secret prompt was not echoed');
    assert.match(r.output, /visible\r?\n/, 'echo is back on: the next line typed shows');
    assert.deepEqual(await readdir(join(s.home, '.local/share/mfa-exec/keys')).catch(() => []), []);
  });

  test('a cache miss asks for the passphrase (not echoed), then for the MFA code', async () => {
    const add = await runCli(['add', 'source', '--env', '--backend', 'file'], {
      env: { ...s.env, AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(add.code, 0, add.stderr);
    const r = await runInPty([CLI_PATH, '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [
        { expect: 'Passphrase for the encrypted key files in ', send: `${PASSPHRASE}\r` },
        { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
      ],
      timeoutMs: 30_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.ok(!r.output.includes(PASSPHRASE), `the passphrase was shown:\n${r.output}`);
    assert.equal(aws.calls.GetSessionToken, 1);
  });

  test('remove asks to confirm on the terminal; anything but y keeps the keys', async () => {
    const add = await runCli(['add', 'source', '--env', '--backend', 'file'], {
      env: { ...s.env, AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(add.code, 0, add.stderr);
    const no = await runInPty([CLI_PATH, 'remove', 'source'], {
      env: s.env,
      steps: [
        { expect: /these are the only copy of the keys of profile 'source'/ },
        { expect: /Delete the only copy of the keys of profile 'source' stored in the encrypted key files in .*\? \[y\/N\] /, send: 'n\r' },
        { expect: 'Not confirmed' },
      ],
      timeoutMs: 15_000,
    });
    assert.equal(no.exitStatus, 1, no.output);
    assert.deepEqual(await readdir(join(s.home, '.local/share/mfa-exec/keys')), ['source.keys']);
    const yes = await runInPty([CLI_PATH, 'remove', 'source'], {
      env: s.env,
      steps: [{ expect: '[y/N] ', send: 'y\r' }, { expect: "deleted the keys of profile 'source'" }],
      timeoutMs: 15_000,
    });
    assert.equal(yes.exitStatus, 0, yes.output);
    assert.deepEqual(await readdir(join(s.home, '.local/share/mfa-exec/keys')), []);
  });
});
