// --server end to end: the child gets a container-credentials endpoint instead of keys; the
// real aws CLI and the JS SDK's default chain use it; refreshes happen without a prompt while the
// child runs; a prompt appears on the terminal only when the MFA session itself runs out.
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, pythonTool, runCli, runInPty, startFakeAws, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/server/${name}`, import.meta.url));
const TOTP = fileURLToPath(new URL('../fixtures/integrations/totp.py', import.meta.url));
const BOTO3 = fileURLToPath(new URL('../fixtures/integrations/boto3_whoami.py', import.meta.url));

describe('--server: refreshing credentials for long-running commands', { timeout: 120_000 }, () => {
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

  const login = async () => {
    const r = await runCli(['login', '-p', 'role', '--mfa-token', await aws.freshTotp(s.serial)], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
  };

  test('the child gets the endpoint and token, no static keys; the real aws CLI uses it', async () => {
    await login();
    const r = await runCli(
      ['--server', '-p', 'role', '--', 'sh', '-c', 'env | grep ^AWS_ | sort; aws sts get-caller-identity --output json'],
      { env: s.env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:\d+\/mfa-exec\/credentials$/m);
    assert.match(r.stdout, /^AWS_CONTAINER_AUTHORIZATION_TOKEN=[A-Za-z0-9_-]{43}$/m, '256 bits, base64url');
    assert.match(r.stdout, /^AWS_VAULT=role$/m);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
      assert.doesNotMatch(r.stdout, new RegExp(`^${name}=`, 'm'));
    assert.match(callerArn(r.stdout.slice(r.stdout.indexOf('{'))), /assumed-role\/hc-master\//);
  });

  test('MFA_EXEC_SERVER=1 makes a shim serve; shims nested inside pass through without STS calls', async () => {
    await login();
    const awsShim = await s.shim('aws');
    const calls = { ...aws.calls };
    const r = await runCli(['sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...s.env, AWS_PROFILE: 'role', MFA_EXEC_SERVER: '1' },
      argv0Path: awsShim,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(callerArn(r.stdout), /assumed-role\/hc-master\//);
    const nested = await runCli(['--server', '-p', 'role', '--', 'sh', '-c', `${awsShim} sts get-caller-identity --output json`], {
      env: { ...s.env, MFA_EXEC_SERVER: '1', MFA_EXEC_DEBUG: '1' },
    });
    assert.equal(nested.code, 0, nested.stderr);
    assert.match(nested.stderr, /nested run: AWS_VAULT=role/);
    assert.equal(nested.stderr.match(/credential server listening/g)?.length, 1, 'one server, not one per shim');
    assert.equal(aws.calls.GetSessionToken, calls.GetSessionToken);
    assert.equal(aws.calls.AssumeRole, calls.AssumeRole);
  });

  // Renewed credentials reach the SDK on the request that follows the renewal: the request that
  // starts it is answered with what is still valid if STS takes longer than a moment (500 ms).
  const renewal = async (stsDelayMs: number) => {
    await login();
    aws.delay(stsDelayMs);
    try {
      const r = await runCli(['--server', '-p', 'role', '--', process.execPath, fixture('sdk-client.mjs'), 'age-role'], {
        env: s.env,
        timeoutMs: 60_000,
      });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as {
        first: { id: string; expiration: string };
        second: { id: string; expiration: string };
        fetches: number;
        arn: string;
      };
      assert.match(out.arn, /assumed-role\/hc-master\//);
      assert.notEqual(out.second.id, out.first.id, 'renewed credentials');
      assert.ok(Date.parse(out.second.expiration) - Date.now() > 50 * 60_000);
      assert.equal(aws.calls.GetSessionToken, 1, 'renewed from the cached MFA session');
      assert.equal(aws.calls.AssumeRole, 2, 'one renewal, however many requests waited for it');
      return out;
    } finally {
      aws.delay(0);
    }
  };

  test('the JS SDK default chain gets credentials, and renewed ones once they near expiry, without a prompt', async () => {
    await renewal(0);
  });

  test('a renewal slower than a request may wait: the still-valid credentials meanwhile, then the renewed ones', async () => {
    const out = await renewal(2_000);
    assert.ok(out.fetches > 1, 'the first request after the ageing was answered before STS did');
  });

  test('unauthenticated, wrong-token, wrong-Host, other-path and POST requests are refused; the port is closed after exit', async () => {
    await login();
    const r = await runCli(['--server', '-p', 'role', '--', process.execPath, fixture('probe.mjs')], {
      env: { ...s.env, MFA_EXEC_DEBUG: '1' },
    });
    assert.equal(r.code, 0, r.stderr);
    // The refused Host is shown under --debug with its control bytes escaped, never raw.
    assert.match(r.stderr, /refused a request with Host 'evil\\u009b2J\\u0085\\u009d0;title\\u009c'/);
    assert.doesNotMatch(r.stderr, /[\u0080-\u009f]/);
    const out = JSON.parse(r.stdout) as Record<string, number | string>;
    assert.deepEqual(
      {
        c1Host: out.c1Host,
        noToken: out.noToken,
        wrongToken: out.wrongToken,
        wrongHost: out.wrongHost,
        otherPath: out.otherPath,
        post: out.post,
        good: out.good,
      },
      { c1Host: 403, noToken: 401, wrongToken: 403, wrongHost: 403, otherPath: 404, post: 405, good: 200 },
    );
    const port = Number(new URL(String(out.url)).port);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.equal(refused, 'ECONNREFUSED');
  });

  // The renewal window made to come at once without waiting an hour: an MFA session of 15 min
  // (the least AWS gives), role credentials of 30 min assumed from it (so the session ends first
  // and renewing them will need a code), and a notice window of 40 min (MFA_EXEC_RENEWAL_NOTICE).
  const SHORT = ['-d', '30m', '--session-duration', '15m'];
  const NOTICE = { MFA_EXEC_RENEWAL_NOTICE: '40m' };
  const LOGIN = 'mfa-exec login -p role -d 30m --session-duration 15m';
  const shortLogin = async (profile: string, code: string) => {
    const r = await runCli(['login', '-p', profile, ...SHORT, '--mfa-token', code], { env: { ...s.env, ...NOTICE } });
    assert.equal(r.code, 0, r.stderr);
    return r;
  };

  test("the session ending: said once, the terminal stays the command's, `login` in another terminal renews it and the server picks it up", async () => {
    await shortLogin('role', await aws.freshTotp(s.serial));
    let renewedAt = 0;
    const started = Date.now();
    const r = await runInPty([CLI_PATH, '--server', '-p', 'role', ...SHORT, '--', process.execPath, fixture('long-command.mjs'), 'ask'], {
      env: { ...s.env, ...NOTICE },
      steps: [
        { expect: `run in another terminal: ${LOGIN}`, timeoutMs: 15_000 },
        {
          // What is typed now is the command's answer: mfa-exec reads nothing.
          expect: 'Enter a value: ',
          sendCode: async () => {
            const login = await shortLogin('role', await aws.freshTotp(s.serial));
            assert.match(login.stderr, /profile 'role' is ready/);
            renewedAt = Date.now();
            return 'yes';
          },
        },
      ],
      timeoutMs: 60_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    const beforePrompt = r.output.slice(0, r.output.indexOf('Enter a value: '));
    assert.equal(beforePrompt.match(/renewing them needs a new MFA code/g)?.length, 1, `said once, for 5 requests:\n${r.output}`);
    assert.ok(beforePrompt.includes(`the credentials of '${process.execPath}' (still running, valid until `), beforePrompt);
    assert.ok(beforePrompt.includes(`mfa-exec does not read this terminal while '${process.execPath}' runs.`), beforePrompt);
    assert.doesNotMatch(r.output, /Enter MFA code/);
    const out = JSON.parse(r.output.slice(r.output.lastIndexOf('{"first"')).trim()) as {
      first: { id: string };
      second: { id: string; expiration: string };
      answer: string;
    };
    assert.equal(out.answer, 'yes', 'the answer went to the command, not to mfa-exec');
    assert.notEqual(out.second.id, out.first.id, 'the server serves what login put in the cache');
    assert.ok(Date.parse(out.second.expiration) - Date.now() > 25 * 60_000);
    assert.equal(aws.calls.GetSessionToken, 2, 'one session from each login, none from the server');
    assert.ok(renewedAt > 0 && Date.now() - started < 45_000);
  });

  // Every SDK ranks the shared files' default profile, and a web identity in the environment,
  // above the container endpoint: the child must still get the selected profile's identity.
  describe('the served identity wins over whatever [default] and the environment hold', () => {
    const carol = () => aws.users.carol!;
    const setups: Record<string, () => Promise<NodeJS.ProcessEnv>> = {
      '[default] with keys in ~/.aws/credentials (what `aws configure` writes)': async () => {
        await appendFile(
          join(s.home, '.aws', 'credentials'),
          `\n[default]\naws_access_key_id = ${carol().accessKeyId}\naws_secret_access_key = ${carol().secretAccessKey}\n`,
        );
        return s.env;
      },
      'a [default] credential_process': async () => {
        const script = join(s.home, 'carol-keys.sh');
        const json = JSON.stringify({ Version: 1, AccessKeyId: carol().accessKeyId, SecretAccessKey: carol().secretAccessKey });
        await writeFile(script, `#!/bin/sh\necho '${json}'\n`, { mode: 0o755 });
        const config = join(s.home, '.aws', 'config');
        await writeFile(config, (await readFile(config, 'utf8')).replace('[default]\n', `[default]\ncredential_process = ${script}\n`));
        return s.env;
      },
      'AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE in the environment': async () => {
        const token = join(s.home, 'web-identity-token');
        await writeFile(token, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
        return { ...s.env, AWS_ROLE_ARN: aws.roles.reader!.arn, AWS_WEB_IDENTITY_TOKEN_FILE: token, AWS_ROLE_SESSION_NAME: 'web' };
      },
    };
    for (const [what, setup] of Object.entries(setups)) {
      test(`${what}: the aws CLI, boto3 and the JS SDK get the role, not the default`, async () => {
        await login();
        const env = await setup();
        const r = await runCli(
          [
            '--server',
            '-p',
            'role',
            '--',
            'sh',
            '-c',
            'set -e; aws sts get-caller-identity --output json | tr -d "\\n "; echo; "$PYTHON" "$BOTO3" ""; "$NODE" "$SDK"',
          ],
          {
            env: { ...env, PYTHON: pythonTool('python3'), BOTO3, NODE: process.execPath, SDK: fixture('sdk-client.mjs') },
            timeoutMs: 60_000,
          },
        );
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const arns = r.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => (JSON.parse(l) as { Arn?: string; arn?: string }).Arn ?? (JSON.parse(l) as { arn: string }).arn);
        assert.equal(arns.length, 3, r.stdout);
        for (const arn of arns) assert.match(arn, /:assumed-role\/hc-master\//, `${what}\n${r.stdout}`);
        assert.equal(aws.calls.AssumeRoleWithWebIdentity ?? 0, 0);
      });
    }
  });

  test('with no terminal: the same notice once, the current credentials served meanwhile', async () => {
    await shortLogin('role', await aws.freshTotp(s.serial));
    const r = await runCli(['--server', '-p', 'role', ...SHORT, '--', process.execPath, fixture('long-command.mjs'), 'poll', '6'], {
      env: { ...s.env, ...NOTICE },
      timeoutMs: 40_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ids: string[] };
    assert.equal(new Set(out.ids).size, 1, 'the same, still valid credentials');
    assert.equal(r.stderr.match(/renewing them needs a new MFA code/g)?.length, 1, r.stderr);
    assert.ok(r.stderr.includes(`run in another terminal: ${LOGIN} (or set mfa_process in the profile)`), r.stderr);
    assert.equal(aws.calls.GetSessionToken, 1);
  });

  test('an mfa_process renews the session in the background, with no controlling terminal; its stderr still shows', async () => {
    await writeFile(join(s.home, 'totp-seed'), aws.mfaSeed(s.serial), { mode: 0o600 });
    // It records whether it could open the terminal, then prints the next window's code (the
    // login below used the current one, and AWS refuses a code twice).
    const probe = `if (exec 3</dev/tty) 2>/dev/null; then touch $HOME/had-a-terminal; fi; python3 ${TOTP} @$HOME/totp-seed +1`;
    await appendFile(
      join(s.home, '.aws', 'config'),
      `\n[profile proc]\nsource_profile = source\nrole_arn = ${aws.roles['hc-master']!.arn}\nexternal_id = 730993910069\nmfa_serial = ${s.serial}\nmfa_process = ${probe}\n`,
    );
    await shortLogin('proc', aws.totp(s.serial));
    const cache = join(s.home, '.cache', 'mfa-exec');
    const [roleEntry] = (await readdir(cache)).filter((n) => n.startsWith('role-'));
    const loggedIn = (JSON.parse(await readFile(join(cache, roleEntry!), 'utf8')) as { accessKeyId: string }).accessKeyId;
    const r = await runInPty(
      [CLI_PATH, '--server', '-p', 'proc', ...SHORT, '--', process.execPath, fixture('long-command.mjs'), 'until-not', loggedIn],
      { env: { ...s.env, ...NOTICE }, steps: [], timeoutMs: 40_000 },
    );
    assert.equal(r.exitStatus, 0, r.output);
    const out = JSON.parse(r.output.slice(r.output.lastIndexOf('{"first"')).trim()) as { last: { id: string } };
    assert.notEqual(out.last.id, loggedIn, r.output);
    assert.equal(r.output.match(/mfa_process: touch your key/g)?.length, 1, `run once:\n${r.output}`);
    assert.doesNotMatch(r.output, /renewing them needs a new MFA code|Enter MFA code/);
    assert.equal(await stat(join(s.home, 'had-a-terminal')).catch(() => undefined), undefined, 'mfa_process could open the terminal');
    assert.equal(aws.calls.GetSessionToken, 2);
  });

  test('Ctrl-C while an mfa_process renewal is still running: the command gets it once, mfa-exec exits with it at once and kills the mfa_process', async () => {
    const pidFile = join(s.home, 'mfa-process.pid');
    await appendFile(
      join(s.home, '.aws', 'config'),
      `\n[profile slow]\nsource_profile = source\nrole_arn = ${aws.roles['hc-master']!.arn}\nexternal_id = 730993910069\nmfa_serial = ${s.serial}\nmfa_process = echo $$ > ${pidFile}; exec sleep 60\n`,
    );
    await shortLogin('slow', await aws.freshTotp(s.serial));
    let interruptedAt = 0;
    const r = await runInPty(
      [CLI_PATH, '--server', '-p', 'slow', ...SHORT, '--', process.execPath, fixture('long-command.mjs'), 'wait-file', pidFile],
      {
        env: { ...s.env, ...NOTICE },
        // Ctrl-C as typed: the terminal sends SIGINT to the foreground group (the Enter after it is harmless).
        steps: [{ expect: 'ready', timeoutMs: 20_000, sendCode: () => ((interruptedAt = Date.now()), '\x03') }],
        timeoutMs: 30_000,
      },
    );
    assert.equal(r.exitStatus, 130, r.output);
    assert.ok(Date.now() - interruptedAt < 3_000, `exited ${Date.now() - interruptedAt} ms after Ctrl-C`);
    const pid = Number(await readFile(pidFile, 'utf8'));
    assert.ok(pid > 1);
    // Gone, or a zombie waiting for whoever inherited it to reap it: either way no longer running.
    const running = async () => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    };
    let alive = await running();
    for (let i = 0; alive && i < 20; i++) {
      await new Promise((res) => setTimeout(res, 50));
      alive = await running();
    }
    assert.equal(alive, false, `the mfa_process outlived mfa-exec: ${await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => 'gone')}`);
  });
});
