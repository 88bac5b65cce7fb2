// Terraform 1.11 (/usr/local/bin/terraform) and its built-in S3 backend with the sign-in sources
// of issue 19: an `aws login` profile (which Terraform's AWS SDK does not read:
// terraform-provider-aws #45316, aws-sdk-go-base #1433) and an IAM Identity Center profile, each
// through the terraform shim (AWS_PROFILE) and through `profile =` in the Terraform code (the
// config view's credential_process). The backend validates its credentials with STS (the front,
// then moto in auth mode) and writes its state to a second moto's S3 through a recorder of the
// signing key, as in terraform.test.ts.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, runInPty, writeLoginCache, type CliResult, type LoginSession } from '../harness/index.ts';
import { startMoto, type Moto } from '../harness/moto.ts';
import { parseAuthorization } from '../harness/sigv4.ts';
import { makeSignInHome, startSignInWorld, type SignInHome, type SignInWorld } from './sign-in-scenario.ts';

const REAL_TERRAFORM = '/usr/local/bin/terraform';
const BUCKET = 'tf-state';

/** A loopback proxy to moto's S3 that notes the signing key of every request. */
async function recordS3(target: string): Promise<{ endpoint: string; keys: string[]; close(): Promise<void> }> {
  const keys: string[] = [];
  const server = http.createServer((req, res) => {
    keys.push(parseAuthorization(String(req.headers.authorization ?? ''))?.accessKeyId ?? '(unsigned)');
    const upstream = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    keys,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('Terraform with `aws login` and IAM Identity Center profiles', { timeout: 300_000 }, () => {
  let w: SignInWorld;
  let s3Moto: Moto;
  let s3: Awaited<ReturnType<typeof recordS3>>;
  let h: SignInHome;
  let login: LoginSession;
  let env: NodeJS.ProcessEnv;
  let work: string;
  let realDir: string;
  let terraformShim: string;

  before(async () => {
    [w, s3Moto] = await Promise.all([startSignInWorld(), startMoto()]);
    const res = await fetch(`${s3Moto.endpoint}/${BUCKET}`, { method: 'PUT' });
    assert.equal(res.status, 200, `create bucket: ${await res.text()}`);
    s3 = await recordS3(s3Moto.endpoint);
  });
  after(async () => {
    await Promise.all([w?.close(), s3Moto?.stop(), s3?.close()]);
  });
  beforeEach(async () => {
    login = await w.sso.signInConsole('alice');
    h = await makeSignInHome(w, login);
    w.aws.resetCalls();
    w.sso.resetCalls();
    s3.keys.length = 0;
    terraformShim = await h.shim('terraform');
    realDir = join(h.home, 'real-bin');
    await mkdir(realDir);
    await symlink(REAL_TERRAFORM, join(realDir, 'terraform'));
    work = join(h.home, 'infra');
    await mkdir(work);
    env = {
      ...h.env,
      PATH: `${h.env.PATH}:${realDir}`,
      TF_IN_AUTOMATION: '1',
      TF_DATA_DIR: join(h.home, 'tf-data'),
      TF_CLI_CONFIG_FILE: join(h.home, 'terraformrc'),
      CHECKPOINT_DISABLE: '1',
    };
    await writeFile(join(h.home, 'terraformrc'), '');
  });
  afterEach(() => h.cleanup());

  const writeBackend = (key: string, profile?: string) =>
    writeFile(
      join(work, 'main.tf'),
      `terraform {
  backend "s3" {
    bucket         = "${BUCKET}"
    key            = "${key}/terraform.tfstate"
    region         = "us-east-1"
    use_path_style = true
    endpoints = {
      sts = "${w.aws.endpoint}"
      iam = "${w.aws.endpoint}"
      s3  = "${s3.endpoint}"
    }
    skip_requesting_account_id = true
${profile ? `    profile = "${profile}"\n` : ''}  }
}
output "greeting" {
  value = "hello"
}
`,
    );
  const terraform = (via: 'shim' | 'real', args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    runCli(args, {
      env: { ...env, ...extra },
      cwd: work,
      argv0Path: via === 'shim' ? terraformShim : join(realDir, 'terraform'),
      timeoutMs: 90_000,
    });

  /** Every GetCallerIdentity the backend made, and every S3 request, was signed with one key that is not a long-term key; STS accepted it. */
  function assertSignedWithOneTemporaryKey(): string {
    const checks = w.aws.log.filter((e) => e.action === 'GetCallerIdentity');
    assert.ok(checks.length >= 1, `the backend validated its credentials with STS: ${JSON.stringify(w.aws.calls)}`);
    const keys = new Set(checks.map((e) => e.accessKeyId));
    assert.equal(keys.size, 1);
    const [key] = keys;
    assert.match(key!, /^ASIA/);
    for (const e of checks) assert.equal(e.status, 200, JSON.stringify(e));
    assert.ok(s3.keys.length > 0, 'the backend talked to S3');
    assert.deepEqual([...new Set(s3.keys)], [key]);
    return key!;
  }

  test('an `aws login` profile: terraform alone fails; through the shim (AWS_PROFILE) init and apply work with the session', async () => {
    writeLoginCache(h.home, login);
    await writeBackend('console');
    const alone = await terraform('real', ['init', '-input=false', '-no-color'], { AWS_PROFILE: 'console' });
    assert.notEqual(alone.code, 0, alone.stdout + alone.stderr);
    assert.match(alone.stderr, /No valid credential sources found|failed to refresh cached credentials|login/i, alone.stderr);
    assert.doesNotMatch(alone.stdout, /Successfully configured the backend/);
    assert.deepEqual(s3.keys, [], 'Terraform alone never got credentials');

    const init = await terraform('shim', ['init', '-input=false', '-no-color'], { AWS_PROFILE: 'console' });
    assert.equal(init.code, 0, init.stdout + init.stderr);
    assert.match(init.stdout, /Successfully configured the backend "s3"!/);
    const apply = await terraform('shim', ['apply', '-auto-approve', '-input=false', '-no-color'], { AWS_PROFILE: 'console' });
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    assert.match(apply.stdout, /greeting = "hello"/);
    const key = assertSignedWithOneTemporaryKey();
    assert.equal(key, login.accessToken.accessKeyId, "the session's own credentials (more than 5 minutes left: no refresh)");
    assert.deepEqual(w.sso.calls, {});
  });

  test('`profile = "console"` in the Terraform code, no profile selected, credentials due for a refresh: the view runs credential-process, which refreshes the session once', async () => {
    writeLoginCache(h.home, login, { expiresAt: Date.now() + 60_000 });
    await writeBackend('console-pinned', 'console');
    const init = await terraform('shim', ['init', '-input=false', '-no-color']);
    assert.equal(init.code, 0, init.stdout + init.stderr);
    assert.match(init.stdout, /Successfully configured the backend "s3"!/);
    const apply = await terraform('shim', ['apply', '-auto-approve', '-input=false', '-no-color']);
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    const key = assertSignedWithOneTemporaryKey();
    assert.notEqual(key, login.accessToken.accessKeyId, 'refreshed credentials');
    assert.equal(w.sso.calls['CreateOAuth2Token/refresh_token'], 1);
    const list = await (await fetch(`${s3Moto.endpoint}/${BUCKET}?list-type=2`)).text();
    assert.match(list, /<Key>console-pinned\/terraform\.tfstate<\/Key>/, list);
  });

  test('an IAM Identity Center profile through the shim, and pinned in the code, cold, in a terminal: one browser sign-in for both runs', async () => {
    await writeBackend('sso', 'sso-dev');
    const first = await runInPty([terraformShim, 'init', '-input=false', '-no-color'], {
      env,
      cwd: work,
      steps: [{ expect: 'in the browser (waiting for it to finish)' }, { expect: 'Terraform has been successfully initialized!' }],
      timeoutMs: 90_000,
    });
    assert.equal(first.exitStatus, 0, first.output);
    const apply = await runInPty([terraformShim, 'apply', '-auto-approve', '-input=false', '-no-color'], {
      env: { ...env, AWS_PROFILE: 'sso-dev' },
      cwd: work,
      steps: [{ expect: 'Apply complete!' }],
      timeoutMs: 90_000,
    });
    assert.equal(apply.exitStatus, 0, apply.output);
    assert.equal((await h.browser.opens()).length, 1, 'one sign-in');
    assert.equal(w.sso.calls.GetRoleCredentials, 1);
    assertSignedWithOneTemporaryKey();
    assert.doesNotMatch(apply.output, /mfa-exec/, 'the second run says and asks nothing');
  });
});
