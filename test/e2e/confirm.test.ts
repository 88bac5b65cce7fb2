// Confirmation before destroying production (issue 21), end to end: the real Terraform 1.11
// through its shim, its provisioners calling the real aws CLI against moto; the question answered
// in a real pseudo-terminal; MFA_EXEC_CONFIRMED in a job without one.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, startFakeAws, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, script, type Scenario } from './scenario.ts';
import { terraformWork, type TerraformWork } from './terraform-work.ts';

describe('confirm: destructive commands on an account that asks for it', { timeout: 180_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let tf: TerraformWork;
  let question: string;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    // The role profile asks to confirm (in ~/.aws/config); reader does not.
    const config = join(s.home, '.aws', 'config');
    await writeFile(
      config,
      (await readFile(config, 'utf8')).replace('external_id = 730993910069\n', 'external_id = 730993910069\nmfa_exec_confirm = true\n'),
    );
    tf = await terraformWork(s, { ...s.env, AWS_PROFILE: 'role' });
    const login = await runCli(['login', '-p', 'role', '--mfa-token', await aws.freshTotp(s.serial)], { env: s.env });
    assert.equal(login.code, 0, login.stderr);
    const init = await tf.run(['init', '-input=false', '-no-color']);
    assert.equal(init.code, 0, init.stdout + init.stderr);
    question = `Type the account ID ${aws.accountId} to go on: `;
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  /** terraform apply in a job without a terminal, confirmed by the variable: the resource exists. */
  async function applyConfirmed(): Promise<void> {
    const r = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color'], { ...tf.env, MFA_EXEC_CONFIRMED: aws.accountId });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Apply complete! Resources: 1 added/);
    assert.deepEqual(await tf.resources(), ['terraform_data.marker']);
  }

  test('terraform destroy asks in the terminal: a wrong answer refuses (exit 80, nothing destroyed), the account ID runs it', async () => {
    await applyConfirmed();
    const wrong = await tf.pty(['destroy', '-auto-approve', '-input=false', '-no-color'], [{ expect: question, send: 'y\r' }]);
    assert.equal(wrong.exitStatus, 80, wrong.output);
    assert.match(
      wrong.output,
      new RegExp(
        `'terraform destroy' is destructive, and account ${aws.accountId} \\(profile 'role'\\) asks to confirm it: mfa_exec_confirm in ${join(s.home, '.aws', 'config')}`,
      ),
    );
    assert.match(
      wrong.output,
      new RegExp(`Not confirmed: 'terraform destroy' with profile 'role' \\(account ${aws.accountId}\\) did not run`),
    );
    assert.doesNotMatch(wrong.output, /Destroy complete|Destroying/);
    assert.deepEqual(await tf.resources(), ['terraform_data.marker'], 'nothing was destroyed');
    assert.equal(await tf.output('destroyed-by.json'), undefined);

    const right = await tf.pty(
      ['destroy', '-auto-approve', '-input=false', '-no-color'],
      [
        { expect: question, send: `${aws.accountId.slice(0, 4)}-${aws.accountId.slice(4, 8)}-${aws.accountId.slice(8)}\r` },
        { expect: 'Destroy complete!' },
      ],
    );
    assert.equal(right.exitStatus, 0, right.output);
    assert.equal(right.output.split('Type the account ID').length - 1, 1, 'asked once');
    assert.deepEqual(await tf.resources(), []);
    assert.match(callerArn((await tf.output('destroyed-by.json'))!), /assumed-role\/hc-master\//, 'Terraform had the role credentials');
    // The destroy-time provisioner ran `aws iam delete-user` through the aws shim: destructive too, and
    // covered by the confirmation Terraform inherited (MFA_EXEC_CONFIRMED), so it ran (the role may not
    // delete users: moto, in auth mode, answers AccessDenied, exit 255) instead of asking again on the
    // terminal Terraform owns (which would have been exit 80).
    assert.equal((await tf.output('delete-exit.txt'))?.trim(), '255');
    assert.equal(aws.calls.DeleteUser, 1);
  });

  test('Ctrl-C at the question cancels (exit 130) and nothing runs', async () => {
    await applyConfirmed();
    const r = await tf.pty(['destroy', '-auto-approve', '-input=false', '-no-color'], [{ expect: question, send: '\x03' }]);
    assert.equal(r.exitStatus, 130, r.output);
    assert.match(r.output, /Confirmation cancelled\./);
    assert.deepEqual(await tf.resources(), ['terraform_data.marker']);
  });

  test('never asked for what is not destructive: plan, show, and aws reads, with no terminal at all', async () => {
    await applyConfirmed();
    const plan = await tf.run(['plan', '-input=false', '-no-color']);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /No changes/);
    const show = await tf.run(['show', '-no-color']);
    assert.equal(show.code, 0, show.stderr);
    const awsShim = join(s.shims, 'aws');
    for (const args of [
      ['sts', 'get-caller-identity'],
      ['iam', 'list-users'],
      ['iam', 'get-role', '--role-name', 'reader'],
    ]) {
      const r = await runCli(args, { env: { ...s.env, AWS_PROFILE: 'role' }, argv0Path: awsShim });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /confirm/i);
    }
  });

  test('MFA_EXEC_CONFIRMED in a job without a terminal: missing or for another account refuses (exit 80), the account runs it', async () => {
    await applyConfirmed();
    aws.resetCalls();
    const missing = await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color']);
    assert.equal(missing.code, 80, missing.stderr);
    assert.match(
      missing.stderr,
      new RegExp(
        `'terraform destroy' with profile 'role' \\(account ${aws.accountId}\\) needs a confirmation \\(mfa_exec_confirm in .*\\), and there is no terminal to ask on; it did not run. In a job without a terminal, set MFA_EXEC_CONFIRMED=${aws.accountId}`,
      ),
    );
    const other = await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color'], {
      ...tf.env,
      MFA_EXEC_CONFIRMED: '999999999999',
    });
    assert.equal(other.code, 80, other.stderr);
    assert.match(other.stderr, /MFA_EXEC_CONFIRMED=999999999999 confirms another account/);
    assert.deepEqual(await tf.resources(), ['terraform_data.marker']);
    assert.deepEqual(aws.calls, {}, 'refused before any STS call: Terraform never started');

    const confirmed = await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color'], {
      ...tf.env,
      MFA_EXEC_CONFIRMED: aws.accountId,
    });
    assert.equal(confirmed.code, 0, confirmed.stdout + confirmed.stderr);
    assert.match(confirmed.stdout, /Destroy complete! Resources: 1 destroyed/);
    assert.deepEqual(await tf.resources(), []);
  });

  test('a saved plan is confirmed too (Terraform applies it without asking anything itself)', async () => {
    const plan = await tf.run(['plan', '-out=tfplan', '-input=false', '-no-color']);
    assert.equal(plan.code, 0, plan.stderr);
    const r = await tf.run(['apply', '-input=false', '-no-color', 'tfplan']);
    assert.equal(r.code, 80, r.stdout + r.stderr);
    assert.match(r.stderr, /'terraform apply' with profile 'role'/);
    assert.deepEqual(await tf.resources(), []);
  });

  test("a project file's confirm covers every profile in its tree, and its patterns; the aws CLI's delete-* ask", async () => {
    await tf.writeProject('confirm = true\n    deploy.sh --prod\n');
    const allow = await runCli(['allow'], { env: s.env, cwd: tf.dir });
    assert.equal(allow.code, 0, allow.stderr);
    const awsShim = join(s.shims, 'aws');
    const env = { ...s.env, AWS_PROFILE: 'reader' }; // reader has no mfa_exec_confirm of its own
    const asked = await runCli(['iam', 'delete-user', '--user-name', 'ghost'], { env, cwd: tf.dir, argv0Path: awsShim });
    assert.equal(asked.code, 80, asked.stderr);
    assert.match(
      asked.stderr,
      new RegExp(
        `'aws iam delete-user' with profile 'reader' \\(account ${aws.accountId}\\) needs a confirmation \\(confirm in ${join(tf.dir, '.mfa-exec')}\\)`,
      ),
    );
    const ran = await runCli(['iam', 'delete-user', '--user-name', 'ghost'], {
      env: { ...env, MFA_EXEC_CONFIRMED: aws.accountId },
      cwd: tf.dir,
      argv0Path: awsShim,
    });
    assert.equal(ran.code, 255, ran.stderr);
    assert.match(
      ran.stderr,
      /AccessDenied.*assumed-role\/reader\/.*iam:DeleteUser/,
      'the aws CLI ran as the role, and moto (auth mode) answered',
    );
    const dry = await runCli(['ec2', 'terminate-instances', '--instance-ids', 'i-1', '--dry-run', '--region', 'us-east-1'], {
      env,
      cwd: tf.dir,
      argv0Path: awsShim,
    });
    assert.doesNotMatch(dry.stderr, /confirmation/, '--dry-run is not destructive');

    const deploy = await script(join(s.home, 'deploy.sh'), '#!/bin/sh\necho deployed "$@"\n');
    const pattern = await runCli(['-p', 'reader', '--', deploy, '--prod'], { env: s.env, cwd: tf.dir });
    assert.equal(pattern.code, 80, pattern.stderr);
    assert.match(pattern.stderr, /'deploy.sh --prod' with profile 'reader'/);
    const notMatched = await runCli(['-p', 'reader', '--', deploy, '--staging'], { env: s.env, cwd: tf.dir });
    assert.equal(notMatched.code, 0, notMatched.stderr);
    assert.equal(notMatched.stdout, 'deployed --staging\n');
  });
});
