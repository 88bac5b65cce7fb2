import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ExitCode } from '../../src/errors.ts';
import { MfaInputError, normalizeCode } from '../../src/mfa/code.ts';
import { readSettings } from '../../src/settings.ts';
import { CODE_REUSE_WINDOW_MS, lastUsed, recordUsed, secondsToNextCode, wasUsed } from '../../src/mfa/used-codes.ts';

describe('normalizeCode: accepted inputs', () => {
  const cases: [string, number, string][] = [
    ['123456', 6, '123456'],
    ['000000', 6, '000000'],
    ['123 456', 6, '123456'],
    ['123456\n', 6, '123456'],
    ['123 456\n', 6, '123456'],
    ['123456\r\n', 6, '123456'],
    ['  123456  ', 6, '123456'],
    ['\t12 34 56\t', 6, '123456'],
    ['123\u00a0456', 6, '123456'],
    ['1234567', 7, '1234567'],
    ['1234 5678\n', 8, '12345678'],
  ];
  for (const [input, length, want] of cases) {
    test(`${JSON.stringify(input)} (${length} digits) → ${want}`, () => assert.deepEqual(normalizeCode(input, length), { code: want }));
  }
});

describe('normalizeCode: refusals say why', () => {
  const cases: [string, number, RegExp][] = [
    ['', 6, /no code/],
    ['   ', 6, /no code/],
    ['\n', 6, /no code/],
    ['12345', 6, /6 digits, not 5/],
    ['1234567', 6, /6 digits, not 7/],
    ['123 45', 6, /6 digits, not 5/],
    ['123456', 8, /8 digits, not 6/],
    ['12345a', 6, /digits only/],
    ['abcdef', 6, /digits only/],
    ['123-456', 6, /digits only/],
    ['+123456', 6, /digits only/],
    ['12345.6', 6, /digits only/],
    ['１２３４５６', 6, /digits only/],
    ['١٢٣٤٥٦', 6, /digits only/],
    ['y', 6, /digits only/],
  ];
  for (const [input, length, want] of cases) {
    test(`${JSON.stringify(input)} (${length} digits)`, () => {
      const result = normalizeCode(input, length);
      assert.ok('problem' in result, `expected a refusal, got ${JSON.stringify(result)}`);
      assert.match(result.problem, want);
    });
  }

  test('MfaInputError carries exit code 65', () => {
    assert.equal(new MfaInputError('x').exitCode, ExitCode.mfaInput);
    assert.equal(new MfaInputError('x').exitCode, 65);
  });
});

describe('settings.mfaDigits: MFA_EXEC_MFA_DIGITS, 6 to 8, else 6', () => {
  const cases: [string | undefined, number][] = [
    [undefined, 6],
    ['6', 6],
    ['7', 7],
    ['8', 8],
    ['5', 6],
    ['9', 6],
    ['0', 6],
    ['-7', 6],
    ['', 6],
    ['six', 6],
    ['6.5', 6],
    ['NaN', 6],
  ];
  for (const [value, want] of cases) {
    test(`${JSON.stringify(value)} → ${want}`, () => {
      const env: NodeJS.ProcessEnv = value === undefined ? {} : { MFA_EXEC_MFA_DIGITS: value };
      assert.equal(readSettings(env).mfaDigits, want);
    });
  }
});

describe('secondsToNextCode: until the authenticator shows a new code (30 s windows)', () => {
  const cases: { name: string; at: number; now: number; want: number }[] = [
    { name: 'used at the start of a window, asked at once', at: 0, now: 0, want: 30 },
    { name: 'used at the start of a window, asked 10 s later', at: 0, now: 10_000, want: 20 },
    { name: 'rounds up partial seconds', at: 10_000, now: 15_500, want: 15 },
    { name: 'last millisecond of a window', at: 29_999, now: 29_999, want: 1 },
    { name: 'at the window boundary a new window starts', at: 30_000, now: 30_000, want: 30 },
    { name: 'the window is over', at: 10_000, now: 30_000, want: 0 },
    { name: 'long after', at: 10_000, now: 500_000, want: 0 },
    { name: 'real clock values', at: 1_740_830_412_345, now: 1_740_830_415_000, want: 15 },
  ];
  for (const c of cases) {
    test(`${c.name}: at=${c.at} now=${c.now} → ${c.want}`, () => assert.equal(secondsToNextCode(c.at, c.now), c.want));
  }

  test('never negative, never more than 30', () => {
    for (let at = 0; at < 120_000; at += 7_919) {
      for (let now = at; now < at + 70_000; now += 3_001) {
        const s = secondsToNextCode(at, now);
        assert.ok(s >= 0 && s <= 30, `at=${at} now=${now} gave ${s}`);
      }
    }
  });
});

describe('used codes (per device, in the cache directory)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-used-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const SERIAL = 'arn:aws:iam::111111111111:mfa/alice';
  const OTHER = 'arn:aws:iam::111111111111:mfa/bob';
  const T = 1_740_830_400_000;

  test('nothing recorded: not used', () => {
    assert.equal(lastUsed(dir, 'arn:aws:iam::1:mfa/never'), undefined);
    assert.equal(wasUsed(dir, 'arn:aws:iam::1:mfa/never', '123456', T), false);
  });

  test('a recorded code is used for its device within the window, and only that code', () => {
    recordUsed(dir, SERIAL, '123456', T);
    assert.equal(wasUsed(dir, SERIAL, '123456', T + 1000), true);
    assert.equal(wasUsed(dir, SERIAL, '123456', T + CODE_REUSE_WINDOW_MS - 1), true);
    assert.equal(wasUsed(dir, SERIAL, '123456', T + CODE_REUSE_WINDOW_MS), false);
    assert.equal(wasUsed(dir, SERIAL, '654321', T + 1000), false);
    assert.equal(wasUsed(dir, OTHER, '123456', T + 1000), false);
    assert.equal(lastUsed(dir, SERIAL)?.at, T);
  });

  test('the record holds a hash, never the code; the file is private', () => {
    recordUsed(dir, SERIAL, '987654', T);
    const files = readdirSync(dir).filter((f) => f.startsWith('mfa-used-'));
    assert.ok(files.length >= 1);
    for (const f of files) {
      assert.ok(!readFileSync(join(dir, f), 'utf8').includes('987654'));
      assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600);
    }
    assert.ok(
      readdirSync(dir).every((f) => !f.startsWith('.tmp-')),
      'no temporary files left',
    );
  });

  test('a corrupt record counts as nothing recorded', () => {
    recordUsed(dir, OTHER, '111111', T);
    assert.equal(lastUsed(dir, OTHER)?.at, T);
    for (const name of readdirSync(dir).filter((n) => n.startsWith('mfa-used-'))) writeFileSync(join(dir, name), '{"at": "x"');
    assert.equal(lastUsed(dir, OTHER), undefined);
    assert.equal(wasUsed(dir, OTHER, '111111', T), false);
  });

  test('recording into a missing directory is best effort (no throw)', () => {
    assert.doesNotThrow(() => recordUsed(join(dir, 'missing', 'deeper'), SERIAL, '123456', T));
  });
});
