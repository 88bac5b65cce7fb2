// `aws login` (login_session) profiles through mfa-exec's doors, end to end: the built CLI against
// the harness's Sign-In fake (DPoP proofs really verified, refresh tokens rotated and refused on
// reuse), the AWS CLI's cache file as `aws login` writes it, and the real aws CLI v1 and boto3 as
// targets. botocore here (1.43, without awscrt) cannot read a login_session profile itself: that
// is the case mfa-exec fixes. No timing assertions.
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CLI_PATH,
  loginCacheDir,
  loginCacheKey,
  pythonTool,
  readLoginCache,
  runCli,
  runInPty,
  writeLoginCache,
  type LoginSession,
} from '../harness/index.ts';
import { inParallel, makeSignInHome, startSignInWorld, textsUnder, type SignInHome, type SignInWorld } from './sign-in-scenario.ts';

const BOTO3 = fileURLToPath(new URL('../fixtures/integrations/boto3_whoami.py', import.meta.url));
const arnOf = (stdout: string) => (JSON.parse(stdout) as { Arn: string }).Arn;

describe('`aws login` (login_session) profiles', { timeout: 240_000 }, () => {
  let w: SignInWorld;
  let h: SignInHome;
  let login: LoginSession;
  before(async () => {
    w = await startSignInWorld();
  });
  after(() => w?.close());
  beforeEach(async () => {
    login = await w.sso.signInConsole('alice');
    h = await makeSignInHome(w, login);
    w.sso.resetCalls();
    w.aws.resetCalls();
  });
  afterEach(() => h.cleanup());

  const cacheFile = () => join(loginCacheDir(h.home), `${loginCacheKey(login.loginSession)}.json`);
  const ALICE = /:user\/alice$/;

  test('the aws CLI alone cannot use the profile; through the aws shim it can, from the cache `aws login` left, with no call while it lasts', async () => {
    writeLoginCache(h.home, login); // 15 minutes, as `aws login` leaves them
    const alone = await runCli(['sts', 'get-caller-identity', '--profile', 'console'], { env: h.env, argv0Path: pythonTool('aws') });
    assert.notEqual(alone.code, 0, 'botocore without awscrt cannot refresh or read a login_session profile');
    const awsShim = await h.shim('aws');
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['sts', 'get-caller-identity', '--output', 'json'], {
        env: { ...h.env, AWS_PROFILE: 'console' },
        argv0Path: awsShim,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(arnOf(r.stdout), ALICE);
    }
    assert.deepEqual(w.sso.calls, {}, 'more than 5 minutes left: no refresh');
    const r = await runCli(['sts', 'get-caller-identity', '--profile', 'console', '--output', 'json'], { env: h.env, argv0Path: awsShim });
    assert.equal(r.code, 0, r.stderr);
    assert.match(arnOf(r.stdout), ALICE, '--profile console through the view: credential_process');
  });

  test("a project's allowed_account_ids refuses a login_session of another account from its ARN: no Sign-In call, the cache file untouched (exit 80)", async () => {
    writeLoginCache(h.home, login);
    const before = await readFile(cacheFile(), 'utf8');
    const project = join(h.home, 'repo');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, '.mfa-exec'), 'allowed_account_ids = 111111111111\n');
    const approved = await runCli(['allow'], { env: h.env, cwd: project });
    assert.equal(approved.code, 0, approved.stderr);
    const r = await runCli(['-p', 'console', '--', 'true'], { env: h.env, cwd: project });
    assert.equal(r.code, 80, r.stderr);
    assert.match(r.stderr, new RegExp(`login_session ${login.loginSession} of profile 'console'`));
    assert.deepEqual(w.sso.calls, {});
    assert.equal(await readFile(cacheFile(), 'utf8'), before);
    const outside = await runCli(['-p', 'console', '--', 'true'], { env: h.env, cwd: h.home });
    assert.equal(outside.code, 0, outside.stderr);
  });

  test('5 minutes or less left: 8 runs at once refresh once (a DPoP proof the fake verifies), the rotated refresh token and new credentials written back whole, 0600', async () => {
    writeLoginCache(h.home, login, { expiresAt: Date.now() + 2 * 60_000 });
    const r = await runCli(['-c', inParallel(8, `${CLI_PATH} -p console -- aws sts get-caller-identity --output json`)], {
      env: h.env,
      argv0Path: '/bin/sh',
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/"Arn": "arn:aws:iam::\d+:user\/alice"/g)?.length, 8, r.stdout);
    assert.equal(w.sso.calls['CreateOAuth2Token/refresh_token'], 1);
    assert.ok(
      w.sso.log.every((e) => e.status === 200),
      JSON.stringify(w.sso.log),
    );
    const saved = readLoginCache(h.home, login.loginSession);
    assert.deepEqual(Object.keys(saved), ['accessToken', 'tokenType', 'clientId', 'refreshToken', 'idToken', 'dpopKey']);
    assert.notEqual(saved.refreshToken, login.refreshToken);
    assert.equal(w.sso.signin.refreshTokenState(login.refreshToken), 'used');
    assert.equal(w.sso.signin.refreshTokenState(saved.refreshToken as string), 'active');
    assert.equal(saved.dpopKey, login.dpopKey);
    assert.equal(saved.idToken, login.idToken);
    const token = saved.accessToken as Record<string, string>;
    assert.equal(token.accountId, w.aws.accountId);
    assert.notEqual(token.accessKeyId, login.accessToken.accessKeyId);
    assert.equal((await stat(cacheFile())).mode & 0o777, 0o600);
  });

  test('a refresh Sign-In refuses (aws logout, an expired session): the cache file as it was, exit 66 and one line saying `aws login --profile NAME`', async () => {
    writeLoginCache(h.home, login, { expiresAt: Date.now() - 60_000 });
    const before = await readFile(cacheFile(), 'utf8');
    w.sso.signin.endSession(login.loginSession, 'TOKEN_EXPIRED');
    for (const args of [
      ['-p', 'console', '--', 'true'],
      ['credential-process', '-p', 'console'],
    ]) {
      const r = await runCli(args, { env: h.env });
      assert.equal(r.code, 66, r.stderr);
      assert.equal(
        r.stderr,
        "mfa-exec: The `aws login` session of profile 'console' cannot be refreshed: it has expired or was ended (aws logout). Run: aws login --profile console\n",
      );
      assert.equal(r.stdout, '');
    }
    assert.equal(await readFile(cacheFile(), 'utf8'), before, 'the refresh token and everything else kept');
    const status = await runCli(['status', '-p', 'console'], { env: h.env });
    assert.equal(status.code, 0, 'status reads the file only: a refresh may still work as far as it can tell');
  });

  test('a role from an `aws login` profile with mfa_serial: AssumeRole with the code asked on the terminal (no GetSessionToken); boto3 through the view', async () => {
    writeLoginCache(h.home, login);
    const serial = w.aws.users.alice!.mfaSerial!;
    const r = await runInPty([CLI_PATH, '-p', 'console-deploy', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: h.env,
      steps: [{ expect: `Enter MFA code for ${serial}: `, sendCode: () => w.aws.freshTotp(serial) }, { expect: '"Arn"' }],
      timeoutMs: 60_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.match(r.output, /assumed-role\/deploy\//);
    assert.equal(w.aws.calls.GetSessionToken ?? 0, 0);
    const assumed = w.aws.log.filter((e) => e.action === 'AssumeRole');
    assert.equal(assumed.length, 1);
    assert.equal(assumed[0]!.serialNumber, serial);
    assert.equal(assumed[0]!.tokenCodeOk, true);
    // boto3, naming the profile itself, reads the cached role through the view.
    const path = `${h.shims}:${dirname(pythonTool('python3'))}:${h.env.PATH}`;
    const boto = await runCli([BOTO3, 'console-deploy'], { env: { ...h.env, PATH: path }, argv0Path: await h.shim('python3') });
    assert.equal(boto.code, 0, boto.stderr);
    assert.match(arnOf(boto.stdout), /assumed-role\/deploy\//);
    assert.equal(w.aws.log.filter((e) => e.action === 'AssumeRole').length, 1, 'served from the cache');
  });

  test('list and status: the kind, until when, and that it renews silently, with no call', async () => {
    writeLoginCache(h.home, login, { expiresAt: Date.now() + 2 * 60_000 });
    const list = await runCli(['list'], { env: h.env });
    assert.match(list.stdout, /^console\s+-\s+aws login\s+-\s+not cached; sign-in refreshed silently$/m);
    const status = await runCli(['status', '-p', 'console', '--json'], { env: h.env });
    const json = JSON.parse(status.stdout) as { valid: boolean; signIn: { next: string; renews: boolean; command: string } };
    assert.equal(json.valid, true);
    assert.deepEqual(json.signIn.next, 'refresh');
    assert.equal(json.signIn.command, 'aws login --profile console');
    assert.deepEqual(w.sso.calls, {});
  });

  test("no secret of the session (keys, refresh token, DPoP key) in the output, --debug, or mfa-exec's files beyond its private cache entry", async () => {
    writeLoginCache(h.home, login, { expiresAt: Date.now() - 60_000 });
    const r = await runCli(['--debug', '-p', 'console', '--', 'sh', '-c', 'echo ok'], { env: h.env });
    assert.equal(r.code, 0, r.stderr);
    const saved = readLoginCache(h.home, login.loginSession);
    const keyLine = login.dpopKey.split('\n')[1]!;
    for (const secret of [login.refreshToken, saved.refreshToken as string, keyLine, login.accessToken.secretAccessKey]) {
      assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
    }
    const cache = Object.values(await textsUnder(join(h.home, '.cache', 'mfa-exec'))).join('\n');
    for (const secret of [login.refreshToken, saved.refreshToken as string, keyLine]) assert.ok(!cache.includes(secret));
  });
});
