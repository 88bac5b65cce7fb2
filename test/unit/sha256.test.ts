import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256Hex } from '../../src/sha256.ts';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

test('sha256Hex: the digests of FIPS 180-4 examples', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
});

test('sha256Hex: the digest node:crypto gives, at every length around the block and padding boundaries', () => {
  // Lengths in bytes: an ASCII character is one, 'é' two, '€' three, '😀' four.
  for (const unit of ['a', 'é', '€', '😀']) {
    for (let count = 0; count <= 260; count++) {
      const text = unit.repeat(count);
      assert.equal(sha256Hex(text), nodeSha256(text), `${count} × ${JSON.stringify(unit)}`);
    }
  }
});

test('sha256Hex: the digest node:crypto gives for random text (any code point, lone surrogates included; one block to many)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => sha256Hex(text) === nodeSha256(text)),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.string({ minLength: 1000, maxLength: 20_000, unit: 'grapheme-composite' }),
      (text) => sha256Hex(text) === nodeSha256(text),
    ),
    { numRuns: 50 },
  );
});

test('sha256Hex: a large input (a config file of thousands of profiles)', () => {
  const text = Array.from({ length: 5000 }, (_, i) => `[profile team-${i}]\nrole_arn = arn:aws:iam::123456789012:role/é${i}\n`).join('\n');
  assert.equal(sha256Hex(text), nodeSha256(text));
});
