// The command line a newcomer types in the first hour, through the built CLI against moto:
// aws-vault's positional profiles (`status reader`, `env reader`, `export reader`, `login`,
// `clear`), words a command does not take (64, named), a profile where a command is expected,
// `status` and `env` inside an `exec PROFILE` shell, the region a command gets, and help,
// version and -V.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, runCli, startFakeAws, writeAwsFiles, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, configText, makeScenario, type Scenario } from './scenario.ts';

const ok = (r: CliResult, what: string): void => assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
const json = (r: CliResult) => JSON.parse(r.stdout) as Record<string, string>;

describe('the command line of the first hour', { timeout: 120_000 }, () => {
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
  const withCode = async () => ({ ...s.env, MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.serial) });

  test('a positional profile is the profile: env, export, status, login, clear PROFILE (AWS_PROFILE names another)', async () => {
    const env = { ...s.env, AWS_PROFILE: 'bob' };
    ok(await runCli(['login', 'reader'], { env: { ...(await withCode()), AWS_PROFILE: 'bob' } }), 'login reader');
    assert.equal(aws.calls.AssumeRole, 1);

    const sh = await runCli(['env', 'reader'], { env });
    ok(sh, 'env reader');
    assert.match(sh.stdout, /^export AWS_VAULT='reader'$/m);
    const exported = await runCli(['export', 'reader', '--format', 'json'], { env });
    ok(exported, 'export reader');
    assert.equal(json(exported).AWS_VAULT, 'reader');

    const status = await runCli(['status', 'reader'], { env });
    ok(status, 'status reader');
    assert.match(status.stdout, /^reader: ready/);
    const other = await runCli(['status'], { env });
    assert.equal(other.code, 1, 'status without a word is AWS_PROFILE’s (bob: another device, nothing cached)');
    assert.match(other.stdout, /^bob: needs an MFA code/);

    // role now too (the MFA session serves it), then clear reader: only reader's entries go.
    ok(await runCli(['login', 'role'], { env }), 'login role');
    const cleared = await runCli(['clear', 'reader'], { env });
    ok(cleared, 'clear reader');
    assert.match(cleared.stderr, /removed 2 cached entries for profile 'reader'/);
    assert.equal((await runCli(['status', 'reader'], { env })).code, 1, 'reader needs a code again');
    ok(await runCli(['status', 'role'], { env }), 'role’s credentials are still cached');
    assert.equal(aws.calls.GetSessionToken, 1);
  });

  test('a word a command does not take is exit 64 naming it, before anything runs', async () => {
    const cases: [string[], RegExp][] = [
      [['list', 'reader'], /'mfa-exec list' takes no arguments, and was given 'reader'/],
      [['doctor', 'now'], /'mfa-exec doctor' takes no arguments, and was given 'now'/],
      [['status', 'reader', 'role'], /'mfa-exec status' takes PROFILE at most, and was given a word more: 'role'/],
      [['env', 'reader', '-p', 'role'], /'mfa-exec env' was given two profiles: 'reader' and --profile 'role'/],
      [['version', 'x'], /'mfa-exec version' takes no arguments/],
      [['completion', 'tcsh'], /'mfa-exec completion' takes bash, zsh or fish, not 'tcsh'/],
      [['help', 'frobnicate'], /'frobnicate' is not an mfa-exec command/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv, { env: s.env });
      assert.equal(r.code, 64, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
    assert.deepEqual(aws.calls, {});
  });

  test('a profile where a command is expected: "did you mean `mfa-exec exec PROFILE -- …`?" (64), no AWS call', async () => {
    const r = await runCli(['role', '--', 'true'], { env: s.env });
    assert.equal(r.code, 64, r.stderr);
    assert.match(r.stderr, /'role' is a profile, not a command: did you mean `mfa-exec exec role -- true`\?/);
    const alone = await runCli(['reader'], { env: s.env });
    assert.equal(alone.code, 64, alone.stderr);
    assert.match(alone.stderr, /did you mean `mfa-exec exec reader`\?/);
    // A word that is neither stays "command not found".
    const neither = await runCli(['rloe', '--', 'true'], { env: s.env });
    assert.equal(neither.code, 127, neither.stderr);
    assert.deepEqual(aws.calls, {});
  });

  test('inside an `mfa-exec exec reader` shell (AWS_VAULT=reader, AWS_PROFILE removed), status and env report reader', async () => {
    const inner = '"$MFA" status; echo "status=$?"; "$MFA" env --format json';
    const r = await runCli(['exec', 'reader', '--', 'sh', '-c', inner], {
      env: { ...(await withCode()), AWS_PROFILE: 'role', MFA: CLI_PATH },
    });
    ok(r, 'exec reader -- sh');
    assert.match(r.stdout, /^reader: ready, no MFA prompt needed/m);
    assert.match(r.stdout, /^status=0$/m);
    const vars = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Record<string, string>;
    assert.equal(vars.AWS_VAULT, 'reader');
    assert.equal(aws.calls.AssumeRole, 1, 'env inside the shell was served from the cache');
  });

  test('region: the profile’s own, else the environment’s as it is, else [default]’s (as aws-vault exports it), never the source’s', async () => {
    // reader has no region, its source_profile has us-west-2 too: [default]'s is what it gets.
    await writeAwsFiles(s.home, {
      config: configText(aws, s.user).replace('[default]\nregion = us-west-2', '[default]\nregion = sa-east-1'),
    });
    const printRegion = ['sh', '-c', 'echo "$AWS_REGION $AWS_DEFAULT_REGION"'];
    const fromDefault = await runCli(['-p', 'reader', '--debug', '--', ...printRegion], { env: await withCode() });
    ok(fromDefault, 'reader');
    assert.equal(fromDefault.stdout, 'sa-east-1 sa-east-1\n');
    assert.match(fromDefault.stderr, /region sa-east-1 from \[default\]: profile 'reader' has none/);
    const env = await runCli(['env', 'reader', '--format', 'json'], { env: s.env });
    assert.equal(json(env).AWS_REGION, 'sa-east-1');

    const own = await runCli(['-p', 'role', '--', ...printRegion], { env: s.env });
    assert.equal(own.stdout, 'eu-central-1 eu-central-1\n');
    const given = await runCli(['-p', 'reader', '--', ...printRegion], { env: { ...s.env, AWS_REGION: 'eu-north-1' } });
    assert.equal(given.stdout, 'eu-north-1 \n', 'the environment’s region is left as it is');
    const flag = await runCli(['-p', 'reader', '--region', 'ap-south-1', '--', ...printRegion], {
      env: { ...s.env, AWS_REGION: 'eu-north-1' },
    });
    assert.equal(flag.stdout, 'ap-south-1 ap-south-1\n');
  });

  test('help, help COMMAND, COMMAND --help (that command only), version, -V, -v', async () => {
    const all = await runCli(['help'], { env: s.env });
    ok(all, 'help');
    assert.match(all.stdout, /^mfa-exec — run commands/);
    assert.equal((await runCli(['--help'], { env: s.env })).stdout, all.stdout);

    for (const argv of [
      ['help', 'login'],
      ['login', '--help'],
      ['-p', 'role', 'login', '-h'],
    ]) {
      const one = await runCli(argv, { env: s.env });
      ok(one, argv.join(' '));
      assert.match(one.stdout, /^Usage:\n {2}mfa-exec login \[PROFILE\] \[options\]/);
      assert.match(one.stdout, /--mfa-token CODE/);
      assert.doesNotMatch(one.stdout, /mfa-exec rotate|--format|Exit codes:/, 'no other command, option or the shared parts');
      assert.ok(one.stdout.split('\n').length < 25, `short: ${one.stdout}`);
    }
    const exec = await runCli(['exec', '--help'], { env: s.env });
    ok(exec, 'exec --help');
    assert.match(exec.stdout, /mfa-exec exec \[options\] PROFILE/);
    assert.match(exec.stdout, /--server/);
    assert.doesNotMatch(exec.stdout, /mfa-exec status/);

    const version = await runCli(['version'], { env: s.env });
    ok(version, 'version');
    assert.match(version.stdout, /^mfa-exec \d+\.\d+\.\d+\n$/);
    for (const flag of ['-V', '-v', '--version']) assert.equal((await runCli([flag], { env: s.env })).stdout, version.stdout, flag);
    assert.deepEqual(aws.calls, {});
  });
});
