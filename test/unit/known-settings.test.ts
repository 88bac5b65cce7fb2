// The profile settings doctor knows (src/aws-config/known-settings.ts), checked against botocore's
// own list of the settings it reads from a profile, and the nearest known one to a typo.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { editDistance, isKnownSetting, nearestSetting } from '../../src/aws-config/known-settings.ts';

const PYTHON = process.env.PYTHON ?? 'python3';
// The config names of botocore's session variables, and the profile keys its credential providers read.
const BOTOCORE = `
import json, re, inspect, botocore.configprovider as c, botocore.credentials as cr
names = {v[0] for v in c.BOTOCORE_DEFAUT_SESSION_VARIABLES.values() if v[0]}
names |= set(re.findall(r"'((?:aws|role|source|credential|web|mfa|external|duration|login)_[a-z_]+)'", inspect.getsource(cr)))
print(json.dumps(sorted(names)))
`;
const probe = spawnSync(PYTHON, ['-c', BOTOCORE], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `botocore not importable with ${PYTHON}: ${probe.stderr || probe.error?.message}`;

describe('known profile settings', () => {
  test('every setting botocore reads from a profile is known', { skip }, () => {
    const botocore = JSON.parse(probe.stdout) as string[];
    assert.ok(botocore.length > 40, botocore.join(' '));
    // A name in credentials.py that is no profile setting: the SSO role's, read from sso_role_name.
    const notSettings = new Set(['role_name']);
    assert.deepEqual(
      botocore.filter((k) => !notSettings.has(k) && !isKnownSetting(k)),
      [],
    );
  });

  test('a typo finds the setting it is nearest to; a key near none finds nothing', () => {
    const cases: [string, string | undefined][] = [
      ['role_ar', 'role_arn'],
      ['role-arn', 'role_arn'],
      ['rolearn', 'role_arn'],
      ['mfa_seria', 'mfa_serial'],
      ['mfa_serail', 'mfa_serial'],
      ['sourceprofile', 'source_profile'],
      ['regoin', 'region'],
      ['Region', undefined], // keys are lower-cased when read: known as it is
      ['externalid', 'external_id'],
      ['ouput', 'output'],
      ['granted_sso_start_url', undefined],
      ['x', undefined],
      ['azure_tenant_id', undefined],
    ];
    for (const [key, want] of cases) {
      if (isKnownSetting(key)) assert.equal(want, undefined, key);
      else assert.equal(nearestSetting(key), want, key);
    }
  });

  test('edit distance counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('mfa_serail', 'mfa_serial'), 1);
    assert.equal(editDistance('role_ar', 'role_arn'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});
