// The guardrails' pure decisions: which account a plan is for (account.ts), which rules apply to
// a plan and an invocation (guard.ts rulesFor), what min_lifetime renews and how (lifetime.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan, type Plan } from '../../src/aws-config/plan.ts';
import { arnAccount, planAccount } from '../../src/guardrails/account.ts';
import { sameAccount } from '../../src/guardrails/confirm.ts';
import { rulesFor, type GuardedInvocation } from '../../src/guardrails/guard.ts';
import { minLifetimeSeconds, renewalFor, type Renewal } from '../../src/guardrails/lifetime.ts';
import type { Applied, Project } from '../../src/project/types.ts';
import { ExitCode, isMfaExecError } from '../../src/errors.ts';

const CONFIG = `[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 555555555555
sso_role_name = Admin
[profile sso-role]
source_profile = sso
role_arn = arn:aws:iam::666666666666:role/deploy
[profile sso-bad]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = not-an-account
sso_role_name = Admin
[profile console]
login_session = arn:aws:iam::777777777777:user/alice
region = us-east-1
[profile me]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = s
mfa_serial = arn:aws:iam::111111111111:mfa/me
[profile prod]
source_profile = me
role_arn = arn:aws:iam::222222222222:role/admin
mfa_serial = arn:aws:iam::111111111111:mfa/me
mfa_exec_confirm = true
[profile staging]
source_profile = me
role_arn = arn:aws:iam::333333333333:role/admin
mfa_serial = arn:aws:iam::111111111111:mfa/me
mfa_exec_confirm = FALSE
[profile direct]
source_profile = me
role_arn = arn:aws:iam::222222222222:role/admin
mfa_serial = arn:aws:iam::111111111111:mfa/me
duration_seconds = 7200
[profile nomfa]
aws_access_key_id = AKIAOTHER
aws_secret_access_key = s
[profile plainrole]
source_profile = nomfa
role_arn = arn:aws:iam::444444444444:role/ci
[profile hardware]
aws_access_key_id = AKIAHW
aws_secret_access_key = s
mfa_serial = GAHT12345678
[profile temp]
aws_access_key_id = ASIAEXAMPLE
aws_secret_access_key = s
aws_session_token = t
[profile typo]
source_profile = me
role_arn = arn:aws:iam::222222222222:role/admin
mfa_exec_confirm = yes
`;
const files = parseAwsFiles(CONFIG, '/home/u/.aws/config', undefined, '/home/u/.aws/credentials');
const plan = (profile: string): Plan => resolvePlan(files, profile, {});

describe('arnAccount / planAccount: the account before any STS call', () => {
  test('ARNs', () => {
    assert.equal(arnAccount('arn:aws:iam::222222222222:role/a/b'), '222222222222');
    assert.equal(arnAccount('arn:aws-us-gov:iam::222222222222:role/a'), '222222222222');
    assert.equal(arnAccount('arn:aws:sts::222222222222:assumed-role/a/s'), '222222222222');
    assert.equal(arnAccount('arn:aws:iam::aws:policy/x'), undefined);
    assert.equal(arnAccount('GAHT12345678'), undefined);
    assert.equal(arnAccount(undefined), undefined);
  });
  const cases: [string, string | undefined, RegExp | undefined][] = [
    ['prod', '222222222222', /role_arn arn:aws:iam::222222222222:role\/admin of profile 'prod'/],
    ['direct', '222222222222', /role_arn/],
    ['plainrole', '444444444444', /role_arn/],
    ['me', '111111111111', /MFA device arn:aws:iam::111111111111:mfa\/me of profile 'me'/],
    ['nomfa', undefined, undefined], // keys without MFA: GetCallerIdentity tells
    ['hardware', undefined, undefined], // a hardware token's serial is no ARN
    ['temp', undefined, undefined], // the profile's own session token
    ['sso', '555555555555', /sso_account_id 555555555555 of profile 'sso'/], // IAM Identity Center: the portal's account
    ['sso-role', '666666666666', /role_arn/], // a role assumed from it: the role's account
    ['sso-bad', undefined, undefined], // not 12 digits: GetCallerIdentity tells
    ['console', '777777777777', /login_session arn:aws:iam::777777777777:user\/alice of profile 'console'/], // aws login: the ARN it signed in as
  ];
  for (const [profile, account, from] of cases) {
    test(`${profile} → ${account ?? 'asked of STS'}`, () => {
      const known = planAccount(plan(profile));
      assert.equal(known?.account, account);
      if (from) assert.match(known!.from, from);
    });
  }
});

describe('rulesFor: what applies to a plan and an invocation', () => {
  const project = (applied: Partial<Applied>): Project => ({
    file: '/repo/prod/.mfa-exec',
    state: 'approved',
    settings: {},
    sha256: 'a'.repeat(64),
    applied: { confirm: false, confirmPatterns: [], ...applied },
  });
  const run = (name: string, ...args: string[]): GuardedInvocation => ({ name, args, server: false });

  test('no project file, nothing destructive: nothing applies', () => {
    assert.deepEqual(rulesFor('prod', files, run('terraform', 'plan'), undefined), { minSeconds: 0, server: false });
  });
  test('env and credential-process (no invocation): only the account list', () => {
    const rules = rulesFor(
      'prod',
      files,
      undefined,
      project({ allowedAccountIds: ['222222222222'], confirm: true, minLifetimeSeconds: 60 }),
    );
    assert.deepEqual(rules.allowed?.ids, ['222222222222']);
    assert.equal(rules.confirm, undefined);
    assert.equal(rules.minSeconds, 0);
  });
  test('mfa_exec_confirm = true on the profile asks for a destructive invocation, naming the file', () => {
    assert.deepEqual(rulesFor('prod', files, run('terraform', 'destroy'), undefined).confirm, {
      what: 'terraform destroy',
      why: 'mfa_exec_confirm in /home/u/.aws/config',
    });
  });
  test('…and never for a read-only one', () => {
    assert.equal(rulesFor('prod', files, run('terraform', 'plan'), undefined).confirm, undefined);
    assert.equal(rulesFor('prod', files, run('aws', 'ec2', 'describe-instances'), undefined).confirm, undefined);
  });
  test('mfa_exec_confirm = FALSE: not asked', () => {
    assert.equal(rulesFor('staging', files, run('terraform', 'destroy'), undefined).confirm, undefined);
  });
  test("a project file's confirm asks for every profile in its tree; both reasons are named", () => {
    assert.deepEqual(rulesFor('staging', files, run('aws', 's3', 'rb', 's3://b'), project({ confirm: true }))?.confirm, {
      what: 'aws s3 rb',
      why: 'confirm in /repo/prod/.mfa-exec',
    });
    assert.equal(
      rulesFor('prod', files, run('terraform', 'apply'), project({ confirm: true })).confirm?.why,
      'mfa_exec_confirm in /home/u/.aws/config, and confirm in /repo/prod/.mfa-exec',
    );
  });
  test("a project file's patterns count with a profile's mfa_exec_confirm too", () => {
    assert.equal(
      rulesFor('prod', files, run('terragrunt', 'apply'), project({ confirmPatterns: ['terragrunt apply'] })).confirm?.what,
      'terragrunt apply',
    );
  });
  test('an ignored project file changes nothing', () => {
    const ignored: Project = { file: '/repo/.mfa-exec', state: 'ignored', why: 'x' };
    assert.deepEqual(rulesFor('staging', files, run('terraform', 'destroy'), ignored), { minSeconds: 900, server: false });
  });
  test('min_lifetime: 15 min for apply/destroy by default, the approved file says otherwise for every command', () => {
    assert.equal(rulesFor('prod', files, run('terraform', 'apply'), undefined).minSeconds, 900);
    assert.equal(rulesFor('prod', files, run('terraform', 'plan'), undefined).minSeconds, 0);
    assert.equal(rulesFor('prod', files, run('aws', 's3', 'ls'), project({ minLifetimeSeconds: 1800 })).minSeconds, 1800);
    assert.equal(rulesFor('prod', files, run('terraform', 'apply'), project({ minLifetimeSeconds: 0 })).minSeconds, 0);
    assert.equal(minLifetimeSeconds({ name: 'tofu', args: ['destroy'] }, undefined), 900);
  });
  test('server = true: only terraform/tofu apply and destroy; --server itself always', () => {
    assert.equal(rulesFor('prod', files, run('terraform', 'apply'), project({ server: true })).server, true);
    assert.equal(rulesFor('prod', files, run('terraform', 'plan'), project({ server: true })).server, false);
    assert.equal(rulesFor('prod', files, { name: 'aws', args: ['s3', 'ls'], server: true }, undefined).server, true);
  });
  test('mfa_exec_confirm that is not a boolean is a config error naming the profile and file', () => {
    assert.throws(
      () => rulesFor('typo', files, run('terraform', 'destroy'), undefined),
      (e: unknown) =>
        isMfaExecError(e, 'config') &&
        e.exitCode === ExitCode.config &&
        /Profile 'typo' in \/home\/u\/\.aws\/config has mfa_exec_confirm = 'yes'/.test(e.message),
    );
  });
});

describe('sameAccount: the answer to the question', () => {
  for (const [answer, want] of [
    ['222222222222', true],
    [' 222222222222 ', true],
    ['2222-2222-2222', true], // as the console shows it
    ['y', false],
    ['yes', false],
    ['22222222222', false],
    ['', false],
  ] as const) {
    test(JSON.stringify(answer), () => assert.equal(sameAccount(answer, '222222222222'), want));
  }
});

describe('renewalFor: what min_lifetime renews, and whether that needs a code', () => {
  const NOW = Date.parse('2026-01-01T12:00:00Z');
  const min = (m: number) => m * 60_000;
  const cases: [
    string,
    string,
    { credentials: number; session?: number; server?: boolean },
    Renewal['kind'],
    Partial<Extract<Renewal, { kind: 'renew' }>>?,
  ][] = [
    ['long enough: nothing', 'prod', { credentials: 50, session: 400 }, 'none'],
    [
      'a role with 7 min left, a fresh MFA session: the roles again, silently',
      'prod',
      { credentials: 7, session: 400 },
      'renew',
      { renew: 'roles', code: false },
    ],
    [
      'a role with 7 min left, the MFA session ended: a code, said',
      'prod',
      { credentials: 7, session: -1 },
      'renew',
      { renew: true, code: true },
    ],
    ['a role with 7 min left, the MFA session not cached: a code', 'prod', { credentials: 7 }, 'renew', { renew: true, code: true }],
    ['without --server a session ending soon does not matter while the role lasts', 'prod', { credentials: 50, session: 10 }, 'none'],
    [
      'under --server the session must last too: a code now rather than mid-run',
      'prod',
      { credentials: 50, session: 10, server: true },
      'renew',
      { renew: true, code: true },
    ],
    [
      'under --server, a role short and a session that lasts: silently',
      'prod',
      { credentials: 7, session: 400, server: true },
      'renew',
      { renew: 'roles', code: false },
    ],
    ['the MFA session is the credentials: a code', 'me', { credentials: 7 }, 'renew', { renew: true, code: true }],
    ['a role assumed with the code itself (over 1 h): a code', 'direct', { credentials: 7 }, 'renew', { renew: true, code: true }],
    ['no MFA anywhere: silently', 'plainrole', { credentials: 7 }, 'renew', { renew: 'roles', code: false }],
    ['keys without MFA, session only: silently', 'nomfa', { credentials: 7 }, 'renew', { renew: true, code: false }],
    ["the profile's own session token: cannot", 'temp', { credentials: 7 }, 'cannot'],
  ];
  for (const [name, profile, facts, kind, more] of cases) {
    test(name, () => {
      const r = renewalFor(plan(profile), {
        credentialsLeft: min(facts.credentials),
        ...(facts.session === undefined ? {} : { sessionLeft: min(facts.session) }),
        minMs: min(15),
        server: facts.server ?? false,
        now: NOW,
      });
      assert.equal(r.kind, kind);
      if (more) for (const [k, v] of Object.entries(more)) assert.equal((r as Record<string, unknown>)[k], v, k);
      if (r.kind === 'renew' && r.code) assert.match(r.why, /profile '(prod|me|direct)'/);
    });
  }
});
