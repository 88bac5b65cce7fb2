// The user's bug and its fix, with the real Terraform 1.11 (/usr/local/bin/terraform) and its
// built-in S3 backend, which walks the same credential chain as the AWS provider.
//
// Without mfa-exec, a backend using a role profile with mfa_serial fails at once: the Go SDK
// needs an AssumeRoleTokenProvider that Terraform never sets. Through the `terraform` shim the
// backend gets the role's credentials in the environment (or, for a profile pinned in the code,
// through mfa-exec's view of the AWS files): its STS GetCallerIdentity goes to the
// front and on to moto in auth mode, which verifies the signature (proof the credentials are
// real), and S3 goes to a second moto without auth mode (moto cannot verify the Go SDK's S3
// signatures), through a small proxy here that records which key signed each request.
import assert from 'node:assert/strict';
import http from 'node:http';
import { appendFile, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, runInPty, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { startMoto, type Moto } from '../harness/moto.ts';
import { parseAuthorization } from '../harness/sigv4.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

const REAL_TERRAFORM = '/usr/local/bin/terraform';
const BUCKET = 'tf-state';
/** What Terraform 1.11 prints when the profile needs an MFA code it cannot ask for. */
const MFA_ERROR = 'assume role with MFA enabled, but AssumeRoleTokenProvider session option not set';

interface S3Recorder {
  endpoint: string;
  /** The access key id of every request (or '(unsigned)'), in order. */
  keys: string[];
  close(): Promise<void>;
}

/** A loopback proxy to moto's S3 that notes the signing key of every request. */
async function recordS3(target: string): Promise<S3Recorder> {
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

function backendConfig(aws: FakeAws, s3: string, key: string, extra = ''): string {
  return `terraform {
  backend "s3" {
    bucket         = "${BUCKET}"
    key            = "${key}/terraform.tfstate"
    region         = "us-east-1"
    use_path_style = true
    endpoints = {
      sts = "${aws.endpoint}"
      iam = "${aws.endpoint}"
      s3  = "${s3}"
    }
    # No IAM/STS lookup of the account id; credentials validation (GetCallerIdentity) stays on.
    skip_requesting_account_id = true
${extra}  }
}
`;
}

describe("terraform init with an S3 backend and an MFA role profile (the user's bug)", { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let s3Moto: Moto;
  let s3: S3Recorder;
  let s: Scenario;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let terraformShim: string;
  let realDir: string;

  before(async () => {
    [aws, s3Moto] = await Promise.all([startFakeAws(SPEC), startMoto()]);
    const res = await fetch(`${s3Moto.endpoint}/${BUCKET}`, { method: 'PUT' });
    assert.equal(res.status, 200, `create bucket: ${await res.text()}`);
    s3 = await recordS3(s3Moto.endpoint);
  });
  after(async () => {
    await Promise.all([aws?.close(), s3Moto?.stop(), s3?.close()]);
  });
  beforeEach(async () => {
    s = await makeScenario(aws);
    aws.resetCalls();
    s3.keys.length = 0;
    terraformShim = await s.shim('terraform');
    // The real terraform, reachable only after the shims: never the machine's PATH.
    realDir = join(s.home, 'real-bin');
    await mkdir(realDir);
    await symlink(REAL_TERRAFORM, join(realDir, 'terraform'));
    work = join(s.home, 'infra');
    await mkdir(work);
    env = {
      ...s.env,
      PATH: `${s.env.PATH}:${realDir}`,
      AWS_PROFILE: 'role',
      TF_IN_AUTOMATION: '1',
      TF_DATA_DIR: join(s.home, 'tf-data'),
      TF_CLI_CONFIG_FILE: join(s.home, 'terraformrc'), // empty: no plugin cache, no credentials helpers
      CHECKPOINT_DISABLE: '1', // no version check against checkpoint-api.hashicorp.com
    };
    await writeFile(join(s.home, 'terraformrc'), '');
  });
  afterEach(() => s.cleanup());

  const writeBackend = (extra = '') => writeFile(join(work, 'main.tf'), backendConfig(aws, s3.endpoint, 'team', extra));
  const terraform = (via: 'shim' | 'real', args: string[]): Promise<CliResult> =>
    runCli(args, { env, cwd: work, argv0Path: via === 'shim' ? terraformShim : join(realDir, 'terraform'), timeoutMs: 45_000 });
  const init = (via: 'shim' | 'real') => terraform(via, ['init', '-input=false', '-no-color']);

  /** Fills the cache as the user would once a day; returns the role credentials' key id. */
  async function login(): Promise<string> {
    const r = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    return roleKeyId();
  }
  async function roleKeyId(): Promise<string> {
    const dir = join(s.home, '.cache', 'mfa-exec');
    const role = (await readdir(dir)).find((f) => f.startsWith('role-'))!;
    return (JSON.parse(await readFile(join(dir, role), 'utf8')) as { accessKeyId: string }).accessKeyId;
  }

  /** Every GetCallerIdentity the backend made was signed with the role's key and accepted by moto. */
  function assertValidatedWith(keyId: string): void {
    assert.ok((aws.calls.GetCallerIdentity ?? 0) >= 1, `the backend validated its credentials with STS: ${JSON.stringify(aws.calls)}`);
    const checks = aws.log.filter((e) => e.action === 'GetCallerIdentity');
    for (const e of checks) {
      assert.equal(e.accessKeyId, keyId, 'signed with the role session key');
      assert.equal(e.by, 'moto', 'answered by moto in auth mode, which verified the signature');
      assert.equal(e.status, 200);
    }
    assert.ok(s3.keys.length > 0, 'the backend talked to S3');
    assert.deepEqual([...new Set(s3.keys)], [keyId], 'every S3 request was signed with the role session key');
  }

  test('without mfa-exec: terraform init fails with the AssumeRoleTokenProvider error, before any STS call', async () => {
    await writeBackend();
    const r = await init('real');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`Error: ${MFA_ERROR}`), r.stderr);
    assert.doesNotMatch(r.stdout, /Successfully configured the backend/);
    assert.deepEqual(aws.calls, {}, 'it never got as far as STS');
  });

  test('through the terraform shim with cached credentials: init validates them at STS (moto, auth mode) and configures the backend', async () => {
    await writeBackend();
    const keyId = await login();
    aws.resetCalls();
    const r = await init('shim');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Successfully configured the backend "s3"!/);
    assert.match(r.stdout, /Terraform has been successfully initialized!/);
    assert.doesNotMatch(r.stderr, /AssumeRoleTokenProvider/);
    assert.equal(aws.calls.GetSessionToken ?? 0, 0, 'served from the cache');
    assert.equal(aws.calls.AssumeRole ?? 0, 0, 'served from the cache');
    assertValidatedWith(keyId);
    const local = JSON.parse(await readFile(join(env.TF_DATA_DIR!, 'terraform.tfstate'), 'utf8')) as {
      backend: { type: string; config: Record<string, unknown> };
    };
    assert.equal(local.backend.type, 's3');
    assert.equal(local.backend.config['bucket'], BUCKET);

    // The backend really writes with those credentials: a new workspace is an object in S3.
    const ws = await terraform('shim', ['workspace', 'new', '-no-color', 'dev']);
    assert.equal(ws.code, 0, ws.stdout + ws.stderr);
    const list = await (await fetch(`${s3Moto.endpoint}/${BUCKET}?list-type=2`)).text();
    assert.match(list, /<Key>env:\/dev\/team\/terraform\.tfstate<\/Key>/, list);
    assert.deepEqual([...new Set(s3.keys)], [keyId]);
  });

  test('through the terraform shim in a terminal with a cold cache: one MFA prompt, then init succeeds', async () => {
    await writeBackend();
    const r = await runInPty([terraformShim, 'init', '-input=false', '-no-color'], {
      env,
      cwd: work,
      steps: [
        { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
        { expect: 'Terraform has been successfully initialized!' },
      ],
      timeoutMs: 45_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.match(r.output, /Successfully configured the backend "s3"!/);
    assert.equal(r.output.split('Enter MFA code for').length - 1, 1);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 1);
    assertValidatedWith(await roleKeyId());
  });

  test('wrapper mode `mfa-exec -p role -- terraform init` with the shim first on PATH runs the real terraform once', async () => {
    await writeBackend();
    const keyId = await login();
    aws.resetCalls();
    const { AWS_PROFILE: _unused, ...wrapperEnv } = env;
    const r = await runCli(['-p', 'role', '--', 'terraform', 'init', '-input=false', '-no-color'], {
      env: wrapperEnv,
      cwd: work,
      timeoutMs: 45_000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.split('Initializing the backend...').length - 1, 1, 'terraform ran once, not once per shim layer');
    assert.match(r.stdout, /Successfully configured the backend "s3"!/);
    assertValidatedWith(keyId);
  });

  test('the validation is real: a role secret tampered with in the cache is refused at STS (SignatureDoesNotMatch), init fails', async () => {
    await writeBackend();
    const keyId = await login();
    const dir = join(s.home, '.cache', 'mfa-exec');
    const file = join(
      dir,
      (await readdir(dir)).find((f) => f.startsWith('role-'))!,
    );
    const entry = JSON.parse(await readFile(file, 'utf8')) as { secretAccessKey: string };
    const wrong = entry.secretAccessKey.slice(0, -4) + (entry.secretAccessKey.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await writeFile(file, JSON.stringify({ ...entry, secretAccessKey: wrong }), { mode: 0o600 });
    aws.resetCalls();
    const r = await init('shim');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /Successfully configured the backend/);
    const checks = aws.log.filter((e) => e.action === 'GetCallerIdentity');
    assert.ok(checks.length >= 1);
    for (const e of checks) {
      assert.equal(e.accessKeyId, keyId);
      assert.equal(e.status, 403, JSON.stringify(e));
      assert.equal(e.errorCode, 'SignatureDoesNotMatch');
    }
    assert.match(r.stderr, /validating provider credentials: .*GetCallerIdentity.*SignatureDoesNotMatch/);
    assert.deepEqual(s3.keys, [], 'S3 is never reached with credentials STS refused');
  });

  // Real Terraform code pins profiles (`profile = "role"` in the backend, aliased providers per
  // account): the shim's child reads the AWS files through mfa-exec's view, where that profile
  // runs `mfa-exec credential-process`, so Terraform gets the role from the one MFA session.
  for (const selected of [true, false]) {
    test(`\`profile = "role"\` in the backend, ${selected ? 'AWS_PROFILE=role' : 'no profile selected'}, cold cache, in a terminal: init and apply through the shim with one MFA prompt in all`, async () => {
      await writeBackend('    profile = "role"\n');
      await writeFile(join(work, 'outputs.tf'), 'output "greeting" {\n  value = "hello"\n}\n');
      const { AWS_PROFILE: _unused, ...unselected } = env;
      const runEnv = selected ? env : unselected;
      const first = await runInPty([terraformShim, 'init', '-input=false', '-no-color'], {
        env: runEnv,
        cwd: work,
        steps: [
          { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
          { expect: 'Terraform has been successfully initialized!' },
        ],
        timeoutMs: 60_000,
      });
      assert.equal(first.exitStatus, 0, first.output);
      assert.match(first.output, /Successfully configured the backend "s3"!/);
      const apply = await runInPty([terraformShim, 'apply', '-auto-approve', '-input=false', '-no-color'], {
        env: runEnv,
        cwd: work,
        steps: [{ expect: 'Apply complete!' }],
        timeoutMs: 60_000,
      });
      assert.equal(apply.exitStatus, 0, apply.output);
      assert.match(apply.output, /greeting = "hello"/);
      assert.equal((first.output + apply.output).split('Enter MFA code for').length - 1, 1, 'one MFA prompt in all');
      assert.doesNotMatch(first.output + apply.output, /AssumeRoleTokenProvider/);
      assert.equal(aws.calls.GetSessionToken, 1);
      assert.equal(aws.calls.AssumeRole, 1);
      assertValidatedWith(await roleKeyId());
      const list = await (await fetch(`${s3Moto.endpoint}/${BUCKET}?list-type=2`)).text();
      assert.match(list, /<Key>team\/terraform\.tfstate<\/Key>/, `apply wrote the state through the backend: ${list}`);
    });
  }

  test('the view does not reach past `shared_credentials_files`: doctor says so', async () => {
    await writeBackend(`    shared_credentials_files = ["${join(s.home, '.aws', 'credentials')}"]\n`);
    const r = await runCli(['doctor'], { env, cwd: work });
    assert.match(r.stdout, /^warn\s+main\.tf:\d+ sets shared_credentials_files: Terraform reads that file itself, past mfa-exec's view/m);
  });

  // --server: Terraform's default chain ranks the shared files' [default] and a web identity in
  // the environment above the container endpoint; the served child must still sign as the role.
  describe('--server: the backend signs as the selected role whatever [default] and the environment hold', () => {
    const carol = () => aws.users.carol!;
    const setups: Record<string, () => Promise<NodeJS.ProcessEnv>> = {
      '[default] with keys': async () => {
        await appendFile(
          join(s.home, '.aws', 'credentials'),
          `\n[default]\naws_access_key_id = ${carol().accessKeyId}\naws_secret_access_key = ${carol().secretAccessKey}\n`,
        );
        return env;
      },
      'a [default] credential_process': async () => {
        const script = join(s.home, 'carol-keys.sh');
        const json = JSON.stringify({ Version: 1, AccessKeyId: carol().accessKeyId, SecretAccessKey: carol().secretAccessKey });
        await writeFile(script, `#!/bin/sh\necho '${json}'\n`, { mode: 0o755 });
        const config = join(s.home, '.aws', 'config');
        await writeFile(config, (await readFile(config, 'utf8')).replace('[default]\n', `[default]\ncredential_process = ${script}\n`));
        return env;
      },
      'AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE': async () => {
        const token = join(s.home, 'web-identity-token');
        await writeFile(token, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
        return { ...env, AWS_ROLE_ARN: aws.roles.reader!.arn, AWS_WEB_IDENTITY_TOKEN_FILE: token };
      },
    };
    for (const [what, setup] of Object.entries(setups)) {
      test(`${what}: init signs every request with the role's key`, async () => {
        await writeBackend();
        const keyId = await login();
        const { AWS_PROFILE: _unused, ...served } = await setup();
        aws.resetCalls();
        const r = await runCli(['--server', '-p', 'role', '--', 'terraform', 'init', '-input=false', '-no-color'], {
          env: served,
          cwd: work,
          timeoutMs: 60_000,
        });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /Successfully configured the backend "s3"!/);
        assertValidatedWith(keyId);
        assert.equal(aws.calls.AssumeRoleWithWebIdentity ?? 0, 0);
      });
    }
  });
});
