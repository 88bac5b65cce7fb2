// What `npm install -g` gives users must work: pack the package, install the tarball into an
// empty prefix (no dev dependencies), then run the installed entry point, its shims/ and every
// subcommand against moto. The install is a user's: npm takes the one runtime dependency
// (@napi-rs/keyring and its platform binary) from its cache when it holds them, else from the
// registry. `npm ci` does not leave that package's registry metadata in the cache, so an
// --offline install failed (ENOTCACHED) on a machine whose npm cache was new.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, nodePackageOnly, runCli, startFakeAws, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

const run = promisify(execFile);

describe('clean install from the packed tarball', { timeout: 120_000, ...nodePackageOnly }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let prefix: string;
  let packDir: string;
  let bin: string;
  let pkg: string;

  before(async () => {
    packDir = await mkdtemp(join(tmpdir(), 'mfa-exec-pack-'));
    prefix = await mkdtemp(join(tmpdir(), 'mfa-exec-prefix-'));
    // dist/ is built by `npm test` before the tests; --ignore-scripts skips the prepack rebuild.
    const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], { cwd: REPO_ROOT, env: npmEnv });
    const [tarball] = await readdir(packDir);
    await run('npm', ['install', '--global', '--prefer-offline', '--prefix', prefix, join(packDir, tarball!)], {
      env: npmEnv,
      timeout: 100_000, // a registry that does not answer fails here, with npm's output, not as a suite timeout
    });
    bin = join(prefix, 'bin', 'mfa-exec');
    pkg = join(prefix, 'lib', 'node_modules', 'mfa-exec');
    aws = await startFakeAws(SPEC);
    s = await makeScenario(aws);
  });
  after(async () => {
    await s?.cleanup();
    await aws?.close();
    await rm(packDir, { recursive: true, force: true });
    await rm(prefix, { recursive: true, force: true });
  });

  test('the package holds the bundle and the shims, and no dev dependencies', async () => {
    const files = await readdir(pkg);
    assert.deepEqual(
      files.filter((f) => !['package.json', 'README.md', 'dist', 'shims', 'node_modules'].includes(f)),
      [],
    );
    // The one runtime dependency: the keyring's native module (not bundleable), with its
    // prebuilt binary for this platform.
    assert.deepEqual(await readdir(join(pkg, 'node_modules')), ['@napi-rs']);
    const napi = await readdir(join(pkg, 'node_modules', '@napi-rs'));
    assert.deepEqual(
      napi.filter((d) => d !== 'keyring' && !/^keyring-[a-z0-9]+-[a-z0-9-]+$/.test(d)),
      [],
    );
    assert.ok(
      napi.includes('keyring') && napi.some((d) => d.startsWith('keyring-')),
      `keyring and its platform binary: ${napi.join(', ')}`,
    );
    // package.json: the launchers are CommonJS, like dist/cli.js (an ES module launcher costs ~30 ms more).
    assert.deepEqual((await readdir(join(pkg, 'shims'))).sort(), ['aws', 'package.json', 'terraform', 'terragrunt', 'tofu']);
    const r = await runCli(['--version'], { env: s.env, argv0Path: bin });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^mfa-exec \d+\.\d+\.\d+\n$/);
  });

  test('npx mfa-exec --version runs the installed package', async () => {
    // npx looks in the global prefix before the registry; --no forbids a download, so a miss
    // fails here instead of fetching some other mfa-exec.
    const cwd = await mkdtemp(join(tmpdir(), 'mfa-exec-npx-'));
    try {
      const r = await run('npx', ['--no', '--', 'mfa-exec', '--version'], {
        cwd,
        env: { ...s.env, PATH: process.env.PATH, npm_config_prefix: prefix, npm_config_update_notifier: 'false' },
        timeout: 60_000,
      });
      assert.match(r.stdout, /^mfa-exec \d+\.\d+\.\d+\n$/);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  test('the installed entry point and its aws shim run the real aws CLI with role credentials', async () => {
    const code = await aws.freshTotp(s.serial);
    const wrapped = await runCli(['-p', 'role', '--mfa-token', code, '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: s.env,
      argv0Path: bin,
    });
    assert.equal(wrapped.code, 0, wrapped.stderr);
    assert.match(callerArn(wrapped.stdout), /assumed-role\/hc-master\//);
    const env = { ...s.env, PATH: `${join(pkg, 'shims')}:${s.env.PATH}`, AWS_PROFILE: 'role' };
    const shimmed = await runCli(['sts', 'get-caller-identity', '--output', 'json'], { env, argv0Path: join(pkg, 'shims', 'aws') });
    assert.equal(shimmed.code, 0, shimmed.stderr);
    assert.match(callerArn(shimmed.stdout), /assumed-role\/hc-master\//);
  });

  test('every subcommand runs from the install', async () => {
    const shimDir = join(s.home, 'installed-shims');
    const cases: [string[], number, RegExp][] = [
      [['--help'], 0, /Usage:/],
      [['status', '-p', 'role'], 0, /ready/],
      [['status', '-p', 'bob', '--json'], 1, /"promptNeeded": true/],
      [['list'], 0, /role\s+source/],
      [['env', '-p', 'role', '--format', 'json'], 0, /"AWS_VAULT": "role"/],
      [['credential-process', '-p', 'role'], 0, /^\{"Version":1,"AccessKeyId"/],
      [['login', '-p', 'role'], 0, /^$/],
      [['shim', 'install', 'terraform', '--dir', shimDir], 0, /terraform: installed/],
      [['shim', 'list', '--dir', shimDir], 0, /terraform/],
      [['shim', 'remove', 'terraform', '--dir', shimDir], 0, /terraform: removed/],
      [['doctor'], 0, /config files parse/],
      [['clear', '-p', 'role'], 0, /^$/],
    ];
    for (const [args, code, stdout] of cases) {
      const r = await runCli(args, { env: s.env, argv0Path: bin });
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, stdout, args.join(' '));
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, args.join(' '));
    }
  });
});
