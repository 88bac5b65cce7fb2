// The warm path as it runs: what dist/cli.js and dist/warm.js hold and load, and the code cache
// that dist/cli.js (src/boot.ts) keeps for the bundle. The single executable has neither: what its
// warm runs load is checked in executable.test.ts.
import assert from 'node:assert/strict';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, nodePackageOnly, runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

const DIST = dirname(CLI_PATH);

function ok(r: CliResult, what: string): void {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}`);
}

async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names.filter((n) => n.endsWith('.js')).map((n) => join(dir, n));
}

describe('the warm path', { timeout: 120_000, ...nodePackageOnly }, () => {
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

  const fill = async () => {
    const r = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env: s.env });
    ok(r, 'filling the cache');
  };

  test('dist/cli.js and dist/warm.js hold no STS client, lock, prompt driver or console sign-in (the on-demand bundle does)', async () => {
    const warm = (await readFile(CLI_PATH, 'utf8')) + (await readFile(join(DIST, 'warm.js'), 'utf8'));
    const onDemand = (await Promise.all((await filesUnder(join(DIST, 'on-demand'))).map((f) => readFile(f, 'utf8')))).join('\n');
    const markers = {
      'the STS client': ['GetSessionTokenCommand', 'AssumeRoleCommand'],
      'the lock': ['ELOCKED', 'Cannot take the cache lock'],
      'the MFA prompt': ['Enter MFA code for', "Cannot turn off the terminal's echo"],
      "a guardrail's question": ['Type the account ID'],
      'the desktop prompts and the YubiKey': ['--hide-text', '--inputbox', 'No dialog either', 'Touch your YubiKey'],
      'the console sign-in': ['getSigninToken', 'GetFederationTokenCommand'],
      'the IAM Identity Center and `aws login` clients, sign-in and refresh': [
        'GetRoleCredentialsCommand',
        'in the browser (waiting for it to finish)',
        'dpop+jwt',
      ],
    };
    for (const [what, texts] of Object.entries(markers)) {
      for (const text of texts) {
        assert.ok(onDemand.includes(text), `'${text}' (${what}) is no longer in dist/on-demand: update this test`);
        assert.ok(!warm.includes(text), `the warm bundle holds '${text}': ${what}`);
      }
    }
  });

  test('exec, a shim, credential-process, status, env and list run on a warm cache with dist/on-demand/ gone; a miss cannot', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'mfa-exec-warm-only-'));
    try {
      await cp(DIST, copy, { recursive: true });
      const shims = join(copy, 'shims');
      await mkdir(shims);
      await symlink(join(copy, 'cli.js'), join(shims, 'true'));
      const env = { ...s.env, PATH: `${shims}:${s.env.PATH}`, AWS_PROFILE: 'role' };
      const run = (args: string[], argv0Path = join(copy, 'cli.js')) => runCli(args, { env, argv0Path });
      // Filled by the copy itself: the config view its children get names the copy, and is made on a miss.
      ok(await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']), 'filling the cache');
      const calls = JSON.stringify(aws.calls);
      await rm(join(copy, 'on-demand'), { recursive: true });
      for (const [args, code, argv0] of [
        [['-p', 'role', '--', 'true'], 0],
        [[], 0, join(shims, 'true')],
        [['credential-process', '--profile', 'role'], 0],
        [['status', '-p', 'role'], 0], // cached: ready
        [['env', '-p', 'role', '--format', 'json'], 0],
        [['list'], 0],
        [['status', '-p', 'reader'], 0], // its role is not cached, the MFA session is: ready, and status never fetches
      ] as [string[], number, string?][]) {
        const r = await run(args, argv0);
        assert.equal(r.code, code, `${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
        assert.equal(r.stderr, '', args.join(' '));
      }
      assert.equal(JSON.stringify(aws.calls), calls, 'no STS call');
      // 'reader' is behind the cached MFA session but its role is not cached: that needs STS.
      const miss = await run(['-p', 'reader', '--', 'true']);
      assert.notEqual(miss.code, 0);
      assert.match(miss.stderr, /internal error/);
      assert.match(miss.stderr, /on-demand/);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  describe('the code cache', () => {
    const cacheFiles = async () => (await readdir(join(s.home, '.cache/mfa-exec'))).filter((n) => n.startsWith('code-'));
    const removeCodeCaches = async () => {
      for (const name of await cacheFiles()) await rm(join(s.home, '.cache/mfa-exec', name));
    };
    const debugRun = (args: string[] = ['status', '-p', 'role']) => runCli(args, { env: { ...s.env, MFA_EXEC_DEBUG: '1' } });

    test('a warm command keeps it (private), the next runs compile from it, another warm command adds its code; --version and --help keep none', async () => {
      await fill();
      assert.equal((await cacheFiles()).length, 1, 'the run that filled the credential cache (exec) kept one');
      await removeCodeCaches();
      for (const args of [['--version'], ['--help']]) {
        ok(await runCli(args, { env: s.env }), args[0]!);
        assert.deepEqual(await cacheFiles(), [], `${args[0]} keeps no code cache`);
      }
      const first = await debugRun();
      ok(first, 'status');
      assert.match(first.stderr, /code cache: kept the compiled code in .*\/code-[0-9a-f]{16}-v[\d.]+-\w+-\w+\.v8\n/);
      const [name] = await cacheFiles();
      const file = join(s.home, '.cache/mfa-exec', name!);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const sizes = [(await stat(file)).size];
      // Each warm command seen once more keeps the code of all so far; then the cache is only read.
      for (const [args, kept] of [
        [['status', '-p', 'role'], false],
        [['-p', 'role', '--', 'true'], true],
        [['-p', 'role', '--', 'true'], false],
        [['list'], true],
        [['status', '-p', 'role'], false],
      ] as [string[], boolean][]) {
        const r = await debugRun(args);
        ok(r, args.join(' '));
        assert.match(r.stderr, /code cache: compiled code from /, args.join(' '));
        (kept ? assert.match : assert.doesNotMatch)(r.stderr, /code cache: kept/, args.join(' '));
        sizes.push((await stat(file)).size);
      }
      assert.ok(sizes[2]! > sizes[1]! && sizes[4]! > sizes[3]!, `the cache grows with exec's and list's code: ${sizes.join(', ')}`);
    });

    test('a damaged cache is refused and made again; one that is not private, or a link, is not read', async () => {
      await fill();
      const [name] = await cacheFiles();
      const file = join(s.home, '.cache/mfa-exec', name!);
      const good = await readFile(file);

      await writeFile(file, good.subarray(0, 1000));
      let r = await debugRun();
      ok(r, 'a truncated cache');
      assert.match(r.stderr, /code cache: V8 refused .*\n[^]*code cache: kept the compiled code/);
      assert.match((await debugRun()).stderr, /code cache: compiled code from /);

      await writeFile(file, Buffer.alloc(good.length, 0x41));
      r = await debugRun();
      ok(r, 'a cache of garbage');
      assert.match(r.stderr, /code cache: V8 refused /);

      await writeFile(file, good);
      await chmod(file, 0o644);
      r = await debugRun();
      ok(r, 'a cache others can read');
      assert.doesNotMatch(r.stderr, /compiled code from/);
      assert.equal((await stat(file)).mode & 0o777, 0o600, 'replaced by a private one');

      const elsewhere = join(s.home, 'cache-copy.v8');
      await writeFile(elsewhere, await readFile(file), { mode: 0o600 });
      await rm(file);
      await symlink(elsewhere, file);
      r = await debugRun();
      ok(r, 'a cache that is a link');
      assert.doesNotMatch(r.stderr, /compiled code from/);
    });

    test('when one is kept, the caches of other bundles or Nodes are removed once unused for two weeks, not before', async () => {
      await fill();
      await removeCodeCaches();
      const dir = join(s.home, '.cache/mfa-exec');
      const old = 'code-0123456789abcdef-v20.0.0-linux-x64.v8';
      const recent = 'code-fedcba9876543210-v22.0.0-linux-x64.v8';
      for (const name of [old, recent]) await writeFile(join(dir, name), 'x', { mode: 0o600 });
      const weeksAgo = new Date(Date.now() - 15 * 24 * 3600 * 1000);
      await utimes(join(dir, old), weeksAgo, weeksAgo);
      ok(await debugRun(), 'status');
      const names = await cacheFiles();
      assert.equal(names.length, 2, names.join(', '));
      assert.ok(names.includes(recent) && !names.includes(old), names.join(', '));
    });
  });
});
