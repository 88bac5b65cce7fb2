/**
 * aws-vault's settings: lifetimes from AWS_ASSUME_ROLE_TTL / AWS_SESSION_TOKEN_TTL /
 * AWS_CHAINED_SESSION_TOKEN_TTL and where they stand against -d, --session-duration,
 * MFA_EXEC_SESSION_DURATION and duration_seconds; AWS_VAULT_BACKEND (the backends mfa-exec lacks) / AWS_VAULT_PROMPT warnings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan } from '../../src/aws-config/plan.ts';
import { awsVaultWarnings } from '../../src/aws-vault-compat.ts';
import { planOverrides } from '../../src/pipeline/resolution.ts';
import { ConfigError, UsageError } from '../../src/errors.ts';
import { defaultOptions, type Options } from '../../src/options.ts';
import { readSettings } from '../../src/settings.ts';

const CONFIG = `[profile me]
mfa_serial = arn:aws:iam::111111111111:mfa/me

[profile role]
source_profile = me
role_arn = arn:aws:iam::222222222222:role/admin
mfa_serial = arn:aws:iam::111111111111:mfa/me

[profile long]
source_profile = me
role_arn = arn:aws:iam::222222222222:role/admin
mfa_serial = arn:aws:iam::111111111111:mfa/me
duration_seconds = 2700
`;
const CREDENTIALS = '[me]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = secret\n';
const FILES = parseAwsFiles(CONFIG, '/h/.aws/config', CREDENTIALS, '/h/.aws/credentials');

function plan(profile: string, env: NodeJS.ProcessEnv, options: Partial<Options> = {}) {
  return resolvePlan(FILES, profile, env, planOverrides({ ...defaultOptions(), ...options }, readSettings(env)));
}

describe('role lifetime: -d, then AWS_ASSUME_ROLE_TTL, then duration_seconds, then 1h (aws-vault’s order)', () => {
  const cases: { name: string; profile: string; env?: NodeJS.ProcessEnv; duration?: number; want: number }[] = [
    { name: 'nothing set: 1h', profile: 'role', want: 3600 },
    { name: 'duration_seconds', profile: 'long', want: 2700 },
    { name: 'AWS_ASSUME_ROLE_TTL', profile: 'role', env: { AWS_ASSUME_ROLE_TTL: '30m' }, want: 1800 },
    { name: 'AWS_ASSUME_ROLE_TTL over duration_seconds', profile: 'long', env: { AWS_ASSUME_ROLE_TTL: '20m' }, want: 1200 },
    { name: 'Go-style 1h0m0s', profile: 'role', env: { AWS_ASSUME_ROLE_TTL: '0h50m0s' }, want: 3000 },
    { name: '-d over AWS_ASSUME_ROLE_TTL', profile: 'long', env: { AWS_ASSUME_ROLE_TTL: '20m' }, duration: 900, want: 900 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = plan(c.profile, c.env ?? {}, c.duration === undefined ? {} : { duration: c.duration });
      assert.equal(p.roles.at(-1)!.durationSeconds, c.want);
    });
  }

  test('a role lifetime AWS refuses names AWS_ASSUME_ROLE_TTL, not the config file', () => {
    assert.throws(
      () => plan('long', { AWS_ASSUME_ROLE_TTL: '13h' }),
      (e: unknown) => e instanceof ConfigError && /is 13h \(from AWS_ASSUME_ROLE_TTL\)/.test(e.message),
    );
  });

  test('AWS_ASSUME_ROLE_TTL that is not a duration: a usage error naming it', () => {
    assert.throws(
      () => plan('role', { AWS_ASSUME_ROLE_TTL: 'forever' }),
      (e: unknown) => e instanceof UsageError && /AWS_ASSUME_ROLE_TTL 'forever' is not a duration/.test(e.message),
    );
  });
});

describe('MFA session lifetime: --session-duration, MFA_EXEC_SESSION_DURATION, then aws-vault’s variable for the kind of session, then 8h', () => {
  const cases: { name: string; profile: string; env?: NodeJS.ProcessEnv; sessionDuration?: number; want: number }[] = [
    { name: 'nothing set: 8h (roles follow)', profile: 'role', want: 8 * 3600 },
    { name: 'nothing set: 8h (the session is the credentials)', profile: 'me', want: 8 * 3600 },
    { name: 'roles follow: AWS_CHAINED_SESSION_TOKEN_TTL', profile: 'role', env: { AWS_CHAINED_SESSION_TOKEN_TTL: '12h' }, want: 43200 },
    {
      name: 'roles follow: AWS_SESSION_TOKEN_TTL is not for this session',
      profile: 'role',
      env: { AWS_SESSION_TOKEN_TTL: '1h' },
      want: 8 * 3600,
    },
    { name: 'the session is the credentials: AWS_SESSION_TOKEN_TTL', profile: 'me', env: { AWS_SESSION_TOKEN_TTL: '2h' }, want: 7200 },
    {
      name: 'the session is the credentials: AWS_CHAINED_SESSION_TOKEN_TTL is not for it',
      profile: 'me',
      env: { AWS_CHAINED_SESSION_TOKEN_TTL: '2h' },
      want: 8 * 3600,
    },
    {
      name: 'MFA_EXEC_SESSION_DURATION over both',
      profile: 'role',
      env: { MFA_EXEC_SESSION_DURATION: '4h', AWS_CHAINED_SESSION_TOKEN_TTL: '12h', AWS_SESSION_TOKEN_TTL: '1h' },
      want: 4 * 3600,
    },
    {
      name: '--session-duration over everything',
      profile: 'me',
      env: { MFA_EXEC_SESSION_DURATION: '4h', AWS_SESSION_TOKEN_TTL: '1h' },
      sessionDuration: 3 * 3600,
      want: 3 * 3600,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = plan(c.profile, c.env ?? {}, c.sessionDuration === undefined ? {} : { sessionDuration: c.sessionDuration });
      assert.equal(p.session?.durationSeconds, c.want);
    });
  }

  test('an MFA session lifetime AWS refuses names the variable it came from', () => {
    assert.throws(
      () => plan('role', { AWS_CHAINED_SESSION_TOKEN_TTL: '48h' }),
      (e: unknown) => e instanceof ConfigError && /is 48h \(from AWS_CHAINED_SESSION_TOKEN_TTL\)/.test(e.message),
    );
    assert.throws(
      () => plan('role', { MFA_EXEC_SESSION_DURATION: '10m' }),
      (e: unknown) => e instanceof ConfigError && /is 10m \(from MFA_EXEC_SESSION_DURATION\)/.test(e.message),
    );
  });
});

describe('AWS_VAULT_BACKEND / AWS_VAULT_PROMPT: one warning line each when they cannot mean anything here', () => {
  const warnings = (env: NodeJS.ProcessEnv) => awsVaultWarnings(readSettings(env));
  test('unset or empty: silent', () => {
    assert.deepEqual(warnings({}), []);
    assert.deepEqual(warnings({ AWS_VAULT_BACKEND: '', AWS_VAULT_PROMPT: '' }), []);
  });
  for (const backend of ['file', 'keychain', 'secret-service', 'wincred']) {
    test(`AWS_VAULT_BACKEND=${backend}: honoured by the key store, no warning`, () => {
      assert.deepEqual(warnings({ AWS_VAULT_BACKEND: backend }), []);
    });
  }
  for (const backend of ['pass', 'kwallet', 'op']) {
    test(`AWS_VAULT_BACKEND=${backend}: a backend mfa-exec does not have`, () => {
      const [line, ...rest] = warnings({ AWS_VAULT_BACKEND: backend });
      assert.deepEqual(rest, []);
      assert.match(
        line!,
        new RegExp(`^AWS_VAULT_BACKEND=${backend} is ignored: mfa-exec's key store is the OS keyring .* or encrypted files`),
      );
      assert.doesNotMatch(line!, /\n/);
    });
  }
  for (const prompt of ['terminal', 'zenity', 'kdialog', 'osascript', 'ykman']) {
    test(`AWS_VAULT_PROMPT=${prompt}: a prompt mfa-exec has, honoured without a warning`, () => {
      assert.deepEqual(warnings({ AWS_VAULT_PROMPT: prompt }), []);
      assert.equal(readSettings({ AWS_VAULT_PROMPT: prompt }).prompt, prompt);
    });
  }
  test('AWS_VAULT_PROMPT=pass (removed from aws-vault) points at mfa_process', () => {
    assert.deepEqual(warnings({ AWS_VAULT_PROMPT: 'pass' }), [
      "AWS_VAULT_PROMPT=pass is not supported: set 'mfa_process = pass otp <name>' on the profile instead. Unset AWS_VAULT_PROMPT to silence this.",
    ]);
    assert.equal(readSettings({ AWS_VAULT_PROMPT: 'pass' }).prompt, 'auto', 'the default prompt is used');
  });
  for (const prompt of ['wincredui', 'gopass', 'Zenity']) {
    test(`AWS_VAULT_PROMPT=${prompt}: says where codes come from, the default prompt is used`, () => {
      const [line, ...rest] = warnings({ AWS_VAULT_PROMPT: prompt });
      assert.deepEqual(rest, []);
      assert.match(line!, new RegExp(`^AWS_VAULT_PROMPT=${prompt} is not supported: .*mfa_process.*terminal, else a desktop dialog`));
      assert.equal(readSettings({ AWS_VAULT_PROMPT: prompt }).prompt, 'auto');
    });
  }
  test('--prompt, then MFA_EXEC_PROMPT, then AWS_VAULT_PROMPT, then auto', () => {
    const env = { MFA_EXEC_PROMPT: 'none', AWS_VAULT_PROMPT: 'zenity' };
    assert.equal(readSettings(env, { prompt: 'kdialog' }).prompt, 'kdialog');
    assert.equal(readSettings(env).prompt, 'none');
    assert.equal(readSettings({ AWS_VAULT_PROMPT: 'zenity' }).prompt, 'zenity');
    assert.equal(readSettings({ MFA_EXEC_PROMPT: '' }).prompt, 'auto');
    assert.deepEqual(warnings({ MFA_EXEC_PROMPT: 'kdialog', AWS_VAULT_PROMPT: 'zenity' }), []);
  });
  test('both set: two lines', () => {
    assert.equal(warnings({ AWS_VAULT_BACKEND: 'pass', AWS_VAULT_PROMPT: 'wincredui' }).length, 2);
  });
});
