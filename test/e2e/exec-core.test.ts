// The core flow end to end: the built CLI, moto in auth mode behind the MFA-checking front,
// the real `aws` CLI as the target, prompts answered in a real pseudo-terminal.
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, runCli, runInPty, startFakeAws, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

describe('exec: MFA session, roles and cache against moto', { timeout: 120_000 }, () => {
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

  test('the reported setup (keys, a role in another account behind MFA with an external id): one MFA prompt on the terminal, then every role behind that device without one', async () => {
    const awsShim = await s.shim('aws');
    const first = await runInPty([awsShim, 'sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...s.env, AWS_PROFILE: 'role' },
      steps: [{ expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) }],
      timeoutMs: 30_000,
    });
    assert.equal(first.exitStatus, 0, first.output);
    assert.match(first.output, /assumed-role\/hc-master\/mfa-exec-\d+/);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 1);

    // No terminal from here on: a prompt would fail, so success proves the cache served.
    const again = await runCli(['sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...s.env, AWS_PROFILE: 'role' },
      argv0Path: awsShim,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.match(callerArn(again.stdout), /assumed-role\/hc-master\//);
    assert.equal(again.stderr, '');

    const other = await runCli(['sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...s.env, AWS_PROFILE: 'reader' },
      argv0Path: awsShim,
    });
    assert.equal(other.code, 0, other.stderr);
    assert.match(callerArn(other.stdout), /assumed-role\/reader\//);
    assert.equal(aws.calls.GetSessionToken, 1, 'the MFA session is shared by both roles');
    assert.equal(aws.calls.AssumeRole, 2);
  });

  test('wrapper mode with --mfa-token; the child gets keys, expiry, region and the AWS_VAULT marker, and no stale AWS variables', async () => {
    const code = await aws.freshTotp(s.serial);
    const r = await runCli(['-p', 'role', '--mfa-token', code, '--', 'sh', '-c', 'env'], {
      env: {
        ...s.env,
        AWS_PROFILE: 'reader',
        AWS_DEFAULT_PROFILE: 'x',
        AWS_ACCESS_KEY_ID: 'AKIASTALESTALESTALE',
        AWS_SECRET_ACCESS_KEY: 'stale',
        AWS_SECURITY_TOKEN: 'stale',
      },
    });
    assert.equal(r.code, 0, r.stderr);
    const env = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.match(env.AWS_ACCESS_KEY_ID ?? '', /^[A-Z0-9]{16,}$/);
    assert.notEqual(env.AWS_ACCESS_KEY_ID, 'AKIASTALESTALESTALE');
    assert.ok(env.AWS_SECRET_ACCESS_KEY && env.AWS_SECRET_ACCESS_KEY !== 'stale');
    assert.ok(env.AWS_SESSION_TOKEN);
    assert.equal(env.AWS_VAULT, 'role');
    assert.equal(env.AWS_REGION, 'eu-central-1');
    assert.equal(env.AWS_DEFAULT_REGION, 'eu-central-1');
    assert.match(env.AWS_CREDENTIAL_EXPIRATION ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const left = Date.parse(env.AWS_CREDENTIAL_EXPIRATION!) - Date.now();
    assert.ok(left > 50 * 60_000 && left <= 60 * 60_000, `role credentials last an hour by default (${left} ms)`);
    for (const gone of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN']) assert.equal(env[gone], undefined, gone);
  });

  test('MFA_EXEC_MFA_TOKEN is used and does not reach the child, nor a nested run', async () => {
    const code = await aws.freshTotp(s.serial);
    const nested = `${CLI_PATH} -p role -- sh -c 'echo nested=\${MFA_EXEC_MFA_TOKEN-unset}'`;
    const r = await runCli(
      ['-p', 'role', '--', 'sh', '-c', `echo child=\${MFA_EXEC_MFA_TOKEN-unset}; MFA_EXEC_MFA_TOKEN=${code} ${nested}`],
      {
        env: { ...s.env, MFA_EXEC_MFA_TOKEN: code },
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^child=unset$/m);
    assert.match(r.stdout, /^nested=unset$/m);
    assert.equal(aws.calls.GetSessionToken, 1);
  });

  test('--region overrides the profile region; the MFA-only user gets the MFA session itself', async () => {
    const code = await aws.freshTotp(s.bobSerial);
    const r = await runCli(
      [
        '--profile',
        'bob',
        '--region',
        'us-east-2',
        '--mfa-token',
        code,
        '--',
        'sh',
        '-c',
        'echo $AWS_REGION $AWS_VAULT; aws sts get-caller-identity --output json',
      ],
      { env: s.env },
    );
    assert.equal(r.code, 0, r.stderr);
    const [line, ...json] = r.stdout.split('\n');
    assert.equal(line, 'us-east-2 bob');
    assert.equal(callerArn(json.join('\n')), aws.users.bob!.arn);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole ?? 0, 0);
  });

  test('no terminal and no token: fails at once, says how to pass a code, calls no STS', async () => {
    const r = await runCli(['-p', 'role', '--', 'true'], { env: s.env, timeoutMs: 10_000 });
    assert.equal(r.code, 66);
    assert.match(r.stderr, /no terminal/);
    assert.match(r.stderr, /--mfa-token/);
    assert.match(r.stderr, /role/);
    assert.equal(r.durationMs < 5_000, true);
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
  });

  test('a wrong --mfa-token is refused by AWS: exit 77, nothing cached; a code AWS already accepted is not sent again: exit 65', async () => {
    const wrong = String((Number(aws.totp(s.serial)) + 500_000) % 1_000_000).padStart(6, '0');
    const bad = await runCli(['-p', 'role', '--mfa-token', wrong, '--', 'true'], { env: s.env });
    assert.equal(bad.code, 77, bad.stderr);
    assert.match(bad.stderr, /rejected the MFA code/);
    const cacheDir = join(s.home, '.cache', 'mfa-exec');
    const files = await readdir(cacheDir).catch(() => []);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.json') && !f.startsWith('mfa-used')),
      [],
    );

    const code = await aws.freshTotp(s.serial);
    const ok = await runCli(['-p', 'reader', '--no-session', '--mfa-token', code, '--', 'true'], { env: s.env });
    assert.equal(ok.code, 0, ok.stderr);
    const calls = aws.calls.AssumeRole;
    const reused = await runCli(['-p', 'role', '--no-session', '--mfa-token', code, '--', 'true'], { env: s.env });
    assert.equal(reused.code, 65, reused.stderr);
    assert.match(reused.stderr, /already accepted/);
    assert.equal(aws.calls.AssumeRole, calls, 'the used code never reached STS');
  });

  test('a rejected code at the prompt asks again, and the right one then works', async () => {
    const wrong = String((Number(aws.totp(s.serial)) + 500_000) % 1_000_000).padStart(6, '0');
    const r = await runInPty([CLI_PATH, '-p', 'role', '--', 'true'], {
      env: s.env,
      steps: [
        { expect: `Enter MFA code for ${s.serial}: `, send: `${wrong}\r` },
        { expect: 'AWS rejected that code' },
        { expect: `Enter MFA code for ${s.serial}: `, send: '12ab\r' },
        { expect: 'digits only' },
        { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
      ],
      timeoutMs: 30_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
    assert.equal(aws.calls.GetSessionToken, 2);
  });

  test('--no-session and a role duration over 1h skip the MFA session and say why under --debug', async () => {
    const code = await aws.freshTotp(s.serial);
    const r = await runCli(
      ['--debug', '-p', 'role', '-d', '2h', '--mfa-token', code, '--', 'sh', '-c', 'echo $AWS_CREDENTIAL_EXPIRATION'],
      { env: s.env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no MFA session: duration 2h .* over the 1h/);
    assert.equal(aws.calls.GetSessionToken ?? 0, 0);
    assert.equal(aws.calls.AssumeRole, 1);
    const left = Date.parse(r.stdout.trim()) - Date.now();
    assert.ok(left > 110 * 60_000, `2h role credentials (${left} ms)`);
  });

  test('cache: directory 0700, files 0600, no long-term secret anywhere; credentials near expiry are refreshed from the session without a prompt', async () => {
    const code = await aws.freshTotp(s.serial);
    const r = await runCli(['--debug', '-p', 'role', '--mfa-token', code, '--', 'true'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    const dir = join(s.home, '.cache', 'mfa-exec');
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    assert.ok(files.some((f) => f.startsWith('session-')) && files.some((f) => f.startsWith('role-')), files.join());
    const secret = aws.users[s.user]!.secretAccessKey;
    for (const f of files) {
      assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
      assert.ok(!(await readFile(join(dir, f), 'utf8')).includes(secret), `${f} holds the long-term secret`);
    }
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));

    // Make the role credentials expire in 4 minutes: they must not be reused.
    const roleFile = join(
      dir,
      files.find((f) => f.startsWith('role-'))!,
    );
    const entry = JSON.parse(await readFile(roleFile, 'utf8')) as { expiration: string };
    const { writeFile } = await import('node:fs/promises');
    await writeFile(roleFile, JSON.stringify({ ...entry, expiration: new Date(Date.now() + 4 * 60_000).toISOString() }), { mode: 0o600 });
    const refreshed = await runCli(['-p', 'role', '--', 'sh', '-c', 'echo $AWS_CREDENTIAL_EXPIRATION'], { env: s.env });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.ok(Date.parse(refreshed.stdout.trim()) - Date.now() > 50 * 60_000);
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 2);
  });

  test('a change of external id or role never returns the old cached credentials', async () => {
    const code = await aws.freshTotp(s.serial);
    assert.equal((await runCli(['-p', 'role', '--mfa-token', code, '--', 'true'], { env: s.env })).code, 0);
    const { writeAwsFiles } = await import('../harness/index.ts');
    const { configText, credentialsText } = await import('./scenario.ts');
    await writeAwsFiles(s.home, {
      config: configText(aws, s.user).replace('external_id = 730993910069', 'external_id = 111'),
      credentials: credentialsText(aws, s.user),
    });
    const r = await runCli(['-p', 'role', '--', 'true'], { env: s.env });
    assert.equal(r.code, 77, 'the session is reused, but the role is assumed afresh and AWS refuses the wrong external id');
    assert.match(r.stderr, /AWS denied AssumeRole .*hc-master.* for profile 'role'/);
  });

  test('nested runs: the same profile reuses the injected credentials (no STS call); another profile resolves afresh', async () => {
    const awsShim = await s.shim('aws');
    const code = await aws.freshTotp(s.serial);
    const inner = [
      `${awsShim} sts get-caller-identity --output json`,
      `MFA_EXEC_PROFILE=reader ${awsShim} sts get-caller-identity --output json`,
    ].join(' && echo ---- && ');
    const r = await runCli(['-p', 'role', '--mfa-token', code, '--', 'sh', '-c', inner], { env: { ...s.env, MFA_EXEC_DEBUG: '1' } });
    assert.equal(r.code, 0, r.stderr);
    const [same, other] = r.stdout.split('----\n');
    assert.match(callerArn(same!), /assumed-role\/hc-master\//);
    assert.match(callerArn(other!), /assumed-role\/reader\//);
    assert.equal(r.stderr.match(/nested run: AWS_VAULT=role already carries valid credentials/g)?.length, 1);
    assert.equal(aws.calls.GetSessionToken, 1, 'the reader role came from the cached MFA session');
    assert.equal(aws.calls.AssumeRole, 2);
  });
});
