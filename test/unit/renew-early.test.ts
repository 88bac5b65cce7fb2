// When credential-process renews credentials before handing them out: near expiry, never more
// than half a lifetime early, and only when the renewal needs no MFA code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan, type Plan } from '../../src/aws-config/plan.ts';
import { RENEW_WITHIN_MS, shouldRenewEarly } from '../../src/credentials/renew-early.ts';

const KEYS = 'aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n';
const CONFIG = `[profile me]
${KEYS}mfa_serial = arn:aws:iam::1:mfa/me
[profile role]
source_profile = me
role_arn = arn:aws:iam::2:role/R
mfa_serial = arn:aws:iam::1:mfa/me
[profile short]
source_profile = me
role_arn = arn:aws:iam::2:role/S
mfa_serial = arn:aws:iam::1:mfa/me
duration_seconds = 900
[profile direct]
source_profile = me
role_arn = arn:aws:iam::2:role/D
mfa_serial = arn:aws:iam::1:mfa/me
duration_seconds = 7200
[profile nomfa]
aws_access_key_id = AKIAOTHER
aws_secret_access_key = s
[profile plainrole]
source_profile = nomfa
role_arn = arn:aws:iam::2:role/P
[profile temp]
aws_access_key_id = ASIAEXAMPLE
aws_secret_access_key = s
aws_session_token = t
`;
const NOW = Date.parse('2026-01-01T12:00:00Z');
const plan = (profile: string): Plan => resolvePlan(parseAwsFiles(CONFIG, '/c', undefined, '/k'), profile, {});
const expiring = (minutes: number) => ({ accessKeyId: 'ASIA', secretAccessKey: 's', expiration: new Date(NOW + minutes * 60_000) });

test('a role from the MFA session: renewed under 20 minutes left, when the session is cached', () => {
  assert.equal(RENEW_WITHIN_MS, 20 * 60_000);
  assert.equal(shouldRenewEarly(plan('role'), expiring(19), NOW, true), true);
  assert.equal(shouldRenewEarly(plan('role'), expiring(21), NOW, true), false);
  assert.equal(shouldRenewEarly(plan('role'), expiring(19), NOW, false), false, 'the session is gone: that would need a code');
});

test('a 15-minute role: not renewed on every run, only in the second half of its life', () => {
  assert.equal(shouldRenewEarly(plan('short'), expiring(14), NOW, true), false);
  assert.equal(shouldRenewEarly(plan('short'), expiring(7), NOW, true), true);
});

test('a role assumed with the MFA code directly (over 1 h): never, each renewal would ask for a code', () => {
  assert.equal(plan('direct').session, undefined);
  assert.equal(shouldRenewEarly(plan('direct'), expiring(5), NOW, true), false);
});

test('a role without MFA anywhere: renewed from the keys, no session needed', () => {
  assert.equal(shouldRenewEarly(plan('plainrole'), expiring(10), NOW, false), true);
});

test('no role (the MFA session itself, or keys passed through): never', () => {
  assert.equal(shouldRenewEarly(plan('me'), expiring(10), NOW, true), false);
  assert.equal(shouldRenewEarly(plan('temp'), { accessKeyId: 'ASIA', secretAccessKey: 's' }, NOW, true), false);
});
