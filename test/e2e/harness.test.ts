// Self-test of the e2e harness: the fake AWS must behave like AWS where mfa-exec depends on
// it, and the process helpers must really run without a terminal / inside one.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { baseEnv, makeHome, runCli, runInPty, startFakeAws, type FakeAws, type TempHome } from '../harness/index.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true'; // exactly 'true', not '1'
const run = promisify(execFile);

/** Processes still running (zombies are done) whose environment holds `entry`, as "pid command". */
async function runningWith(entry: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
    if (!environ.split('\0').includes(entry)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat === '' || stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    found.push(`${pid} ${cmdline.replaceAll('\0', ' ').trim()}`);
  }
  return found;
}

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Thrown STS errors, reduced to what the tests compare. */
async function stsError(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  assert.fail('expected the call to fail');
}

function wrongCode(aws: FakeAws, serial: string): string {
  const valid = new Set([-1, 0, 1].map((o) => aws.totp(serial, o)));
  let n = Number(aws.totp(serial));
  let code: string;
  do code = String(++n % 1_000_000).padStart(6, '0');
  while (valid.has(code));
  return code;
}

describe('fake AWS: moto in auth mode behind the front', { timeout: 25_000 }, () => {
  let aws: FakeAws;
  const sts = (credentials: Creds): STSClient =>
    new STSClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const longTerm = (user: string): Creds => aws.users[user]!;
  const asCreds = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Creds => ({
    accessKeyId: c!.AccessKeyId!,
    secretAccessKey: c!.SecretAccessKey!,
    sessionToken: c!.SessionToken!,
  });

  before(async () => {
    aws = await startFakeAws({
      users: [{ name: 'alice', mfa: true, mfaRequired: true }, { name: 'bob', mfa: true }, { name: 'carol' }, { name: 'dave', mfa: true }],
      roles: [
        { name: 'dev', trustedUsers: ['alice', 'carol'] },
        { name: 'partner', path: '/ext/', trustedUsers: ['carol'], externalId: 'xyz-123' },
        { name: 'chained', trustedUsers: [], trustedRoles: ['dev'] },
        { name: 'short', trustedUsers: ['carol'], maxSessionDuration: 3600 },
      ],
    });
  });
  after(() => aws?.close());

  test('GetSessionToken with the current code mints keys that work for GetCallerIdentity and AssumeRole', async () => {
    const alice = aws.users['alice']!;
    const before = Date.now();
    const got = await sts(longTerm('alice')).send(
      new GetSessionTokenCommand({ SerialNumber: alice.mfaSerial, TokenCode: aws.totp(alice.mfaSerial!) }),
    );
    const after = Date.now();
    const c = got.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    assert.equal(c.SecretAccessKey!.length, 40);
    // Minted at some moment between `before` and `after`, for the default 43200 s (the wire format
    // may drop the milliseconds).
    const expires = c.Expiration!.getTime();
    assert.ok(
      expires >= before + 43_200_000 - 1000 && expires <= after + 43_200_000,
      `default 43200 s, got ${(expires - before) / 3_600_000} h`,
    );

    const session = asCreds(c);
    assert.equal((await sts(session).send(new GetCallerIdentityCommand({}))).Arn, alice.arn);
    const role = await sts(session).send(new AssumeRoleCommand({ RoleArn: aws.roles['dev']!.arn, RoleSessionName: 'e2e' }));
    assert.equal(role.AssumedRoleUser!.Arn, `arn:aws:sts::${aws.accountId}:assumed-role/dev/e2e`);
    assert.equal((await sts(asCreds(role.Credentials)).send(new GetCallerIdentityCommand({}))).Arn, role.AssumedRoleUser!.Arn);
    assert.deepEqual(aws.log.at(-2), { action: 'AssumeRole', accessKeyId: session.accessKeyId, status: 200, by: 'moto' });
    assert.ok(aws.calls['GetSessionToken']! >= 1);
  });

  test('a wrong code, a reused code and another user’s device are refused like AWS does', async () => {
    const bob = aws.users['bob']!;
    const serial = bob.mfaSerial!;
    const gst = (code: string, s = serial): Promise<unknown> =>
      sts(longTerm('bob')).send(new GetSessionTokenCommand({ SerialNumber: s, TokenCode: code }));
    const mfaFailed = {
      name: 'AccessDenied',
      message: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
      status: 403,
    };

    // Stay clear of a 30 s boundary, so that 'current' and 'next' mean the same all along.
    const intoWindow = Date.now() % 30_000;
    if (intoWindow > 27_000) await new Promise((r) => setTimeout(r, 30_100 - intoWindow));
    const now = Date.now();

    assert.deepEqual(await stsError(gst(wrongCode(aws, serial))), mfaFailed);
    assert.equal(aws.log.at(-1)?.tokenCodeOk, false);
    await gst(aws.totp(serial, 0, now));
    assert.deepEqual(await stsError(gst(aws.totp(serial, 0, now))), mfaFailed, 'the same code twice');
    await gst(aws.totp(serial, 1, now)); // the next window's code is good too
    assert.deepEqual(await stsError(gst(aws.totp(serial, 1, now))), mfaFailed, 'the next window’s code twice');
    assert.deepEqual(await stsError(gst(aws.totp(serial, 2, now))), mfaFailed, 'two windows ahead');
    assert.deepEqual(
      await stsError(gst(aws.totp(aws.users['alice']!.mfaSerial!), aws.users['alice']!.mfaSerial)),
      mfaFailed,
      'alice’s device',
    );
    assert.deepEqual(await stsError(gst('12345')), {
      name: 'ValidationError',
      message:
        "1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6",
      status: 400,
    });
  });

  test('bad signatures are refused, by the front and by moto itself', async () => {
    const carol = aws.users['carol']!;
    const forged = { accessKeyId: carol.accessKeyId, secretAccessKey: 'x'.repeat(40) };
    assert.equal((await stsError(sts(forged).send(new GetSessionTokenCommand({})))).name, 'SignatureDoesNotMatch');
    assert.equal((await stsError(sts(forged).send(new GetCallerIdentityCommand({})))).name, 'SignatureDoesNotMatch');
    const direct = new STSClient({ endpoint: aws.motoEndpoint, region: 'us-east-1', credentials: forged, maxAttempts: 1 });
    assert.equal((await stsError(direct.send(new GetCallerIdentityCommand({})))).name, 'SignatureDoesNotMatch', 'moto is in auth mode');
    const unknown = { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) };
    assert.equal((await stsError(sts(unknown).send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
    assert.equal(aws.log.at(-1)?.by, 'moto');
  });

  test('AssumeRole: deny-unless-MFA, ExternalId, trust, chaining and duration limits', async () => {
    const alice = aws.users['alice']!;
    const assume = (
      c: Creds,
      input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>,
    ): Promise<{ AssumedRoleUser?: { Arn?: string }; Credentials?: object }> =>
      sts(c).send(new AssumeRoleCommand({ RoleSessionName: 'e2e', RoleArn: aws.roles['dev']!.arn, ...input }));

    const explicitDeny = await stsError(assume(longTerm('alice'), {}));
    assert.equal(explicitDeny.name, 'AccessDenied');
    assert.equal(
      explicitDeny.message,
      `User: ${alice.arn} is not authorized to perform: sts:AssumeRole on resource: ${aws.roles['dev']!.arn} with an explicit deny in an identity-based policy`,
    );
    await assume(longTerm('alice'), { SerialNumber: alice.mfaSerial, TokenCode: await aws.freshTotp(alice.mfaSerial!) });

    // A session minted without MFA does not satisfy deny-unless-MFA either.
    const carolSession = asCreds((await sts(longTerm('carol')).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
    await assume(carolSession, {}); // carol has no MFA requirement

    const partner = aws.roles['partner']!.arn;
    assert.match(partner, /:role\/ext\/partner$/);
    assert.equal((await stsError(assume(longTerm('carol'), { RoleArn: partner }))).name, 'AccessDenied', 'missing ExternalId');
    assert.equal(
      (await stsError(assume(longTerm('carol'), { RoleArn: partner, ExternalId: 'nope' }))).name,
      'AccessDenied',
      'wrong ExternalId',
    );
    await assume(longTerm('carol'), { RoleArn: partner, ExternalId: 'xyz-123' });

    const notTrusted = await stsError(assume(longTerm('bob'), {}));
    assert.equal(notTrusted.name, 'AccessDenied');
    assert.equal(aws.log.at(-1)?.by, 'moto', 'the trust policy is moto’s to enforce');

    assert.equal((await stsError(assume(longTerm('carol'), { RoleArn: `arn:aws:iam::${aws.accountId}:role/nope` }))).name, 'AccessDenied');

    const dev = asCreds((await assume(longTerm('carol'), {})).Credentials as never);
    const chained = await assume(dev, { RoleArn: aws.roles['chained']!.arn, RoleSessionName: 'hop' });
    assert.equal(chained.AssumedRoleUser?.Arn, `arn:aws:sts::${aws.accountId}:assumed-role/chained/hop`);
    assert.equal((await stsError(assume(longTerm('carol'), { RoleArn: aws.roles['chained']!.arn }))).name, 'AccessDenied');
    assert.match(
      (await stsError(assume(dev, { RoleArn: aws.roles['chained']!.arn, DurationSeconds: 7200 }))).message,
      /1 hour session limit/,
    );
    assert.match(
      (await stsError(assume(longTerm('carol'), { RoleArn: aws.roles['short']!.arn, DurationSeconds: 7200 }))).message,
      /MaxSessionDuration/,
    );
  });

  test('GetSessionToken: duration bounds, session credentials refused, expiry enforced', async () => {
    const carol = longTerm('carol');
    const tooShort = await stsError(sts(carol).send(new GetSessionTokenCommand({ DurationSeconds: 899 })));
    assert.deepEqual([tooShort.name, tooShort.status], ['ValidationError', 400]);
    assert.equal((await stsError(sts(carol).send(new GetSessionTokenCommand({ DurationSeconds: 129_601 })))).name, 'ValidationError');
    const got = await sts(carol).send(new GetSessionTokenCommand({ DurationSeconds: 129_600 }));
    const session = asCreds(got.Credentials);
    assert.equal(
      (await stsError(sts(session).send(new GetSessionTokenCommand({})))).message,
      'Cannot call GetSessionToken with session credentials',
    );
    assert.equal(
      (await stsError(sts({ ...session, sessionToken: 'garbage' }).send(new GetCallerIdentityCommand({})))).name,
      'InvalidClientTokenId',
    );
    aws.expireCredentials(session.accessKeyId);
    const expired = await stsError(sts(session).send(new GetCallerIdentityCommand({})));
    assert.deepEqual(expired, { name: 'ExpiredToken', message: 'The security token included in the request is expired', status: 403 });
  });

  test('faults: throttle, 500, malformed XML, closed socket, hang', async () => {
    const carol = sts(longTerm('carol'));
    const gci = (signal?: AbortSignal): Promise<unknown> =>
      carol.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
    aws.failNext('GetCallerIdentity', 1, 'throttle');
    assert.deepEqual(await stsError(gci()), { name: 'Throttling', message: 'Rate exceeded', status: 400 });
    aws.failNext('GetCallerIdentity', 1, '500');
    assert.equal((await stsError(gci())).status, 500);
    aws.failNext('*', 1, 'malformed');
    assert.ok(await stsError(gci()));
    aws.failNext('GetCallerIdentity', 1, 'close');
    assert.ok(await stsError(gci()));
    aws.failNext('GetCallerIdentity', 1, 'hang');
    const started = Date.now();
    assert.ok(await stsError(gci(AbortSignal.timeout(300))));
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(
      aws.log.slice(-5).map((e) => [e.by, e.status]),
      [
        ['fault', 400],
        ['fault', 500],
        ['fault', 200],
        ['fault', 0],
        ['fault', 0],
      ],
    );
    await gci(); // faults are used up
  });

  test('the real aws CLI works with role credentials under baseEnv', async (t) => {
    const home: TempHome = await makeHome();
    t.after(() => home.cleanup());
    const role = await sts(longTerm('carol')).send(new AssumeRoleCommand({ RoleArn: aws.roles['dev']!.arn, RoleSessionName: 'cli' }));
    const c = asCreds(role.Credentials);
    const env = {
      ...baseEnv(home.home, aws),
      AWS_ACCESS_KEY_ID: c.accessKeyId,
      AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
      AWS_SESSION_TOKEN: c.sessionToken,
      AWS_DEFAULT_REGION: 'us-east-1',
    };
    const { stdout } = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env, timeout: 15_000 });
    assert.equal(JSON.parse(stdout).Arn, `arn:aws:sts::${aws.accountId}:assumed-role/dev/cli`);
    const users = await run('aws', ['iam', 'list-users', '--query', 'Users[].UserName', '--output', 'text'], { env, timeout: 15_000 });
    assert.deepEqual(users.stdout.trim().split(/\s+/).sort(), ['alice', 'bob', 'carol', 'dave']);

    // botocore's signing of GetSessionToken, and of calls with the keys it gets back.
    const dave = aws.users['dave']!;
    const daveEnv = {
      ...env,
      AWS_ACCESS_KEY_ID: dave.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dave.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
    };
    const code = await aws.freshTotp(dave.mfaSerial!);
    const gst = await run(
      'aws',
      ['sts', 'get-session-token', '--serial-number', dave.mfaSerial!, '--token-code', code, '--output', 'json'],
      { env: daveEnv, timeout: 15_000 },
    );
    const s = JSON.parse(gst.stdout).Credentials;
    const asDave = {
      ...env,
      AWS_ACCESS_KEY_ID: s.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: s.SecretAccessKey,
      AWS_SESSION_TOKEN: s.SessionToken,
    };
    const who = await run('aws', ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], { env: asDave, timeout: 15_000 });
    assert.equal(who.stdout.trim(), dave.arn);
  });

  test('runInPty answers a /dev/tty prompt with the code current when it appears', async () => {
    const dave = aws.users['dave']!;
    const script = 'read -p "MFA code: " code </dev/tty; echo "got [$code]"';
    let sent = '';
    const r = await runInPty(['bash', '-c', script], {
      env: { PATH: '/usr/bin:/bin', HOME: '/tmp', TERM: 'dumb' },
      timeoutMs: 5000,
      steps: [{ expect: 'MFA code: ', sendCode: () => (sent = aws.totp(dave.mfaSerial!)) }],
    });
    assert.equal(r.exitStatus, 0);
    assert.match(r.output, new RegExp(`got \\[${sent}\\]`));
  });
});

describe('process helpers', { timeout: 20_000 }, () => {
  let home: TempHome;
  before(async () => (home = await makeHome()));
  after(() => home?.cleanup());

  test('runCli runs in a new session without a terminal, feeds stdin and reports exit codes', async () => {
    const probe = join(home.home, 'probe.sh');
    await writeFile(probe, '#!/bin/sh\nif (exec 3</dev/tty) 2>/dev/null; then echo tty; else echo no-tty; fi\ncat\necho err >&2\nexit 3\n');
    await chmod(probe, 0o755);
    const r = await runCli([], { env: { PATH: '/usr/bin:/bin' }, argv0Path: probe, input: 'hello\n' });
    assert.deepEqual(r, { ...r, code: 3, signal: null, stdout: 'no-tty\nhello\n', stderr: 'err\n' });
  });

  test('under baseEnv a `#!/usr/bin/env node` program (dist/cli.js) runs on the Node running the tests', async () => {
    const probe = join(home.home, 'which-node.mjs');
    await writeFile(probe, '#!/usr/bin/env node\nprocess.stdout.write(process.execPath + " " + process.version);\n');
    await chmod(probe, 0o755);
    const r = await runCli([], { env: baseEnv(home.home, { endpoint: 'http://127.0.0.1:9' }), argv0Path: probe });
    assert.equal(r.stdout, `${process.execPath} ${process.version}`);
  });

  test('runCli kills the process group on timeout and says so', async () => {
    const sleeper = join(home.home, 'sleeper.sh');
    await writeFile(sleeper, '#!/bin/sh\nsleep 30 &\nsleep 30\n');
    await chmod(sleeper, 0o755);
    // Every process of the run, the two sleeps too, carries this variable; the scan finds them.
    const mark = randomUUID();
    const control = spawn('sleep', ['30'], { env: { PATH: '/usr/bin:/bin', HARNESS_RUN: `control-${mark}` } });
    try {
      assert.equal((await runningWith(`HARNESS_RUN=control-${mark}`)).length, 1, 'the scan sees a running process');
    } finally {
      control.kill('SIGKILL');
    }
    await assert.rejects(
      runCli([], { env: { PATH: '/usr/bin:/bin', HARNESS_RUN: mark }, argv0Path: sleeper, timeoutMs: 1_000 }),
      /still running after 1000 ms/,
    );
    // SIGKILL is sent, not yet acted on: a killed process ends when it next runs, which on a busy
    // machine can be a while. A survivor would sleep on for 30 s.
    let left = await runningWith(`HARNESS_RUN=${mark}`);
    for (const until = Date.now() + 10_000; left.length > 0 && Date.now() < until; left = await runningWith(`HARNESS_RUN=${mark}`)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(left, [], 'no process of the group survives');
  });

  test('runInPty delivers Ctrl-C through the terminal and signals to the child', async () => {
    const env = { PATH: '/usr/bin:/bin', HOME: home.home, TERM: 'dumb' };
    const ctrlC = await runInPty(['bash', '-c', 'trap "echo interrupted; exit 130" INT; read -p "answer? " x; echo never'], {
      env,
      timeoutMs: 5000,
      steps: [{ expect: /answer\? $/, send: '\x03' }],
    });
    assert.equal(ctrlC.exitStatus, 130);
    assert.match(ctrlC.output, /interrupted/);
    const term = await runInPty(['sleep', '30'], { env, timeoutMs: 5000, steps: [{ sleepMs: 100, signal: 'SIGTERM' }] });
    assert.deepEqual([term.exitStatus, term.signalStatus], [null, 15]);
  });
});
