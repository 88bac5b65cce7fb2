// Several processes writing the encrypted file store at once, while this one reads: nothing is
// lost or torn. Each writer stores its own profile and a profile that every writer stores.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileKeyStore } from '../../src/keystore/file-store.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-keyconc-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));

const WRITER = new URL('../fixtures/keystore/writer.ts', import.meta.url).pathname;
const WRITERS = 4;
const ROUNDS = 60;
const PASSPHRASE = 'concurrent passphrase';
const KEY_ID = /^AKIATEST(\d{4})(\d{8})$/;

/** Runs one writer; resolves with when its writes started and ended (its own clock readings). */
function runWriter(dir: string, id: number): Promise<{ start: number; done: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(id), String(ROUNDS)], {
      env: { ...process.env, KEYSTORE_TEST_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const start = Number(/^start (\d+)$/m.exec(out)?.[1]);
      const done = Number(/^done (\d+)$/m.exec(out)?.[1]);
      if (code === 0 && start && done) resolve({ start, done });
      else reject(new Error(`writer ${id} exited ${code}:\n${out}`));
    });
  });
}

test('concurrent writers in several processes: every file whole, every profile present, reads never fail', async () => {
  const dir = join(ROOT, 'keys');
  const store = () => new FileKeyStore({ dir, scrypt: { N: 1024, r: 8, p: 1 }, passphrase: async () => PASSPHRASE });
  // The first write creates the directory and fixes the passphrase the others must match.
  await store().set('seed', { accessKeyId: 'AKIASEED0000000000000', secretAccessKey: 'seed-secret' });

  let running = true;
  let reads = 0;
  let readError: unknown;
  const reader = (async () => {
    const r = store();
    while (running) {
      const keys = await r.get('shared'); // undefined before the first write lands, then whole keys
      if (keys) {
        const m = KEY_ID.exec(keys.accessKeyId);
        assert.ok(m, `torn or foreign key id ${keys.accessKeyId}`);
        assert.equal(keys.secretAccessKey, `secret/${Number(m[1])}/${Number(m[2])}/${'x'.repeat(24)}`);
      }
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })().catch((error: unknown) => {
    readError = error; // kept until the writers are done, so none is left writing after the test
  });

  let spans: { start: number; done: number }[];
  try {
    spans = await Promise.all(Array.from({ length: WRITERS }, (_, i) => runWriter(dir, i + 1)));
  } finally {
    running = false;
    await reader;
  }
  if (readError) throw readError;
  assert.ok(reads > 0);
  const overlapping = spans.some((a, i) => spans.some((b, j) => i !== j && a.start < b.done && b.start < a.done));
  assert.ok(overlapping, `the writers did not run at the same time, so this proved nothing: ${JSON.stringify(spans)}`);

  const final = store();
  assert.deepEqual(await final.list(), ['own-1', 'own-2', 'own-3', 'own-4', 'seed', 'shared']);
  for (let id = 1; id <= WRITERS; id++) {
    const keys = await final.get(`own-${id}`);
    assert.equal(
      keys?.accessKeyId,
      `AKIATEST${String(id).padStart(4, '0')}${String(ROUNDS - 1).padStart(8, '0')}`,
      "each writer's last write is what stays",
    );
  }
  const shared = await final.get('shared');
  const m = KEY_ID.exec(shared?.accessKeyId ?? '');
  assert.ok(m && Number(m[2]) === ROUNDS - 1, `the shared profile holds some writer's last round: ${shared?.accessKeyId}`);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith('.tmp')),
    [],
    'no temporary file left behind',
  );
});

test('concurrent async writers in one process: all land', async () => {
  const dir = join(ROOT, 'keys-async');
  const s = new FileKeyStore({ dir, scrypt: { N: 1024, r: 8, p: 1 }, passphrase: async () => PASSPHRASE });
  const profiles = Array.from({ length: 20 }, (_, i) => `p${i}`);
  await Promise.all(profiles.map((p, i) => s.set(p, { accessKeyId: `AKIAASYNC${String(i).padStart(11, '0')}`, secretAccessKey: `s${i}` })));
  assert.deepEqual(await s.list(), [...profiles].sort());
  for (const [i, p] of profiles.entries()) assert.equal((await s.get(p))?.secretAccessKey, `s${i}`);
});
