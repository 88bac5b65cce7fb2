// --server end to end: the child gets a container-credentials endpoint instead of keys; the
// real aws CLI and the JS SDK's default chain use it; refreshes happen without a prompt while the
// child runs; a prompt appears on the terminal only when the MFA session itself runs out.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, runCli, runInPty, startFakeAws, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/server/${name}`, import.meta.url));

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

  test('the JS SDK default chain gets credentials, and renewed ones once they near expiry, without a prompt', async () => {
    await login();
    const r = await runCli(['--server', '-p', 'role', '--', process.execPath, fixture('sdk-client.mjs'), 'age-role'], {
      env: s.env,
      timeoutMs: 40_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      first: { id: string; expiration: string };
      second: { id: string; expiration: string };
      arn: string;
    };
    assert.match(out.arn, /assumed-role\/hc-master\//);
    assert.notEqual(out.second.id, out.first.id, 'renewed credentials');
    assert.ok(Date.parse(out.second.expiration) - Date.now() > 50 * 60_000);
    assert.equal(aws.calls.GetSessionToken, 1, 'renewed from the cached MFA session');
    assert.equal(aws.calls.AssumeRole, 2);
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

  test('when the MFA session runs out mid-run, requests are answered at once while a new code is asked for on the terminal', async () => {
    await login();
    const r = await runInPty(
      [CLI_PATH, '--server', '-p', 'role', '--', process.execPath, fixture('sdk-client.mjs'), 'age-session', 'until-renewed'],
      {
        env: s.env,
        steps: [
          { expect: 'enter a new MFA code to keep it going' },
          { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
        ],
        timeoutMs: 60_000,
      },
    );
    assert.equal(r.exitStatus, 0, r.output);
    const out = JSON.parse(r.output.slice(r.output.lastIndexOf('{"first"')).trim()) as {
      first: { id: string };
      second: { id: string };
      arn: string;
    };
    assert.notEqual(out.second.id, out.first.id);
    assert.match(out.arn, /assumed-role\/hc-master\//);
    assert.equal(aws.calls.GetSessionToken, 2);
  });

  test('with no terminal when the session runs out, it keeps serving the current credentials and says why', async () => {
    await login();
    const r = await runCli(['--server', '-p', 'role', '--', process.execPath, fixture('sdk-client.mjs'), 'age-session'], {
      env: s.env,
      timeoutMs: 40_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { first: { id: string }; second: { id: string } };
    assert.equal(out.second.id, out.first.id, 'the same, still valid credentials');
    assert.match(r.stderr, /no terminal/);
    assert.match(r.stderr, /Serving the current credentials until/);
    assert.equal(r.stderr.match(/no terminal/g)?.length, 1, 'said once, not on every request');
    assert.equal(aws.calls.GetSessionToken, 1);
  });
});
