import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isoTime } from '../../src/iso-time.ts';

test('isoTime is toISOString: random instants from year 0 to 9999, and the edges', () => {
  const min = Date.UTC(0, 0, 1);
  const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
  fc.assert(
    fc.property(fc.integer({ min, max }), (ms) => isoTime(new Date(ms)) === new Date(ms).toISOString()),
    { numRuns: 5000 },
  );
  for (const ms of [min, max, 0, 1, 10, 100, 999, Date.UTC(2025, 2, 1, 12), Date.UTC(99, 0, 1)]) {
    assert.equal(isoTime(new Date(ms)), new Date(ms).toISOString(), String(ms));
  }
});

test('isoTime outside years 0 to 9999 is toISOString; an invalid date throws as toISOString does', () => {
  for (const ms of [Date.UTC(-1, 0, 1), Date.UTC(10000, 0, 1), 8.64e15, -8.64e15]) {
    assert.equal(isoTime(new Date(ms)), new Date(ms).toISOString());
  }
  assert.throws(() => isoTime(new Date(NaN)), RangeError);
});
