// Saying what is wrong with the files, through the built CLI: a config path that does not exist is
// named as such (without breaking the usual setup where ~/.aws/config is simply absent), and
// `doctor` reports missing files, an undefined selected profile, every shim exactly once,
// launcher files included (a shim whose program is absent as a note), and settings no reader
// of the files knows (with the nearest known one).
import assert from 'node:assert/strict';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { REPO_ROOT, nodePackageOnly, pythonTool, runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, configText, makeScenario, type Scenario } from './scenario.ts';

const lines = (r: CliResult, level: string): string[] => r.stdout.split('\n').filter((l) => l.startsWith(`${level} `));

describe('what is wrong with the files', { timeout: 120_000 }, () => {
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
  const config = () => join(s.home, '.aws', 'config');

  describe('AWS_CONFIG_FILE pointing at a file that does not exist', () => {
    test('the error says the file does not exist and where the path came from; no STS call', async () => {
      const env = { ...s.env, AWS_CONFIG_FILE: '~/.aws/confg' };
      const r = await runCli(['-p', 'role', '--', 'true'], { env });
      assert.equal(r.code, 78, r.stderr);
      assert.ok(
        r.stderr.includes(
          `Profile 'role' is not defined in ${join(s.home, '.aws', 'confg')} (which does not exist: AWS_CONFIG_FILE points there)`,
        ),
        r.stderr,
      );
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.equal(Object.keys(aws.calls).length, 0);
    });

    test('the usual case still works: no ~/.aws/config at all, the profile in the credentials file', async () => {
      await rm(config());
      const r = await runCli(['-p', 'carol', '--debug', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], {
        env: { ...s.env, AWS_DEFAULT_REGION: 'us-east-1' },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /user\/carol/);
      assert.ok(r.stderr.includes(`config files: ${config()} (does not exist), ${join(s.home, '.aws', 'credentials')}`), r.stderr);
    });
  });

  describe('doctor', () => {
    test('the config file deleted: not ok (exit 1), names it', async () => {
      await rm(config());
      const r = await runCli(['doctor'], { env: s.env });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(
        lines(r, 'warn').some((l) => l.includes(`${config()} does not exist`)),
        r.stdout,
      );
    });

    test('no files at all: fail, exit 1', async () => {
      await rm(join(s.home, '.aws'), { recursive: true });
      const r = await runCli(['doctor'], { env: s.env });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^fail\s+no AWS config files: neither .*\.aws\/config nor .*\.aws\/credentials exists/m);
    });

    test('AWS_CONFIG_FILE with a typo: fail, says where the path came from', async () => {
      const r = await runCli(['doctor'], { env: { ...s.env, AWS_CONFIG_FILE: '~/.aws/confg' } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^fail\s+\S+\/\.aws\/confg does not exist \(AWS_CONFIG_FILE points there: a typo\?\)/m);
    });

    test('the selected profile is not defined: fail naming it and where it was selected, exit 1', async () => {
      const r = await runCli(['doctor'], { env: { ...s.env, AWS_PROFILE: 'ghost' } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^fail\s+profile 'ghost' \(from AWS_PROFILE\): Profile 'ghost' is not defined in /m);
    });

    test('a selected profile that resolves: ok with its chain and MFA device, exit 0', async () => {
      await s.shim('aws');
      const r = await runCli(['doctor'], { env: { ...s.env, MFA_EXEC_PROFILE: 'role' } });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(
        lines(r, 'ok').some((l) => l.includes(`profile 'role' (from MFA_EXEC_PROFILE) resolves: role → source, MFA device ${s.serial}`)),
        r.stdout,
      );
      assert.equal(Object.keys(aws.calls).length, 0, 'doctor calls no STS');
    });

    test('the shim dir on PATH that is also the default dir (and on PATH twice): each shim listed once', async () => {
      const xdg = join(s.home, 'xdg');
      const dir = join(xdg, 'mfa-exec', 'shims');
      const env = { ...s.env, XDG_DATA_HOME: xdg, PATH: `${dir}:${dir}:${s.env.PATH}` };
      assert.equal((await runCli(['shim', 'install', 'aws', 'terraform'], { env })).code, 0);
      const r = await runCli(['doctor'], { env });
      const aws = r.stdout.split('\n').filter((l) => l.includes("shim 'aws'"));
      assert.deepEqual(aws, [`ok    shim 'aws' → ${pythonTool('aws')}`], r.stdout);
      assert.equal(r.stdout.split('\n').filter((l) => l.includes("shim 'terraform'")).length, 1, r.stdout);
    });

    test('shim install for programs not on the machine: made, with a warning each; doctor notes them, exit 0', async () => {
      const xdg = join(s.home, 'xdg');
      const dir = join(xdg, 'mfa-exec', 'shims');
      // PATH has the real aws, not terraform (in /usr/local/bin here), terragrunt or tofu.
      const env = { ...s.env, XDG_DATA_HOME: xdg, PATH: `${dir}:${s.env.PATH}`, MFA_EXEC_PROFILE: 'role' };
      const install = await runCli(['shim', 'install', 'terraform', 'aws', 'terragrunt', 'tofu'], { env });
      assert.equal(install.code, 0, install.stderr);
      const warned = install.stderr.split('\n').filter((l) => l.startsWith('mfa-exec: warning: there is no real '));
      assert.deepEqual(
        warned.map((l) => /no real '([^']+)'/.exec(l)![1]),
        ['terraform', 'terragrunt', 'tofu'],
        install.stderr,
      );
      assert.match(warned[0]!, /its shim has nothing to run until there is \(exit 127\); 'mfa-exec shim remove terraform' removes it/);

      const r = await runCli(['doctor'], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(
        lines(r, 'note')
          .filter((l) => l.includes('shim'))
          .map((l) => /shim '([^']+)'/.exec(l)![1]),
        ['terraform', 'terragrunt', 'tofu'],
        r.stdout,
      );
      assert.ok(lines(r, 'ok').includes(`ok    shim 'aws' → ${pythonTool('aws')}`), r.stdout);
      assert.deepEqual([...lines(r, 'warn'), ...lines(r, 'fail')], [], r.stdout);
    });

    test('a typo in a setting: warn with the nearest known one; a key of another tool: a note; source_profile without role_arn: a note', async () => {
      await appendFile(
        config(),
        `\n[profile typo]\nsource_profile = source\nrole_ar = ${aws.roles.reader!.arn}\nmfa_seria = ${s.serial}\ngranted_sso_start_url = https://x\n`,
      );
      const r = await runCli(['doctor'], { env: s.env });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /^warn\s+profile 'typo' in .*\.aws\/config: 'role_ar' is no setting the AWS CLI or mfa-exec reads; did you mean role_arn\?$/m,
      );
      assert.match(r.stdout, /^warn\s+profile 'typo' in .*: 'mfa_seria' is no setting .*; did you mean mfa_serial\?$/m);
      assert.match(
        r.stdout,
        /^note\s+profile 'typo' in .*: 'granted_sso_start_url' is no setting the AWS CLI or mfa-exec reads \(another tool's\?\); ignored$/m,
      );
      assert.match(r.stdout, /^note\s+profile 'typo' in .* has source_profile but no role_arn: it is no role; .* add role_arn\.$/m);
      assert.equal(lines(r, 'warn').filter((l) => l.includes("profile '")).length, 2, r.stdout);

      // The scenario's own profiles raise nothing.
      await writeFile(config(), configText(aws, s.user));
      const clean = await runCli(['doctor'], { env: s.env });
      assert.match(clean.stdout, /^ok\s+every profile setting is one the AWS CLI or mfa-exec reads$/m);
    });

    test('the checkout’s shims/ first on PATH: its launcher files are recognised as shims', nodePackageOnly, async () => {
      const env = { ...s.env, PATH: `${join(REPO_ROOT, 'shims')}:${s.env.PATH}` };
      const r = await runCli(['doctor'], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /no shims installed/);
      assert.ok(lines(r, 'ok').includes(`ok    shim 'aws' → ${pythonTool('aws')}`), r.stdout);
      for (const name of ['terraform', 'terragrunt', 'tofu']) assert.match(r.stdout, new RegExp(`^ok\\s+shim '${name}' in .*/shims`, 'm'));
    });
  });
});
