// What the single executable (scripts/build-exe.mjs, run as MFA_EXEC_TEST_BIN) must do besides
// everything the rest of the suite checks against it: ignore the working directory's `.env` and
// `bunfig.toml` (a compiled Bun program reads both unless built not to), be mfa-exec under the
// names it is released as, keep its helper subcommand hidden, and load the on-demand code only
// when a run needs it. Each test that can also runs against dist/cli.js: the behaviour is the
// package's too.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, TESTING_EXECUTABLE, runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

const executableOnly = TESTING_EXECUTABLE ? {} : { skip: 'tests the single executable: run with MFA_EXEC_TEST_BIN (CI does)' };

function ok(r: CliResult, what: string): void {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
}

describe('the single executable', { timeout: 120_000 }, () => {
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

  const fill = async () =>
    ok(await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env: s.env }), 'filling the cache');

  test('a .env, .env.local and bunfig.toml in the working directory change nothing: no variable, no preload, no profile from them', async () => {
    await fill();
    aws.resetCalls();
    const project = join(s.home, 'project');
    await mkdir(project);
    // What Bun would read: .env (and .env.local) into process.env, bunfig.toml's preload before the program.
    const dotenv = 'MFA_EXEC_PROFILE=from-dotenv\nMFA_EXEC_DEBUG=1\nFROM_DOTENV=yes\n';
    await writeFile(join(project, '.env'), dotenv);
    await writeFile(join(project, '.env.local'), dotenv);
    await writeFile(
      join(project, 'preload.js'),
      `require('node:fs').writeFileSync(${JSON.stringify(join(project, 'preloaded'))}, 'ran');\n`,
    );
    await writeFile(join(project, 'bunfig.toml'), 'preload = ["./preload.js"]\n[run]\npreload = ["./preload.js"]\n');
    const env = { ...s.env, AWS_PROFILE: 'role' };
    const run = (args: string[]) => runCli(args, { env, cwd: project });

    const child = await run(['--', 'sh', '-c', 'echo "FROM_DOTENV=${FROM_DOTENV-unset} MFA_EXEC_PROFILE=${MFA_EXEC_PROFILE-unset}"']);
    ok(child, 'exec in the project directory');
    assert.equal(child.stdout, 'FROM_DOTENV=unset MFA_EXEC_PROFILE=unset\n');
    assert.equal(child.stderr, '', 'no --debug lines: MFA_EXEC_DEBUG did not come from .env');
    const status = await run(['status']);
    ok(status, 'status in the project directory');
    assert.match(status.stdout, /\brole\b/);
    assert.doesNotMatch(status.stdout + status.stderr, /from-dotenv/);
    assert.ok(!existsSync(join(project, 'preloaded')), "bunfig.toml's preload ran");
    assert.deepEqual(aws.calls, {}, 'served from the cache, as the profile says');
  });

  test("under the release files' names (mfa-exec-linux-x64, …, mfa-exec.exe) it is mfa-exec, not a shim of a program by that name", async () => {
    const dir = join(s.home, 'downloads');
    await mkdir(dir);
    for (const name of [
      'mfa-exec-linux-x64',
      'mfa-exec-linux-arm64',
      'mfa-exec-darwin-x64',
      'mfa-exec-darwin-arm64',
      'mfa-exec-windows-x64.exe',
      'mfa-exec.exe',
    ]) {
      await symlink(CLI_PATH, join(dir, name));
      const r = await runCli(['--version'], { env: s.env, argv0Path: join(dir, name) });
      ok(r, name);
      assert.match(r.stdout, /^mfa-exec \d+\.\d+\.\d+/, name);
    }
  });

  test('renamed (a copy called `mfa`), it is mfa-exec still; a link to it under another name is a shim', executableOnly, async () => {
    const dir = join(s.home, 'renamed');
    await mkdir(dir);
    const renamed = join(dir, 'mfa');
    await copyFile(CLI_PATH, renamed);
    await chmod(renamed, 0o755);
    const version = await runCli(['--version'], { env: s.env, argv0Path: renamed });
    ok(version, 'mfa --version');
    assert.match(version.stdout, /^mfa-exec \d+\.\d+\.\d+/);
    await symlink(renamed, join(dir, 'no-such-tool'));
    const shim = await runCli([], { env: s.env, argv0Path: join(dir, 'no-such-tool') });
    assert.equal(shim.code, 127, `a shim of a program nowhere on PATH: ${shim.stderr}`);
    assert.match(shim.stderr, /no-such-tool/);
  });

  test('its keyring helper subcommand is hidden: without the variable that comes with it, `__keyring-child` is a program to run', async () => {
    const r = await runCli(['__keyring-child'], { env: { ...s.env, AWS_PROFILE: 'role' }, input: '{"op":"probe","service":"mfa-exec"}' });
    assert.equal(r.code, 127, r.stdout + r.stderr);
    assert.match(r.stderr, /__keyring-child/);
    assert.equal(r.stdout, '');
  });

  test(
    'no Node anywhere: with only the target on PATH, a miss, a warm run through a shim and doctor (its keyring helper) work',
    executableOnly,
    async () => {
      const bin = join(s.home, 'only-true');
      await mkdir(bin);
      await symlink('/bin/true', join(bin, 'true'));
      const shim = await s.shim('true');
      const env = { ...s.env, PATH: `${s.shims}:${bin}` };
      ok(await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env }), 'a miss');
      ok(await runCli([], { env: { ...env, AWS_PROFILE: 'role' }, argv0Path: shim }), 'the true shim, warm');
      const doctor = await runCli(['doctor'], { env });
      // No session bus here: the answer is the native library's own (so the helper, the executable itself, loaded it).
      assert.match(doctor.stdout, /^ok +key store: no keyring answers \(.*DBus error/m, doctor.stdout + doctor.stderr);
    },
  );

  /**
   * The modules a run of the executable fetches (JavaScriptCore's module loader reports each
   * when BUN_JSC_dumpModuleLoadingState is set): chunk names without their hash, in order.
   */
  const loads = async (args: string[], argv0Path?: string): Promise<{ r: CliResult; modules: string[] }> => {
    const r = await runCli(args, {
      env: { ...s.env, AWS_PROFILE: 'role', BUN_JSC_dumpModuleLoadingState: '1' },
      ...(argv0Path ? { argv0Path } : {}),
    });
    const modules = [...r.stderr.matchAll(/^Loader \[fetch\] \/\$bunfs\/root\/(.+?)(?:-[a-z0-9]{8})?\.js$/gm)].map((m) => m[1]!);
    return { r, modules };
  };

  test(
    'a warm run loads none of the on-demand code (STS, the lock, the prompt, the key stores, other commands): a miss and other commands do',
    executableOnly,
    async () => {
      await fill();
      const version = await loads(['--version']);
      ok(version.r, '--version');
      assert.ok(
        version.modules.length > 0,
        `no module loads reported: does BUN_JSC_dumpModuleLoadingState still work?\n${version.r.stderr}`,
      );
      assert.ok(!version.modules.includes('credentials'));
      const trueShim = await s.shim('true');
      for (const [args, argv0] of [
        [['-p', 'role', '--', 'true']],
        [[], trueShim],
        [['credential-process', '--profile', 'role']],
        [['status', '-p', 'role']],
        [['env', '-p', 'role', '--format', 'json']],
        [['list']],
      ] as [string[], string?][]) {
        const { r, modules } = await loads(args, argv0);
        ok(r, args.join(' '));
        assert.deepEqual(modules, version.modules, `${argv0 ? basename(argv0) : args.join(' ')} loads what --version loads, nothing more`);
      }
      // 'reader' is behind the cached MFA session but its role is not cached: a miss.
      const miss = await loads(['-p', 'reader', '--', 'true']);
      ok(miss.r, 'a miss');
      assert.ok(miss.modules.includes('credentials'), `the miss loads the on-demand entry: ${miss.modules.join(', ')}`);
      assert.ok(miss.modules.length >= version.modules.length + 2, `and the STS client with it: ${miss.modules.join(', ')}`);
      const doctor = await loads(['doctor']);
      assert.ok(doctor.modules.includes('commands'), `doctor loads the commands entry: ${doctor.modules.join(', ')}`);
    },
  );
});
