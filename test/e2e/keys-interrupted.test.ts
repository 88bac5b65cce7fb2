// Key commands interrupted or meeting odd files, end to end against moto's IAM (issue 17):
// - rotate SIGKILLed at the rename of the credentials file (a preloaded hook kills the process at
//   that very rename): the next rotate removes the temporary file that held the new secret,
//   deletes the new key that is stored nowhere, and rotates: one key, stored, working;
// - Ctrl-C in a real terminal while rotate waits for IAM to take the new key in: the new key is
//   deleted again, the old one stays stored and working, exit 130;
// - import with a second hard link to the credentials file: refused, nothing stored or changed;
// - a key directory others can write to, made private when keys are read;
// - an XDG_DATA_HOME/mfa-exec that cannot be searched (another user's 0700 directory; the run
//   drops root's CAP_DAC_OVERRIDE so that permissions hold): the warm path and --server do not
//   care; a run that needs stored keys exits 74 naming the directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, chown, link, mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, runCli, runInPty, startFakeAws, writeAwsFiles, type CliResult, type FakeAws } from '../harness/index.ts';
import { needs, needsRoot } from '../helpers/needs.ts';
import { keysOf as iamKeysOf, works as keyWorks } from './iam-keys.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

const KILL_AT_RENAME = fileURLToPath(new URL('../fixtures/keystore/kill-at-rename.c', import.meta.url));
const PASSPHRASE = 'interrupted passphrase';
const CC = spawnSync('cc', ['--version']).status === 0;
const SETPRIV = spawnSync('setpriv', ['--version']).status === 0;

describe('key commands: interrupted, and odd files', { timeout: 240_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  const outputs: string[] = [];
  const run = async (args: string[], env: NodeJS.ProcessEnv = s.env, argv0Path?: string): Promise<CliResult> => {
    const r = await runCli(args, { env, timeoutMs: 120_000, ...(argv0Path ? { argv0Path } : {}) });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const ok = (r: CliResult, what: string) => assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  const keysOf = (user: string) => iamKeysOf(aws, user);
  const works = (accessKeyId: string, secretAccessKey: string) => keyWorks(aws, accessKeyId, secretAccessKey);
  /** The key pair of [source] in the credentials file. */
  const fileKeys = async () => {
    const text = await readFile(join(s.home, '.aws', 'credentials'), 'utf8');
    const m = /^\[source\]\naws_access_key_id = (\S+)\naws_secret_access_key = (\S+)$/m.exec(text);
    assert.ok(m, text);
    return { accessKeyId: m[1]!, secretAccessKey: m[2]! };
  };
  const login = async () => ok(await run(['login', '-p', 'role', '--mfa-token', await aws.freshTotp(s.serial)]), 'login');

  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    aws.resetCalls();
    outputs.length = 0;
  });
  afterEach(async () => {
    const secret = aws.users[s.user]!.secretAccessKey;
    for (const text of outputs) assert.ok(!text.includes(secret), `a secret in the output:\n${text}`);
    await s.cleanup();
  });

  test(
    'rotate SIGKILLed at the rename of the credentials file: the next rotate removes the temporary file, deletes the stray key, and rotates',
    { skip: needs('a C compiler (cc)', !CC && 'cc is not installed (apt-get install gcc)') },
    async () => {
      const old = aws.users[s.user]!;
      const hook = join(s.home, 'kill-at-rename.so');
      const built = spawnSync('cc', ['-shared', '-fPIC', '-o', hook, KILL_AT_RENAME, '-ldl'], { encoding: 'utf8' });
      assert.equal(built.status, 0, built.stderr);
      await login();
      const credentials = await realpath(join(s.home, '.aws', 'credentials'));
      const killed = await run(['rotate', 'source'], { ...s.env, LD_PRELOAD: hook, KILL_AT_RENAME_TO: credentials });
      assert.equal(killed.signal, 'SIGKILL', `killed at the rename\n${killed.stderr}`);
      // What the kill left: IAM has two keys, the file still names the old one, a temporary file the new one.
      const two = await keysOf(s.user);
      assert.equal(two.length, 2);
      const stray = two.find((k) => k !== old.accessKeyId)!;
      assert.equal((await fileKeys()).accessKeyId, old.accessKeyId);
      const temps = (await readdir(join(s.home, '.aws'))).filter((n) => n.startsWith('.tmp-'));
      assert.equal(temps.length, 1, 'the killed write left its temporary file');
      assert.ok((await readFile(join(s.home, '.aws', temps[0]!), 'utf8')).includes(stray), 'which holds the new key');

      const again = await run(['rotate', 'source']);
      ok(again, 'the next rotate');
      assert.match(
        again.stderr,
        new RegExp(
          `removed \\S+/\\.aws/${temps[0]!.replace('.', '\\.')}, left by an mfa-exec that was killed while writing \\(process \\d+\\); it held a copy of \\S+/credentials being written`,
        ),
      );
      assert.match(
        again.stderr,
        new RegExp(
          `interrupted before it stored the new key ${stray}: that key is live but stored nowhere \\(its secret is lost\\); deleting it`,
        ),
      );
      assert.deepEqual(
        (await readdir(join(s.home, '.aws'))).filter((n) => n.startsWith('.tmp-')),
        [],
      );
      const now = await keysOf(s.user);
      assert.equal(now.length, 1, 'exactly one key');
      const stored = await fileKeys();
      assert.deepEqual(now, [stored.accessKeyId]);
      assert.ok(![old.accessKeyId, stray].includes(stored.accessKeyId));
      assert.equal(await works(stored.accessKeyId, stored.secretAccessKey), true, 'the stored key works');
      assert.deepEqual(await readdir(join(s.home, '.local', 'share', 'mfa-exec', 'keys')), [], 'no journal is left');
    },
  );

  test('Ctrl-C while rotate waits for IAM to take the new key in: the new key is deleted again, exit 130, the old key stored and working', async () => {
    const old = aws.users[s.user]!;
    await login();
    // The first GetCallerIdentity (whose key is it) answers; the new key's proof gets no answer.
    aws.failNext('GetCallerIdentity', 1, 'hang', 1);
    const r = await runInPty([CLI_PATH, 'rotate', 'source'], {
      env: { ...s.env, MFA_EXEC_STS_TIMEOUT: '120' },
      steps: [{ expect: /created access key AKIA…\w{4}; checking that it works/ }, { sleepMs: 300 }, { send: '\x03' }],
      timeoutMs: 60_000,
    });
    assert.equal(r.exitStatus, 130, r.output);
    assert.match(
      r.output,
      /rotate was interrupted \(SIGINT\) while IAM took the new key AKIA…\w{4} in\. The new key AKIA\w{16} was deleted again\. The old key AKIA\w{16} is still live and still in \S+credentials: nothing else was changed\./,
    );
    assert.ok(!r.output.includes(old.secretAccessKey));
    assert.deepEqual(await keysOf(s.user), [old.accessKeyId]);
    assert.equal(aws.calls.DeleteAccessKey, 1);
    assert.deepEqual(await fileKeys(), { accessKeyId: old.accessKeyId, secretAccessKey: old.secretAccessKey });
    assert.deepEqual(
      (await readdir(join(s.home, '.aws'))).filter((n) => n.startsWith('.tmp-')),
      [],
    );
    ok(await run(['-p', 'role', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']), 'the old key still serves');
  });

  test('import with a second hard link to the credentials file: refused (78) before anything is stored; both names unchanged', async () => {
    const credentials = join(s.home, '.aws', 'credentials');
    const backup = join(s.home, 'credentials.bak');
    await link(credentials, backup);
    const before = await readFile(credentials, 'utf8');
    const r = await run(['import', 'source'], { ...s.env, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE });
    assert.equal(r.code, 78, r.stderr);
    assert.match(
      r.stderr,
      /credentials has 2 hard links: import would replace only this name, and the keys would stay readable in plain text through the other one \(find it with 'find \/ -xdev -samefile .*'\)\. .* Nothing was changed\./,
    );
    assert.equal(await readFile(credentials, 'utf8'), before);
    assert.equal(await readFile(backup, 'utf8'), before);
    assert.deepEqual(await readdir(join(s.home, '.local', 'share')).catch(() => []), [], 'nothing stored');
  });

  test('a key directory others can write to (0777) is made private when a miss reads keys from it, and said', async () => {
    const old = aws.users[s.user]!;
    const env = { ...s.env, MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE };
    await writeAwsFiles(s.home, { credentials: '' });
    ok(
      await run(['add', 'source', '--env'], { ...env, AWS_ACCESS_KEY_ID: old.accessKeyId, AWS_SECRET_ACCESS_KEY: old.secretAccessKey }),
      'add',
    );
    const keys = join(s.home, '.local', 'share', 'mfa-exec', 'keys');
    await chmod(keys, 0o777);
    const r = await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], env);
    ok(r, 'exec');
    assert.match(r.stderr, /the key directory \S+\/keys had mode 777; changed it to 700/);
    assert.equal((await stat(keys)).mode & 0o777, 0o700);
  });

  describe('an XDG_DATA_HOME/mfa-exec that cannot be searched', { skip: needsRoot('make a directory of another user') }, () => {
    const dropDac = ['--bounding-set=-dac_override,-dac_read_search', CLI_PATH];
    /** mfa-exec without root's permission to ignore file modes, so the 0700 directory of uid 65534 is shut. */
    const runShut = (args: string[], env: NodeJS.ProcessEnv) => run([...dropDac, ...args], env, '/usr/bin/setpriv');
    const shut = async () => {
      const data = join(s.home, 'data');
      await mkdir(join(data, 'mfa-exec', 'keys'), { recursive: true });
      await chmod(join(data, 'mfa-exec'), 0o700);
      await chown(join(data, 'mfa-exec'), 65534, 65534);
      return { ...s.env, XDG_DATA_HOME: data };
    };

    test(
      'a warm exec and --server run (they used to exit 70); a run that needs stored keys exits 74 naming it',
      { skip: needs('setpriv (util-linux)', !SETPRIV && 'setpriv is not installed') },
      async () => {
        await login();
        const env = await shut();
        const probe = await runShut(['--', 'sh', '-c', `ls ${env.XDG_DATA_HOME}/mfa-exec`], { ...env, AWS_PROFILE: 'role' });
        assert.notEqual(probe.code, 0, 'the directory is shut for the run');
        ok(await runShut(['-p', 'role', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], env), 'exec');
        const server = await runShut(['--server', '-p', 'role', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], env);
        ok(server, '--server');
        assert.match(callerArn(server.stdout), /:assumed-role\/hc-master\//);
        // A profile whose keys would be in the store: needed now.
        await writeAwsFiles(s.home, { credentials: '' });
        const stored = await runShut(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], {
          ...env,
          MFA_EXEC_BACKEND: 'file',
          MFA_EXEC_FILE_PASSPHRASE: PASSPHRASE,
          XDG_CACHE_HOME: join(s.home, 'empty-cache'),
        });
        assert.equal(stored.code, 74, stored.stderr);
        assert.match(stored.stderr, new RegExp(`Cannot reach the key directory ${env.XDG_DATA_HOME}/mfa-exec/keys: permission denied`));
        assert.doesNotMatch(stored.stderr, /internal error/);
      },
    );
  });
});
