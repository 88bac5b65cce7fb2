import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan, type Plan, type PlanOverrides } from '../../src/aws-config/plan.ts';
import { planCacheRefs as refsFor, sameStepAnyForm, type PlanCacheRefs } from '../../src/credentials/cache-key.ts';
import { readSettings } from '../../src/settings.ts';

/** The refs for a plan under an environment: the STS endpoint is read from it as mfa-exec reads it. */
function planCacheRefs(plan: Plan, env: NodeJS.ProcessEnv): PlanCacheRefs {
  return refsFor(plan, readSettings(env).stsEndpoint);
}

const MFA_A = 'arn:aws:iam::111111111111:mfa/alice';
const MFA_B = 'arn:aws:iam::111111111111:mfa/bob';
const AK = 'AKIABASE000EXAMPLE00';
const SK = 'baseSecretKey/EXAMPLE+0000000000000000';
const TOKEN = 'FwoGZXIvYXdzEXAMPLEsessiontokenSECRET';
const SK_ENV = 'envSecretKey/EXAMPLE+00000000000000000';

interface Setup {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  mfaSerial?: string;
  roleArn: string;
  externalId?: string;
  sessionName?: string;
}

const BASE: Setup = { accessKeyId: AK, secretAccessKey: SK, mfaSerial: MFA_A, roleArn: 'arn:aws:iam::222222222222:role/Admin' };

function plan(s: Setup, overrides: PlanOverrides = {}, profile = 'admin'): Plan {
  const config =
    `[profile base]\n${s.mfaSerial ? `mfa_serial = ${s.mfaSerial}\n` : ''}` +
    `[profile admin]\nrole_arn = ${s.roleArn}\nsource_profile = base\n` +
    (s.externalId ? `external_id = ${s.externalId}\n` : '') +
    (s.sessionName ? `role_session_name = ${s.sessionName}\n` : '') +
    `[profile readonly]\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\nsource_profile = base\n`;
  const credentials =
    `[base]\naws_access_key_id = ${s.accessKeyId}\naws_secret_access_key = ${s.secretAccessKey}\n` +
    (s.sessionToken ? `aws_session_token = ${s.sessionToken}\n` : '');
  return resolvePlan(parseAwsFiles(config, '/c', credentials, '/k'), profile, {}, overrides);
}

function finalKey(refs: PlanCacheRefs): string {
  assert.ok(refs.final, 'plan has a final cache ref');
  return refs.final.key;
}

describe('planCacheRefs: every input that changes what STS returns changes the key', () => {
  const variants: { name: string; setup?: Partial<Setup>; env?: NodeJS.ProcessEnv; sessionChanges: boolean }[] = [
    { name: 'STS endpoint (AWS_ENDPOINT_URL_STS)', env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:5000' }, sessionChanges: true },
    { name: 'general endpoint (AWS_ENDPOINT_URL)', env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, sessionChanges: true },
    { name: 'source access key id', setup: { accessKeyId: 'AKIAOTHER00EXAMPLE00' }, sessionChanges: true },
    { name: 'MFA serial', setup: { mfaSerial: MFA_B }, sessionChanges: true },
    { name: 'role ARN', setup: { roleArn: 'arn:aws:iam::222222222222:role/Other' }, sessionChanges: false },
    { name: 'role ARN in another account', setup: { roleArn: 'arn:aws:iam::333333333333:role/Admin' }, sessionChanges: false },
    { name: 'external id (none → some)', setup: { externalId: 'ext-1' }, sessionChanges: false },
    { name: 'role_session_name (none → some)', setup: { sessionName: 'alice' }, sessionChanges: false },
  ];
  const base = planCacheRefs(plan(BASE), {});

  for (const v of variants) {
    test(`${v.name}: different final key`, () => {
      const other = planCacheRefs(plan({ ...BASE, ...v.setup }), v.env ?? {});
      assert.notEqual(finalKey(other), finalKey(base));
      assert.ok(base.session && other.session);
      if (v.sessionChanges) {
        assert.notEqual(other.session.key, base.session.key, 'the session key changes too');
        assert.notEqual(other.lockKey, base.lockKey, 'and so does the lock');
      } else {
        assert.equal(other.session.key, base.session.key, 'a role-only change keeps the shared session');
        assert.equal(other.lockKey, base.lockKey);
      }
    });
  }

  const pairs: { name: string; a: Partial<Setup>; b: Partial<Setup> }[] = [
    { name: 'external id a vs b', a: { externalId: 'a' }, b: { externalId: 'b' } },
    { name: 'role_session_name a vs b', a: { sessionName: 'a' }, b: { sessionName: 'b' } },
  ];
  for (const p of pairs) {
    test(`${p.name}: different final key`, () => {
      assert.notEqual(finalKey(planCacheRefs(plan({ ...BASE, ...p.a }), {})), finalKey(planCacheRefs(plan({ ...BASE, ...p.b }), {})));
    });
  }

  test('two different endpoints give two different keys', () => {
    const a = planCacheRefs(plan(BASE), { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:5000' });
    const b = planCacheRefs(plan(BASE), { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:5001' });
    assert.notEqual(finalKey(a), finalKey(b));
  });

  test('the effective endpoint counts: AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL', () => {
    const a = planCacheRefs(plan(BASE), { AWS_ENDPOINT_URL_STS: 'http://sts', AWS_ENDPOINT_URL: 'http://other' });
    const b = planCacheRefs(plan(BASE), { AWS_ENDPOINT_URL_STS: 'http://sts' });
    const c = planCacheRefs(plan(BASE), { AWS_ENDPOINT_URL: 'http://sts' });
    assert.equal(finalKey(a), finalKey(b));
    assert.equal(finalKey(b), finalKey(c));
  });

  test('without a session (no MFA), the source access key id still changes the key', () => {
    const a = planCacheRefs(plan({ ...BASE, mfaSerial: undefined }), {});
    const b = planCacheRefs(plan({ ...BASE, mfaSerial: undefined, accessKeyId: 'AKIAOTHER00EXAMPLE00' }), {});
    assert.equal(a.session, undefined);
    assert.notEqual(finalKey(a), finalKey(b));
  });

  test('--no-session (MFA on the AssumeRole itself): the MFA serial changes the key', () => {
    const a = planCacheRefs(plan(BASE, { noSession: true }), {});
    const b = planCacheRefs(plan({ ...BASE, mfaSerial: MFA_B }, { noSession: true }), {});
    assert.equal(a.session, undefined);
    assert.notEqual(finalKey(a), finalKey(b));
  });
});

describe('planCacheRefs: the durations asked for belong to the identity', () => {
  test('-d 15m is another role entry than the default 1 h; the session and the lock are shared', () => {
    const hour = planCacheRefs(plan(BASE), {});
    const quarter = planCacheRefs(plan(BASE, { durationSeconds: 900 }), {});
    assert.notEqual(finalKey(quarter), finalKey(hour));
    assert.equal(quarter.session?.key, hour.session?.key);
    assert.equal(quarter.lockKey, hour.lockKey);
    assert.equal(quarter.final?.request.durationSeconds, 900);
  });

  test('--session-duration is another session (and so other roles); the lock stays one per device', () => {
    const eight = planCacheRefs(plan(BASE), {});
    const short = planCacheRefs(plan(BASE, { sessionDurationSeconds: 900 }), {});
    assert.notEqual(short.session?.key, eight.session?.key);
    assert.notEqual(finalKey(short), finalKey(eight), 'a role assumed from another session is another entry');
    assert.equal(short.lockKey, eight.lockKey);
  });

  test('sameStepAnyForm: the same step whatever the durations, not another role or profile', () => {
    const a = planCacheRefs(plan(BASE), {});
    const b = planCacheRefs(plan(BASE, { durationSeconds: 900, sessionDurationSeconds: 900 }), {});
    const other = planCacheRefs(plan(BASE, {}, 'readonly'), {});
    assert.ok(sameStepAnyForm(a.final!.request, b.final!.request));
    assert.ok(sameStepAnyForm(a.session!.request, b.session!.request));
    assert.ok(!sameStepAnyForm(a.final!.request, other.final!.request));
  });

  test('sameStepAnyForm: a role assumed with the code directly (--no-session) is the same step as one assumed from the session', () => {
    const withSession = planCacheRefs(plan(BASE), {});
    const direct = planCacheRefs(plan(BASE, { noSession: true }), {});
    assert.notEqual(finalKey(direct), finalKey(withSession));
    assert.ok(sameStepAnyForm(withSession.final!.request, direct.final!.request));
  });

  test('an endpoint with userinfo: the request records it redacted, the key still tells two apart', () => {
    const a = planCacheRefs(plan(BASE), { AWS_ENDPOINT_URL_STS: 'http://u:one@127.0.0.1:5000' });
    const b = planCacheRefs(plan(BASE), { AWS_ENDPOINT_URL_STS: 'http://u:two@127.0.0.1:5000' });
    assert.equal(a.final?.request.endpoint, 'http://***@127.0.0.1:5000');
    assert.notEqual(finalKey(a), finalKey(b));
    assert.ok(!JSON.stringify(a).includes('one@'));
  });
});

describe('planCacheRefs: the same inputs give the same keys', () => {
  test('two separately parsed, identical setups', () => {
    assert.deepEqual(planCacheRefs(plan(BASE), {}), planCacheRefs(plan({ ...BASE }), {}));
  });

  test('unrelated environment variables do not matter', () => {
    assert.deepEqual(planCacheRefs(plan(BASE), {}), planCacheRefs(plan(BASE), { HOME: '/x', AWS_REGION: 'eu-west-1', PATH: '/bin' }));
  });

  test('keys are hex strings of a fixed length, usable as file names', () => {
    const refs = planCacheRefs(plan(BASE), {});
    for (const ref of [refs.session, ...refs.roles]) {
      assert.ok(ref);
      assert.match(ref.key, /^[0-9a-f]{40}$/);
    }
    assert.match(refs.lockKey, /^[0-9a-f]{40}$/);
  });
});

describe('planCacheRefs: the shape of the refs', () => {
  test('two roles behind the same MFA session share the session ref and the lock', () => {
    const admin = planCacheRefs(plan(BASE, {}, 'admin'), {});
    const readonly = planCacheRefs(plan(BASE, {}, 'readonly'), {});
    assert.ok(admin.session && readonly.session);
    assert.deepEqual(admin.session, readonly.session);
    assert.equal(admin.lockKey, readonly.lockKey);
    assert.notEqual(finalKey(admin), finalKey(readonly));
  });

  test('session plan: session ref, one role ref, final is the role', () => {
    const refs = planCacheRefs(plan(BASE), {});
    assert.equal(refs.session?.kind, 'session');
    assert.deepEqual(refs.session?.request, {
      endpoint: '',
      source: `static:${AK}`,
      profile: 'base',
      mfaSerial: MFA_A,
      durationSeconds: 28_800,
    });
    assert.equal(refs.roles.length, 1);
    assert.equal(refs.roles[0]?.kind, 'role');
    assert.deepEqual(refs.roles[0]?.request, {
      endpoint: '',
      source: `static:${AK}`,
      profile: 'admin',
      durationSeconds: 3600,
      roleArn: BASE.roleArn,
      parent: refs.session?.key,
    });
    assert.equal(refs.final, refs.roles[0]);
  });

  test('a profile without a role: the session is final', () => {
    const p = resolvePlan(
      parseAwsFiles(
        `[profile base]\nmfa_serial = ${MFA_A}\n`,
        '/c',
        `[base]\naws_access_key_id = ${AK}\naws_secret_access_key = ${SK}\n`,
        '/k',
      ),
      'base',
      {},
    );
    const refs = planCacheRefs(p, {});
    assert.equal(refs.roles.length, 0);
    assert.ok(refs.session);
    assert.equal(refs.final, refs.session);
  });

  test('a pass-through plan has nothing to cache', () => {
    const p = resolvePlan(
      parseAwsFiles(
        '[profile base]\n',
        '/c',
        `[base]\naws_access_key_id = ${AK}\naws_secret_access_key = ${SK}\naws_session_token = ${TOKEN}\n`,
        '/k',
      ),
      'base',
      {},
    );
    assert.equal(p.passThrough, true);
    const refs = planCacheRefs(p, {});
    assert.equal(refs.final, undefined);
    assert.equal(refs.session, undefined);
    assert.deepEqual(refs.roles, []);
  });

  test('each hop of a chain has its own key', () => {
    const config =
      `[profile base]\nmfa_serial = ${MFA_A}\n` +
      '[profile jump]\nrole_arn = arn:aws:iam::1:role/Jump\nsource_profile = base\n' +
      '[profile target]\nrole_arn = arn:aws:iam::1:role/Target\nsource_profile = jump\n';
    const p = resolvePlan(
      parseAwsFiles(config, '/c', `[base]\naws_access_key_id = ${AK}\naws_secret_access_key = ${SK}\n`, '/k'),
      'target',
      {},
    );
    const refs = planCacheRefs(p, {});
    assert.equal(refs.roles.length, 2);
    const keys = new Set([refs.session?.key, ...refs.roles.map((r) => r.key)]);
    assert.equal(keys.size, 3);
    assert.equal(refs.final, refs.roles[1]);
  });
});

describe('regression: no secret ever appears in a key or a describe', () => {
  const setups: { name: string; plan: () => Plan; env?: NodeJS.ProcessEnv; secrets: string[] }[] = [
    { name: 'MFA session + role', plan: () => plan(BASE), secrets: [SK] },
    { name: 'role without session', plan: () => plan(BASE, { noSession: true }), secrets: [SK] },
    { name: 'no MFA', plan: () => plan({ ...BASE, mfaSerial: undefined }), secrets: [SK] },
    { name: 'temporary source credentials', plan: () => plan({ ...BASE, sessionToken: TOKEN }), secrets: [SK, TOKEN] },
    {
      name: 'profile without a role',
      plan: () =>
        resolvePlan(
          parseAwsFiles(
            `[profile base]\nmfa_serial = ${MFA_A}\n`,
            '/c',
            `[base]\naws_access_key_id = ${AK}\naws_secret_access_key = ${SK}\n`,
            '/k',
          ),
          'base',
          {},
        ),
      secrets: [SK],
    },
    {
      name: 'credential_source = Environment with a session token',
      plan: () =>
        resolvePlan(
          parseAwsFiles(
            `[profile ci]\nrole_arn = arn:aws:iam::1:role/Ci\ncredential_source = Environment\nmfa_serial = ${MFA_A}\n`,
            '/c',
            undefined,
            '/k',
          ),
          'ci',
          { AWS_ACCESS_KEY_ID: 'AKIAENV0000EXAMPLE00', AWS_SECRET_ACCESS_KEY: SK_ENV, AWS_SESSION_TOKEN: TOKEN },
        ),
      env: { AWS_ACCESS_KEY_ID: 'AKIAENV0000EXAMPLE00', AWS_SECRET_ACCESS_KEY: SK_ENV, AWS_SESSION_TOKEN: TOKEN },
      secrets: [SK_ENV, TOKEN],
    },
  ];
  for (const s of setups) {
    test(s.name, () => {
      const json = JSON.stringify(planCacheRefs(s.plan(), s.env ?? {}));
      for (const secret of s.secrets) {
        assert.ok(!json.includes(secret), `secret found in ${json}`);
        assert.ok(!json.includes(secret.slice(0, 12)), 'not even a prefix of it');
      }
    });
  }
});
