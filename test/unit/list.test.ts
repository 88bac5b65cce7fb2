import assert from 'node:assert/strict';
import { test } from 'node:test';
import { via } from '../../src/commands/list.ts';

test("list's VIA column: chains up to five hops in full, longer ones by their ends", () => {
  assert.equal(via([]), '-');
  assert.equal(via(['source']), 'source');
  assert.equal(via(['a', 'b', 'c', 'd', 'source']), 'a → b → c → d → source');
  const long = Array.from({ length: 2999 }, (_, i) => `chain-${2999 - i}`).concat('source');
  assert.equal(via(long), 'chain-2999 → chain-2998 → … 2996 more → chain-1 → source');
});
