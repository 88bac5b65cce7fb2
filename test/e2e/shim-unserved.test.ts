// A shim never breaks a profile it does not serve: a team with mixed profiles keeps the `aws`
// shim on PATH. Through the built CLI, the real aws CLI (botocore) as the program: an IAM
// Identity Center profile (the harness's SSO fakes) works as without the shim, a role with
// credential_source = Ec2InstanceMetadata gets the aws CLI's own answer, not mfa-exec's exit 78;
// `aws sso login|logout`, `aws login|logout` and `aws configure …` always reach the program
// untouched, with the user's own files. Which kinds are unserved is the source table's
// (src/sources/unserved.ts); once a kind is served, the outcome checked here stays the same.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir, symlink } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  CLI_PATH,
  baseEnv,
  makeHome,
  pythonTool,
  runCli,
  ssoRoleName,
  startFakeAws,
  startSsoFakes,
  withSsoRoles,
  writeAwsFiles,
  type CliResult,
  type FakeAws,
  type SsoFakes,
  type TempHome,
} from '../harness/index.ts';

const REPORT = fileURLToPath(new URL('../fixtures/exec/report.mjs', import.meta.url));

describe('shims and the profiles mfa-exec does not serve', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let sso: SsoFakes;
  let t: TempHome;
  let env: NodeJS.ProcessEnv;
  let shims: string;
  const shim = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    runCli(args, { env: { ...env, ...extra }, argv0Path: join(shims, 'aws'), timeoutMs: 30_000 });

  before(async () => {
    aws = await startFakeAws(withSsoRoles({ users: [{ name: 'alice', mfa: true, mfaRequired: true }], roles: [] }, ['Dev']));
    sso = await startSsoFakes(aws, { permissionSets: ['Dev'] });
  });
  after(async () => {
    await sso?.close();
    await aws?.close();
  });
  beforeEach(async () => {
    t = await makeHome();
    const alice = aws.users.alice!;
    await writeAwsFiles(t.home, {
      config: `${sso.ssoConfig({ profile: 'sso-dev', permissionSet: 'Dev' })}
[profile ec2]
role_arn = arn:aws:iam::${aws.accountId}:role/ops
credential_source = Ec2InstanceMetadata
region = us-east-1

[profile mfa]
mfa_serial = ${alice.mfaSerial}
region = us-east-1

[profile webid]
role_arn = arn:aws:iam::${aws.accountId}:role/ci
web_identity_token_file = ${join(t.home, 'token')}

[profile sso-sign-in-only]
sso_start_url = https://example.invalid/start
sso_region = us-east-1
`,
      credentials: `[mfa]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
    });
    sso.signInSso().writeTo(t.home); // as after `aws sso login`
    shims = join(t.home, 'shims');
    await mkdir(shims);
    await symlink(CLI_PATH, join(shims, 'aws'));
    const base = baseEnv(t.home, aws);
    env = { ...base, ...sso.env, AWS_DEFAULT_REGION: 'us-east-1', PATH: `${shims}:${base.PATH}` };
    aws.resetCalls();
    sso.resetCalls();
  });
  afterEach(() => t?.cleanup());

  test('an IAM Identity Center profile: `aws sts get-caller-identity` through the shim works as without it', async () => {
    const r = await shim(['sts', 'get-caller-identity', '--output', 'json'], { AWS_PROFILE: 'sso-dev' });
    assert.equal(r.code, 0, r.stderr);
    assert.match((JSON.parse(r.stdout) as { Arn: string }).Arn, new RegExp(`:assumed-role/${ssoRoleName('Dev')}/`));
    assert.doesNotMatch(r.stderr, /mfa-exec/);
    assert.equal(sso.calls['GetRoleCredentials'], 1);
    assert.equal((aws.calls.GetSessionToken ?? 0) + (aws.calls.AssumeRole ?? 0) - 1, 0, 'only the portal’s own AssumeRole');
  });

  test('credential_source = Ec2InstanceMetadata: the aws CLI’s own answer and exit code, one --debug line why', async () => {
    const r = await shim(['sts', 'get-caller-identity'], { AWS_PROFILE: 'ec2', MFA_EXEC_DEBUG: '1' });
    const plain = await runCli(['sts', 'get-caller-identity'], { env: { ...env, AWS_PROFILE: 'ec2' }, argv0Path: pythonTool('aws') });
    assert.notEqual(r.code, 78, r.stderr);
    assert.notEqual(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /supports only 'Environment'|has no credentials mfa-exec can use/, 'no error of mfa-exec’s');
    const why = r.stderr.split('\n').filter((l) => l.includes('running the real program untouched'));
    assert.equal(why.length, 1, r.stderr);
    assert.match(why[0]!, /profile 'ec2' uses credential_source = Ec2InstanceMetadata, which mfa-exec does not serve/);
    assert.equal(r.code, plain.code, 'the exit code is the aws CLI’s');
    assert.equal(
      r.stderr
        .split('\n')
        .filter((l) => !l.startsWith('mfa-exec: '))
        .join('\n'),
      plain.stderr,
      'and its message',
    );
    assert.deepEqual(aws.calls, {});

    // Asked for explicitly (wrapper mode), it is an error that says what the profile uses.
    const wrapped = await runCli(['-p', 'ec2', '--', 'aws', 'sts', 'get-caller-identity'], { env });
    assert.equal(wrapped.code, 78, wrapped.stderr);
    assert.match(wrapped.stderr, /Profile 'ec2' .* uses credential_source = 'Ec2InstanceMetadata'; mfa-exec supports only 'Environment'/);
  });

  test('web_identity_token_file, and an IAM Identity Center sign-in with no account and role: the program untouched, one --debug line why', async () => {
    const real = join(t.home, 'real');
    await mkdir(real);
    await symlink(REPORT, join(real, 'aws'));
    const path = env.PATH!.replace(`${shims}:`, `${shims}:${real}:`);
    for (const [profile, what] of [
      ['webid', 'a web identity \\(web_identity_token_file\\)'],
      ['sso-sign-in-only', 'an AWS IAM Identity Center sign-in without sso_account_id and sso_role_name'],
    ] as const) {
      const r = await shim(['s3', 'ls'], { PATH: path, AWS_PROFILE: profile, MFA_EXEC_DEBUG: '1' });
      assert.equal(r.code, 0, `${profile}: ${r.stderr}`);
      const got = JSON.parse(r.stdout.split('\n')[0]!) as { args: string[]; env: Record<string, string> };
      assert.deepEqual(got.args, ['s3', 'ls']);
      assert.equal(got.env.AWS_PROFILE, profile);
      assert.equal(got.env.AWS_ACCESS_KEY_ID, undefined, 'no credentials injected');
      const why = r.stderr.split('\n').filter((l) => l.includes('running the real program untouched'));
      assert.equal(why.length, 1, r.stderr);
      assert.match(why[0]!, new RegExp(`profile '${profile}' uses ${what}, which mfa-exec does not serve`));
    }
    assert.deepEqual(aws.calls, {});
  });

  test('`aws sso login|logout`, `aws login|logout`, `aws configure …`: the program untouched, with the user’s own files, whatever the profile', async () => {
    // A stand-in for the real aws that reports what it was given, first on PATH after the shims.
    const real = join(t.home, 'real');
    await mkdir(real);
    await symlink(REPORT, join(real, 'aws'));
    const path = env.PATH!.replace(`${shims}:`, `${shims}:${real}:`);
    for (const args of [
      ['sso', 'login'],
      ['sso', 'logout'],
      ['login', '--profile', 'mfa'],
      ['logout'],
      ['configure'],
      ['configure', 'sso'],
      ['configure', 'import', '--csv', 'file://keys.csv'],
    ]) {
      // A profile that would need an MFA code, on a cold cache: no code is asked, no STS call.
      const r = await shim(args, { PATH: path, AWS_PROFILE: 'mfa', MFA_EXEC_DEBUG: '1' });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      const got = JSON.parse(r.stdout.split('\n')[0]!) as { args: string[]; env: Record<string, string> };
      assert.deepEqual(got.args, args);
      assert.equal(got.env.AWS_PROFILE, 'mfa', 'the profile as the user set it');
      assert.equal(got.env.AWS_ACCESS_KEY_ID, undefined, 'no credentials injected');
      assert.equal(got.env.AWS_CONFIG_FILE, undefined, 'the user’s own files, not the view');
      assert.match(r.stderr, /running the real program untouched, without credentials: 'aws (sso login|sso logout|login|logout|configure)/);
    }
    assert.deepEqual(aws.calls, {});
  });
});
