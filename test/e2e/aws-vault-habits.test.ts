// aws-vault habits through the built CLI against moto: `exec PROFILE -- cmd`, options before the
// subcommand, aws-vault's lifetime variables, and one warning line for its settings that have no
// meaning here.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, script, type Scenario } from './scenario.ts';

const ok = (r: CliResult, what: string): void => assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
const minutesLeft = (iso: string | undefined): number => (Date.parse(iso ?? '') - Date.now()) / 60_000;

describe('aws-vault habits', { timeout: 120_000 }, () => {
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
  const withCode = async (env: NodeJS.ProcessEnv = s.env) => ({ ...env, MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.serial) });

  test('`mfa-exec exec PROFILE -- cmd`: a defined profile name before -- is the profile; alone, it opens $SHELL with it', async () => {
    const r = await runCli(['exec', 'role', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: await withCode() });
    ok(r, 'exec role -- aws');
    assert.match(callerArn(r.stdout), /:assumed-role\/hc-master\//);

    // Options before the profile, the other role behind the same device (cached session: no code).
    const shell = await script(join(s.home, 'fake-shell'), '#!/bin/sh\necho "shell AWS_VAULT=$AWS_VAULT args=$#"\n');
    const sub = await runCli(['exec', '--region', 'eu-west-3', 'reader'], { env: { ...s.env, SHELL: shell } });
    ok(sub, 'exec reader');
    assert.equal(sub.stdout, 'shell AWS_VAULT=reader args=0\n');
    const dashes = await runCli(['--debug', 'exec', 'reader', '--'], { env: { ...s.env, SHELL: shell } });
    ok(dashes, 'exec reader --');
    assert.equal(dashes.stdout, 'shell AWS_VAULT=reader args=0\n');
    assert.match(dashes.stderr, /'reader' is a defined profile \(aws-vault's form 'exec PROFILE -- command'\)/);
    assert.equal(aws.calls.GetSessionToken, 1);
  });

  test('`exec WORD -- …` where WORD is no profile: WORD is the command as before; not found says it is no profile either', async () => {
    await script(join(s.shims, 'mxtool'), '#!/bin/sh\necho "mxtool $*"\n');
    const r = await runCli(['exec', 'mxtool', '--', 'a', 'b'], { env: { ...s.env, AWS_PROFILE: 'carol-reader' } });
    ok(r, 'exec mxtool -- a b');
    assert.equal(r.stdout, 'mxtool -- a b\n');

    const typo = await runCli(['exec', 'rloe', '--', 'true'], { env: s.env });
    assert.equal(typo.code, 127, typo.stderr);
    assert.match(typo.stderr, /Command not found: 'rloe' is not in PATH\. Nor is 'rloe' a profile defined in the AWS config files/);
    assert.equal((aws.calls.GetSessionToken ?? 0) + (aws.calls.AssumeRole ?? 0), 1, 'only carol-reader’s AssumeRole');
  });

  test('options before the subcommand: `mfa-exec -p NAME status`, `mfa-exec --debug env …`; a program named like a subcommand goes after --', async () => {
    const before = await runCli(['-p', 'role', 'status'], { env: s.env });
    assert.equal(before.code, 1, before.stderr);
    assert.match(before.stdout, /^role: needs an MFA code/);
    ok(await runCli(['-p', 'role', 'login'], { env: await withCode() }), 'login');
    const after = await runCli(['-p', 'role', 'status', '--json'], { env: s.env });
    ok(after, 'status');
    assert.equal((JSON.parse(after.stdout) as { profile: string }).profile, 'role');

    const env = await runCli(['--debug', 'env', '--format', 'json'], { env: { ...s.env, AWS_PROFILE: 'role' } });
    ok(env, 'env');
    assert.equal((JSON.parse(env.stdout) as Record<string, string>).AWS_VAULT, 'role');
    assert.match(env.stderr, /mfa-exec: profile 'role' \(from AWS_PROFILE\)/);

    const program = await runCli(['-p', 'role', '--', 'env'], { env: s.env });
    ok(program, '-- env');
    assert.match(program.stdout, /^AWS_VAULT=role$/m);
  });

  test('AWS_ASSUME_ROLE_TTL sets the role lifetime, AWS_CHAINED_SESSION_TOKEN_TTL the MFA session in front of it', async () => {
    const env = { ...(await withCode()), AWS_ASSUME_ROLE_TTL: '20m', AWS_CHAINED_SESSION_TOKEN_TTL: '2h', AWS_SESSION_TOKEN_TTL: '15m' };
    const r = await runCli(['-p', 'role', '--', 'sh', '-c', 'echo "$AWS_CREDENTIAL_EXPIRATION"'], { env });
    ok(r, 'exec');
    const role = minutesLeft(r.stdout.trim());
    assert.ok(role > 18 && role <= 20.5, `role credentials for ~20 min, got ${role}`);
    // The lifetimes are part of what a cache entry is: status looks with the same variables.
    const status = JSON.parse((await runCli(['status', '-p', 'role', '--json'], { env })).stdout) as {
      session: { expiration: string };
    };
    const session = minutesLeft(status.session.expiration);
    assert.ok(session > 118 && session <= 120.5, `MFA session for ~2 h, got ${session}`);
  });

  test('AWS_SESSION_TOKEN_TTL sets the lifetime of an MFA session that is itself the credentials (no role)', async () => {
    const bob = { ...s.env, MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.bobSerial), AWS_SESSION_TOKEN_TTL: '45m' };
    const r = await runCli(['-p', 'bob', '--', 'sh', '-c', 'echo "$AWS_CREDENTIAL_EXPIRATION"'], { env: bob });
    ok(r, 'exec bob');
    const left = minutesLeft(r.stdout.trim());
    assert.ok(left > 43 && left <= 45.5, `~45 min, got ${left}`);
  });

  test('AWS_VAULT_BACKEND and AWS_VAULT_PROMPT set to what mfa-exec cannot do: one warning line each, and the command still runs', async () => {
    const env = { ...(await withCode()), AWS_PROFILE: 'role', AWS_VAULT_BACKEND: 'pass', AWS_VAULT_PROMPT: 'wincredui' };
    const r = await runCli(['--', 'sh', '-c', 'echo "ran $AWS_VAULT"'], { env });
    ok(r, 'exec');
    assert.equal(r.stdout, 'ran role\n');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0]!, /^mfa-exec: warning: AWS_VAULT_BACKEND=pass is ignored: mfa-exec's key store is the OS keyring/);
    assert.match(lines[1]!, /^mfa-exec: warning: AWS_VAULT_PROMPT=wincredui is not supported: /);

    for (const prompt of ['terminal', 'zenity', 'kdialog', 'osascript', 'ykman']) {
      const quiet = await runCli(['--', 'true'], {
        env: { ...s.env, AWS_PROFILE: 'role', AWS_VAULT_PROMPT: prompt, AWS_VAULT_BACKEND: 'file' },
      });
      ok(quiet, `AWS_VAULT_PROMPT=${prompt}`);
      assert.equal(
        quiet.stderr,
        '',
        `AWS_VAULT_PROMPT=${prompt} names a prompt mfa-exec has (honoured); AWS_VAULT_BACKEND=file is honoured (the keys are in a file)`,
      );
    }
  });
});
