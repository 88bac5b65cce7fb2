/**
 * Removing cache entries by the request they record (credentials/remove-entries.ts), as `clear`
 * and the key commands do. Regression: the key commands rebuilt the keys of the default plans,
 * so an entry fetched with -d, --session-duration, --no-session or another endpoint outlived the
 * keys it was made from.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan, type PlanOverrides } from '../../src/aws-config/plan.ts';
import { writeEntry } from '../../src/credentials/cache.ts';
import { planCacheRefs, type CacheRef } from '../../src/credentials/cache-key.ts';
import { keySourceId } from '../../src/sources/static.ts';
import { storeSourceId } from '../../src/sources/store.ts';
import { removeEntries } from '../../src/credentials/remove-entries.ts';
import { silentLogger } from '../../src/log.ts';
import { openPrivateDir } from '../../src/private-file.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-remove-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));
const NOW = Date.parse('2026-11-28T12:00:00Z');
const MFA = 'arn:aws:iam::111111111111:mfa/alice';
const CONFIG = `[profile stored]
mfa_serial = ${MFA}

[profile filed]
aws_access_key_id = AKIAFILED00000EXAMPLE
aws_secret_access_key = s

[profile role]
source_profile = stored
role_arn = arn:aws:iam::222222222222:role/r
mfa_serial = ${MFA}

[profile other]
source_profile = filed
role_arn = arn:aws:iam::222222222222:role/r
`;
const files = parseAwsFiles(CONFIG, '/c', undefined, '/k');

let n = 0;
function cacheWith(plans: [string, PlanOverrides, string?][]): string {
  const dir = join(ROOT, `c${++n}`);
  mkdirSync(dir, { mode: 0o700 });
  for (const [profile, overrides, endpoint] of plans) {
    const refs = planCacheRefs(resolvePlan(files, profile, {}, overrides), endpoint);
    for (const ref of [refs.session, ...refs.roles].filter((r): r is CacheRef => !!r)) {
      writeEntry(
        dir,
        ref,
        { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 't', expiration: new Date(NOW + 1800_000) },
        NOW,
      );
    }
  }
  return dir;
}

function remove(dir: string, filter?: Parameters<typeof removeEntries>[1]): number {
  const opened = openPrivateDir(dir);
  assert.ok('dir' in opened);
  try {
    return removeEntries(opened.dir, filter, { logger: silentLogger, now: () => NOW });
  } finally {
    opened.dir.close();
  }
}

test("the entries made from a profile's stored keys go, whatever duration, form or endpoint; others stay", () => {
  const dir = cacheWith([
    ['role', {}],
    ['role', { durationSeconds: 7200 }],
    ['role', { sessionDurationSeconds: 900 }],
    ['role', { noSession: true }],
    ['role', {}, 'http://127.0.0.1:5000'],
    ['other', {}],
  ]);
  const before = readdirSync(dir).length;
  assert.ok(before >= 7, `${before} entries`);
  const store = storeSourceId('stored');
  const removed = remove(dir, (_kind, request) => request.source === store);
  assert.equal(removed, before - 1, 'all but the role assumed with the file keys of "filed" (no MFA there: no session)');
  assert.equal(
    remove(dir, (_kind, request) => request.source === keySourceId('static', 'AKIAFILED00000EXAMPLE')),
    1,
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('without a filter: every entry and our stale temporary files, nothing else, never through a link', () => {
  const dir = cacheWith([['role', {}]]);
  writeFileSync(join(dir, 'mfa-used-0123.json'), '{}', { mode: 0o600 });
  writeFileSync(join(dir, 'notes.txt'), 'mine', { mode: 0o600 });
  const victim = join(ROOT, `victim-${n}.json`);
  writeFileSync(victim, 'precious');
  symlinkSync(victim, join(dir, `role-${'a'.repeat(40)}.json`));
  assert.equal(remove(dir), 2);
  assert.deepEqual(readdirSync(dir).sort(), [`role-${'a'.repeat(40)}.json`, 'mfa-used-0123.json', 'notes.txt'].sort());
});

test('the notes of declined prompts: all go without a filter, else only the chains named; never counted as entries', () => {
  const dir = cacheWith([['role', {}]]);
  const lockKey = planCacheRefs(resolvePlan(files, 'role', {}, {}), undefined).lockKey;
  const other = 'c'.repeat(40);
  for (const key of [lockKey, other]) writeFileSync(join(dir, `declined-${key}.json`), '{"at":1,"how":"cancelled"}\n', { mode: 0o600 });
  writeFileSync(join(dir, 'declined-notes.json'), 'mine', { mode: 0o600 });
  assert.equal(
    remove(dir, () => false),
    0,
  );
  assert.equal(readdirSync(dir).filter((n) => n.startsWith('declined-')).length, 3, 'a filter without lock keys leaves every note');
  const opened = openPrivateDir(dir);
  assert.ok('dir' in opened);
  try {
    assert.equal(
      removeEntries(opened.dir, () => false, { logger: silentLogger, now: () => NOW }, [lockKey]),
      0,
    );
  } finally {
    opened.dir.close();
  }
  assert.deepEqual(
    readdirSync(dir)
      .filter((n) => n.startsWith('declined-'))
      .sort(),
    [`declined-${other}.json`, 'declined-notes.json'],
  );
  assert.equal(remove(dir), 2);
  assert.deepEqual(readdirSync(dir), ['declined-notes.json']);
});
