// --server when the config view cannot be written (issue 17). Every SDK ranks a [default] with
// keys above the container endpoint, so the user's own files must never stand in for the view
// when their [default] has credentials: the run fails before the command starts. Reproduced for
// real, with the real aws CLI and boto3 as the command: a cache directory another user made
// (chown, as root: CI runs as root), a full disk (a small tmpfs), and the nested run inside a
// --server child (canReuseInjected → the nested view).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFile, chown, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pythonTool, runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, credentialsText, makeScenario, type Scenario } from './scenario.ts';
import { needsRoot } from '../helpers/needs.ts';

const BOTO3 = fileURLToPath(new URL('../fixtures/integrations/boto3_whoami.py', import.meta.url));
const rootSkip = needsRoot('chown a directory to another user and mount a tmpfs');

describe('--server never gives the command your own files with [default] keys', { timeout: 180_000, skip: rootSkip }, () => {
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

  /** carol's keys as [default] in ~/.aws/credentials: what every SDK takes before the endpoint. */
  const defaultKeys = async () => {
    const carol = aws.users.carol!;
    await writeFile(
      join(s.home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${carol.accessKeyId}\naws_secret_access_key = ${carol.secretAccessKey}\n\n${credentialsText(aws, s.user)}`,
    );
  };
  const login = async (env: NodeJS.ProcessEnv = s.env) => {
    const r = await runCli(['login', '-p', 'role', '--mfa-token', await aws.freshTotp(s.serial)], { env });
    assert.equal(r.code, 0, r.stderr);
  };
  /** Exit 73, one paragraph naming the cause and the [default] setting, and the command never ran. */
  const failedClosed = (r: CliResult, cause: RegExp) => {
    const context = `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
    assert.equal(r.code, 73, context);
    assert.match(r.stderr, cause, context);
    assert.match(
      r.stderr,
      /Nor can the command get your own AWS files instead: \[default\] in \S+\/\.aws\/credentials sets aws_access_key_id, which every AWS SDK would use before the --server endpoint\. Nothing was run\./,
      context,
    );
    assert.doesNotMatch(r.stderr, /internal error|^ {4}at /m, context);
    assert.equal(r.stdout, '', `the command ran:\n${context}`);
    assert.ok(!r.stderr.includes(aws.users.carol!.secretAccessKey), 'no secret in the message');
  };

  test('a cache directory another user made: exit 73 before the real aws CLI starts (it used to run as [default]’s user)', async () => {
    await defaultKeys();
    await login();
    const cache = join(s.home, '.cache', 'mfa-exec');
    spawnSync('chown', ['-R', '65534:65534', cache]);
    // The cache is not readable now: the code is given (STS is asked again, as it would be).
    const code = await aws.freshTotp(s.serial);
    const r = await runCli(['--server', '-p', 'role', '--mfa-token', code, '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: s.env,
      timeoutMs: 60_000,
    });
    failedClosed(r, /cache directory \S+ belongs to uid 65534/);
    assert.equal(aws.calls.GetCallerIdentity ?? 0, 0, 'the aws CLI made no call');
  });

  test('the same directory without [default] keys: your own files are safe to give, the command runs as the role (and is told why)', async () => {
    await login();
    const cache = join(s.home, '.cache', 'mfa-exec');
    spawnSync('chown', ['-R', '65534:65534', cache]);
    const r = await runCli(
      [
        '--server',
        '-p',
        'role',
        '--mfa-token',
        await aws.freshTotp(s.serial),
        '--',
        'aws',
        'sts',
        'get-caller-identity',
        '--output',
        'json',
      ],
      {
        env: s.env,
        timeoutMs: 60_000,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(callerArn(r.stdout), /:assumed-role\/hc-master\//);
    assert.match(r.stderr, /The command gets your own AWS files/);
  });

  test('a full disk after a config edit (a real ENOSPC on a tmpfs): exit 73 before boto3 starts', async () => {
    await defaultKeys();
    const mnt = join(s.home, 'tiny-cache');
    await mkdir(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { encoding: 'utf8' });
    assert.equal(mounted.status, 0, `cannot mount a tmpfs: ${mounted.stderr}`);
    try {
      const env = { ...s.env, XDG_CACHE_HOME: mnt };
      await login(env);
      const warm = await runCli(['--server', '-p', 'role', '--', pythonTool('python3'), BOTO3, ''], { env, timeoutMs: 60_000 });
      assert.equal(warm.code, 0, `with space left it works\n${warm.stderr}`);
      assert.match(callerArn(warm.stdout), /:assumed-role\/hc-master\//);
      // The disk fills up; then the config is edited, so the next run needs a new view.
      spawnSync('sh', ['-c', `cat /dev/zero > ${mnt}/filler`]);
      assert.equal(spawnSync('sh', ['-c', `echo x > ${mnt}/probe`]).status, 1, 'the tmpfs is full');
      await appendFile(join(s.home, '.aws', 'config'), '\n[profile edited]\nregion = eu-west-1\n');
      const r = await runCli(['--server', '-p', 'role', '--', pythonTool('python3'), BOTO3, ''], { env, timeoutMs: 60_000 });
      failedClosed(r, /Cannot write a config view in \S+: ENOSPC\./);
      assert.deepEqual(
        (await readdir(join(mnt, 'mfa-exec', 'views'))).filter((n) => n.startsWith('.tmp-')),
        [],
        'no half-written view is left',
      );
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  test('the nested run inside a --server child (canReuseInjected) fails closed the same way', async () => {
    await defaultKeys();
    await login();
    const shim = await s.shim('aws');
    const views = join(s.home, '.cache', 'mfa-exec', 'views');
    // Inside the child: the config is edited (a new view is needed) and the views directory is
    // taken by another user; then the aws shim runs: a nested run reusing the endpoint.
    const script = [
      `printf '\\n[profile edited]\\nregion = eu-west-1\\n' >> "$HOME/.aws/config"`,
      `chown 65534:65534 '${views}'`,
      `'${shim}' sts get-caller-identity --output json`,
      'echo "nested exit $?" >&2',
    ].join('; ');
    const r = await runCli(['--server', '-p', 'role', '--', 'sh', '-c', script], { env: s.env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /nested exit 73/, r.stderr);
    assert.match(r.stderr, /directory of config views \S+ belongs to uid 65534/);
    assert.match(r.stderr, /\[default\] in \S+\/\.aws\/credentials sets aws_access_key_id/);
    assert.equal(r.stdout, '', 'the aws CLI never ran as [default]’s user');
    await chown(views, 0, 0);
  });
});
