import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CacheRef } from '../../src/credentials/cache-key.ts';
import { entryPath, readEntry, writeEntry } from '../../src/credentials/cache.ts';
import { openEntryReader } from '../../src/credentials/cache-reader.ts';
import { createLogger, silentLogger } from '../../src/log.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-reader-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));
let counter = 0;
function freshDir(mode = 0o700): string {
  const dir = join(ROOT, `c${++counter}`);
  mkdirSync(dir);
  chmodSync(dir, mode);
  return dir;
}

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
/** A role step of profile `profile`: each its own entry name. */
function ref(profile: string): CacheRef {
  const key = Buffer.from(profile.padEnd(20, '.')).toString('hex').slice(0, 40);
  return {
    kind: 'role',
    key,
    request: { endpoint: '', source: 'static:AKIABASE', profile, durationSeconds: 3600, roleArn: 'arn:aws:iam::1:role/R' },
  };
}
const creds = {
  accessKeyId: 'ASIACACHED00EXAMPLE0',
  secretAccessKey: 'readerSecret/EXAMPLE',
  sessionToken: 'tok',
  expiration: new Date(NOW + 3_600_000),
};

test('the reader finds what readEntry finds, present or not, and judges entries as readEntry does', () => {
  const dir = freshDir();
  const refs = Array.from({ length: 30 }, (_, i) => ref(`p${i}`));
  for (const r of refs.filter((_, i) => i % 3 === 0)) writeEntry(dir, r, creds, NOW);
  // p1's file holds p0's entry: fetched for another request.
  writeFileSync(entryPath(dir, refs[1]!), JSON.stringify(readEntry(dir, refs[0]!, NOW, silentLogger)), { mode: 0o600 });
  const reader = openEntryReader(dir, NOW, silentLogger);
  for (const r of refs) assert.deepEqual(reader.entry(r), readEntry(dir, r, NOW, silentLogger), r.request.profile);
  reader.close();
});

test('each file is read once, and past a few lookups only names the directory holds are opened', () => {
  const dir = freshDir();
  const refs = Array.from({ length: 12 }, (_, i) => ref(`p${i}`));
  for (const r of refs) writeEntry(dir, r, creds, NOW);
  const reader = openEntryReader(dir, NOW, silentLogger);
  assert.ok(reader.entry(refs[0]!));
  unlinkSync(entryPath(dir, refs[0]!));
  assert.ok(reader.entry(refs[0]!), 'the entry read before is not read again');
  for (const r of refs.slice(1, 9)) assert.ok(reader.entry(r));
  // The directory is listed now: an entry written afterwards is not seen by this reader (nor opened).
  const late = ref('late');
  writeEntry(dir, late, creds, NOW);
  assert.equal(reader.entry(late), undefined);
  assert.ok(reader.entry(refs[10]!), 'a listed entry is read');
  reader.close();
  assert.ok(readEntry(dir, late, NOW, silentLogger), 'a new look sees it');
});

test('a directory others can write to is not read from, and --debug says so once', () => {
  const dir = freshDir();
  writeEntry(dir, ref('a'), creds, NOW);
  chmodSync(dir, 0o755);
  const lines: string[] = [];
  const reader = openEntryReader(
    dir,
    NOW,
    createLogger(true, (l) => lines.push(l)),
  );
  assert.equal(reader.entry(ref('a')), undefined);
  assert.equal(reader.entry(ref('b')), undefined);
  reader.close();
  assert.equal(lines.filter((l) => l.includes('not reading from it')).length, 1, lines.join('\n'));
});

test('a missing cache directory is no entry, quietly', () => {
  const lines: string[] = [];
  const reader = openEntryReader(
    join(ROOT, 'none'),
    NOW,
    createLogger(true, (l) => lines.push(l)),
  );
  assert.equal(reader.entry(ref('a')), undefined);
  reader.close();
  assert.deepEqual(lines, []);
});
