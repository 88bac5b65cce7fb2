import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forDisplay, printable, redactUrls } from '../../src/printable.ts';
import { createLogger } from '../../src/log.ts';

describe('printable: control characters become visible', () => {
  const cases: [string, string, string][] = [
    ['ESC (a colour sequence)', 'a\u001b[31mb', 'a\\u001b[31mb'],
    ['CR (rewrites the line)', 'ok\rFAKE', 'ok\\u000dFAKE'],
    ['newline and tab', 'a\nb\tc', 'a\\u000ab\\u0009c'],
    ['DEL', 'a\u007fb', 'a\\u007fb'],
    ['C1 CSI 0x9b', 'a\u009b31mb', 'a\\u009b31mb'],
    ['C1 NEL 0x85', 'a\u0085b', 'a\\u0085b'],
    ['bidi override', 'a\u202eb', 'a\\u202eb'],
    ['line separator', 'a\u2028b', 'a\\u2028b'],
    ['ordinary text, accents, non-Latin letters', "prød ünï.çø 東京 'x'", "prød ünï.çø 東京 'x'"],
  ];
  for (const [name, input, want] of cases) test(name, () => assert.equal(printable(input), want));
});

describe('redactUrls: userinfo of any URL is hidden', () => {
  const cases: [string, string][] = [
    ['http://user:pa55word@127.0.0.1:9', 'http://***@127.0.0.1:9'],
    ['STS at https://alice:s3cr%40t@sts.example.com/path?x=1 failed', 'STS at https://***@sts.example.com/path?x=1 failed'],
    ['(http://token@host) and http://other:pw@h2/', '(http://***@host) and http://***@h2/'],
    ['http://127.0.0.1:9/a@b', 'http://127.0.0.1:9/a@b'],
    ['mail me at alice@example.com', 'mail me at alice@example.com'],
  ];
  for (const [input, want] of cases) test(input, () => assert.equal(redactUrls(input), want));
});

test('the logger passes every line through forDisplay', () => {
  const lines: string[] = [];
  const logger = createLogger(true, (l) => lines.push(l));
  logger.debug('host \u009b6n at http://u:p@h');
  logger.warn('x\u001b]0;title\u0007');
  logger.info('y\rz');
  assert.deepEqual(lines, [
    'mfa-exec: host \\u009b6n at http://***@h\n',
    'mfa-exec: warning: x\\u001b]0;title\\u0007\n',
    'mfa-exec: y\\u000dz\n',
  ]);
  assert.equal(forDisplay('\u0000'), '\\u0000');
});
