// Ctrl-C at the MFA prompt, the way a person meets it: in a real terminal, under a shell that
// goes on afterwards. mfa-exec must be gone (exit 130) without any further key, leave the
// terminal's settings as they were, and leave the next line typed to whoever reads next.
// Regression: a blocking read of /dev/tty kept Node alive after "MFA prompt cancelled." until
// Enter was pressed, and that line was swallowed. Nothing is typed before rc=130 shows, so a
// process that waits for a key never gets there: no clock decides (how soon is the bench's).
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, runCli, runInPty, startFakeAws, writeAwsFiles, type FakeAws } from '../harness/index.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

describe('Ctrl-C at the MFA prompt ends mfa-exec at once', { timeout: 60_000 }, () => {
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

  const commands: [string, string[]][] = [
    ['exec', ['-p', 'role', '--', 'true']],
    ['credential-process', ['credential-process', '--profile', 'role']],
    ['login', ['login', '--profile', 'role']],
  ];
  for (const [what, args] of commands) {
    test(`${what}: exit 130 without another key, terminal settings unchanged, the next typed line not swallowed`, async () => {
      const script =
        'before=$(stty -g); "$MFA" "$@"; echo "rc=$?"; [ "$(stty -g)" = "$before" ] && echo tty-same; read line; echo "got=$line"';
      const r = await runInPty(['/bin/bash', '-c', script, 'bash', ...args], {
        env: { ...s.env, MFA: CLI_PATH },
        steps: [
          { expect: `Enter MFA code for ${s.serial}: `, send: '\x03' },
          { expect: 'rc=130' },
          { expect: 'tty-same' },
          { send: 'hello\r' },
          { expect: 'got=hello' },
        ],
        timeoutMs: 20_000,
      });
      assert.equal(r.exitStatus, 0, r.output);
      assert.match(r.output, /MFA prompt cancelled/, r.output);
      assert.equal(aws.calls.GetSessionToken ?? 0, 0, 'no STS call after a cancel');
      const left = await readdir(join(s.home, '.cache', 'mfa-exec')).catch(() => [] as string[]);
      assert.deepEqual(
        left.filter((n) => n.startsWith('lock-') || n.startsWith('.tmp-')),
        [],
        'the lock is released',
      );
    });
  }
});

// Issue 17: Ctrl-D (end of file on an empty line) cancels like Ctrl-C, at the MFA prompt and at
// the key store's passphrase prompt; a prompt that ignored it waited on forever.
describe('Ctrl-D at the MFA and passphrase prompts cancels (exit 130)', { timeout: 60_000 }, () => {
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

  test('the MFA prompt: exit 130, no STS call, the terminal as it was', async () => {
    const script = 'before=$(stty -g); "$MFA" -p role -- true; echo "rc=$?"; [ "$(stty -g)" = "$before" ] && echo tty-same';
    const r = await runInPty(['/bin/bash', '-c', script], {
      env: { ...s.env, MFA: CLI_PATH },
      steps: [{ expect: `Enter MFA code for ${s.serial}: `, send: '\x04' }, { expect: 'rc=130' }, { expect: 'tty-same' }],
      timeoutMs: 20_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.match(r.output, /MFA prompt cancelled/);
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
  });

  test('the passphrase prompt of the encrypted key files: exit 130, echo back on, no STS call', async () => {
    const user = aws.users[s.user]!;
    await writeAwsFiles(s.home, { credentials: '' });
    const add = await runCli(['add', 'source', '--env', '--backend', 'file'], {
      env: { ...s.env, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey, MFA_EXEC_FILE_PASSPHRASE: 'pass' },
    });
    assert.equal(add.code, 0, add.stderr);
    const script = 'before=$(stty -g); "$MFA" -p role -- true; echo "rc=$?"; [ "$(stty -g)" = "$before" ] && echo tty-same';
    const r = await runInPty(['/bin/bash', '-c', script], {
      env: { ...s.env, MFA: CLI_PATH },
      steps: [{ expect: 'Passphrase for the encrypted key files in ', send: '\x04' }, { expect: 'rc=130' }, { expect: 'tty-same' }],
      timeoutMs: 20_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.match(r.output, /cancelled/);
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
  });
});

// A cancelled question leaves a note for the runs waiting behind it (src/credentials/declined.ts).
// Regression: `clear` left these notes behind; they go with the entries clear chooses: all of
// them, or those of the profile's chain (the same source and MFA device), not another chain's.
describe('clear removes the notes of cancelled prompts with the entries it chooses', { timeout: 60_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
  });
  afterEach(() => s.cleanup());

  const notes = async () => (await readdir(join(s.home, '.cache', 'mfa-exec'))).filter((n) => n.startsWith('declined-'));
  const cancelOnce = async () => {
    const r = await runInPty([CLI_PATH, '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [{ expect: `Enter MFA code for ${s.serial}: `, send: '\x03' }],
      timeoutMs: 20_000,
    });
    assert.match(r.output, /MFA prompt cancelled/, r.output);
    assert.equal((await notes()).length, 1, 'the cancel left its note');
  };

  test("clear PROFILE removes its chain's note (reader shares role's source and device), another profile's clear does not; clear removes all", async () => {
    await cancelOnce();
    for (const profile of ['bob', 'carol-reader']) {
      const r = await runCli(['clear', profile], { env: s.env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await notes()).length, 1, `clear ${profile} leaves the note of another chain`);
    }
    const reader = await runCli(['clear', 'reader'], { env: s.env });
    assert.equal(reader.code, 0, reader.stderr);
    assert.deepEqual(await notes(), []);
    await cancelOnce();
    const all = await runCli(['clear'], { env: s.env });
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stderr, /removed 0 cached entries/);
    assert.deepEqual(await notes(), []);
  });
});
