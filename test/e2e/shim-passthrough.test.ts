// A shim is never worse than no shim, through the built CLI against moto: with no profile
// selected (and no [default] that gives credentials), for the invocations that cannot use
// credentials, and with MFA_EXEC_DISABLE=1, the real program runs untouched — its arguments,
// stdin, exit code and environment as they are — and no STS call is made, even on a cold cache.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, runInPty, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { needs } from '../helpers/needs.ts';
import { SPEC, configText, makeScenario, type Scenario } from './scenario.ts';

const REPORT = fileURLToPath(new URL('../fixtures/exec/report.mjs', import.meta.url));
const REAL_TERRAFORM = '/usr/local/bin/terraform';

interface Report {
  ran: string;
  args: string[];
  stdin: string | null;
  env: Record<string, string>;
}

function report(r: CliResult): Report {
  assert.ok(r.stdout.startsWith('{'), `the real program did not run\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return JSON.parse(r.stdout.split('\n')[0]!) as Report;
}

describe('shims stay out of the way', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  /** Where the "real" terraform, tofu and terragrunt are (report.mjs), after the shims on PATH. */
  let real: string;
  const stsCalls = () => (aws.calls.GetSessionToken ?? 0) + (aws.calls.AssumeRole ?? 0);
  const carolKeys = () => ({ AWS_ACCESS_KEY_ID: aws.users.carol!.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.users.carol!.secretAccessKey });
  const shimRun = async (name: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> =>
    runCli(args, { env, argv0Path: join(s.shims, name), ...(input === undefined ? {} : { input }), timeoutMs: 30_000 });

  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    aws.resetCalls();
    real = join(s.home, 'real');
    await mkdir(real);
    for (const name of ['terraform', 'tofu', 'terragrunt']) {
      await symlink(REPORT, join(real, name));
      await s.shim(name);
    }
    await s.shim('aws');
    s.env.PATH = s.env.PATH!.replace(`${s.shims}:`, `${s.shims}:${real}:`);
  });
  afterEach(() => s.cleanup());

  describe('no profile selected', () => {
    test('[default] holds only a region: the real program runs untouched (args, stdin, exit code, the parent’s own keys); --debug says why; no STS call', async () => {
      const env = { ...s.env, ...carolKeys(), AWS_SESSION_TOKEN: 'parent-token', REPORT_EXIT: '3', MFA_EXEC_DEBUG: '1' };
      const args = ['plan', '-out', 'two words', '--profile', 'role', '-d', 'x', ''];
      const r = await shimRun('terraform', args, env, 'piped input\n');
      assert.equal(r.code, 3, r.stderr);
      const seen = report(r);
      assert.deepEqual(seen.args, args);
      assert.equal(seen.stdin, 'piped input\n');
      assert.equal(seen.env.AWS_ACCESS_KEY_ID, aws.users.carol!.accessKeyId);
      assert.equal(seen.env.AWS_SESSION_TOKEN, 'parent-token');
      assert.equal(seen.env.AWS_VAULT, undefined);
      assert.equal(seen.env.AWS_CREDENTIAL_EXPIRATION, undefined);
      assert.match(r.stderr, /running the real program untouched, without credentials: no profile selected/);
      assert.match(r.stderr, /the \[default\] profile has no credential settings/);
      assert.ok(!r.stderr.includes(aws.users.carol!.secretAccessKey), 'no secret under --debug');
      assert.equal(stsCalls(), 0);
    });

    test('the real aws CLI with the keys of a CI job in its environment runs as that user, as it would without the shim', async () => {
      const r = await shimRun('aws', ['sts', 'get-caller-identity', '--output', 'json'], { ...s.env, ...carolKeys() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /"Arn": "arn:aws:iam::\d+:user\/carol"/);
      assert.equal(stsCalls(), 0);
    });

    test('no [default] at all, or a [default] that only signs in to IAM Identity Center (no account and role): untouched too', async () => {
      const withoutDefault = configText(aws, s.user).replace('[default]\nregion = us-west-2\n', '');
      for (const [config, why] of [
        [withoutDefault, /there is no \[default\] profile/],
        [`${withoutDefault}\n[default]\nsso_session = corp\n`, /no credential settings/],
      ] as const) {
        await writeFile(join(s.home, '.aws', 'config'), config);
        const r = await shimRun('terraform', ['plan'], { ...s.env, MFA_EXEC_DEBUG: '1' });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(report(r).args, ['plan']);
        assert.match(r.stderr, why);
      }
      assert.equal(stsCalls(), 0);
    });

    test('a [default] that gives credentials is still used when nothing else is selected (today’s behaviour)', async () => {
      const keys = carolKeys();
      await appendFile(
        join(s.home, '.aws', 'credentials'),
        `\n[default]\naws_access_key_id = ${keys.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${keys.AWS_SECRET_ACCESS_KEY}\n`,
      );
      const r = await shimRun('terraform', ['plan'], s.env);
      assert.equal(r.code, 0, r.stderr);
      const seen = report(r);
      assert.equal(seen.env.AWS_VAULT, 'default');
      assert.match(seen.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      assert.equal(aws.calls.GetSessionToken, 1);
    });

    test('wrapper mode is an explicit request: with no profile and no usable [default] it still fails (78)', async () => {
      const r = await runCli(['--', 'terraform', 'plan'], { env: s.env });
      assert.equal(r.code, 78, r.stderr);
      assert.match(r.stderr, /Profile 'default' has no keys: none in .*config or .*credentials, and none stored for it/);
    });
  });

  describe('invocations that cannot use credentials', () => {
    const LISTED: [string, string[]][] = [
      ['terraform', []],
      ['terraform', ['version']],
      ['terraform', ['-version']],
      ['terraform', ['-v']],
      ['terraform', ['--version']],
      ['terraform', ['fmt', '-recursive']],
      ['terraform', ['validate']],
      ['terraform', ['help']],
      ['terraform', ['-help']],
      ['terraform', ['-h']],
      ['terraform', ['--help']],
      ['terraform', ['-chdir=infra', 'version']],
      ['terraform', ['-chdir=infra']],
      ['tofu', ['version']],
      ['tofu', ['-chdir=infra', 'validate']],
      ['terragrunt', ['--version']],
      ['terragrunt', ['--help']],
      ['terragrunt', ['hclfmt']],
      ['terragrunt', ['hcl', 'format']],
    ];

    test('a role profile behind MFA, a cold cache and no terminal: each one runs at once, untouched, with no STS call', async () => {
      const env = { ...s.env, AWS_PROFILE: 'role' };
      for (const [name, args] of LISTED) {
        const r = await shimRun(name, args, env);
        assert.equal(r.code, 0, `${name} ${args.join(' ')}\n${r.stderr}`);
        const seen = report(r);
        assert.deepEqual([seen.ran, ...seen.args], [name, ...args]);
        assert.equal(seen.env.AWS_PROFILE, 'role', 'nothing removed: the program sees the profile as without the shim');
        assert.equal(seen.env.AWS_ACCESS_KEY_ID, undefined);
        assert.equal(seen.env.AWS_VAULT, undefined);
      }
      assert.equal(stsCalls(), 0);
      // Anything not on the list keeps today's behaviour: it needs a code, and there is no terminal.
      for (const [name, args] of [
        ['terraform', ['plan']],
        ['terraform', ['-chdir=infra', 'plan']],
        ['terragrunt', ['plan']],
      ] as const) {
        const r = await shimRun(name, [...args], env);
        assert.equal(r.code, 66, `${name} ${args.join(' ')}\n${r.stderr}`);
      }
    });

    test('the real aws CLI (v1): --version, and configure get reads the selected profile as without the shim', async () => {
      const env = { ...s.env, AWS_PROFILE: 'role' };
      const version = await shimRun('aws', ['--version'], env);
      assert.equal(version.code, 0, version.stderr);
      assert.match(version.stdout + version.stderr, /aws-cli\/1\./);
      const region = await shimRun('aws', ['configure', 'get', 'region'], env);
      assert.equal(region.code, 0, region.stderr);
      assert.equal(region.stdout.trim(), 'eu-central-1', 'AWS_PROFILE=role reached aws: it read the role profile');
      const externalId = await shimRun('aws', ['configure', 'get', 'external_id'], env);
      assert.equal(externalId.code, 0, externalId.stderr);
      assert.equal(externalId.stdout.trim(), '730993910069');
      assert.equal(stsCalls(), 0);
    });

    test(
      'the real terraform version and fmt, after -chdir=DIR',
      { skip: needs('terraform', !existsSync(REAL_TERRAFORM) && `${REAL_TERRAFORM} is not installed`) },
      async () => {
        const realTf = join(s.home, 'real-tf');
        await mkdir(join(s.home, 'infra'));
        await writeFile(join(s.home, 'infra', 'main.tf'), 'locals {\n  a=1\n}\n');
        await mkdir(realTf);
        await symlink(REAL_TERRAFORM, join(realTf, 'terraform'));
        const env = { ...s.env, AWS_PROFILE: 'role', CHECKPOINT_DISABLE: '1', PATH: `${s.shims}:${realTf}:${s.env.PATH}` };
        const version = await shimRun('terraform', ['-chdir=infra', 'version'], env);
        assert.equal(version.code, 0, version.stderr);
        assert.match(version.stdout, /^Terraform v\d/);
        const fmt = await shimRun('terraform', ['-chdir=infra', 'fmt', '-check'], env);
        assert.equal(fmt.code, 3, `fmt -check finds the unformatted file\n${fmt.stderr}`);
        assert.match(fmt.stdout, /main\.tf/);
        assert.equal(stsCalls(), 0);
      },
    );

    test('at a terminal: terraform version asks for nothing, while terraform plan prompts as before', async () => {
      const env = { ...s.env, AWS_PROFILE: 'role' };
      const version = await runInPty([join(s.shims, 'terraform'), 'version'], {
        env,
        timeoutMs: 15_000,
        steps: [{ expect: '"ran":"terraform"' }],
      });
      assert.equal(version.exitStatus, 0, version.output);
      assert.doesNotMatch(version.output, /MFA code/);
      const plan = await runInPty([join(s.shims, 'terraform'), 'plan'], {
        env,
        timeoutMs: 15_000,
        steps: [{ expect: `Enter MFA code for ${s.serial}: ` }, { send: '\x03' }],
      });
      assert.equal(plan.exitStatus, 130, plan.output);
      assert.equal(stsCalls(), 0);
    });
  });

  describe('MFA_EXEC_DISABLE=1', () => {
    test('every shim runs its real program straight through; wrapper mode and MFA_EXEC_DISABLE=0 are not affected', async () => {
      const env = { ...s.env, AWS_PROFILE: 'role', MFA_EXEC_DISABLE: '1', MFA_EXEC_DEBUG: '1' };
      const tf = await shimRun('terraform', ['apply', '-auto-approve'], { ...env, REPORT_EXIT: '2' });
      assert.equal(tf.code, 2, tf.stderr);
      const seen = report(tf);
      assert.deepEqual(seen.args, ['apply', '-auto-approve']);
      assert.equal(seen.env.AWS_PROFILE, 'role');
      assert.equal(seen.env.AWS_ACCESS_KEY_ID, undefined);
      assert.match(tf.stderr, /untouched, without credentials: MFA_EXEC_DISABLE=1/);

      // A CI job with its own keys: the real aws CLI uses them.
      const { AWS_PROFILE: _, ...noProfile } = env;
      const who = await shimRun('aws', ['sts', 'get-caller-identity', '--output', 'json'], { ...noProfile, ...carolKeys() });
      assert.equal(who.code, 0, who.stderr);
      assert.match(who.stdout, /user\/carol/);
      assert.equal(stsCalls(), 0);

      const wrapper = await runCli(['--', 'true'], { env });
      assert.equal(wrapper.code, 66, `wrapper mode still resolves credentials\n${wrapper.stderr}`);
      const off = await shimRun('terraform', ['plan'], { ...env, MFA_EXEC_DISABLE: '0' });
      assert.equal(off.code, 66, off.stderr);
    });

    test('TRUE, yes, On disable like 1; false, no, off, empty do not; any other value disables with one warning line (issue 17)', async () => {
      const env = { ...s.env, AWS_PROFILE: 'role' };
      for (const value of ['TRUE', 'true', 'yes', 'On']) {
        const r = await shimRun('terraform', ['apply'], { ...env, MFA_EXEC_DISABLE: value });
        assert.equal(r.code, 0, `${value}: ${r.stderr}`);
        assert.equal(report(r).env.AWS_ACCESS_KEY_ID, undefined, `${value}: nothing injected`);
        assert.equal(r.stderr, '', `${value}: no warning`);
      }
      for (const value of ['false', 'NO', 'off', '']) {
        const r = await shimRun('terraform', ['plan'], { ...env, MFA_EXEC_DISABLE: value });
        assert.equal(
          r.code,
          66,
          `${value}: credentials are resolved (no terminal here)
${r.stderr}`,
        );
      }
      const unclear = await shimRun('terraform', ['apply'], { ...env, MFA_EXEC_DISABLE: 'please' });
      assert.equal(unclear.code, 0, unclear.stderr);
      assert.equal(report(unclear).env.AWS_ACCESS_KEY_ID, undefined);
      assert.equal(
        unclear.stderr,
        'mfa-exec: warning: MFA_EXEC_DISABLE="please" is not one of 1, true, yes, on (or 0, false, no, off); taken as set: the shim runs its program untouched\n',
      );
      assert.equal(stsCalls(), 0);
    });
  });
});
