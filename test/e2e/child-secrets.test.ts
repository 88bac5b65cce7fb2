// Our own secrets never reach another program (issue 17): the key files' passphrase
// (MFA_EXEC_FILE_PASSPHRASE, aws-vault's AWS_VAULT_FILE_PASSPHRASE) and an MFA code
// (MFA_EXEC_MFA_TOKEN) are set in mfa-exec's environment, and every program it starts prints the
// environment it got: the command, --server's command, untouched shim runs (MFA_EXEC_DISABLE,
// an invocation that needs no credentials), mfa_process and a source's credential_process. A
// nested credential-process that needs the passphrase asks through the prompt like any run.
import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, runCli, runInPty, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

const REPORT = fileURLToPath(new URL('../fixtures/exec/report.mjs', import.meta.url));
const TOTP = fileURLToPath(new URL('../fixtures/integrations/totp.py', import.meta.url));
const PASSPHRASE = 'child secrets passphrase';
const VAULT_PASSPHRASE = 'aws-vault passphrase';
const SECRET_NAMES = ['MFA_EXEC_FILE_PASSPHRASE', 'AWS_VAULT_FILE_PASSPHRASE', 'MFA_EXEC_MFA_TOKEN'];

/** The AWS_* and MFA_EXEC_* variables report.mjs saw. */
function seen(r: CliResult): Record<string, string> {
  assert.ok(r.stdout.startsWith('{'), `the program did not run\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return (JSON.parse(r.stdout.split('\n')[0]!) as { env: Record<string, string> }).env;
}

function noSecrets(env: Record<string, string>, what: string): void {
  for (const name of SECRET_NAMES) assert.equal(env[name], undefined, `${name} reached ${what}`);
  const text = JSON.stringify(env);
  assert.ok(!text.includes(PASSPHRASE) && !text.includes(VAULT_PASSPHRASE), `a passphrase reached ${what}`);
}

describe('our secrets reach no program we start', { timeout: 180_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    env = { ...s.env, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE, AWS_VAULT_FILE_PASSPHRASE: VAULT_PASSPHRASE };
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  const withCode = async () => ({ ...env, MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.serial) });

  test('the command, and --server’s command', async () => {
    const r = await runCli(['-p', 'role', '--', 'node', REPORT], { env: await withCode() });
    assert.equal(r.code, 0, r.stderr);
    const child = seen(r);
    noSecrets(child, 'the command');
    assert.ok(child.AWS_SESSION_TOKEN, 'it got the credentials');
    const server = await runCli(['--server', '-p', 'role', '--', 'node', REPORT], { env: { ...env, MFA_EXEC_MFA_TOKEN: '123456' } });
    assert.equal(server.code, 0, server.stderr);
    noSecrets(seen(server), '--server’s command');
    assert.ok(seen(server).AWS_CONTAINER_CREDENTIALS_FULL_URI);
  });

  test('untouched shim runs: MFA_EXEC_DISABLE, an invocation that needs no credentials, no profile selected', async () => {
    const real = join(s.home, 'real');
    await mkdir(real);
    await symlink(REPORT, join(real, 'terraform'));
    const shim = await s.shim('terraform');
    const shimEnv = { ...env, MFA_EXEC_MFA_TOKEN: '123456', PATH: `${s.shims}:${real}:${s.env.PATH}` };
    const runs: [string, NodeJS.ProcessEnv, string[]][] = [
      ['MFA_EXEC_DISABLE=1', { ...shimEnv, AWS_PROFILE: 'role', MFA_EXEC_DISABLE: '1' }, ['apply']],
      ['terraform version', { ...shimEnv, AWS_PROFILE: 'role' }, ['version']],
      ['no profile selected', shimEnv, ['plan']],
    ];
    for (const [what, runEnv, args] of runs) {
      const r = await runCli(args, { env: runEnv, argv0Path: shim });
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      const child = seen(r);
      noSecrets(child, what);
      assert.equal(child.AWS_ACCESS_KEY_ID, undefined, `${what}: untouched`);
    }
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
  });

  test('mfa_process and a source’s credential_process', async () => {
    await writeFile(join(s.home, 'totp-seed'), aws.mfaSeed(s.serial), { mode: 0o600 });
    const dump = (file: string) => `env > ${join(s.home, file)}`;
    const carol = aws.users.carol!;
    const json = JSON.stringify({ Version: 1, AccessKeyId: carol.accessKeyId, SecretAccessKey: carol.secretAccessKey });
    await writeFile(
      join(s.home, '.aws', 'config'),
      `${await readFile(join(s.home, '.aws', 'config'), 'utf8')}\n[profile proc]\nsource_profile = source\nrole_arn = ${aws.roles['hc-master']!.arn}\nexternal_id = 730993910069\nmfa_serial = ${s.serial}\nmfa_process = ${dump('mfa-process.env')}; python3 ${TOTP} @$HOME/totp-seed\n\n[profile carolproc]\ncredential_process = sh -c '${dump('credential-process.env')}; printf "%s" "$0"' '${json}'\n\n[profile carolrole]\nsource_profile = carolproc\nrole_arn = ${aws.roles.reader!.arn}\n`,
    );
    const proc = await runCli(['-p', 'proc', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env });
    assert.equal(proc.code, 0, proc.stderr);
    assert.match(callerArn(proc.stdout), /:assumed-role\/hc-master\//);
    const viaProcess = await runCli(['-p', 'carolrole', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...env, MFA_EXEC_MFA_TOKEN: '123456' },
    });
    assert.equal(viaProcess.code, 0, viaProcess.stderr);
    assert.match(callerArn(viaProcess.stdout), /:assumed-role\/reader\//);
    for (const file of ['mfa-process.env', 'credential-process.env']) {
      const text = await readFile(join(s.home, file), 'utf8');
      assert.match(text, /^HOME=/m, `${file} was written by the process`);
      for (const name of SECRET_NAMES) assert.doesNotMatch(text, new RegExp(`^${name}=`, 'm'), `${name} reached ${file}`);
      assert.ok(!text.includes(PASSPHRASE) && !text.includes(VAULT_PASSPHRASE), file);
    }
  });

  test('a nested credential-process (through the view) that needs the passphrase asks for it on the terminal', async () => {
    const carol = aws.users.carol!;
    // carol's keys in the encrypted files under a profile the command names itself.
    const add = await runCli(['add', 'carolstore', '--env', '--backend', 'file'], {
      env: { ...env, AWS_ACCESS_KEY_ID: carol.accessKeyId, AWS_SECRET_ACCESS_KEY: carol.secretAccessKey },
    });
    assert.equal(add.code, 0, add.stderr);
    const login = await runCli(['login', '-p', 'role', '--mfa-token', await aws.freshTotp(s.serial)], { env });
    assert.equal(login.code, 0, login.stderr);
    const r = await runInPty(
      [CLI_PATH, '-p', 'role', '--', 'aws', 'sts', 'get-caller-identity', '--profile', 'carolstore', '--output', 'json'],
      {
        env: { ...env, MFA_EXEC_BACKEND: 'file' },
        steps: [{ expect: 'Passphrase for the encrypted key files in ', send: `${PASSPHRASE}\r` }, { expect: '"Arn"' }],
        timeoutMs: 60_000,
      },
    );
    assert.equal(r.exitStatus, 0, r.output);
    assert.match(r.output, /"Arn": "arn:aws:iam::\d+:user\/carol"/);
    assert.ok(!r.output.includes(PASSPHRASE), 'the passphrase was not echoed');
  });
});
