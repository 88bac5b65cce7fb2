// Prompts with no terminal, the way an IDE, a desktop launcher or --server meets them: the built
// CLI in a session of its own (setsid, stdio captured: runCli), the real zenity and kdialog on a
// private Xvfb display, answered (or cancelled, or left alone) by xdotool like a person; a real
// notification daemon (dunst) and the ykman stand-in for the YubiKey. What the dialog showed is
// read from its argv, which every local user can read too: the profile and device, never a secret.
// Missing desktop tools skip outside CI and fail under CI=true (scripts/ci-desktop-deps.sh).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  CLI_PATH,
  desktopMissing,
  makeStandIns,
  pythonTool,
  runCli,
  runInPty,
  startDesktop,
  startFakeAws,
  writeAwsFiles,
  type CliResult,
  type Desktop,
  type Dialog,
  type FakeAws,
} from '../harness/index.ts';
import { killGroup, trackGroup, untrackGroup } from '../harness/reaper.ts';
import { SPEC, callerArn, configText, makeScenario, type Scenario } from './scenario.ts';

const CI = process.env['CI'] === 'true';
const TOOLS = ['Xvfb', 'xdotool', 'xprop', 'zenity', 'kdialog', 'dunst', 'notify-send', 'dbus-run-session', 'dbus-send'];
const missing = desktopMissing(TOOLS);
if (missing && CI) throw new Error(`CI=true but ${missing}`);

const MFA_DIALOG = /^mfa-exec: MFA prompt/;

function ok(r: CliResult, what: string): void {
  assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** The credential_process JSON an SDK reads. */
function processJson(stdout: string): { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string } {
  return JSON.parse(stdout) as { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
}

/** The CLI started like runCli (own session, no terminal), with its stderr readable while it runs. */
function startCli(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(CLI_PATH, args, { env, cwd: env['HOME'], detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid!;
  trackGroup(pgid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<CliResult>((resolve, reject) => {
    const started = Date.now();
    const timer = setTimeout(() => {
      killGroup(pgid, 'SIGKILL');
      reject(new Error(`${args.join(' ')}: still running after 60 s\n${stderr}`));
    }, 60_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(pgid, 'SIGKILL');
      untrackGroup(pgid);
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
  return { stderr: () => stderr, done, kill: () => killGroup(pgid, 'SIGKILL') };
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every window named like our dialogs while `during` runs (each distinct window id once). */
/**
 * The mfa-exec dialogs shown while `during` runs, by window id. `during` gets the set too and adds
 * the dialogs it answered itself: under load every poll may miss a dialog the answer found.
 */
async function dialogsDuring<T>(desk: Desktop, during: (seen: Set<string>) => Promise<T>): Promise<{ result: T; seen: number }> {
  const seen = new Set<string>();
  let running = true;
  const poll = (async () => {
    while (running) {
      // A window closing during xdotool's search makes it fail (BadWindow): that poll sees nothing, the next one looks again.
      for (const w of await desk.windows().catch(() => [])) if (/^mfa-exec/.test(w.name)) seen.add(w.windowId);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    return { result: await during(seen), seen: seen.size };
  } finally {
    running = false;
    await poll;
  }
}

describe('prompts with no terminal: the real zenity and kdialog under Xvfb', { timeout: 300_000, skip: missing ?? false }, () => {
  let aws: FakeAws;
  let desk: Desktop;
  let s: Scenario;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    [aws, desk] = await Promise.all([startFakeAws(SPEC), startDesktop({ notifications: 'dunst' })]);
  });
  after(async () => {
    await desk?.close();
    await aws?.close();
  });
  beforeEach(async () => {
    s = await makeScenario(aws);
    env = { ...s.env, ...desk.env };
    aws.resetCalls();
  });
  // A test that failed half-way may have left its dialog open: the next test must not answer it.
  afterEach(async () => {
    for (let i = 0; i < 10; i++) {
      const open = (await desk.windows().catch(() => [])).filter((w) => /^mfa-exec/.test(w.name));
      if (open.length === 0) return;
      const dialog = await desk.waitForDialog({ name: /^mfa-exec/, timeoutMs: 1_000 }).catch(() => undefined);
      if (dialog?.pid !== undefined) {
        try {
          process.kill(dialog.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterEach(() => s.cleanup());

  /** Shows the dialog was for `profile` and the device, and holds nothing of `secrets` in what every user can read. */
  function assertShown(dialog: Dialog, profile: string, secrets: string[]): void {
    assert.equal(dialog.title, 'mfa-exec: MFA prompt');
    assert.ok(dialog.text?.includes(s.serial), dialog.text);
    assert.ok(dialog.text?.includes(`(profile ${profile})`), dialog.text);
    for (const secret of secrets) assert.ok(!dialog.argv.join('\0').includes(secret), 'no secret in the dialog’s argv');
  }

  test('credential_process run the way an IDE runs it asks in a zenity dialog; the real aws CLI and boto3 accept what it returns', async () => {
    const config = `${configText(aws, s.user)}\n[profile ide]\nregion = us-east-1\ncredential_process = ${CLI_PATH} credential-process --profile role\n`;
    await writeAwsFiles(s.home, { config });
    let code = '';
    // The aws CLI (botocore) runs credential_process with stdout captured, in a session with no terminal.
    const cli = runCli(['--profile', 'ide', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...env, MFA_EXEC_DEBUG: '1' },
      argv0Path: pythonTool('aws'),
      timeoutMs: 60_000,
    });
    const shown = await desk.answerDialog({ name: MFA_DIALOG, text: async () => (code = await aws.freshTotp(s.serial)) });
    const r = await cli;
    ok(r, 'aws --profile ide');
    assert.match(callerArn(r.stdout), /assumed-role\/hc-master\//);
    assert.equal(shown.wmClass, 'zenity');
    assertShown(shown, 'role', [code]);
    assert.ok(!r.stderr.includes(code), 'the code is not in --debug output');

    // boto3 through the same credential_process: the cache serves it, no dialog.
    const boto3 = await runCli(
      ['-c', "import boto3; print(boto3.Session(profile_name='ide').client('sts').get_caller_identity()['Arn'])"],
      { env, argv0Path: pythonTool('python3'), timeoutMs: 60_000 },
    );
    ok(boto3, 'boto3');
    assert.match(boto3.stdout, /assumed-role\/hc-master\//);
    const direct = await runCli(['credential-process', '--profile', 'role'], { env });
    ok(direct, 'credential-process');
    assert.equal(processJson(direct.stdout).Version, 1);
    assert.equal(aws.calls.GetSessionToken, 1, 'one MFA prompt for all of them');
  });

  test('kdialog on a KDE desktop: a wrapped command asks there; a rejected code is said in the next dialog, then asked again', async () => {
    const run = runCli(['-p', 'role', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...env, XDG_CURRENT_DESKTOP: 'KDE' },
      timeoutMs: 60_000,
    });
    const first = await desk.answerDialog({ name: MFA_DIALOG, text: '000000' });
    assert.equal(first.name, 'mfa-exec: MFA prompt — KDialog');
    assert.equal(first.wmClass, 'kdialog');
    assert.equal(first.text, `<qt>Enter MFA code for ${s.serial}<br>(profile role)</qt>`);
    await until('the first dialog to close', () => first.pid === undefined || !existsSync(`/proc/${first.pid}`));
    const second = await desk.answerDialog({ name: MFA_DIALOG, text: () => aws.freshTotp(s.serial) });
    assert.match(second.text!, new RegExp(`^<qt>AWS rejected that code for ${s.serial.replace(/[/]/g, '\\/')}\\.<br>Enter MFA code`));
    const r = await run;
    ok(r, 'exec');
    assert.match(callerArn(r.stdout), /assumed-role\/hc-master\//);
  });

  test('Cancel (Escape) is exit 130 with zenity and kdialog: nothing sent to AWS, the lock let go, stdout empty', async () => {
    for (const extra of [{}, { MFA_EXEC_PROMPT: 'kdialog' }]) {
      const run = runCli(['credential-process', '--profile', 'role'], { env: { ...env, ...extra } });
      await desk.answerDialog({ name: MFA_DIALOG, key: 'Escape' });
      const r = await run;
      assert.equal(r.code, 130, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'mfa-exec: MFA prompt cancelled.\n');
    }
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
    const left = await readdir(join(s.home, '.cache', 'mfa-exec'));
    assert.deepEqual(
      left.filter((n) => n.startsWith('lock-')),
      [],
    );
  });

  test('no answer within MFA_EXEC_PROMPT_TIMEOUT: exit 66, the dialog closed (zenity times itself out, mfa-exec closes kdialog)', async () => {
    for (const prompt of ['zenity', 'kdialog']) {
      const run = runCli(['credential-process', '--profile', 'role', '--prompt', prompt], {
        env: { ...env, MFA_EXEC_PROMPT_TIMEOUT: '3s' },
      });
      const shown = await desk.waitForDialog({ name: MFA_DIALOG });
      assert.equal(shown.wmClass, prompt);
      const r = await run;
      assert.equal(r.code, 66, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `MFA prompt: the ${prompt} dialog got no answer in 3 s \\(MFA_EXEC_PROMPT_TIMEOUT\\) and was closed; nothing was sent\\.`,
        ),
      );
      await until('the dialog to go', () => shown.pid === undefined || !existsSync(`/proc/${shown.pid}`), 10_000);
    }
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
  });

  // Regression: a dialog outlived an mfa-exec killed with SIGKILL (no handler runs), kdialog for
  // ever (it has no timeout of its own), zenity until MFA_EXEC_PROMPT_TIMEOUT.
  test('mfa-exec killed with SIGKILL while its dialog waits: the dialog goes too (zenity and kdialog)', async () => {
    for (const prompt of ['zenity', 'kdialog']) {
      const run = startCli(['credential-process', '--profile', 'role', '--prompt', prompt], env);
      const shown = await desk.waitForDialog({ name: MFA_DIALOG });
      assert.equal(shown.wmClass, prompt);
      assert.ok(shown.pid !== undefined && existsSync(`/proc/${shown.pid}`));
      run.kill();
      const r = await run.done;
      assert.equal(r.signal, 'SIGKILL');
      await until(`the orphaned ${prompt} dialog to go`, () => !existsSync(`/proc/${shown.pid}`), 10_000);
    }
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
  });

  test('the key store’s passphrase in a hidden dialog that names the store and the profile, then the MFA code; --debug shows neither', async () => {
    const passphrase = 'correct horse & battery_staple';
    const user = aws.users[s.user]!;
    await writeAwsFiles(s.home, { credentials: '# keys live in mfa-exec\n' });
    ok(
      await runCli(['add', 'source', '--env'], {
        env: {
          ...s.env,
          MFA_EXEC_FILE_PASSPHRASE: passphrase,
          AWS_ACCESS_KEY_ID: user.accessKeyId,
          AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
        },
      }),
      'add',
    );
    let code = '';
    const run = runCli(['credential-process', '--profile', 'role', '--debug'], { env });
    const asked = await desk.answerDialog({ name: /^mfa-exec: Passphrase prompt$/, text: passphrase });
    assert.deepEqual(asked.argv.slice(1, 3), ['--entry', '--hide-text']);
    assert.match(asked.text!, /^Passphrase for the encrypted key files in .*\/\.local\/share\/mfa-exec\/keys\n\(profile source\)$/);
    const mfa = await desk.answerDialog({ name: MFA_DIALOG, text: async () => (code = await aws.freshTotp(s.serial)) });
    const r = await run;
    ok(r, 'credential-process with stored keys');
    assert.equal(processJson(r.stdout).Version, 1);
    for (const dialog of [asked, mfa]) for (const secret of [passphrase, code]) assert.ok(!dialog.argv.join('\0').includes(secret));
    for (const secret of [passphrase, code, user.secretAccessKey]) assert.ok(!r.stderr.includes(secret), 'no secret in --debug');
  });

  test('parallel runs needing one code: one dialog, one GetSessionToken; a Cancel ends all of them without a second dialog', async (t) => {
    const runs: Array<ReturnType<typeof startCli>> = [];
    t.after(() => runs.forEach((r) => r.kill())); // a failure here leaves no dialog for the next test
    const started = () => {
      const three = [1, 2, 3].map(() => startCli(['credential-process', '--profile', 'role'], { ...env, MFA_EXEC_DEBUG: '1' }));
      runs.push(...three);
      return three;
    };
    const answered = started();
    const { result, seen } = await dialogsDuring(desk, async (shown) => {
      shown.add((await desk.answerDialog({ name: MFA_DIALOG, text: () => aws.freshTotp(s.serial) })).windowId);
      return Promise.all(answered.map((r) => r.done));
    });
    for (const r of result) ok(r, 'credential-process');
    assert.equal(seen, 1, 'one dialog');
    assert.equal(aws.calls.GetSessionToken, 1);

    await runCli(['clear', '--profile', 'role'], { env });
    const cancelled = started();
    const outcome = await dialogsDuring(desk, async (shown) => {
      shown.add((await desk.waitForDialog({ name: MFA_DIALOG })).windowId);
      // The two others are waiting for the chain's lock before the person cancels.
      await until('two runs waiting for the lock', () => cancelled.filter((r) => /waiting for it/.test(r.stderr())).length === 2);
      await desk.answerDialog({ name: MFA_DIALOG, key: 'Escape' });
      return Promise.all(cancelled.map((r) => r.done));
    });
    assert.equal(outcome.seen, 1, 'no second dialog after the Cancel');
    for (const r of outcome.result) assert.equal(r.code, 130, r.stderr);
    assert.equal(outcome.result.filter((r) => /was cancelled while this one waited for it; not asking again/.test(r.stderr)).length, 2);
  });

  test('--server: a renewal that needs a new code asks in a dialog while the command runs, and the command gets what it brought', async () => {
    const go = join(s.home, 'go');
    const script = `while [ ! -e "${go}" ]; do sleep 0.1; done; aws sts get-caller-identity --output json`;
    const run = runCli(
      ['--server', '--no-session', '-p', 'role', '-d', '15m', '--mfa-token', await aws.freshTotp(s.serial), '--', 'sh', '-c', script],
      {
        // The credentials (15 min) are inside the notice at once, and without an MFA session their renewal needs a code.
        env: { ...env, MFA_EXEC_RENEWAL_NOTICE: '1h' },
        timeoutMs: 90_000,
      },
    );
    let code = '';
    const shown = await desk.answerDialog({ name: MFA_DIALOG, text: async () => (code = await aws.freshTotp(s.serial)) });
    assert.match(
      shown.text!,
      /^The credentials of 'sh' \(still running\) run out at .*; a new MFA code for profile 'role' keeps it going\n[^]*Enter MFA code for /,
    );
    assert.ok(!shown.argv.join('\0').includes(code));
    await until('the renewal', () => aws.log.filter((e) => e.action === 'AssumeRole' && e.status === 200).length === 2);
    await writeFile(go, '');
    const r = await run;
    ok(r, '--server');
    assert.match(callerArn(r.stdout), /assumed-role\/hc-master\//);
    assert.doesNotMatch(r.stderr, /run in another terminal/);
  });
});

describe('the YubiKey (ykman stand-in): no terminal, a real notification daemon', { timeout: 180_000, skip: missing ?? false }, () => {
  let aws: FakeAws;
  let desk: Desktop;
  let s: Scenario;
  before(async () => {
    [aws, desk] = await Promise.all([startFakeAws(SPEC), startDesktop({ notifications: 'dunst' })]);
  });
  after(async () => {
    await desk?.close();
    await aws?.close();
  });
  beforeEach(async () => {
    s = await makeScenario(aws);
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  const account = () => `Amazon Web Services:${s.user}`;
  async function withAccount(): Promise<void> {
    const config = configText(aws, s.user).replace(/(\[profile role\]\n)/, `$1mfa_exec_ykman_account = ${account()}\n`);
    await writeAwsFiles(s.home, { config });
  }

  test('the code from the key for the profile’s account; "touch your YubiKey" as a desktop notification, no secret in it', async (t) => {
    await withAccount();
    const keys = makeStandIns({ ykman: { accounts: [account(), 'github.com:someone'], serial: '7654321', touchMs: 300 } });
    t.after(() => keys.cleanup());
    const code = await aws.freshTotp(s.serial);
    keys.setYkmanCode(code);
    const env = { ...s.env, ...desk.env, ...keys.env, PATH: `${keys.bin}:${s.env.PATH}`, YKMAN_OATH_DEVICE_SERIAL: '7654321' };
    const r = await runCli(['credential-process', '--profile', 'role', '--prompt', 'ykman'], { env });
    ok(r, 'credential-process --prompt ykman');
    assert.equal(processJson(r.stdout).Version, 1);
    assert.deepEqual(keys.ykmanCalls(), [['--device', '7654321', 'oath', 'accounts', 'code', '--single', account()]]);
    await until('the notification', () => desk.notifications().length > 0, 10_000);
    const [shown] = desk.notifications();
    assert.deepEqual([shown!.appName, shown!.summary], ['mfa-exec', 'Touch your YubiKey']);
    assert.equal(shown!.body, `mfa-exec needs an MFA code (profile role, account ${account()})`);
    assert.ok(!JSON.stringify(desk.notifications()).includes(code));
    assert.ok(!r.stderr.includes(code));
  });

  test('with a terminal, the touch line goes there and nothing is read from it; AWS_VAULT_PROMPT=ykman and the device as the account', async (t) => {
    const keys = makeStandIns({ ykman: { accounts: [s.serial], touchMs: 300 }, notifySend: true });
    t.after(() => keys.cleanup());
    keys.setYkmanCode(await aws.freshTotp(s.serial));
    const env = { ...s.env, ...keys.env, PATH: `${keys.bin}:${s.env.PATH}`, AWS_VAULT_PROMPT: 'ykman' };
    const r = await runInPty([CLI_PATH, 'login', '-p', 'role'], {
      env,
      steps: [{ expect: `mfa-exec: touch your YubiKey (profile role, account ${s.serial})` }, { expect: "profile 'role' is ready" }],
      timeoutMs: 30_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.doesNotMatch(r.output, /Enter MFA code|AWS_VAULT_PROMPT/);
    assert.deepEqual(keys.ykmanCalls(), [['oath', 'accounts', 'code', '--single', s.serial]]);
    assert.deepEqual(keys.notifications(), [], 'the terminal was told, no notification');
  });

  test('no YubiKey: 66 saying so; no single account matching: 65 naming mfa_exec_ykman_account', async (t) => {
    const absent = makeStandIns({ ykman: { accounts: [s.serial], fail: 'no-key' } });
    const two = makeStandIns({ ykman: { accounts: [`${s.serial} (old)`, `${s.serial} (new)`] } });
    t.after(() => {
      absent.cleanup();
      two.cleanup();
    });
    const run = (keys: typeof absent) =>
      runCli(['credential-process', '--profile', 'role', '--prompt', 'ykman'], {
        env: { ...s.env, ...keys.env, PATH: `${keys.bin}:${s.env.PATH}` },
      });
    const none = await run(absent);
    assert.equal(none.code, 66, none.stderr);
    assert.match(
      none.stderr,
      /MFA prompt: ykman found no YubiKey \(No YubiKey detected!\); plug it in and try again\. Profile 'role' needs an MFA code/,
    );
    const ambiguous = await run(two);
    assert.equal(ambiguous.code, 65, ambiguous.stderr);
    assert.match(
      ambiguous.stderr,
      /ykman gave no code for profile role, account .*Multiple matches.*Set mfa_exec_ykman_account in profile 'role'/,
    );
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
  });
});
