// The credential source kinds (src/sources/): which kind claims a profile, in the table's order,
// what the kinds mfa-exec does not serve say, and the convention that finds a kind's on-demand
// half by its file name. Pure, but for the dynamic imports of the kinds' files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan } from '../../src/aws-config/plan.ts';
import type { AwsFiles } from '../../src/aws-config/types.ts';
import { ExitCode, isMfaExecError } from '../../src/errors.ts';
import { detectSource, SOURCES } from '../../src/sources/table.ts';

const files = (config: string, credentials?: string): AwsFiles =>
  parseAwsFiles(config, '/home/u/.aws/config', credentials, '/home/u/.aws/credentials');

function kindOfProfile(f: AwsFiles, name: string, env: NodeJS.ProcessEnv = {}): string | undefined {
  return detectSource(f.profiles.get(name)!, f, env, true)?.source.kind;
}

const KEYS = 'aws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = secret/EXAMPLE\n';
const ROLE = 'role_arn = arn:aws:iam::123456789012:role/r\n';

describe('which kind claims a profile', () => {
  const table: [string, string, string | undefined][] = [
    ['keys in the config file', `[profile p]\n${KEYS}`, 'static'],
    ['a role with credential_source = Environment', `[profile p]\n${ROLE}credential_source = Environment\n`, 'environment'],
    ['credential_process', '[profile p]\ncredential_process = echo {}\n', 'process'],
    [
      'IAM Identity Center',
      '[profile p]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n[sso-session corp]\nsso_start_url = https://x\nsso_region = r\n',
      'sso',
    ],
    [
      'IAM Identity Center outranks keys in the credentials file (botocore)',
      `[profile p]\nsso_start_url = https://x\nsso_region = r\nsso_account_id = 1\nsso_role_name = R\n${KEYS}`,
      'sso',
    ],
    ['an IAM Identity Center sign-in without an account and role', '[profile p]\nsso_start_url = https://x\nsso_region = r\n', 'unserved'],
    ['`aws login`', '[profile p]\nlogin_session = arn:aws:iam::1:user/u\n', 'login'],
    [
      '`aws login` outranks credential_process (botocore)',
      '[profile p]\nlogin_session = arn:aws:iam::1:user/u\ncredential_process = echo {}\n',
      'login',
    ],
    ['a web identity role', `[profile p]\n${ROLE}web_identity_token_file = /tmp/t\n`, 'unserved'],
    ['credential_source = Ec2InstanceMetadata', `[profile p]\n${ROLE}credential_source = Ec2InstanceMetadata\n`, 'unserved'],
    ['nothing in the files: the key store', '[profile p]\nregion = eu-west-1\n', 'store'],
    ['a role assumed from its source_profile: no kind', `[profile p]\n${ROLE}source_profile = q\n[profile q]\n${KEYS}`, undefined],
  ];
  for (const [what, config, kind] of table) {
    test(`${what}: ${kind ?? 'none (the walk goes on)'}`, () =>
      assert.equal(kindOfProfile(files(config), 'p', { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 's' }), kind));
  }
});

describe("a source profile is resolved through botocore's whole chain when it has keys, role_arn or not", () => {
  const kindAsSource = (config: string, credentials?: string) => {
    const f = files(config, credentials);
    return detectSource(f.profiles.get('p')!, f, {}, false)?.source.kind;
  };
  test('keys and sso_* on a role used as a source: IAM Identity Center (its chain puts SSO first)', () =>
    assert.equal(
      kindAsSource(`[profile p]\n${ROLE}${KEYS}sso_start_url = https://x\nsso_region = r\nsso_account_id = 1\nsso_role_name = R\n`),
      'sso',
    ));
  test('the same profile as the target: its role (AssumeRole comes first)', () =>
    assert.equal(
      kindOfProfile(files(`[profile p]\n${ROLE}${KEYS}sso_account_id = 1\nsso_role_name = R\nsource_profile = p\n`), 'p'),
      undefined,
    ));
  test('login_session with keys in the config file: `aws login`; with keys in the credentials file: the keys', () => {
    assert.equal(kindAsSource(`[profile p]\n${KEYS}login_session = arn:aws:iam::1:user/u\n`), 'login');
    assert.equal(kindAsSource('[profile p]\nlogin_session = arn:aws:iam::1:user/u\n', `[p]\n${KEYS}`), 'static');
  });
});

describe('what mfa-exec does not serve is said, never read from the key store', () => {
  // aws-vault's TestIssue1195 (vault/vault_test.go): a profile with source_profile and no
  // role_arn, whose source profile is an IAM Identity Center profile. aws-vault takes the source
  // profile's SSO credentials; mfa-exec must see SSO there too, not a profile whose keys are in
  // its key store.
  const ISSUE_1195 = `[profile test]
source_profile = dev
region = ap-northeast-2

[profile dev]
sso_session = common
sso_account_id = 210000000000
sso_role_name = AdministratorAccess
region = ap-northeast-2

[sso-session common]
sso_start_url = https://example.awsapps.com/start
sso_region = ap-northeast-2
`;

  test('TestIssue1195: a profile whose source_profile is an SSO profile (no role_arn) is unserved, not a key-store source, and says to use the SSO profile', () => {
    const f = files(ISSUE_1195);
    assert.equal(kindOfProfile(f, 'test'), 'unserved');
    assert.equal(kindOfProfile(f, 'dev'), 'sso', 'the SSO profile itself is served');
    assert.throws(
      () => resolvePlan(f, 'test', {}),
      (e: unknown) =>
        isMfaExecError(e, 'unserved') &&
        e.exitCode === ExitCode.config &&
        /^Profile 'test' has no credentials mfa-exec can use: it names source_profile 'dev' but no role_arn, and 'dev' uses AWS IAM Identity Center \(sso_\*\)\. Use profile 'dev' itself/.test(
          e.message,
        ),
    );
  });

  test('a source_profile without role_arn whose source has keys is still the key store of its own (unchanged)', () => {
    assert.equal(kindOfProfile(files(`[profile test]\nsource_profile = dev\n[profile dev]\n${KEYS}`), 'test'), 'store');
  });

  test('a source_profile loop without role_arn ends (no kind found along it)', () => {
    assert.equal(kindOfProfile(files('[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\n'), 'a'), 'store');
  });

  for (const [what, config, pattern] of [
    [
      'sso_* that only signs in',
      '[profile p]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://x\nsso_region = r\n',
      /It uses an AWS IAM Identity Center sign-in without sso_account_id and sso_role_name, which mfa-exec does not handle; add sso_account_id and sso_role_name/,
    ],
    [
      'web_identity_token_file',
      `[profile p]\n${ROLE}web_identity_token_file = /tmp/t\n`,
      /It uses a web identity \(web_identity_token_file\)/,
    ],
    [
      'credential_source = EcsContainer',
      `[profile p]\n${ROLE}credential_source = EcsContainer\n`,
      /uses credential_source = 'EcsContainer'; mfa-exec supports only 'Environment'/,
    ],
  ] as const) {
    test(`${what}: exit 78 of kind 'unserved', saying what it is`, () => {
      assert.throws(
        () => resolvePlan(files(config), 'p', {}),
        (e: unknown) => isMfaExecError(e, 'unserved') && e.exitCode === 78 && pattern.test(e.message),
      );
    });
  }
});

describe('the table', () => {
  test('each kind has a file of its name with the on-demand half (fetch)', async () => {
    for (const kind of SOURCES) {
      const half = (await import(`../../src/sources/${kind.kind}.ts`)) as { fetch?: unknown };
      assert.equal(typeof half.fetch, 'function', `src/sources/${kind.kind}.ts exports fetch`);
    }
  });

  test('the identities of different kinds never meet', () => {
    const ids = SOURCES.map((k) =>
      k.id({
        kind: k.kind,
        profile: 'p',
        accessKeyId: 'AKIA1',
        command: 'c',
        files: [],
        what: 'w',
        why: 'y',
        session: 's',
        startUrl: 'u',
        region: 'r',
        accountId: '1',
        roleName: 'R',
        endpoints: '',
        endpoint: '',
      } as never),
    );
    assert.equal(new Set(ids.map((id) => id.split(':')[0])).size, SOURCES.length, ids.join(' '));
  });
});
