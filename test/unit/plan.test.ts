/**
 * Profile → plan, table-driven in the style of aws-vault's vault/config_test.go: each case is a
 * pair of AWS files, a profile, an environment and command-line overrides, and the plan (or the
 * ConfigError) they must give. Where credentials come from follows botocore; when an MFA session
 * stands in front of the roles follows aws-vault.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import {
  CHAINED_ROLE_MAX_SECONDS,
  DEFAULT_ROLE_SECONDS,
  DEFAULT_SESSION_SECONDS,
  resolvePlan,
  type Plan,
  type PlanOverrides,
} from '../../src/aws-config/plan.ts';
import type { AwsFiles, Profile } from '../../src/aws-config/types.ts';
import { ConfigError, ExitCode } from '../../src/errors.ts';

const CONFIG = '/home/u/.aws/config';
const CREDS = '/home/u/.aws/credentials';

const MFA_A = 'arn:aws:iam::111111111111:mfa/alice';
const MFA_B = 'arn:aws:iam::111111111111:mfa/alice-backup';
const AK_BASE = 'AKIABASE000EXAMPLE00';
const SK_BASE = 'baseSecretKey/EXAMPLE+0000000000000000';
const AK_OWN = 'AKIAOWN0000EXAMPLE00';
const AK_ENV = 'AKIAENV0000EXAMPLE00';
const SK_ENV = 'envSecretKey/EXAMPLE+00000000000000000';
const TOKEN = 'FwoGZXIvYXdzEXAMPLEsessiontoken';
const role = (name: string, account = '222222222222') => `arn:aws:iam::${account}:role/${name}`;

const BASE_KEYS = `[base]\naws_access_key_id = ${AK_BASE}\naws_secret_access_key = ${SK_BASE}\n`;

/**
 * A profile map that refuses to be asked more than a few hundred times: a resolver that loops
 * (a cycle it failed to see) then fails this test instead of hanging the whole suite.
 */
class LoopGuardMap extends Map<string, Profile> {
  private lookups = 0;
  override get(key: string): Profile | undefined {
    if (++this.lookups > 500) throw new Error(`resolvePlan looped: profile '${key}' looked up more than 500 times`);
    return super.get(key);
  }
}

function files(config: string, credentials?: string): AwsFiles {
  const parsed = parseAwsFiles(config, CONFIG, credentials, CREDS);
  return { ...parsed, profiles: new LoopGuardMap(parsed.profiles) };
}

interface RoleWant {
  profile: string;
  durationSeconds: number;
  mfaSerial?: string;
  roleArn?: string;
}

interface Want {
  chain?: string[];
  /** `${kind}:${profile}` */
  source?: string;
  sourceKeyId?: string;
  sourceHasToken?: boolean;
  /** null: no GetSessionToken step. */
  session?: { mfaSerial?: string; durationSeconds: number } | null;
  roles?: RoleWant[];
  passThrough?: boolean;
  /** null: no region. */
  region?: string | null;
  notes?: RegExp[];
}

interface Case {
  name: string;
  config: string;
  credentials?: string;
  profile: string;
  env?: NodeJS.ProcessEnv;
  overrides?: PlanOverrides;
  want?: Want;
  /** Patterns the ConfigError message must all match. */
  error?: RegExp[];
  todo?: string;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function check(plan: Plan, want: Want): void {
  if (want.chain) assert.deepEqual(plan.chain, want.chain, 'chain');
  if (want.source) assert.equal(`${plan.source.kind}:${plan.source.profile}`, want.source, 'source');
  if (want.sourceKeyId) {
    assert.ok(plan.source.kind === 'static' || plan.source.kind === 'environment');
    assert.equal(plan.source.accessKeyId, want.sourceKeyId, 'source access key id');
  }
  if (want.sourceHasToken !== undefined) {
    assert.equal('sessionToken' in plan.source && plan.source.sessionToken !== undefined, want.sourceHasToken, 'source session token');
  }
  if (want.session === null) assert.equal(plan.session, undefined, 'no session step expected');
  else if (want.session) assert.deepEqual(dropUndefined({ ...plan.session }), dropUndefined(want.session), 'session');
  if (want.roles) {
    const got = plan.roles.map((r) =>
      dropUndefined({
        profile: r.profile,
        durationSeconds: r.durationSeconds,
        mfaSerial: r.mfaSerial,
        roleArn: want.roles?.some((w) => w.roleArn) ? r.roleArn : undefined,
      }),
    );
    assert.deepEqual(
      got,
      want.roles.map((w) => dropUndefined({ ...w })),
      'roles (source first, target last)',
    );
  }
  if (want.passThrough !== undefined) assert.equal(plan.passThrough, want.passThrough, 'passThrough');
  if (want.region !== undefined) assert.equal(plan.region, want.region ?? undefined, 'region');
  for (const note of want.notes ?? []) {
    assert.ok(
      plan.notes.some((n) => note.test(n)),
      `no note matches ${note}; notes: ${JSON.stringify(plan.notes)}`,
    );
  }
}

function run(c: Case): void {
  const resolve = () => resolvePlan(files(c.config, c.credentials), c.profile, c.env ?? {}, c.overrides);
  if (c.error) {
    assert.throws(resolve, (e: unknown) => {
      assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
      assert.equal(e.exitCode, ExitCode.config);
      for (const p of c.error ?? []) assert.match(e.message, p);
      return true;
    });
    return;
  }
  check(resolve(), c.want ?? {});
}

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) test(c.name, c.todo ? { todo: c.todo } : {}, () => run(c));
  });
}

// ---------------------------------------------------------------------------------------------

table('where source credentials come from (botocore)', [
  {
    name: 'static keys of a profile without a role',
    config: '[profile base]\nregion = eu-west-1\n',
    credentials: BASE_KEYS,
    profile: 'base',
    want: { chain: ['base'], source: 'static:base', sourceKeyId: AK_BASE, roles: [], passThrough: false },
  },
  {
    name: 'the [default] profile',
    config: '[default]\nregion = us-east-1\n',
    credentials: `[default]\naws_access_key_id = ${AK_BASE}\naws_secret_access_key = ${SK_BASE}\n`,
    profile: 'default',
    want: { source: 'static:default', region: 'us-east-1' },
  },
  {
    name: 'role with source_profile: assumed with the source profile’s keys',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: {
      chain: ['admin', 'base'],
      source: 'static:base',
      sourceKeyId: AK_BASE,
      roles: [{ profile: 'admin', roleArn: role('Admin'), durationSeconds: 3600 }],
      passThrough: false,
    },
  },
  {
    name: 'regression: a role profile’s own keys are ignored in favour of its source_profile',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\n`,
    credentials: `${BASE_KEYS}[admin]\naws_access_key_id = ${AK_OWN}\naws_secret_access_key = own\n`,
    profile: 'admin',
    want: { source: 'static:base', sourceKeyId: AK_BASE, roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'a role profile’s own half key pair is ignored too (the role wins)',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\naws_access_key_id = ${AK_OWN}\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { source: 'static:base', roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'regression: a *source* profile’s static keys win over its own role_arn',
    config:
      `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\n` +
      `[profile base]\nrole_arn = ${role('BaseRole')}\nsource_profile = elsewhere\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { chain: ['admin', 'base'], source: 'static:base', sourceKeyId: AK_BASE, roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'a two-hop chain: roles in the order they are assumed (source side first)',
    config:
      `[profile jump]\nrole_arn = ${role('Jump', '333333333333')}\nsource_profile = base\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    want: {
      chain: ['target', 'jump', 'base'],
      source: 'static:base',
      roles: [
        { profile: 'jump', roleArn: role('Jump', '333333333333'), durationSeconds: 3600 },
        { profile: 'target', roleArn: role('Target'), durationSeconds: 3600 },
      ],
    },
  },
  {
    name: 'a chain of five roles',
    config: [1, 2, 3, 4, 5]
      .map((i) => `[profile r${i}]\nrole_arn = ${role(`R${i}`)}\nsource_profile = ${i === 1 ? 'base' : `r${i - 1}`}\n`)
      .join(''),
    credentials: BASE_KEYS,
    profile: 'r5',
    want: {
      chain: ['r5', 'r4', 'r3', 'r2', 'r1', 'base'],
      source: 'static:base',
      roles: [1, 2, 3, 4, 5].map((i) => ({ profile: `r${i}`, roleArn: role(`R${i}`), durationSeconds: 3600 })),
    },
  },
  {
    name: 'regression: source_profile = self with keys on the target role profile (used to loop forever)',
    config: `[profile solo]\nrole_arn = ${role('Solo')}\nsource_profile = solo\nmfa_serial = ${MFA_A}\n`,
    credentials: `[solo]\naws_access_key_id = ${AK_OWN}\naws_secret_access_key = own\n`,
    profile: 'solo',
    want: {
      source: 'static:solo',
      sourceKeyId: AK_OWN,
      roles: [{ profile: 'solo', roleArn: role('Solo'), durationSeconds: 3600 }],
      session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS },
    },
  },
  {
    name: 'source_profile = self on a source profile with keys: its keys are used',
    config:
      `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\n` +
      `[profile base]\nrole_arn = ${role('BaseRole')}\nsource_profile = base\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { chain: ['admin', 'base'], source: 'static:base', roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'credential_source = Environment: keys come from the env parameter',
    config: `[profile ci]\nrole_arn = ${role('Deploy')}\ncredential_source = Environment\n`,
    profile: 'ci',
    env: { AWS_ACCESS_KEY_ID: AK_ENV, AWS_SECRET_ACCESS_KEY: SK_ENV },
    want: {
      chain: ['ci'],
      source: 'environment:ci',
      sourceKeyId: AK_ENV,
      sourceHasToken: false,
      roles: [{ profile: 'ci', durationSeconds: 3600 }],
      session: null,
    },
  },
  {
    name: 'credential_source = Environment with a session token in the env',
    config: `[profile ci]\nrole_arn = ${role('Deploy')}\ncredential_source = Environment\n`,
    profile: 'ci',
    env: { AWS_ACCESS_KEY_ID: AK_ENV, AWS_SECRET_ACCESS_KEY: SK_ENV, AWS_SESSION_TOKEN: TOKEN },
    want: { source: 'environment:ci', sourceHasToken: true },
  },
  {
    name: 'credential_source = Environment deeper in a chain',
    config:
      `[profile ci]\nrole_arn = ${role('Ci')}\ncredential_source = Environment\n` +
      `[profile deploy]\nrole_arn = ${role('Deploy')}\nsource_profile = ci\n`,
    profile: 'deploy',
    env: { AWS_ACCESS_KEY_ID: AK_ENV, AWS_SECRET_ACCESS_KEY: SK_ENV },
    want: {
      chain: ['deploy', 'ci'],
      source: 'environment:ci',
      roles: [
        { profile: 'ci', durationSeconds: 3600 },
        { profile: 'deploy', durationSeconds: 3600 },
      ],
    },
  },
  {
    name: 'credential_process as the source of a role',
    config:
      `[profile proc]\ncredential_process = /usr/bin/get-creds --user alice\n` +
      `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = proc\n`,
    profile: 'admin',
    want: { chain: ['admin', 'proc'], source: 'process:proc', roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'credential_process profile without a role: a plain session from its credentials',
    config: `[profile proc]\ncredential_process = /usr/bin/get-creds\n`,
    profile: 'proc',
    want: { source: 'process:proc', roles: [], session: { durationSeconds: DEFAULT_SESSION_SECONDS }, passThrough: false },
  },
  {
    name: 'a source profile with keys in the credentials file and credential_process: the keys win',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\n[profile base]\ncredential_process = /bin/false\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { source: 'static:base' },
  },
  {
    // botocore's order is shared-credentials file, then credential_process, then the config
    // file's keys (checked with botocore: `Session(profile='both').get_credentials()`).
    name: 'regression: keys in the *config* file lose to credential_process, as in botocore',
    config: `[profile both]\ncredential_process = /usr/bin/get-creds\naws_access_key_id = ${AK_OWN}\naws_secret_access_key = own\n`,
    profile: 'both',
    want: { source: 'process:both' },
  },
  {
    name: 'the same, reached as a source profile',
    config:
      `[profile both]\ncredential_process = /usr/bin/get-creds\naws_access_key_id = ${AK_OWN}\naws_secret_access_key = own\n` +
      `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = both\n`,
    profile: 'admin',
    want: { source: 'process:both', roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
]);

table('configuration errors about sources (ConfigError, exit 78)', [
  {
    name: 'unknown profile: names the profile and both files',
    config: '[profile base]\n',
    credentials: BASE_KEYS,
    profile: 'nope',
    error: [/'nope'/, new RegExp(CONFIG), new RegExp(CREDS), /\[profile nope\]/],
  },
  {
    name: 'unknown profile with no files at all',
    config: '',
    profile: 'default',
    error: [/'default'/, new RegExp(CONFIG), new RegExp(CREDS)],
  },
  {
    name: 'unknown source_profile: names the referring profile and the missing one',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = ghost\n`,
    profile: 'admin',
    error: [/Profile 'admin'/, /'ghost'/, new RegExp(CONFIG)],
  },
  {
    name: 'unknown source_profile deep in a chain names the profile that refers to it',
    config: `[profile a]\nrole_arn = ${role('A')}\nsource_profile = b\n` + `[profile b]\nrole_arn = ${role('B')}\nsource_profile = ghost\n`,
    profile: 'a',
    error: [/Profile 'b'/, /'ghost'/],
  },
  {
    name: 'role_arn without source_profile or credential_source',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\n`,
    credentials: `[admin]\naws_access_key_id = ${AK_OWN}\naws_secret_access_key = own\n`,
    profile: 'admin',
    error: [/'admin'/, /role_arn/, /source_profile/],
  },
  {
    name: 'source_profile = self without keys is a cycle',
    config: `[profile loop]\nrole_arn = ${role('Loop')}\nsource_profile = loop\n`,
    profile: 'loop',
    error: [/cycle/, /loop → loop/],
  },
  {
    name: 'a two-profile cycle is named',
    config: `[profile a]\nrole_arn = ${role('A')}\nsource_profile = b\n` + `[profile b]\nrole_arn = ${role('B')}\nsource_profile = a\n`,
    profile: 'a',
    error: [/cycle/, /a → b → a/],
  },
  {
    name: 'a cycle that does not pass through the target',
    config:
      `[profile t]\nrole_arn = ${role('T')}\nsource_profile = a\n` +
      `[profile a]\nrole_arn = ${role('A')}\nsource_profile = b\n` +
      `[profile b]\nrole_arn = ${role('B')}\nsource_profile = a\n`,
    profile: 't',
    error: [/cycle/, /t → a → b → a/],
  },
  {
    name: 'a cycle back to a target that has keys is still a cycle (only direct self-reference is allowed)',
    config: `[profile t]\nrole_arn = ${role('T')}\nsource_profile = s\n` + `[profile s]\nrole_arn = ${role('S')}\nsource_profile = t\n`,
    credentials: `[t]\naws_access_key_id = ${AK_OWN}\naws_secret_access_key = own\n`,
    profile: 't',
    error: [/cycle/, /t → s → t/],
  },
  {
    name: 'credential_source = Environment without AWS_ACCESS_KEY_ID in the env parameter',
    config: `[profile ci]\nrole_arn = ${role('Deploy')}\ncredential_source = Environment\n`,
    profile: 'ci',
    env: { AWS_SECRET_ACCESS_KEY: SK_ENV },
    error: [/'ci'/, /AWS_ACCESS_KEY_ID/, /Environment/],
  },
  {
    name: 'credential_source = Environment with an empty env',
    config: `[profile ci]\nrole_arn = ${role('Deploy')}\ncredential_source = Environment\n`,
    profile: 'ci',
    env: {},
    error: [/'ci'/, /AWS_SECRET_ACCESS_KEY/],
  },
  {
    name: 'credential_source = Ec2InstanceMetadata is not supported',
    config: `[profile ec2]\nrole_arn = ${role('X')}\ncredential_source = Ec2InstanceMetadata\n`,
    profile: 'ec2',
    error: [/'ec2'/, /Ec2InstanceMetadata/, new RegExp(CONFIG)],
  },
  {
    name: 'credential_source = EcsContainer is not supported',
    config: `[profile ecs]\nrole_arn = ${role('X')}\ncredential_source = EcsContainer\n`,
    profile: 'ecs',
    error: [/EcsContainer/],
  },
  {
    name: 'credential_source is case-sensitive, as in botocore',
    config: `[profile ci]\nrole_arn = ${role('X')}\ncredential_source = environment\n`,
    profile: 'ci',
    env: { AWS_ACCESS_KEY_ID: AK_ENV, AWS_SECRET_ACCESS_KEY: SK_ENV },
    error: [/credential_source = 'environment'/],
  },
  {
    name: 'a credential_process botocore cannot split (an unclosed quote): refused, as the AWS CLI fails on it',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = proc\n[profile proc]\ncredential_process = /usr/bin/get-creds --user 'alice\n`,
    profile: 'admin',
    error: [/credential_process of profile 'proc'/, new RegExp(CONFIG), /quote that is not closed/],
  },
  {
    name: 'both credential_source and source_profile',
    config: `[profile both]\nrole_arn = ${role('X')}\ncredential_source = Environment\nsource_profile = base\n`,
    credentials: BASE_KEYS,
    profile: 'both',
    env: { AWS_ACCESS_KEY_ID: AK_ENV, AWS_SECRET_ACCESS_KEY: SK_ENV },
    error: [/'both'/, /source_profile/, /credential_source/],
  },
  {
    name: 'IAM Identity Center (legacy form): its credentials as they are, no GetSessionToken (STS refuses session credentials)',
    config:
      '[profile sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = Admin\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n',
    profile: 'sso',
    want: {
      chain: ['sso'],
      source: 'sso:sso',
      session: null,
      roles: [],
      passThrough: false,
      notes: [/sso credentials of profile 'sso' are temporary/, /mfa_serial of profile 'sso' is not used/],
    },
  },
  {
    name: 'an sso-session whose section lacks sso_region: IAM Identity Center and what is missing are named',
    config:
      '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://x\n',
    profile: 'sso',
    error: [/'sso'/, /IAM Identity Center/, /lacks sso_region/, /\[sso-session corp\]/],
  },
  {
    name: 'an sso_session with no such section',
    config: '[profile sso]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = Admin\n',
    profile: 'sso',
    error: [/'sso'/, /sso_session 'nope'/, /no \[sso-session nope\] section/],
  },
  {
    name: 'a setting in both the profile and its sso-session must agree (botocore)',
    config:
      '[profile sso]\nsso_session = corp\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n',
    profile: 'sso',
    error: [/'sso'/, /sso_region = us-east-1/, /\[sso-session corp\] says eu-west-1/],
  },
  {
    name: 'a role whose source is an SSO profile lacking settings: names the SSO profile',
    config:
      '[profile sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_role_name = Admin\n' +
      `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = sso\n`,
    profile: 'admin',
    error: [/'sso'/, /IAM Identity Center/, /sso_region, sso_account_id/],
  },
  {
    name: 'a role from an SSO profile: assumed with its credentials, the MFA code with the AssumeRole (no session)',
    config:
      '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n' +
      `[profile deploy]\nrole_arn = ${role('Deploy')}\nsource_profile = sso\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n`,
    profile: 'deploy',
    want: {
      chain: ['deploy', 'sso'],
      source: 'sso:sso',
      session: null,
      roles: [{ profile: 'deploy', durationSeconds: 3600, mfaSerial: 'arn:aws:iam::123456789012:mfa/me' }],
      notes: [/no MFA session: profile 'sso' holds temporary credentials/],
    },
  },
  {
    name: '`aws login`: its credentials as they are; a role from it, without MFA',
    config:
      '[profile console]\nlogin_session = arn:aws:iam::123456789012:user/alice\nregion = eu-west-1\n' +
      `[profile ops]\nrole_arn = ${role('Ops')}\nsource_profile = console\n`,
    profile: 'ops',
    want: { chain: ['ops', 'console'], source: 'login:console', session: null, roles: [{ profile: 'ops', durationSeconds: 3600 }] },
  },
  {
    name: 'an empty login_session',
    config: '[profile console]\nlogin_session =\n',
    profile: 'console',
    error: [/'console'/, /empty login_session/, /aws login --profile console/],
  },
  {
    name: 'sso_* without sso_account_id and sso_role_name: a sign-in only, unserved',
    config: '[profile signin]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n',
    profile: 'signin',
    error: [/'signin'/, /without sso_account_id and sso_role_name/],
  },
  {
    name: 'a profile with no keys in the files takes them from the key store (read on a miss, not here)',
    config: '[profile empty]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n',
    profile: 'empty',
    want: {
      chain: ['empty'],
      source: 'store:empty',
      session: { mfaSerial: 'arn:aws:iam::123456789012:mfa/me', durationSeconds: 8 * 3600 },
      roles: [],
      notes: [/no keys in .* they come from the key store/],
    },
  },
  {
    name: 'a role whose source profile has no keys in the files: the store, under the source name',
    config: `[profile me]\nregion = eu-west-1\n[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = me\n`,
    profile: 'admin',
    want: { chain: ['admin', 'me'], source: 'store:me' },
  },
  {
    name: 'half a key pair: access key id without secret',
    config: '',
    credentials: `[half]\naws_access_key_id = ${AK_OWN}\n`,
    profile: 'half',
    error: [/'half'/, /aws_secret_access_key/, new RegExp(CREDS)],
  },
  {
    name: 'half a key pair: secret without access key id',
    config: '',
    credentials: '[half]\naws_secret_access_key = s\n',
    profile: 'half',
    error: [/'half'/, /no aws_access_key_id/],
  },
  {
    name: 'half a key pair in the source profile of a role',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = half\n`,
    credentials: `[half]\naws_access_key_id = ${AK_OWN}\n`,
    profile: 'admin',
    error: [/'half'/, /aws_secret_access_key/],
  },
  {
    name: 'empty key values count as missing',
    config: '',
    credentials: '[blank]\naws_access_key_id =\naws_secret_access_key =\n',
    profile: 'blank',
    error: [/'blank'/],
  },
]);

// ---------------------------------------------------------------------------------------------

const ADMIN_FROM_BASE = `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\n`;
const BASE_WITH_MFA = `[profile base]\nmfa_serial = ${MFA_A}\n`;

table('MFA session rules (aws-vault)', [
  {
    name: 'source profile’s mfa_serial: one GetSessionToken, the role assumed from it without MFA',
    config: BASE_WITH_MFA + ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: {
      session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS },
      roles: [{ profile: 'admin', durationSeconds: 3600 }],
      passThrough: false,
      notes: [/GetSessionToken with MFA device/],
    },
  },
  {
    name: 'the first role’s mfa_serial names the session device',
    config: `[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\nmfa_serial = ${MFA_A}\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS }, roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'the first role’s mfa_serial wins over the source profile’s own',
    config: `[profile base]\nmfa_serial = ${MFA_B}\n[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = base\nmfa_serial = ${MFA_A}\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS }, roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'the same device on every hop: one session, no role carries a serial',
    config:
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\nmfa_serial = ${MFA_A}\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nmfa_serial = ${MFA_A}\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    want: {
      session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS },
      roles: [
        { profile: 'jump', durationSeconds: 3600 },
        { profile: 'target', durationSeconds: 3600 },
      ],
    },
  },
  {
    name: 'a device on the source and the same one on a later role: still one session',
    config:
      BASE_WITH_MFA +
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nmfa_serial = ${MFA_A}\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    want: {
      session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS },
      roles: [
        { profile: 'jump', durationSeconds: 3600 },
        { profile: 'target', durationSeconds: 3600 },
      ],
    },
  },
  {
    name: '--no-session: AssumeRole carries the MFA serial itself',
    config: BASE_WITH_MFA + ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { noSession: true },
    want: { session: null, roles: [{ profile: 'admin', durationSeconds: 3600, mfaSerial: MFA_A }], notes: [/--no-session/] },
  },
  {
    name: 'temporary source credentials (aws_session_token): no session, MFA on the AssumeRole',
    config: BASE_WITH_MFA + ADMIN_FROM_BASE,
    credentials: `${BASE_KEYS}aws_session_token = ${TOKEN}\n`,
    profile: 'admin',
    want: {
      sourceHasToken: true,
      session: null,
      roles: [{ profile: 'admin', durationSeconds: 3600, mfaSerial: MFA_A }],
      notes: [/temporary credentials/],
    },
  },
  {
    name: 'temporary credentials from the environment (credential_source): no session',
    config: `[profile ci]\nrole_arn = ${role('Deploy')}\ncredential_source = Environment\nmfa_serial = ${MFA_A}\n`,
    profile: 'ci',
    env: { AWS_ACCESS_KEY_ID: AK_ENV, AWS_SECRET_ACCESS_KEY: SK_ENV, AWS_SESSION_TOKEN: TOKEN },
    want: { session: null, roles: [{ profile: 'ci', durationSeconds: 3600, mfaSerial: MFA_A }], notes: [/temporary credentials/] },
  },
  {
    name: 'long-term keys from the environment with MFA: a session',
    config: `[profile ci]\nrole_arn = ${role('Deploy')}\ncredential_source = Environment\nmfa_serial = ${MFA_A}\n`,
    profile: 'ci',
    env: { AWS_ACCESS_KEY_ID: AK_ENV, AWS_SECRET_ACCESS_KEY: SK_ENV },
    want: { session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS }, roles: [{ profile: 'ci', durationSeconds: 3600 }] },
  },
  {
    name: 'regression: a later role names a different device — no session, each hop has its own',
    config:
      BASE_WITH_MFA +
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nmfa_serial = ${MFA_B}\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    want: {
      session: null,
      roles: [
        { profile: 'jump', durationSeconds: 3600, mfaSerial: MFA_A },
        { profile: 'target', durationSeconds: 3600, mfaSerial: MFA_B },
      ],
      notes: [/different MFA device/, /'target'/],
    },
  },
  {
    name: 'regression: only a later role (not the first hop) names a device — chained roles, no session',
    config:
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nmfa_serial = ${MFA_A}\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    want: {
      session: null,
      roles: [
        { profile: 'jump', durationSeconds: 3600 },
        { profile: 'target', durationSeconds: 3600, mfaSerial: MFA_A },
      ],
      notes: [/chained roles/, /'target'/],
    },
  },
  {
    name: 'a role over 1h (-d 2h): no session, AssumeRole with MFA for the full duration',
    config: BASE_WITH_MFA + ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { durationSeconds: 7200 },
    want: { session: null, roles: [{ profile: 'admin', durationSeconds: 7200, mfaSerial: MFA_A }], notes: [/2h/, /'admin'/] },
  },
  {
    name: 'a role over 1h (duration_seconds = 43200): no session',
    config: BASE_WITH_MFA + `${ADMIN_FROM_BASE}duration_seconds = 43200\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { session: null, roles: [{ profile: 'admin', durationSeconds: 43200, mfaSerial: MFA_A }], notes: [/12h/] },
  },
  {
    name: 'a role of exactly 1h keeps the session',
    config: BASE_WITH_MFA + `${ADMIN_FROM_BASE}duration_seconds = 3600\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS }, roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'no mfa_serial anywhere: plain AssumeRole, no session',
    config: ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { session: null, roles: [{ profile: 'admin', durationSeconds: 3600 }], notes: [/no mfa_serial/] },
  },
  {
    name: 'an empty mfa_serial counts as none',
    config: `[profile base]\nmfa_serial =\n${ADMIN_FROM_BASE}`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { session: null, roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
  {
    name: 'profile without a role, with mfa_serial: an MFA session',
    config: BASE_WITH_MFA,
    credentials: BASE_KEYS,
    profile: 'base',
    want: { chain: ['base'], session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS }, roles: [], passThrough: false },
  },
  {
    name: 'profile without a role or MFA: a plain session',
    config: '[profile base]\n',
    credentials: BASE_KEYS,
    profile: 'base',
    want: { session: { durationSeconds: DEFAULT_SESSION_SECONDS }, roles: [], passThrough: false, notes: [/without MFA/] },
  },
  {
    name: 'profile without a role holding a session token: passed through, no STS call',
    config: BASE_WITH_MFA,
    credentials: `${BASE_KEYS}aws_session_token = ${TOKEN}\n`,
    profile: 'base',
    want: { session: null, roles: [], passThrough: true, sourceHasToken: true, notes: [/aws_session_token/] },
  },
  {
    name: '--no-session on a profile without a role: still a session (the only STS step there is), with a note',
    config: BASE_WITH_MFA,
    credentials: BASE_KEYS,
    profile: 'base',
    overrides: { noSession: true },
    want: { session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS }, notes: [/--no-session/] },
  },
  {
    name: '--session-duration sets the session’s lifetime',
    config: BASE_WITH_MFA + ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { sessionDurationSeconds: 3600 },
    want: { session: { mfaSerial: MFA_A, durationSeconds: 3600 } },
  },
  {
    name: 'the process source with MFA gets a session too',
    config: `[profile proc]\ncredential_process = /bin/creds\nmfa_serial = ${MFA_A}\n[profile admin]\nrole_arn = ${role('Admin')}\nsource_profile = proc\n`,
    profile: 'admin',
    want: { session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS }, roles: [{ profile: 'admin', durationSeconds: 3600 }] },
  },
]);

table('durations', [
  {
    name: 'default role duration is 1h',
    config: ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { roles: [{ profile: 'admin', durationSeconds: DEFAULT_ROLE_SECONDS }] },
  },
  {
    name: 'duration_seconds per profile',
    config:
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\nduration_seconds = 1800\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nduration_seconds = 2700\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    want: {
      roles: [
        { profile: 'jump', durationSeconds: 1800 },
        { profile: 'target', durationSeconds: 2700 },
      ],
    },
  },
  {
    name: 'regression: -d applies to the target role only',
    config:
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\nduration_seconds = 1800\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nduration_seconds = 2700\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    overrides: { durationSeconds: 900 },
    want: {
      roles: [
        { profile: 'jump', durationSeconds: 1800 },
        { profile: 'target', durationSeconds: 900 },
      ],
    },
  },
  {
    name: '-d overrides the target’s duration_seconds',
    config: `${ADMIN_FROM_BASE}duration_seconds = 2700\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { durationSeconds: 1200 },
    want: { roles: [{ profile: 'admin', durationSeconds: 1200 }] },
  },
  {
    name: 'duration_seconds with spaces around the number',
    config: `${ADMIN_FROM_BASE}duration_seconds =   1800  \n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { roles: [{ profile: 'admin', durationSeconds: 1800 }] },
  },
  {
    name: 'a second hop over 1h (duration_seconds) is capped to 1h with a note',
    config:
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nduration_seconds = 7200\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    want: {
      roles: [
        { profile: 'jump', durationSeconds: 3600 },
        { profile: 'target', durationSeconds: CHAINED_ROLE_MAX_SECONDS },
      ],
      notes: [/'target'/, /2h becomes 1h/],
    },
  },
  {
    name: 'a second hop over 1h (-d 4h) is capped to 1h with a note',
    config:
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    overrides: { durationSeconds: 4 * 3600 },
    want: {
      roles: [
        { profile: 'jump', durationSeconds: 3600 },
        { profile: 'target', durationSeconds: 3600 },
      ],
      notes: [/4h becomes 1h/],
    },
  },
  {
    name: 'a capped second hop does not cost the MFA session',
    config:
      BASE_WITH_MFA +
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nduration_seconds = 7200\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    want: {
      session: { mfaSerial: MFA_A, durationSeconds: DEFAULT_SESSION_SECONDS },
      roles: [
        { profile: 'jump', durationSeconds: 3600 },
        { profile: 'target', durationSeconds: 3600 },
      ],
    },
  },
  {
    name: 'role duration at the AWS minimum (900)',
    config: ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { durationSeconds: 900 },
    want: { roles: [{ profile: 'admin', durationSeconds: 900 }] },
  },
  {
    name: 'role duration at the AWS maximum (43200)',
    config: ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { durationSeconds: 43200 },
    want: { roles: [{ profile: 'admin', durationSeconds: 43200 }] },
  },
  {
    name: 'session duration at the AWS minimum (900)',
    config: BASE_WITH_MFA,
    credentials: BASE_KEYS,
    profile: 'base',
    overrides: { sessionDurationSeconds: 900 },
    want: { session: { mfaSerial: MFA_A, durationSeconds: 900 } },
  },
  {
    name: 'session duration at the AWS maximum (129600)',
    config: BASE_WITH_MFA,
    credentials: BASE_KEYS,
    profile: 'base',
    overrides: { sessionDurationSeconds: 129600 },
    want: { session: { mfaSerial: MFA_A, durationSeconds: 129600 } },
  },
  {
    name: 'default session is 8h',
    config: BASE_WITH_MFA,
    credentials: BASE_KEYS,
    profile: 'base',
    want: { session: { mfaSerial: MFA_A, durationSeconds: 8 * 3600 } },
  },
]);

table('duration errors (ConfigError)', [
  {
    name: '-d below 15m',
    config: ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { durationSeconds: 899 },
    error: [/'admin'/, /15m/, /12h/],
  },
  {
    name: '-d above 12h',
    config: ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { durationSeconds: 43201 },
    error: [/'admin'/, /12h/],
  },
  {
    name: 'duration_seconds below 900 names the profile and file',
    config: `${ADMIN_FROM_BASE}duration_seconds = 600\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    error: [/'admin'/, /10m/, new RegExp(CONFIG)],
  },
  {
    name: 'duration_seconds above 43200 on a later hop is refused, not capped',
    config:
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nduration_seconds = 50000\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    error: [/'target'/],
  },
  {
    name: 'duration_seconds on a first hop that is not the target is checked too',
    config:
      `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\nduration_seconds = 60\n` +
      `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\n`,
    credentials: BASE_KEYS,
    profile: 'target',
    overrides: { durationSeconds: 900 },
    error: [/'jump'/],
  },
  {
    name: 'session below 15m',
    config: BASE_WITH_MFA,
    credentials: BASE_KEYS,
    profile: 'base',
    overrides: { sessionDurationSeconds: 899 },
    error: [/session/, /36h/],
  },
  {
    name: 'session above 36h',
    config: BASE_WITH_MFA,
    credentials: BASE_KEYS,
    profile: 'base',
    overrides: { sessionDurationSeconds: 129601 },
    error: [/session/, /36h/],
  },
  {
    name: 'non-numeric duration_seconds names the profile and the file',
    config: `${ADMIN_FROM_BASE}duration_seconds = 1h\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    error: [/'admin'/, /duration_seconds/, /'1h'/, new RegExp(CONFIG)],
  },
  {
    name: 'non-numeric duration_seconds in the credentials file names that file',
    config: ADMIN_FROM_BASE,
    credentials: `${BASE_KEYS}[admin]\nduration_seconds = 3600.5\n`,
    profile: 'admin',
    error: [/'admin'/, new RegExp(CREDS)],
  },
  {
    name: 'negative duration_seconds',
    config: `${ADMIN_FROM_BASE}duration_seconds = -3600\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    error: [/'admin'/, /duration_seconds/],
  },
  {
    name: 'empty duration_seconds',
    config: `${ADMIN_FROM_BASE}duration_seconds =\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    error: [/'admin'/, /duration_seconds/],
  },
]);

table('region', [
  {
    name: 'the target profile’s region',
    config: `${ADMIN_FROM_BASE}region = ap-southeast-2\n[profile base]\nregion = eu-west-1\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { region: 'ap-southeast-2' },
  },
  {
    name: 'regression: the region is not inherited from the source profile',
    config: `${ADMIN_FROM_BASE}[profile base]\nregion = eu-west-1\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { region: null },
  },
  {
    name: 'nor from [default]',
    config: `[default]\nregion = us-east-1\n${ADMIN_FROM_BASE}`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { region: null },
  },
  {
    name: '--region overrides the profile',
    config: `${ADMIN_FROM_BASE}region = ap-southeast-2\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { region: 'us-west-2' },
    want: { region: 'us-west-2' },
  },
  {
    name: '--region applies to a profile without one',
    config: ADMIN_FROM_BASE,
    credentials: BASE_KEYS,
    profile: 'admin',
    overrides: { region: 'us-west-2' },
    want: { region: 'us-west-2' },
  },
  {
    name: 'an empty region counts as none',
    config: `${ADMIN_FROM_BASE}region =\n`,
    credentials: BASE_KEYS,
    profile: 'admin',
    want: { region: null },
  },
]);

describe('role step details', () => {
  test('external_id and role_session_name are carried per role, empty ones dropped', () => {
    const plan = resolvePlan(
      files(
        `[profile jump]\nrole_arn = ${role('Jump')}\nsource_profile = base\nexternal_id = ext-123\nrole_session_name = alice\n` +
          `[profile target]\nrole_arn = ${role('Target')}\nsource_profile = jump\nexternal_id =\n`,
        BASE_KEYS,
      ),
      'target',
      {},
    );
    assert.equal(plan.roles[0]?.externalId, 'ext-123');
    assert.equal(plan.roles[0]?.sessionName, 'alice');
    assert.equal(plan.roles[1]?.externalId, undefined);
    assert.equal(plan.roles[1]?.sessionName, undefined);
    assert.equal(plan.profile, 'target');
  });

  test('static source records the file its keys came from', () => {
    const plan = resolvePlan(files(ADMIN_FROM_BASE, BASE_KEYS), 'admin', {});
    assert.ok(plan.source.kind === 'static');
    assert.equal(plan.source.file, CREDS);
    assert.equal(plan.source.secretAccessKey, SK_BASE);
  });

  test('credential_source = Environment reads the env parameter, not process.env', () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIAPROCESSENV000000';
    process.env.AWS_SECRET_ACCESS_KEY = 'process-env-secret';
    try {
      const f = files(`[profile ci]\nrole_arn = ${role('X')}\ncredential_source = Environment\n`);
      assert.throws(() => resolvePlan(f, 'ci', {}), ConfigError);
      const plan = resolvePlan(f, 'ci', { AWS_ACCESS_KEY_ID: AK_ENV, AWS_SECRET_ACCESS_KEY: SK_ENV });
      assert.ok(plan.source.kind === 'environment');
      assert.equal(plan.source.accessKeyId, AK_ENV);
    } finally {
      for (const [k, v] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  test('resolving does not modify the parsed files', () => {
    const f = files(BASE_WITH_MFA + ADMIN_FROM_BASE, BASE_KEYS);
    const before = JSON.stringify([...f.profiles.values()]);
    resolvePlan(f, 'admin', {}, { noSession: true, durationSeconds: 7200 });
    resolvePlan(f, 'admin', {});
    assert.equal(JSON.stringify([...f.profiles.values()]), before);
  });

  test('no error message contains a secret', () => {
    const cases: [string, string | undefined, string][] = [
      ['', `[half]\naws_secret_access_key = ${SK_BASE}\n`, 'half'],
      [`[profile admin]\nrole_arn = ${role('A')}\nsource_profile = ghost\n`, BASE_KEYS, 'admin'],
      [
        `[profile admin]\nrole_arn = ${role('A')}\n`,
        `[admin]\naws_access_key_id = ${AK_OWN}\naws_secret_access_key = ${SK_BASE}\n`,
        'admin',
      ],
      [`${ADMIN_FROM_BASE}duration_seconds = 1h\n`, BASE_KEYS, 'admin'],
    ];
    for (const [config, credentials, profile] of cases) {
      assert.throws(
        () => resolvePlan(files(config, credentials), profile, { AWS_SECRET_ACCESS_KEY: SK_ENV }),
        (e: unknown) => e instanceof ConfigError && !e.message.includes(SK_BASE) && !e.message.includes(SK_ENV),
      );
    }
  });
});

describe('resolution is linear in the chain length', () => {
  // A deep source_profile chain, every hop naming its own MFA device (so no session, and each
  // role looks up its device's mfa_process). It was quadratic: the cycle check searched the chain
  // at every hop and each role walked the whole chain again for its mfa_process (3,000 deep:
  // ~0.5 s; linear: ~10 ms). No bound in milliseconds here (timing is the bench's business, and
  // a busy machine is slow): the profile lookups are counted, and two sizes are compared within
  // one run.
  const deep = (n: number, p0 = '[profile p0]\n', keys = true) => {
    let config = p0;
    for (let i = 1; i <= n; i++) {
      config += `[profile p${i}]\nrole_arn = ${role(`r${i}`)}\nsource_profile = p${i - 1}\nmfa_serial = arn:aws:iam::1:mfa/d${i}\nmfa_process = echo ${i}\n`;
    }
    // Not the loop guard of files(): a 3,000-deep chain looks 3,000 profiles up, legitimately.
    const credentials = keys ? `[p0]\naws_access_key_id = ${AK_BASE}\naws_secret_access_key = ${SK_BASE}\n` : undefined;
    return parseAwsFiles(config, CONFIG, credentials, CREDS);
  };

  /** A profile map that counts lookups. */
  class CountingMap extends Map<string, Profile> {
    lookups = 0;
    override get(key: string): Profile | undefined {
      this.lookups++;
      return super.get(key);
    }
  }

  test('a 3,000-deep chain: each device mapped to its own mfa_process, each profile looked up a bounded number of times', () => {
    const parsed = deep(3000);
    const profiles = new CountingMap(parsed.profiles);
    const plan = resolvePlan({ ...parsed, profiles }, 'p3000', {});
    assert.equal(plan.roles.length, 3000);
    assert.equal(plan.chain.length, 3001);
    assert.equal(plan.roles[0]!.roleArn, role('r1'), 'the source side is assumed first');
    assert.equal(plan.roles[2999]!.mfaProcess, 'echo 3000');
    assert.equal(plan.roles[0]!.mfaProcess, 'echo 1');
    // Linear: 2 per profile today (the walk, the mfa_process pass); one walk per role was 9 million.
    assert.ok(profiles.lookups <= 4 * 3001, `${profiles.lookups} profile lookups for a chain of 3,001`);
  });

  test('a chain 16 times as long takes about 16 times the CPU time, not 256 times (fastest of 7 runs of each)', (t) => {
    const small = deep(250);
    const large = deep(4000);
    /** CPU time, not wall time: a busy machine delays a run but does not make it do more work. */
    const cpuMs = (f: AwsFiles, name: string) => {
      const started = process.cpuUsage();
      resolvePlan(f, name, {});
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000;
    };
    const round = () => {
      let fastSmall = Infinity;
      let fastLarge = Infinity;
      for (let i = 0; i < 7; i++) {
        fastSmall = Math.min(fastSmall, cpuMs(small, 'p250'));
        fastLarge = Math.min(fastLarge, cpuMs(large, 'p4000'));
      }
      t.diagnostic(`250 deep: ${fastSmall.toFixed(2)} ms, 4,000 deep: ${fastLarge.toFixed(2)} ms`);
      return fastLarge / fastSmall;
    };
    for (let i = 0; i < 3; i++) {
      cpuMs(small, 'p250'); // JIT warm-up on both
      cpuMs(large, 'p4000');
    }
    // Linear measured 13-16 on a busy 2-core machine; the quadratic cycle check (an array search
    // per hop) 56-73. A round spoilt by a pause or a cold start is run again, at most twice.
    const ratios = [round()];
    while (ratios.at(-1)! >= 35 && ratios.length < 3) ratios.push(round());
    assert.ok(ratios.at(-1)! < 35, `16 times the chain took ${ratios.map((r) => r.toFixed(1)).join(', ')} times the CPU time`);
  });

  test('a cycle at the end of a 3,000-deep chain is still found', () => {
    const f = deep(3000, `[profile p0]\nrole_arn = ${role('r0')}\nsource_profile = p2000\n`, false);
    assert.throws(() => resolvePlan(f, 'p3000', {}), /source_profile cycle/);
  });
});
