// IAM Identity Center profiles through mfa-exec's doors, end to end: the built CLI against the
// harness's SSO portal and SSO-OIDC fakes (role credentials minted by a real AssumeRole that moto
// in auth mode accepts), the real aws CLI (botocore) as a target, the AWS CLI v2's token files,
// and a $BROWSER stand-in that completes the sign-in as a person would. No timing assertions.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CLI_PATH,
  pythonTool,
  readSsoTokenCache,
  runCli,
  runInPty,
  ssoCacheDir,
  ssoRoleName,
  ssoTokenCacheKey,
  writeSsoTokenCache,
} from '../harness/index.ts';
import { inParallel, makeSignInHome, startSignInWorld, textsUnder, type SignInHome, type SignInWorld } from './sign-in-scenario.ts';
import { dirname, join } from 'node:path';

const BOTO3 = fileURLToPath(new URL('../fixtures/integrations/boto3_whoami.py', import.meta.url));
const SESSION = { sessionName: 'corp' };
const arnOf = (stdout: string) => (JSON.parse(stdout) as { Arn: string }).Arn;
const DEV_ARN = new RegExp(`:assumed-role/${ssoRoleName('Dev')}/alice@example\\.com$`);
const ADMIN_ARN = new RegExp(`:assumed-role/${ssoRoleName('Admin')}/alice@example\\.com$`);

describe('IAM Identity Center profiles', { timeout: 240_000 }, () => {
  let w: SignInWorld;
  let h: SignInHome;
  before(async () => {
    w = await startSignInWorld();
  });
  after(() => w?.close());
  beforeEach(async () => {
    h = await makeSignInHome(w);
    w.sso.resetCalls();
    w.aws.resetCalls();
  });
  afterEach(() => h.cleanup());

  const tokenFile = () => join(ssoCacheDir(h.home), `${ssoTokenCacheKey(SESSION)}.json`);

  test('a token `aws sso login` left: the aws shim (botocore) runs with the role, no browser, one GetRoleCredentials; warm runs make no call; the token file untouched', async () => {
    w.sso.signInSso().writeTo(h.home);
    const before = await readFile(tokenFile(), 'utf8');
    const awsShim = await h.shim('aws');
    for (let i = 0; i < 3; i++) {
      const r = await runCli(['sts', 'get-caller-identity', '--output', 'json'], {
        env: { ...h.env, AWS_PROFILE: 'sso-dev' },
        argv0Path: awsShim,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(arnOf(r.stdout), DEV_ARN);
      assert.equal(r.stderr, '');
    }
    assert.deepEqual(w.sso.calls, { GetRoleCredentials: 1 });
    assert.deepEqual(await h.browser.opens(), []);
    assert.equal(await readFile(tokenFile(), 'utf8'), before);
    // moto verified the signature of the role credentials GetRoleCredentials gave (minted by a real AssumeRole).
    assert.ok(w.aws.log.some((e) => e.action === 'GetCallerIdentity' && e.by === 'moto' && e.status === 200));
  });

  test('a cold start in a terminal: one browser page (PKCE, loopback), the token written as the AWS CLI v2 writes it, which the AWS CLI then uses itself', async () => {
    const r = await runInPty([CLI_PATH, '-p', 'sso-dev', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: h.env,
      steps: [{ expect: 'in the browser (waiting for it to finish)' }, { expect: '"Arn"' }],
      timeoutMs: 60_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.match(
      r.output,
      /mfa-exec: signing in to IAM Identity Center session 'corp' \(https:\/\/fake-corp\.awsapps\.com\/start\) for profile 'sso-dev' in the browser/,
    );
    const opens = await h.browser.opens();
    assert.equal(opens.length, 1);
    const page = new URL(opens[0]!.url);
    assert.equal(page.pathname, '/authorize');
    assert.equal(page.searchParams.get('code_challenge_method'), 'S256');
    assert.match(page.searchParams.get('redirect_uri')!, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    assert.ok(!r.output.includes(page.searchParams.get('state')!), 'the terminal shows no URL when the browser opened');
    assert.deepEqual(
      (await h.browser.waitForOutcomes(1))[0]!.steps.map((s) => [s.path, s.status]),
      [
        ['/authorize', 302],
        ['/oauth/callback', 200],
      ],
    );
    assert.equal(w.sso.calls['CreateToken/authorization_code'], 1);
    assert.equal(w.sso.calls.GetRoleCredentials, 1);

    // The CLI v2's fields, in a private file; the registration cached beside it, under the CLI's key.
    const token = readSsoTokenCache(h.home, SESSION);
    assert.deepEqual(Object.keys(token), [
      'startUrl',
      'region',
      'accessToken',
      'expiresAt',
      'clientId',
      'clientSecret',
      'registrationExpiresAt',
      'refreshToken',
    ]);
    assert.equal(token.startUrl, w.sso.startUrl);
    assert.match(token.expiresAt as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(w.sso.identityCenter.refreshTokenState(token.refreshToken as string), 'active');
    assert.equal((await stat(tokenFile())).mode & 0o777, 0o600);

    // botocore (aws CLI v1) itself, without mfa-exec, reads that token: no new sign-in, one more GetRoleCredentials.
    const plain = await runCli(['sts', 'get-caller-identity', '--profile', 'sso-admin', '--output', 'json'], {
      env: h.env,
      argv0Path: pythonTool('aws'),
    });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(arnOf(plain.stdout), ADMIN_ARN);
    assert.equal((await h.browser.opens()).length, 1);
    assert.equal(w.sso.calls.GetRoleCredentials, 2);
  });

  test('20 cold starts at once in one terminal, 10 on each of two roles: one browser page, one CreateToken, one GetRoleCredentials per role; every run gets its role', async () => {
    const run = (profile: string) => `${CLI_PATH} -p ${profile} -- sh -c 'echo "$AWS_VAULT $AWS_ACCESS_KEY_ID"'`;
    const script = `${inParallel(10, run('sso-dev'))} & a=$!; ${inParallel(10, run('sso-admin'))} & b=$!; wait $a && wait $b && echo ALL-DONE`;
    const r = await runInPty(['sh', '-c', script], { env: h.env, steps: [{ expect: 'ALL-DONE' }], timeoutMs: 180_000 });
    assert.equal(r.exitStatus, 0, r.output);
    const lines = r.output.split(/\r?\n/).filter((l) => /^sso-(dev|admin) ASIA/.test(l));
    assert.equal(lines.length, 20, r.output);
    for (const profile of ['sso-dev', 'sso-admin']) {
      const keys = new Set(lines.filter((l) => l.startsWith(`${profile} `)).map((l) => l.split(' ')[1]));
      assert.equal(keys.size, 1, `${profile}: one set of role credentials for all ten: ${[...keys].join(' ')}`);
    }
    assert.equal((await h.browser.opens()).length, 1, 'one browser page');
    assert.equal(w.sso.calls.Authorize, 1);
    assert.equal(w.sso.calls.CreateToken, 1, 'one CreateToken');
    assert.equal(w.sso.calls.GetRoleCredentials, 2, 'one GetRoleCredentials per role');
    assert.equal(r.output.split('in the browser (waiting').length - 1, 1, 'one sign-in said');
    const done = await runCli(['-p', 'sso-admin', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: h.env });
    assert.equal(done.code, 0, done.stderr);
    assert.match(arnOf(done.stdout), ADMIN_ARN, 'the credentials are real (moto accepts them)');
    assert.equal(w.sso.calls.GetRoleCredentials, 2);
  });

  test('a token in its last 15 minutes: 6 runs at once with no terminal refresh it once, and the rotated refresh token is saved (the fake takes it next)', async () => {
    const signed = w.sso.signInSso();
    signed.token.expiresAt = Date.now() + 5 * 60_000;
    signed.writeTo(h.home);
    const oldRefresh = signed.token.refreshToken!;
    const r = await runCli(['-c', inParallel(6, `${CLI_PATH} -p sso-dev -- true`)], {
      env: h.env,
      argv0Path: '/bin/sh',
      timeoutMs: 90_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(w.sso.calls['CreateToken/refresh_token'], 1);
    assert.deepEqual(await h.browser.opens(), []);
    const saved = readSsoTokenCache(h.home, SESSION);
    assert.notEqual(saved.refreshToken, oldRefresh);
    assert.equal(w.sso.identityCenter.refreshTokenState(oldRefresh), 'used');
    assert.equal(w.sso.identityCenter.refreshTokenState(saved.refreshToken as string), 'active');
    assert.equal(saved.clientSecret, signed.registration.clientSecret, 'the registration kept');
  });

  test('a refresh the fake refuses, with no terminal: the token file as it was, exit 66 and one line with the command; the same run in a terminal signs in instead', async () => {
    const signed = w.sso.signInSso();
    signed.token.expiresAt = Date.now() - 60_000;
    signed.writeTo(h.home);
    const before = await readFile(tokenFile(), 'utf8');
    for (const args of [
      ['-p', 'sso-dev', '--', 'true'],
      ['credential-process', '-p', 'sso-dev'], // as an IDE or an SDK runs it, with no terminal
    ]) {
      w.sso.identityCenter.refuseNextRefresh(1, 'InvalidGrantException');
      const r = await runCli(args, { env: h.env });
      assert.equal(r.code, 66, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        "mfa-exec: The IAM Identity Center session 'corp' (https://fake-corp.awsapps.com/start) of profile 'sso-dev' has expired and could not be refreshed, and no one is here to sign in. Run: mfa-exec login -p sso-dev\n",
      );
    }
    assert.equal(await readFile(tokenFile(), 'utf8'), before, 'the old file, refresh token and all');
    assert.deepEqual(await h.browser.opens(), []);

    w.sso.identityCenter.refuseNextRefresh(1, 'InvalidGrantException');
    const login = await runInPty([CLI_PATH, 'login', '-p', 'sso-dev'], { env: h.env, steps: [{ expect: 'is ready' }], timeoutMs: 60_000 });
    assert.equal(login.exitStatus, 0, login.output);
    assert.match(
      login.output,
      /mfa-exec: profile 'sso-dev' is ready: credentials valid until .*; IAM Identity Center session 'corp' .* signed in until .*renewed silently/,
    );
    assert.equal((await h.browser.opens()).length, 1);
    assert.notEqual(readSsoTokenCache(h.home, SESSION).accessToken, signed.token.accessToken);
  });

  test('no browser can be opened: the page is shown on the terminal (it holds no credential) and the sign-in completes when someone opens it', async () => {
    await h.browser.setMode('fail');
    const visit = (async () => {
      for (let i = 0; i < 600 && (await h.browser.opens()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const [open] = await h.browser.opens();
      // A person opening the page by hand: the authorize page sends the browser back to the loopback callback.
      const authorize = await fetch(open!.url, { redirect: 'manual' });
      return (await fetch(authorize.headers.get('location')!)).status;
    })();
    const r = await runInPty([CLI_PATH, 'login', '-p', 'sso-dev'], {
      env: h.env,
      steps: [{ expect: /open this page in a browser on this machine: http:\/\/127\.0\.0\.1:\d+\/authorize\?/ }, { expect: 'is ready' }],
      timeoutMs: 60_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.equal(await visit, 200);
    const [open] = await h.browser.opens();
    assert.ok(r.output.replace(/\r?\n/g, '').includes(open!.url), 'the same page the browser was asked to open');
  });

  test('Ctrl-C while the browser sign-in is pending: exit 130, nothing written, no lock left behind', async () => {
    await h.browser.setMode('ignore');
    const r = await runInPty([CLI_PATH, '-p', 'sso-dev', '--', 'true'], {
      env: h.env,
      steps: [{ expect: 'in the browser (waiting for it to finish)' }, { send: '\x03' }],
      timeoutMs: 60_000,
    });
    assert.equal(r.exitStatus, 130, r.output);
    assert.match(r.output, /IAM Identity Center sign-in cancelled\./);
    await assert.rejects(stat(tokenFile()), /ENOENT/);
    const names = await readdir(join(h.home, '.cache', 'mfa-exec'));
    assert.deepEqual(
      names.filter((n) => n.startsWith('lock-')),
      [],
      'the chain lock and the token lock were let go',
    );
  });

  test('`login --no-browser`: the device code with its page, confirmed elsewhere; no browser opened, nothing asked', async () => {
    const approve = setInterval(() => {
      for (const d of w.sso.identityCenter.devices.values())
        if (d.approvedAt === undefined) w.sso.identityCenter.approveUserCode(d.userCode);
    }, 200);
    try {
      const r = await runInPty([CLI_PATH, 'login', '-p', 'sso-dev', '--no-browser'], {
        env: h.env,
        steps: [{ expect: /open http:\/\/127\.0\.0\.1:\d+\/device and confirm the code [A-Z]{4}-[A-Z]{4}/ }, { expect: 'is ready' }],
        timeoutMs: 60_000,
      });
      assert.equal(r.exitStatus, 0, r.output);
      const [device] = [...w.sso.identityCenter.devices.values()];
      assert.ok(r.output.includes(device!.userCode));
    } finally {
      clearInterval(approve);
    }
    assert.deepEqual(await h.browser.opens(), []);
    assert.equal(w.sso.calls['CreateToken/urn:ietf:params:oauth:grant-type:device_code'], w.sso.calls.CreateToken);
    assert.equal(w.sso.calls.SlowDownException ?? 0, 0);
    assert.ok(!w.sso.log.some((e) => e.errorCode === 'SlowDownException'), 'never polled faster than the interval');
    assert.ok(readSsoTokenCache(h.home, SESSION).accessToken);
  });

  test('a legacy profile (sso_start_url on it) signs in with the device code, the browser opened at the verification page; the token is kept under the start URL', async () => {
    const r = await runInPty([CLI_PATH, '-p', 'sso-legacy', '--', 'sh', '-c', 'echo "key $AWS_ACCESS_KEY_ID"'], {
      env: h.env,
      steps: [{ expect: /confirm the code [A-Z]{4}-[A-Z]{4} in the browser just opened/ }, { expect: /key ASIA/ }],
      timeoutMs: 60_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    const opens = await h.browser.opens();
    assert.equal(opens.length, 1);
    assert.equal(new URL(opens[0]!.url).pathname, '/device');
    assert.equal(w.sso.calls.DeviceApprove, 1);
    const token = readSsoTokenCache(h.home, { startUrl: w.sso.startUrl });
    assert.equal(token.refreshToken, undefined, 'no scopes, no refresh token (as the AWS CLI gets)');
  });

  test('a role from an SSO profile: assumed with the role credentials (no GetSessionToken), each step cached; env and credential-process serve it too', async () => {
    w.sso.signInSso().writeTo(h.home);
    const r = await runCli(['-p', 'sso-deploy', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: h.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(arnOf(r.stdout), /:assumed-role\/deploy\//);
    assert.equal(w.aws.calls.GetSessionToken ?? 0, 0);
    // The portal's fake mints role credentials with its broker's long-term key; mfa-exec assumes deploy with those (ASIA…).
    const fromSso = w.aws.log.filter((e) => e.action === 'AssumeRole' && e.accessKeyId?.startsWith('ASIA'));
    assert.equal(fromSso.length, 1);
    assert.equal(fromSso[0]!.status, 200);
    const cp = await runCli(['credential-process', '-p', 'sso-deploy'], { env: h.env });
    assert.equal(cp.code, 0, cp.stderr);
    assert.match(cp.stdout, /^\{"Version":1,"AccessKeyId":"ASIA/);
    const env = await runCli(['env', '-p', 'sso-dev', '--format', 'json'], { env: h.env });
    assert.equal(env.code, 0, env.stderr);
    assert.match(env.stdout, /"AWS_ACCESS_KEY_ID": "ASIA/);
    assert.equal(
      w.sso.calls.GetRoleCredentials,
      1,
      `the cached source step served all three: ${JSON.stringify(w.sso.log.map((e) => [e.op, e.status]))}`,
    );
    const files = (await textsUnder(join(h.home, '.cache', 'mfa-exec'))) as Record<string, string>;
    assert.equal(Object.keys(files).filter((f) => /\/source-[0-9a-f]{40}\.json$/.test(f)).length, 1);
  });

  test('boto3 and the aws CLI name the profile themselves: the config view serves it (credential_process) through their shims, with no profile selected', async () => {
    w.sso.signInSso().writeTo(h.home);
    const cli = await runCli(['sts', 'get-caller-identity', '--profile', 'sso-admin', '--output', 'json'], {
      env: h.env,
      argv0Path: await h.shim('aws'),
    });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(arnOf(cli.stdout), ADMIN_ARN);
    // The python3 with boto3 (pyenv's), found after the shims.
    const path = `${h.shims}:${dirname(pythonTool('python3'))}:${h.env.PATH}`;
    const boto = await runCli([BOTO3, 'sso-dev'], { env: { ...h.env, PATH: path }, argv0Path: await h.shim('python3') });
    assert.equal(boto.code, 0, boto.stderr);
    assert.match(arnOf(boto.stdout), DEV_ARN);
    assert.equal(w.sso.calls.GetRoleCredentials, 2);
  });

  test('a [default] that is an IAM Identity Center profile, no profile selected: the shim serves it (it has credential settings now)', async () => {
    w.sso.signInSso().writeTo(h.home);
    const config = join(h.home, '.aws', 'config');
    await writeFile(
      config,
      `${await readFile(config, 'utf8')}\n[default]\nsso_session = corp\nsso_account_id = ${w.aws.accountId}\nsso_role_name = Dev\nregion = us-east-1\n`,
    );
    const r = await runCli(['sts', 'get-caller-identity', '--output', 'json'], { env: h.env, argv0Path: await h.shim('aws') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(arnOf(r.stdout), DEV_ARN);
  });

  test("a project's allowed_account_ids refuses an IAM Identity Center profile of another account from its sso_account_id: no browser, no portal call (exit 80)", async () => {
    const project = join(h.home, 'repo');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, '.mfa-exec'), 'allowed_account_ids = 111111111111\n');
    const approved = await runCli(['allow'], { env: h.env, cwd: project });
    assert.equal(approved.code, 0, approved.stderr);
    const r = await runCli(['-p', 'sso-dev', '--', 'true'], { env: h.env, cwd: project });
    assert.equal(r.code, 80, r.stderr);
    assert.match(r.stderr, new RegExp(`Profile 'sso-dev' gives credentials for account ${w.aws.accountId}`));
    assert.match(r.stderr, new RegExp(`sso_account_id ${w.aws.accountId} of profile 'sso-dev'`));
    assert.deepEqual(w.sso.calls, {});
    assert.deepEqual(await h.browser.opens(), []);
    // Outside the project the same profile signs in as usual (the refusal came from the file).
    w.sso.signInSso().writeTo(h.home);
    const outside = await runCli(['-p', 'sso-dev', '--', 'true'], { env: h.env, cwd: h.home });
    assert.equal(outside.code, 0, outside.stderr);
  });

  test('list, status and doctor: the source kind, the token expiry and what the next run does, with no network call', async () => {
    const signed = w.sso.signInSso();
    signed.token.expiresAt = Date.now() - 60_000;
    signed.writeTo(h.home);
    const calls = JSON.stringify(w.sso.calls);
    const list = await runCli(['list'], { env: h.env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^sso-dev\s+-\s+IAM Identity Center\s+-\s+not cached; sign-in refreshed silently$/m);
    assert.match(list.stdout, /^sso-legacy\s+-\s+IAM Identity Center\s+-\s+not cached; sign-in needed$/m);
    const json = JSON.parse((await runCli(['list', '--json'], { env: h.env })).stdout) as {
      profile: string;
      signIn?: { next: string; command: string };
    }[];
    assert.deepEqual(json.find((r) => r.profile === 'sso-legacy')!.signIn!.next, 'sign-in');
    assert.equal(json.find((r) => r.profile === 'sso-deploy')!.signIn!.command, 'mfa-exec login -p sso-dev');
    const legacy = await runCli(['status', '-p', 'sso-legacy'], { env: h.env });
    assert.equal(legacy.code, 1);
    assert.match(
      legacy.stdout,
      /^sso-legacy: needs a sign-in: run 'mfa-exec login -p sso-legacy'; IAM Identity Center sign-in to https:\/\/fake-corp\.awsapps\.com\/start: not signed in$/m,
    );
    const dev = await runCli(['status', '-p', 'sso-dev'], { env: h.env });
    assert.equal(dev.code, 0, 'a token that refreshes silently needs no one');
    assert.match(
      dev.stdout,
      /ready, no prompt needed \(the sign-in is refreshed silently\); IAM Identity Center session 'corp' .* ended at .* \(renewed silently\)/,
    );
    const doctor = await runCli(['doctor'], { env: h.env });
    assert.match(
      doctor.stdout,
      /^ok\s+IAM Identity Center session 'corp' .* \(used by 'sso-dev', 'sso-admin', 'sso-deploy'\): the next run that needs it refreshes it silently$/m,
    );
    assert.match(
      doctor.stdout,
      /^warn\s+IAM Identity Center sign-in to .*: not signed in \(used by 'sso-legacy'\): .* to sign in now, run: mfa-exec login -p sso-legacy$/m,
    );
    assert.equal(JSON.stringify(w.sso.calls), calls, 'no call to any service');
  });

  test('--server: a renewal refreshes the token without a browser; a sign-in the renewal would need is said once on stderr', async () => {
    const signed = w.sso.signInSso();
    signed.token.expiresAt = Date.now() + 5 * 60_000; // refreshed at the first fetch
    signed.writeTo(h.home);
    const r = await runCli(['--server', '-p', 'sso-dev', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: h.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(arnOf(r.stdout), DEV_ARN);
    assert.equal(w.sso.calls['CreateToken/refresh_token'], 1);
    assert.deepEqual(await h.browser.opens(), []);

    // The token has ended and cannot be refreshed; the cached credentials are within the notice window.
    await writeSsoTokenCache(h.home, { ...signed.token, expiresAt: Date.now() - 60_000, refreshToken: undefined }, 'corp');
    const noticed = await runCli(
      ['--server', '-p', 'sso-dev', '--', 'sh', '-c', 'aws sts get-caller-identity --output json >/dev/null && sleep 1 && echo done'],
      {
        env: { ...h.env, MFA_EXEC_RENEWAL_NOTICE: '2h' },
      },
    );
    assert.equal(noticed.code, 0, noticed.stderr);
    assert.equal(noticed.stderr.match(/renewing them needs a new sign-in/g)?.length, 1, noticed.stderr);
    assert.match(noticed.stderr, /run in another terminal: mfa-exec login -p sso-dev\. mfa-exec opens no browser/);
    assert.deepEqual(await h.browser.opens(), []);
  });

  test("no token, refresh token or client secret in any output, --debug, the child's environment or mfa-exec's cache", async () => {
    const r = await runInPty(
      [CLI_PATH, '--debug', '-p', 'sso-deploy', '--', 'sh', '-c', 'env; aws sts get-caller-identity --output json'],
      {
        env: h.env,
        steps: [{ expect: '"Arn"' }],
        timeoutMs: 60_000,
      },
    );
    assert.equal(r.exitStatus, 0, r.output);
    const token = readSsoTokenCache(h.home, SESSION);
    const secrets = [token.accessToken, token.refreshToken, token.clientSecret] as string[];
    const cache = Object.values(await textsUnder(join(h.home, '.cache', 'mfa-exec'))).join('\n');
    for (const secret of secrets) {
      assert.ok(secret && secret.length > 20);
      assert.ok(!r.output.includes(secret), 'not in the terminal, --debug or the child environment');
      assert.ok(!cache.includes(secret), "not in mfa-exec's cache");
    }
    await writeFile(join(h.home, 'done'), '');
  });
});
