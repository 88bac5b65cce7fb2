// `--prompt none` / MFA_EXEC_PROMPT=none, for AI coding agents and CI: nobody is ever asked, not
// even with a terminal there. A cached session serves; anything needing a person fails at once
// (66) with one line saying what a person should run; a run never waits behind another mfa-exec
// that is asking a person. And the names that choose a prompt: AWS_VAULT_PROMPT honoured for the
// names mfa-exec has (no warning), an unknown --prompt refused (64).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, runCli, runInPty, startFakeAws, writeAwsFiles, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

function ok(r: CliResult, what: string): void {
  assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

describe('--prompt none: never a person', { timeout: 120_000 }, () => {
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

  test('a cold cache: exit 66 at once, one line naming the command a person should run; no STS call, not even with a terminal there', async () => {
    for (const [args, extra] of [
      [['--prompt', 'none', '-p', 'role', '--', 'true'], {}],
      [['credential-process', '--profile', 'role'], { MFA_EXEC_PROMPT: 'none' }],
      [['login', '-p', 'role', '--prompt=none'], {}],
    ] as [string[], NodeJS.ProcessEnv][]) {
      const r = await runCli(args, { env: { ...s.env, ...extra }, timeoutMs: 10_000 });
      assert.equal(r.code, 66, `${args.join(' ')}\n${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0]!,
        /^mfa-exec: Profile 'role' needs an MFA code for .*, and the prompt is 'none': nobody is asked\. A person should run 'mfa-exec login --profile role' first/,
      );
    }
    // In a real terminal too: no question is shown, nothing is read.
    const pty = await runInPty([CLI_PATH, '--prompt', 'none', '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [{ expect: "the prompt is 'none'" }],
      timeoutMs: 15_000,
    });
    assert.equal(pty.exitStatus, 66, pty.output);
    assert.doesNotMatch(pty.output, /Enter MFA code/);
    assert.deepEqual(aws.calls, {}, 'no AWS call');
  });

  test('a cached MFA session serves: another role behind it is assumed without anyone', async () => {
    ok(await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env: s.env }), 'login by token');
    const r = await runCli(['-p', 'reader', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...s.env, MFA_EXEC_PROMPT: 'none' },
    });
    ok(r, 'reader through the cached session');
    assert.match(callerArn(r.stdout), /assumed-role\/reader\//);
    assert.equal(aws.calls.GetSessionToken, 1);
  });

  test('does not wait behind another mfa-exec that is asking a person for the same code', async () => {
    let during: CliResult | undefined;
    const asking = await runInPty([CLI_PATH, '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [
        {
          expect: `Enter MFA code for ${s.serial}: `,
          sendCode: async () => {
            // The first run holds the chain's lock at its prompt while this one runs.
            during = await runCli(['--prompt', 'none', '-p', 'reader', '--', 'true'], { env: s.env, timeoutMs: 15_000 });
            return aws.freshTotp(s.serial);
          },
        },
      ],
      timeoutMs: 40_000,
    });
    assert.equal(asking.exitStatus, 0, asking.output);
    assert.equal(during?.code, 66, during?.stderr);
    assert.match(
      during!.stderr,
      /Another mfa-exec is fetching the credentials of profile 'reader' \(perhaps waiting for a person to answer its prompt\), and the prompt is 'none': this run does not wait\./,
    );
    assert.equal(aws.calls.GetSessionToken, 1, 'the waiting run called nothing');
  });

  test('keys in the encrypted file store and no passphrase: 66, saying to set MFA_EXEC_FILE_PASSPHRASE', async () => {
    const secret = aws.users[s.user]!.secretAccessKey;
    await writeAwsFiles(s.home, { credentials: '# keys live in mfa-exec\n' });
    const add = await runCli(['add', 'source', '--env'], {
      env: {
        ...s.env,
        MFA_EXEC_FILE_PASSPHRASE: 'pass phrase',
        AWS_ACCESS_KEY_ID: aws.users[s.user]!.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secret,
      },
    });
    ok(add, 'add');
    const r = await runCli(['-p', 'role', '--prompt', 'none', '--mfa-token', '123456', '--', 'true'], { env: s.env });
    assert.equal(r.code, 66, r.stderr);
    assert.match(r.stderr, /need a passphrase, and the prompt is 'none': nobody is asked\. Set MFA_EXEC_FILE_PASSPHRASE/);
  });
});

describe('choosing the prompt by name', { timeout: 60_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  before(async () => {
    aws = await startFakeAws(SPEC);
    s = await makeScenario(aws);
  });
  after(async () => {
    await s?.cleanup();
    await aws?.close();
  });

  test('an unknown --prompt or MFA_EXEC_PROMPT: 64, naming the prompts, when a prompt is needed', async () => {
    for (const [args, extra] of [
      [['--prompt', 'zenityy', '-p', 'role', '--', 'true'], {}],
      [['-p', 'role', '--', 'true'], { MFA_EXEC_PROMPT: 'dialog' }],
    ] as [string[], NodeJS.ProcessEnv][]) {
      const r = await runCli(args, { env: { ...s.env, ...extra } });
      assert.equal(r.code, 64, r.stderr);
      assert.match(
        r.stderr,
        /There is no prompt named '(zenityy|dialog)' \(--prompt, MFA_EXEC_PROMPT\): the prompts are auto, terminal, desktop, zenity, kdialog, osascript, ykman, none/,
      );
    }
  });

  test('AWS_VAULT_PROMPT: the names mfa-exec has are honoured silently; others warn once and the default is used', async () => {
    const zenity = await runCli(['-p', 'role', '--', 'true'], { env: { ...s.env, AWS_VAULT_PROMPT: 'zenity' } });
    assert.equal(zenity.code, 66, 'zenity chosen, and this run has no display');
    assert.match(zenity.stderr, /MFA prompt: zenity cannot open a window on this desktop|MFA prompt: zenity is not on PATH/);
    assert.doesNotMatch(zenity.stderr, /AWS_VAULT_PROMPT/);
    const other = await runCli(['-p', 'role', '--', 'true'], { env: { ...s.env, AWS_VAULT_PROMPT: 'wincredui' } });
    assert.equal(other.code, 66);
    assert.match(other.stderr, /warning: AWS_VAULT_PROMPT=wincredui is not supported/);
    assert.match(other.stderr, /there is no terminal to ask on/, 'the default prompt (auto): no terminal, no desktop');
  });
});
