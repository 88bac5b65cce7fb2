// The cache lock (src/credentials/lock.ts): one holder per key, a waiter gets it when released, a
// lock left by a killed holder is taken over once stale, waiting is bounded (exit 75), and any
// other failure is an error of its own (exit 73), never a wait. (Issue 17: with no lock at all,
// only a slow end-to-end test failed; fetch.test.ts checks that fetches of one chain take it.)
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { acquireLock } from '../../src/credentials/lock.ts';
import { isMfaExecError } from '../../src/errors.ts';
import { createLogger, silentLogger } from '../../src/log.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-lock-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const dir = join(ROOT, `d${++n}`);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
};

describe('acquireLock', () => {
  test('a second taker waits until the first releases, then holds it; other keys are not held up', async () => {
    const dir = freshDir();
    const events: string[] = [];
    const first = await acquireLock(dir, 'k', silentLogger);
    assert.deepEqual(readdirSync(dir), ['lock-k']);
    const other = await acquireLock(dir, 'other', silentLogger);
    await other();
    const second = acquireLock(dir, 'k', silentLogger).then((release) => (events.push('second holds'), release));
    await new Promise((resolve) => setTimeout(resolve, 400));
    events.push('first releases');
    await first();
    await (
      await second
    )();
    assert.deepEqual(events, ['first releases', 'second holds']);
    assert.deepEqual(readdirSync(dir), [], 'released: nothing left');
  });

  test('the waiter says once that it waits (--debug)', async () => {
    const dir = freshDir();
    const lines: string[] = [];
    const first = await acquireLock(dir, 'k', silentLogger);
    const second = acquireLock(
      dir,
      'k',
      createLogger(true, (l) => lines.push(l)),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await first();
    await (
      await second
    )();
    assert.equal(lines.filter((l) => /another mfa-exec is fetching these credentials .*waiting for it/.test(l)).length, 1, lines.join(''));
  });

  test('a lock whose holder was killed (not kept fresh for over 10 s) is taken over at once', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'lock-k'));
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'lock-k'), old, old);
    // Waited out instead, it would fail with exit 75 after 5 s.
    const release = await acquireLock(dir, 'k', silentLogger, 5_000);
    await release();
  });

  test('a lock held past the wait: exit 75, naming the lock and what to do', async () => {
    const dir = freshDir();
    const holder = await acquireLock(dir, 'k', silentLogger);
    const error = await acquireLock(dir, 'k', silentLogger, 300).catch((e: unknown) => e);
    await holder();
    assert.ok(isMfaExecError(error));
    assert.equal(error.exitCode, 75);
    assert.match(
      error.message,
      /^Another mfa-exec process held the lock \S+lock-k for over 0 s\. If none is running, delete that directory and try again\.$/,
    );
  });

  test('any other failure (no such directory) is exit 73 at once, not a wait', async () => {
    const error = await acquireLock(join(ROOT, 'missing', 'dir'), 'k', silentLogger, 60_000).catch((e: unknown) => e);
    assert.ok(isMfaExecError(error));
    assert.equal(error.exitCode, 73, 'not 75: it did not wait for a holder');
    assert.match(error.message, /^Cannot take the cache lock \S+missing\/dir\/lock-k: .*ENOENT/);
  });
});
