import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  STALE_VARIABLES,
  buildChildEnv,
  canReuseInjected,
  credentialVariables,
  nestedChildEnv,
  serverVariables,
  untouchedChildEnv,
} from '../../src/child/env.ts';
import { withoutSecrets } from '../../src/secret-variables.ts';
import type { Credentials } from '../../src/aws/credentials.ts';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const MIN = 60_000;

const CREDS: Credentials = {
  accessKeyId: 'ASIANEW0000EXAMPLE00',
  secretAccessKey: 'newSecret',
  sessionToken: 'newToken',
  expiration: new Date('2025-03-01T13:00:00.123Z'),
};

/** A parent shell that is full of someone else's AWS settings. */
const PARENT: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/u',
  TF_VAR_x: '1',
  AWS_PROFILE: 'other',
  AWS_DEFAULT_PROFILE: 'other2',
  AWS_ACCESS_KEY_ID: 'AKIAOLD0000EXAMPLE00',
  AWS_SECRET_ACCESS_KEY: 'oldSecret',
  AWS_SESSION_TOKEN: 'oldToken',
  AWS_SECURITY_TOKEN: 'oldSecurityToken',
  AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z',
  AWS_SESSION_EXPIRATION: '2020-01-01T00:00:00Z',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
  AWS_CONTAINER_AUTHORIZATION_TOKEN: 'oldAuth',
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/var/run/token',
  AWS_CONFIG_FILE: '/home/u/.aws/config',
  AWS_REGION: 'us-east-1',
  AWS_VAULT: 'outer',
  MFA_EXEC_MFA_TOKEN: '123456',
};

const REMOVED = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SECURITY_TOKEN',
  'AWS_SESSION_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'MFA_EXEC_MFA_TOKEN',
];

test('a nested run keeps the parent environment and markers, without MFA_EXEC_MFA_TOKEN', () => {
  const env = nestedChildEnv(PARENT, { MFA_EXEC_DEPTH: '2' });
  assert.equal(env.MFA_EXEC_MFA_TOKEN, undefined);
  assert.equal(env.AWS_ACCESS_KEY_ID, PARENT.AWS_ACCESS_KEY_ID);
  assert.equal(env.MFA_EXEC_DEPTH, '2');
  assert.equal(PARENT.MFA_EXEC_MFA_TOKEN, '123456', 'the parent is not changed');
});

describe('our own secrets reach no environment we build (issue 17)', () => {
  // The key files' passphrase (ours and aws-vault's name) and an MFA code: the command, --server's
  // command, an untouched run and a nested one get none of them; nor do mfa_process and a
  // credential_process (shell-command.ts runs them with withoutSecrets).
  const SECRETS = { MFA_EXEC_MFA_TOKEN: '123456', MFA_EXEC_FILE_PASSPHRASE: 'pass phrase', AWS_VAULT_FILE_PASSPHRASE: 'vault pass' };
  const parent: NodeJS.ProcessEnv = { ...PARENT, ...SECRETS };
  const built: [string, NodeJS.ProcessEnv][] = [
    ['buildChildEnv (credentials)', buildChildEnv(parent, credentialVariables(CREDS, { profile: 'p' }))],
    ['buildChildEnv (--server)', buildChildEnv(parent, serverVariables('http://127.0.0.1:1/x', 't', { profile: 'p' }))],
    ['nestedChildEnv', nestedChildEnv(parent, { MFA_EXEC_DEPTH: '2' })],
    ['untouchedChildEnv', untouchedChildEnv(parent, { MFA_EXEC_DEPTH: '1' })],
    ['withoutSecrets', withoutSecrets(parent)],
  ];
  for (const [what, env] of built) {
    test(what, () => {
      for (const name of Object.keys(SECRETS)) assert.equal(env[name], undefined, name);
      assert.equal(env.HOME, '/home/u', 'everything else stays');
    });
  }
  test('the parent is not changed', () => assert.equal(parent.MFA_EXEC_FILE_PASSPHRASE, 'pass phrase'));
  test('an untouched run keeps the AWS variables as they are', () => {
    const env = untouchedChildEnv(parent, {});
    assert.equal(env.AWS_PROFILE, 'other');
    assert.equal(env.AWS_ACCESS_KEY_ID, PARENT.AWS_ACCESS_KEY_ID);
  });
});

describe('credentialVariables + buildChildEnv', () => {
  test('removes stale credentials and profile selectors, adds ours', () => {
    const env = buildChildEnv(PARENT, credentialVariables(CREDS, { profile: 'prod', region: 'eu-west-1' }));
    for (const name of REMOVED) assert.equal(env[name], undefined, `${name} must be removed`);
    assert.equal(env.AWS_ACCESS_KEY_ID, CREDS.accessKeyId);
    assert.equal(env.AWS_SECRET_ACCESS_KEY, CREDS.secretAccessKey);
    assert.equal(env.AWS_SESSION_TOKEN, CREDS.sessionToken);
    assert.equal(env.AWS_CREDENTIAL_EXPIRATION, '2025-03-01T13:00:00Z');
    assert.equal(env.AWS_REGION, 'eu-west-1');
    assert.equal(env.AWS_DEFAULT_REGION, 'eu-west-1');
    assert.equal(env.AWS_VAULT, 'prod');
  });

  test('leaves unrelated variables alone', () => {
    const env = buildChildEnv(PARENT, credentialVariables(CREDS, { profile: 'prod' }));
    for (const name of ['PATH', 'HOME', 'TF_VAR_x', 'AWS_CONFIG_FILE']) assert.equal(env[name], PARENT[name], name);
  });

  test('the exact set of variables in the child', () => {
    const env = buildChildEnv(PARENT, credentialVariables(CREDS, { profile: 'prod', region: 'eu-west-1' }));
    assert.deepEqual(Object.keys(env).sort(), [
      'AWS_ACCESS_KEY_ID',
      'AWS_CONFIG_FILE',
      'AWS_CREDENTIAL_EXPIRATION',
      'AWS_DEFAULT_REGION',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_VAULT',
      'HOME',
      'PATH',
      'TF_VAR_x',
    ]);
  });

  test('does not mutate the parent object', () => {
    const parent = { ...PARENT };
    const snapshot = JSON.stringify(parent);
    const env = buildChildEnv(parent, credentialVariables(CREDS, { profile: 'prod', region: 'eu-west-1' }));
    assert.equal(JSON.stringify(parent), snapshot);
    assert.notEqual(env, parent);
  });

  test('without a known region the parent’s region is kept and none is added', () => {
    const vars = credentialVariables(CREDS, { profile: 'prod' });
    assert.equal(vars.AWS_REGION, undefined);
    assert.equal(vars.AWS_DEFAULT_REGION, undefined);
    const env = buildChildEnv(PARENT, vars);
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.equal(env.AWS_DEFAULT_REGION, undefined);
  });

  test('a known region replaces the parent’s', () => {
    const env = buildChildEnv(
      { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-2' },
      credentialVariables(CREDS, { profile: 'p', region: 'ap-south-1' }),
    );
    assert.equal(env.AWS_REGION, 'ap-south-1');
    assert.equal(env.AWS_DEFAULT_REGION, 'ap-south-1');
  });

  test('AWS_VAULT replaces an outer marker', () => {
    assert.equal(buildChildEnv({ AWS_VAULT: 'outer' }, credentialVariables(CREDS, { profile: 'inner' })).AWS_VAULT, 'inner');
  });

  test('credentials without a session token or expiry (pass-through of long-term keys) leave no stale token behind', () => {
    const env = buildChildEnv(PARENT, credentialVariables({ accessKeyId: 'AKIALONG000EXAMPLE00', secretAccessKey: 's' }, { profile: 'p' }));
    assert.equal(env.AWS_SESSION_TOKEN, undefined);
    assert.equal(env.AWS_SECURITY_TOKEN, undefined);
    assert.equal(env.AWS_CREDENTIAL_EXPIRATION, undefined);
  });

  test('every stale variable is removed even when we add nothing', () => {
    const parent: NodeJS.ProcessEnv = Object.fromEntries(STALE_VARIABLES.map((n) => [n, 'x']));
    assert.deepEqual(buildChildEnv(parent, {}), {});
  });

  test('the stale list covers every credential, profile and container variable', () => {
    for (const name of [
      'AWS_PROFILE',
      'AWS_DEFAULT_PROFILE',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_SECURITY_TOKEN',
      ...REMOVED,
    ]) {
      assert.ok((STALE_VARIABLES as readonly string[]).includes(name), name);
    }
  });
});

describe('AWS_CREDENTIAL_EXPIRATION is RFC 3339 without milliseconds', () => {
  const cases: [string, string][] = [
    ['2025-03-01T13:00:00.123Z', '2025-03-01T13:00:00Z'],
    ['2025-03-01T13:00:00.000Z', '2025-03-01T13:00:00Z'],
    ['2025-12-31T23:59:59.999Z', '2025-12-31T23:59:59Z'],
    ['2025-03-01T14:00:00+01:00', '2025-03-01T13:00:00Z'],
  ];
  for (const [input, want] of cases) {
    test(`${input} → ${want}`, () => {
      const vars = credentialVariables({ ...CREDS, expiration: new Date(input) }, { profile: 'p' });
      assert.equal(vars.AWS_CREDENTIAL_EXPIRATION, want);
      assert.match(want, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    });
  }
});

describe('serverVariables (--server): container endpoint instead of keys', () => {
  test('the child gets the endpoint and token, no keys, and the marker', () => {
    const env = buildChildEnv(
      PARENT,
      serverVariables('http://127.0.0.1:40001/creds', 'authtoken', { profile: 'prod', region: 'eu-west-1' }),
    );
    assert.equal(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, 'http://127.0.0.1:40001/creds');
    assert.equal(env.AWS_CONTAINER_AUTHORIZATION_TOKEN, 'authtoken');
    assert.equal(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, undefined);
    assert.equal(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, undefined);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) {
      assert.equal(env[name], undefined, name);
    }
    assert.equal(env.AWS_VAULT, 'prod');
    assert.equal(env.AWS_REGION, 'eu-west-1');
    assert.equal(env.AWS_DEFAULT_REGION, 'eu-west-1');
  });
});

describe('canReuseInjected: a nested run may use what the outer run injected', () => {
  const iso = (ms: number) => new Date(NOW + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const injected = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    AWS_VAULT: 'prod',
    AWS_ACCESS_KEY_ID: 'ASIAINJ0000EXAMPLE00',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_SESSION_TOKEN: 't',
    AWS_CREDENTIAL_EXPIRATION: iso(30 * MIN),
    ...extra,
  });
  const container = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    AWS_VAULT: 'prod',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:40001/creds',
    AWS_CONTAINER_AUTHORIZATION_TOKEN: 'authtoken',
    ...extra,
  });

  const cases: { name: string; env: NodeJS.ProcessEnv; requested?: string; want: boolean }[] = [
    { name: 'marker, keys, 30 min left, same profile requested', env: injected(), requested: 'prod', want: true },
    { name: 'no profile requested', env: injected(), want: true },
    { name: 'another profile requested', env: injected(), requested: 'dev', want: false },
    { name: 'no AWS_VAULT marker (keys from elsewhere)', env: injected({ AWS_VAULT: undefined }), want: false },
    { name: 'empty AWS_VAULT marker', env: injected({ AWS_VAULT: '' }), want: false },
    { name: 'no access key id', env: injected({ AWS_ACCESS_KEY_ID: undefined }), want: false },
    { name: 'no secret key', env: injected({ AWS_SECRET_ACCESS_KEY: undefined }), want: false },
    { name: 'exactly 5 min left', env: injected({ AWS_CREDENTIAL_EXPIRATION: iso(5 * MIN) }), want: true },
    { name: '4 min 59 s left', env: injected({ AWS_CREDENTIAL_EXPIRATION: iso(5 * MIN - 1000) }), want: false },
    { name: 'expired', env: injected({ AWS_CREDENTIAL_EXPIRATION: iso(-MIN) }), want: false },
    { name: 'no expiry at all', env: injected({ AWS_CREDENTIAL_EXPIRATION: undefined }), want: false },
    { name: 'garbage expiry', env: injected({ AWS_CREDENTIAL_EXPIRATION: 'tomorrow' }), want: false },
    {
      name: 'aws-vault’s AWS_SESSION_EXPIRATION is understood',
      env: injected({ AWS_CREDENTIAL_EXPIRATION: undefined, AWS_SESSION_EXPIRATION: iso(20 * MIN) }),
      requested: 'prod',
      want: true,
    },
    {
      name: 'aws-vault’s AWS_SESSION_EXPIRATION too close',
      env: injected({ AWS_CREDENTIAL_EXPIRATION: undefined, AWS_SESSION_EXPIRATION: iso(MIN) }),
      want: false,
    },
    { name: 'container credentials (--server) with the marker', env: container(), requested: 'prod', want: true },
    { name: 'container credentials, no profile requested', env: container(), want: true },
    { name: 'container credentials for another profile', env: container(), requested: 'dev', want: false },
    {
      name: 'container URI without the authorization token',
      env: container({ AWS_CONTAINER_AUTHORIZATION_TOKEN: undefined }),
      want: false,
    },
    { name: 'container credentials without the marker', env: container({ AWS_VAULT: undefined }), want: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const env = Object.fromEntries(Object.entries(c.env).filter(([, v]) => v !== undefined));
      assert.equal(canReuseInjected(env, c.requested, NOW), c.want);
    });
  }

  test('what buildChildEnv injects is reusable by the nested run', () => {
    const env = buildChildEnv(PARENT, credentialVariables({ ...CREDS, expiration: new Date(NOW + 60 * MIN) }, { profile: 'prod' }));
    assert.equal(canReuseInjected(env, 'prod', NOW), true);
    assert.equal(canReuseInjected(env, undefined, NOW), true);
    assert.equal(canReuseInjected(env, 'dev', NOW), false);
  });
});
