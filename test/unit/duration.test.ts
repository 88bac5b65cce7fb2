import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDuration, parseDuration } from '../../src/duration.ts';
import { ExitCode, UsageError } from '../../src/errors.ts';

describe('parseDuration: seconds or h/m/s units, as aws-vault and humans write them', () => {
  const cases: [string, number][] = [
    ['3600', 3600],
    ['900', 900],
    ['1', 1],
    ['43200', 43200],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['12h', 43200],
    ['1h30m', 5400],
    ['1h30m15s', 5415],
    ['2h15s', 7215],
    ['90m', 5400],
    ['0h30m', 1800],
    ['1h0m', 3600],
    ['036', 36],
    [' 3600 ', 3600],
    ['\t15m\n', 900],
  ];
  for (const [text, want] of cases) {
    test(`${JSON.stringify(text)} → ${want}`, () => assert.equal(parseDuration(text, '--duration'), want));
  }
});

describe('parseDuration: refusals are UsageErrors naming the flag and the text', () => {
  const cases: string[] = [
    '',
    '   ',
    '0',
    '00',
    '0s',
    '0h0m',
    '-5',
    '-1h',
    '1.5h',
    '1h30',
    '30m1h',
    '1d',
    '1H',
    'h',
    '1 h',
    '1h 30m',
    'soon',
    '3600x',
    '1e3',
    '0x10',
    '99999999999999999999',
  ];
  for (const text of cases) {
    test(JSON.stringify(text), () => {
      assert.throws(
        () => parseDuration(text, '--session-duration'),
        (e: unknown) => {
          assert.ok(e instanceof UsageError);
          assert.equal(e.exitCode, ExitCode.usage);
          assert.match(e.message, /--session-duration/);
          assert.ok(e.message.includes(`'${text}'`), e.message);
          return true;
        },
      );
    });
  }
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [1, '1s'],
    [59, '59s'],
    [60, '1m'],
    [90, '1m30s'],
    [900, '15m'],
    [3600, '1h'],
    [3601, '1h1s'],
    [3661, '1h1m1s'],
    [5400, '1h30m'],
    [43200, '12h'],
    [129600, '36h'],
  ];
  for (const [seconds, want] of cases) {
    test(`${seconds} → ${want}`, () => assert.equal(formatDuration(seconds), want));
  }

  test('round trip: parseDuration(formatDuration(n)) === n', () => {
    for (const n of [1, 59, 60, 61, 899, 900, 3599, 3600, 3661, 5400, 43200, 129600, 86399]) {
      assert.equal(parseDuration(formatDuration(n), 'x'), n);
    }
  });
});
