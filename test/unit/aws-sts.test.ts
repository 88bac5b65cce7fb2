// Expiry under clock skew, and the bounded STS request options. Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { requestHandlerOptions } from '../../src/aws/client.ts';
import { safeExpiry } from '../../src/aws/sts.ts';
import { readSettings } from '../../src/settings.ts';

const MIN = 60_000;
const local = Date.parse('2026-11-23T12:00:00Z');

describe('safeExpiry: never later than our request time + the duration asked for', () => {
  const cases: [string, number, number][] = [
    // [what, STS clock minus ours (ms), expected minutes left on our clock]
    ['clocks agree', 0, 60],
    ['our clock 10 min behind STS: STS says 70 min from our now, we keep 60', 10 * MIN, 60],
    ['our clock 10 min ahead of STS: STS says 50 min from our now, we keep 50', -10 * MIN, 50],
    ['STS granted less than asked (e.g. capped): its word wins', 0, 60],
  ];
  for (const [what, skew, minutesLeft] of cases) {
    test(what, () => {
      const stated = new Date(local + skew + 60 * MIN);
      assert.equal((safeExpiry(stated, local, 3600).getTime() - local) / MIN, minutesLeft);
    });
  }
  test('a shorter grant than requested is kept', () => {
    assert.equal(safeExpiry(new Date(local + 15 * MIN), local, 3600).getTime(), local + 15 * MIN);
  });
});

describe('requestHandlerOptions: every attempt is bounded and a timeout is an error', () => {
  const table: [NodeJS.ProcessEnv, number, number][] = [
    [{}, 10_000, 5_000],
    [{ MFA_EXEC_STS_TIMEOUT: '2' }, 2_000, 2_000],
    [{ MFA_EXEC_STS_TIMEOUT: '30' }, 30_000, 5_000],
    [{ MFA_EXEC_STS_TIMEOUT: 'abc' }, 10_000, 5_000],
    [{ MFA_EXEC_STS_TIMEOUT: '-1' }, 10_000, 5_000],
  ];
  for (const [env, request, connect] of table) {
    test(JSON.stringify(env), () => {
      assert.deepEqual(requestHandlerOptions(readSettings(env).stsTimeoutMs), {
        requestTimeout: request,
        connectionTimeout: connect,
        throwOnRequestTimeout: true,
      });
    });
  }
});
