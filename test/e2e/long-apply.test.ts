// Long applies never run out (issue 21), end to end: the real Terraform 1.11 through its shim,
// credentials renewed before `apply` starts when they would not last min_lifetime, and `server =
// true` in a project file running apply under --server. Moto behind the front counts every STS
// call; what Terraform's provisioners were given is written where the test reads it.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, startFakeAws, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';
import { cachedRole, terraformWork, type TerraformWork } from './terraform-work.ts';

describe('min_lifetime and server: long applies never run out of credentials', { timeout: 180_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let tf: TerraformWork;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    tf = await terraformWork(s, { ...s.env, AWS_PROFILE: 'role' });
    const login = await runCli(['login', '-p', 'role', '--mfa-token', await aws.freshTotp(s.serial)], { env: s.env });
    assert.equal(login.code, 0, login.stderr);
    const init = await tf.run(['init', '-input=false', '-no-color']);
    assert.equal(init.code, 0, init.stdout + init.stderr);
  });
  afterEach(() => s.cleanup());

  /** Makes the cached entry at `file` end `minutes` from now (earlier than STS said: the cache takes that). */
  async function endsIn(file: string, minutes: number): Promise<void> {
    const entry = JSON.parse(await readFile(file, 'utf8')) as { expiration: string };
    entry.expiration = new Date(Date.now() + minutes * 60_000).toISOString();
    await writeFile(file, JSON.stringify(entry));
  }

  async function sessionEntry(): Promise<string> {
    const { readdir } = await import('node:fs/promises');
    const dir = join(s.home, '.cache', 'mfa-exec');
    return join(
      dir,
      (await readdir(dir)).find((n) => n.startsWith('session-'))!,
    );
  }

  test('role credentials with a few minutes left are renewed from the MFA session before apply starts, without a prompt', async () => {
    const before = (await cachedRole(s.home, 'role'))!;
    // 7 minutes: fresh by the cache's own 5-minute margin (so only min_lifetime can renew them), under apply's 15.
    await endsIn(before.file, 7);

    // plan is not long-running: the same credentials serve it, no STS call of ours.
    aws.resetCalls();
    const plan = await tf.run(['plan', '-input=false', '-no-color']);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.deepEqual(aws.calls, {}, 'no renewal for plan');
    assert.equal((await cachedRole(s.home, 'role'))!.accessKeyId, before.accessKeyId);

    const apply = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color'], { ...tf.env, MFA_EXEC_DEBUG: '1' });
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    assert.match(apply.stdout, /Apply complete!/);
    assert.match(
      apply.stderr,
      /the credentials of profile 'role' end in \d+m\d*s?, under the 15m 'terraform apply' is to have \(min_lifetime\): renewing without a prompt/,
    );
    assert.equal(aws.calls.AssumeRole, 1, 'the role assumed again');
    assert.equal(aws.calls.GetSessionToken ?? 0, 0, 'from the cached MFA session: no code');
    const renewed = (await cachedRole(s.home, 'role'))!;
    assert.notEqual(renewed.accessKeyId, before.accessKeyId);
    assert.ok(Date.parse(renewed.expiration) - Date.now() > 50 * 60_000, 'a full hour again');
    // What Terraform (and the aws CLI it ran) got: the renewed key, and it works at STS.
    assert.equal((await tf.output('created-env.txt'))!.match(/^AWS_ACCESS_KEY_ID=(.*)$/m)?.[1], renewed.accessKeyId);
    assert.match(callerArn((await tf.output('created-by.json'))!), /assumed-role\/hc-master\//);
    const signed = aws.log.filter((e) => e.action === 'GetCallerIdentity').map((e) => e.accessKeyId);
    assert.deepEqual(signed, [renewed.accessKeyId]);
  });

  test('the renewal needs a code only when the MFA session itself ends too soon, and says so in the terminal', async () => {
    const role = (await cachedRole(s.home, 'role'))!;
    await endsIn(role.file, 7);
    await endsIn(await sessionEntry(), 4); // under the cache's margin: the session cannot serve
    aws.resetCalls();
    const apply = await tf.pty(
      ['apply', '-auto-approve', '-input=false', '-no-color'],
      [{ expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) }, { expect: 'Apply complete!' }],
    );
    assert.equal(apply.exitStatus, 0, apply.output);
    assert.match(
      apply.output,
      /mfa-exec: the credentials of profile 'role' end in \d+m\S*? and the MFA session of profile 'source' ends in \d+m\S*?, under the 15m 'terraform apply' is to have \(min_lifetime\): enter a new MFA code to renew them\.\r?\n(?:mfa-exec: a code for \S+ was used .*\r?\n)?Enter MFA code for/,
    );
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 1);
    assert.notEqual((await cachedRole(s.home, 'role'))!.accessKeyId, role.accessKeyId);
  });

  test('a project file can ask for more (min_lifetime = 30m) for every command; min_lifetime = 0 asks for nothing', async () => {
    const role = (await cachedRole(s.home, 'role'))!;
    await endsIn(role.file, 20);
    await tf.writeProject('min_lifetime = 30m\n');
    assert.equal((await runCli(['allow'], { env: s.env, cwd: tf.dir })).code, 0);
    aws.resetCalls();
    const awsShim = join(s.shims, 'aws');
    const r = await runCli(['sts', 'get-caller-identity', '--output', 'json'], { env: tf.env, cwd: tf.dir, argv0Path: awsShim });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(aws.calls.AssumeRole, 1, '20 minutes left is under 30: renewed');

    await endsIn((await cachedRole(s.home, 'role'))!.file, 7);
    await tf.writeProject('min_lifetime = 0\n');
    assert.equal((await runCli(['allow'], { env: s.env, cwd: tf.dir })).code, 0);
    aws.resetCalls();
    const apply = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color']);
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    assert.equal(aws.calls.AssumeRole ?? 0, 0, 'min_lifetime = 0: not even the default for apply');
  });

  test('server = true: terraform apply runs under --server (a refreshing endpoint, no keys in its environment); plan does not', async () => {
    await tf.writeProject('server = true\n');
    assert.equal((await runCli(['allow'], { env: s.env, cwd: tf.dir })).code, 0);
    aws.resetCalls();
    const apply = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color']);
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    const seen = (await tf.output('created-env.txt'))!;
    assert.match(seen, /^AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:\d+\/mfa-exec\/credentials$/m);
    assert.doesNotMatch(seen, /^AWS_ACCESS_KEY_ID=/m);
    assert.match(
      callerArn((await tf.output('created-by.json'))!),
      /assumed-role\/hc-master\//,
      'the aws CLI Terraform ran got the role from the endpoint',
    );

    const plan = await tf.run(['plan', '-input=false', '-no-color', '-refresh=false'], { ...tf.env, MFA_EXEC_DEBUG: '1' });
    assert.equal(plan.code, 0, plan.stderr);
    assert.doesNotMatch(plan.stderr, /credential server/);
  });

  test('under server = true the MFA session must last too: renewed with a code before apply starts, rather than mid-run', async () => {
    await tf.writeProject('server = true\n');
    assert.equal((await runCli(['allow'], { env: s.env, cwd: tf.dir })).code, 0);
    await endsIn(await sessionEntry(), 10); // fresh, but the endpoint would need a code within the apply
    aws.resetCalls();
    const apply = await tf.pty(
      ['apply', '-auto-approve', '-input=false', '-no-color'],
      [
        { expect: /the MFA session of profile 'source' ends in \d+m\S*?, under the 15m 'terraform apply' is to have/ },
        { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
        { expect: 'Apply complete!' },
      ],
    );
    assert.equal(apply.exitStatus, 0, apply.output);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.match((await tf.output('created-env.txt'))!, /^AWS_CONTAINER_CREDENTIALS_FULL_URI=/m);
  });
});
