// A fuzzed key file never crashes the reader: whatever the bytes, opening one gives the keys that
// were sealed or a typed "corrupt"/"passphrase" outcome; through the store, only a KeyStoreError.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { isKeyStoreError } from '../../src/keystore/errors.ts';
import { openKeys, sealKeys, type OpenResult } from '../../src/keystore/file-crypto.ts';
import { MAGIC } from '../../src/keystore/file-format.ts';
import { FileKeyStore } from '../../src/keystore/file-store.ts';
import type { ScryptParams } from '../../src/keystore/kdf.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-keyfuzz-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));

const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const PASSPHRASE = 'fuzz passphrase';
const VALID = Buffer.from(await sealKeys('dev', KEYS, PASSPHRASE, FAST));

/** The only outcomes allowed: the original keys, or one of the typed failures. */
function assertAllowed(result: OpenResult): void {
  if (result.ok) assert.deepEqual(result.keys, KEYS, 'a damaged file must never open to other keys');
  else assert.ok(['corrupt', 'passphrase', 'other-profile'].includes(result.problem), `unexpected outcome ${JSON.stringify(result)}`);
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Buffer, m: Mutation): Buffer {
  const at = m.at % (input.length + 1);
  const out = Buffer.from(input);
  switch (m.op) {
    case 'flip':
      if (at < out.length) out[at]! ^= 1 << m.bit;
      return out;
    case 'set':
      if (at < out.length) out[at] = m.byte;
      return out;
    case 'delete':
      return Buffer.concat([input.subarray(0, at), input.subarray(at + m.length)]);
    case 'insert':
      return Buffer.concat([input.subarray(0, at), Buffer.from(m.bytes), input.subarray(at)]);
    case 'truncate':
      return input.subarray(0, at);
  }
}

test('random bytes: never an exception, always "corrupt"', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
      const result = await openKeys('dev', Buffer.from(bytes), PASSPHRASE);
      assert.equal(result.ok, false);
      assertAllowed(result);
    }),
    { numRuns: 3000 },
  );
});

test('a valid file with up to 4 mutations: the original keys or a typed failure, never other keys', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
      const bytes = mutations.reduce(mutate, VALID);
      assertAllowed(await openKeys('dev', bytes, PASSPHRASE));
    }),
    { numRuns: 3000 },
  );
});

test('structured headers with arbitrary values: never an exception', async () => {
  const anyJson = fc.jsonValue({ maxDepth: 2 });
  const header = fc.record(
    {
      profile: fc.oneof(fc.constant('dev'), anyJson),
      kdf: fc.oneof(fc.constant('scrypt'), anyJson),
      N: fc.oneof(fc.constantFrom(1024, 2048, 2 ** 20, 2 ** 31, 0, -1, 1.5), anyJson),
      r: fc.oneof(fc.constantFrom(1, 8, 33, 0), anyJson),
      p: fc.oneof(fc.constantFrom(1, 17, 0), anyJson),
      salt: fc.oneof(fc.base64String({ minLength: 4, maxLength: 96 }), anyJson),
      cipher: fc.oneof(fc.constant('aes-256-gcm'), anyJson),
      nonce: fc.oneof(fc.constant('AAAAAAAAAAAAAAAA'), fc.base64String({ maxLength: 24 }), anyJson),
      check: fc.oneof(fc.constant('AAAAAAAAAAAAAAAAAAAAAA=='), fc.base64String({ maxLength: 32 }), anyJson),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(header, fc.base64String({ maxLength: 200 }), async (h, body) => {
      const bytes = Buffer.from(`${MAGIC}\n${JSON.stringify(h)}\n${body}\n`);
      const t0 = performance.now();
      assertAllowed(await openKeys('dev', bytes, PASSPHRASE));
      assert.ok(performance.now() - t0 < 5_000, 'a header cannot make the reader work for long');
    }),
    { numRuns: 1500 },
  );
});

test('through the store, on disk: only KeyStoreErrors (or the original keys)', async () => {
  const dir = join(ROOT, 'keys');
  mkdirSync(dir, { mode: 0o700 });
  const store = new FileKeyStore({ dir, scrypt: FAST, passphrase: async () => PASSPHRASE });
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      writeFileSync(join(dir, 'dev.keys'), mutations.reduce(mutate, VALID), { mode: 0o600 });
      try {
        assert.deepEqual(await store.get('dev'), KEYS);
      } catch (error) {
        assert.ok(isKeyStoreError(error), `not a KeyStoreError: ${String(error)}`);
        assert.doesNotMatch((error as Error).message, /wJalrXUtnFEMI|fuzz passphrase/);
      }
    }),
    { numRuns: 500 },
  );
});
