import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseIni, parseNestedValue } from '../../src/aws-config/ini.ts';
import { ConfigError, ExitCode } from '../../src/errors.ts';

const FILE = '/home/u/.aws/config';

type Sections = Record<string, Record<string, string>>;

function parsed(text: string): Sections {
  const out: Sections = {};
  for (const [name, values] of parseIni(text, FILE)) out[name] = Object.fromEntries(values);
  return out;
}

// Every expectation below was checked against botocore 1.43 / Python 3.11 (raw_config_parse).
const ok: { name: string; text: string; want: Sections }[] = [
  { name: 'empty file has no sections', text: '', want: {} },
  { name: 'only comments and blank lines before any header', text: '# a\n; b\n   # c\n\n\t\n', want: {} },
  { name: 'basic key = value', text: '[default]\nregion = us-east-1\n', want: { default: { region: 'us-east-1' } } },
  {
    name: 'inline # and ; comments are part of the value (regression: ini package strips them)',
    text: '[default]\nregion = us-east-1 # prod\nmfa_serial = arn:x ; y\n',
    want: { default: { region: 'us-east-1 # prod', mfa_serial: 'arn:x ; y' } },
  },
  {
    name: 'true/false/numbers stay strings (regression: ini package makes booleans)',
    text: '[default]\na = true\nb = FALSE\nc = 0900\nd = "quoted"\n',
    want: { default: { a: 'true', b: 'FALSE', c: '0900', d: '"quoted"' } },
  },
  {
    name: 'dots in section names are kept (regression: ini package splits on dots)',
    text: '[profile dev.eu-west-1]\na = 1\n',
    want: { 'profile dev.eu-west-1': { a: '1' } },
  },
  { name: 'colon delimiter', text: '[s]\nregion: eu-west-1\n', want: { s: { region: 'eu-west-1' } } },
  {
    name: 'the first of = and : splits; the rest stays in the value',
    text: '[s]\nrole_arn = arn:aws:iam::1:role/x\nurl: http://h:1/?a=b\nk=v=w\n',
    want: { s: { role_arn: 'arn:aws:iam::1:role/x', url: 'http://h:1/?a=b', k: 'v=w' } },
  },
  { name: 'empty value', text: '[s]\nk =\nj:\n', want: { s: { k: '', j: '' } } },
  {
    name: 'keys are lower-cased and trimmed, values trimmed, inner spaces kept',
    text: '[s]\n  Region   =   us east  \nMFA_Serial=x\n',
    want: { s: { region: 'us east', mfa_serial: 'x' } },
  },
  { name: 'key with spaces', text: '[s]\nmy key = v\n', want: { s: { 'my key': 'v' } } },
  { name: 'CRLF line ends', text: '[s]\r\na = 1\r\nb = 2\r\n', want: { s: { a: '1', b: '2' } } },
  { name: 'lone CR line ends (Python universal newlines)', text: '[s]\ra = 1\rb = 2', want: { s: { a: '1', b: '2' } } },
  { name: 'no newline at end of file', text: '[s]\na = 1', want: { s: { a: '1' } } },
  {
    name: 'indented comments are comments, also between continuation lines',
    text: '[s]\nk = a\n  # not part of k\n  b\n\t; nor this\n',
    want: { s: { k: 'a\nb' } },
  },
  {
    name: 'continuation lines join with newlines; blank lines inside kept, trailing dropped',
    text: '[s]\nk = a\n  b\n\n    c\n\n\nnext = 1\n',
    want: { s: { k: 'a\nb\n\nc', next: '1' } },
  },
  {
    name: 'an indented [header] or key = value continues the previous value',
    text: '[s]\nk = a\n  [profile x]\n  j = 2\n',
    want: { s: { k: 'a\n[profile x]\nj = 2' } },
  },
  {
    name: 'indented first setting sets the indent level for the next ones',
    text: '[s]\n  a = 1\n  b = 2\n   c\n',
    want: { s: { a: '1', b: '2\nc' } },
  },
  {
    name: 'nested block is kept as its raw string',
    text: '[s]\ns3 =\n  addressing_style = path\n  signature_version = s3v4\n',
    want: { s: { s3: '\naddressing_style = path\nsignature_version = s3v4' } },
  },
  {
    name: 'nested block after a blank line',
    text: '[s]\ns3 =\n\n  a = b\n',
    want: { s: { s3: '\n\na = b' } },
  },
  { name: 'value-less key followed only by blank lines', text: '[s]\nk =\n\n\n', want: { s: { k: '' } } },
  {
    name: 'header is everything up to the last ] and text after it is ignored',
    text: '[profile a] # comment\nx=1\n[b]]\ny=2\n[c]d]e\nz=3\n',
    want: { 'profile a': { x: '1' }, 'b]': { y: '2' }, 'c]d': { z: '3' } },
  },
  {
    name: 'header names are not trimmed and are case-sensitive',
    text: '[ default ]\na=1\n[Default]\nb=2\n',
    want: { ' default ': { a: '1' }, Default: { b: '2' } },
  },
  {
    name: 'an unclosed [ is a key',
    text: '[s]\n[a = b\n',
    want: { s: { '[a': 'b' } },
  },
  {
    name: '[DEFAULT] settings are inherited by every section, which may override them',
    text: '[DEFAULT]\nregion = d\n[default]\nregion = x\n[other]\n[DEFAULT]\nlate = 1\n',
    want: { default: { region: 'x', late: '1' }, other: { region: 'd', late: '1' } },
  },
  { name: '[DEFAULT] alone yields no section', text: '[DEFAULT]\na = 1\n', want: {} },
  {
    name: 'Python whitespace: NBSP, ideographic space, \\v, \\f, \\x1c are stripped; U+FEFF is not',
    text: '[s]\n\u00a0a\u3000=\u000b1\u000c\nb = \ufeff2\x1c\n',
    want: { s: { a: '1', b: '\ufeff2' } },
  },
  {
    name: 'unicode keys are lower-cased like Python str.lower()',
    text: '[s]\nÄÖ = ü\nΣΑΣ = x\n',
    want: { s: { äö: 'ü', σας: 'x' } },
  },
  {
    name: '__proto__ and constructor are ordinary keys',
    text: '[s]\n__proto__ = a\nconstructor = b\n',
    want: { s: { ['__proto__']: 'a', constructor: 'b' } },
  },
];

const bad: { name: string; text: string; message: RegExp }[] = [
  { name: 'line before any section header', text: 'region = x\n[s]\n', message: /line 1: 'region = x' comes before the first \[section\]/ },
  { name: 'indented line before any header', text: '\n  a = 1\n', message: /line 2: 'a = 1' comes before/ },
  {
    name: 'UTF-8 BOM (AWS CLI: MissingSectionHeaderError)',
    text: '\ufeff[default]\na = 1\n',
    message: /starts with a UTF-8 byte order mark/,
  },
  {
    name: 'line that is neither header nor setting',
    text: '[s]\na = 1\n\n\n\n\nregion us-west-2\n',
    message:
      /^\/home\/u\/\.aws\/config line 7: 'region us-west-2' is neither a \[section\] header nor a 'key = value' setting\. Fix or remove the line; the AWS CLI refuses this file too\.$/,
  },
  { name: 'empty header [] is not a header', text: '[s]\n[]\n', message: /line 2: '\[\]' is neither/ },
  { name: 'empty key before =', text: '[s]\n= x\n', message: /line 2: '= x' has no setting name before the '='/ },
  { name: 'empty key before :', text: '[s]\n  : x\n', message: /line 2: ': x' has no setting name before the ':'/ },
  {
    name: 'duplicate section',
    text: '[a]\nx=1\n[b]\n[a]\n',
    message: /line 4: the section \[a\] appears a second time \(first at line 1\)/,
  },
  {
    name: 'duplicate section via trailing text',
    text: '[a]\n[a] ; again\n',
    message: /line 2: the section \[a\] appears a second time/,
  },
  { name: 'duplicate key', text: '[a]\nx=1\nx=2\n', message: /line 3: 'x' is set twice in the section \[a\] \(first at line 2\)/ },
  { name: 'duplicate key differing in case', text: '[a]\nRegion=1\nregion : 2\n', message: /'region' is set twice/ },
  {
    name: 'duplicate key across two [DEFAULT] blocks',
    text: '[DEFAULT]\nx=1\n[DEFAULT]\nx=2\n',
    message: /line 4: 'x' is set twice in the section \[DEFAULT\]/,
  },
  {
    name: 'nested block line without = (botocore _parse_nested ValueError)',
    text: '[s]\ns3 =\n  addressing_style: path\n',
    message: /line 3: the setting 's3' has nothing after its delimiter .* nested block .* 'addressing_style: path' has no '='/,
  },
  {
    name: 'nested block split by \\v (Python splitlines) fails',
    text: '[s]\ns3 =\n  a = 1\u000bb\n',
    message: /line 3: .* 'b' has no '='/,
  },
  {
    name: 'bad nested block inherited from [DEFAULT]',
    text: '[DEFAULT]\nx =\n  y\n[s]\n',
    message: /line 3: the setting 'x' has nothing after/,
  },
];

describe('parseIni accepts what botocore accepts', () => {
  for (const c of ok) {
    test(c.name, () => assert.deepEqual(parsed(c.text), c.want));
  }
  test('sections come back in file order', () => {
    assert.deepEqual([...parseIni('[b]\n[a]\n[DEFAULT]\n[c]\n', FILE).keys()], ['b', 'a', 'c']);
  });
  test('own keys first, then inherited [DEFAULT] keys (configparser options() order)', () => {
    const s = parseIni('[DEFAULT]\nz=1\na=2\n[s]\nm=3\na=4\n', FILE).get('s');
    assert.deepEqual(
      [...(s ?? [])],
      [
        ['m', '3'],
        ['a', '4'],
        ['z', '1'],
      ],
    );
  });
  test('[DEFAULT] without any section: a bad nested block there is not checked (botocore never reads it)', () => {
    assert.deepEqual(parsed('[DEFAULT]\nx =\n  y\n'), {});
  });
  test('a bad nested block is fine when not nested (value on the first line)', () => {
    assert.deepEqual(parsed('[s]\nk = v\n  no equals\n'), { s: { k: 'v\nno equals' } });
  });
});

describe('parseIni refuses what botocore refuses', () => {
  for (const c of bad) {
    test(c.name, () => {
      assert.throws(
        () => parseIni(c.text, FILE),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
          assert.equal(e.exitCode, ExitCode.config);
          assert.match(e.message, c.message);
          assert.ok(e.message.includes(FILE), 'names the file');
          assert.ok(!e.message.includes('\n'), 'one paragraph');
          return true;
        },
      );
    });
  }
});

describe('error messages never echo secrets', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const cases: { name: string; text: string }[] = [
    { name: 'duplicate secret key', text: `[s]\naws_secret_access_key = ${secret}\naws_secret_access_key = ${secret}\n` },
    { name: 'secret line before the header', text: `aws_secret_access_key = ${secret}\n` },
    { name: 'session token before the header', text: `aws_session_token = ${secret}\n` },
    { name: 'secret without delimiter', text: `[s]\naws_secret_access_key ${secret}\n` },
    { name: 'bare pasted secret', text: `[s]\n${secret}\n` },
    { name: 'secret-ish key with short value', text: '[s]\naws_session_token abc\n' },
    { name: 'bad nested block under a secret key', text: `[s]\naws_secret_access_key =\n  ${secret}\n` },
    { name: 'empty key with secret value', text: `[s]\n= ${secret}\n` },
    {
      name: 'regression: a session token pasted over two lines, its tail ending in = becomes a key, twice',
      text: `[s]\naws_session_token = IQoJb3JpZ2lu\n${secret}==\n${secret}==\n`,
    },
    { name: 'secret under an odd key name', text: `[s]\nx = 1\nx ${secret}\n` },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => parseIni(c.text, FILE),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.ok(!e.message.includes(secret), e.message);
          assert.ok(!e.message.includes('abc'), e.message);
          assert.match(e.message, /line \d+/);
          return true;
        },
      );
    });
  }
  test('non-secret lines are quoted', () => {
    assert.throws(() => parseIni('[s]\nregion us-west-2\n', FILE), /'region us-west-2'/);
  });
});

describe('the credentials file: its errors quote nothing of its text', () => {
  // 19 characters: short enough, and free enough of secret-looking words, to pass for a normal line.
  const fragment = 'wJalrXUtnFEMI/K7MDE';
  const cases: { name: string; text: string }[] = [
    { name: 'a fragment of a secret on a line of its own', text: `[s]\n${fragment}\n` },
    { name: 'a fragment before the first header', text: `${fragment} = 1\n[s]\n` },
    { name: 'a fragment with an empty key', text: `[s]\n= ${fragment}\n` },
    { name: 'a fragment as a key set twice', text: `[s]\n${fragment} = 1\n${fragment} = 2\n` },
    { name: 'a fragment as a section name, twice', text: `[${fragment}]\n[${fragment}]\n` },
    { name: 'a fragment in a nested block', text: `[s]\ns3 =\n  ${fragment}\n` },
  ];
  for (const c of cases) {
    test(c.name, () => {
      // The same text in the config file is quoted (the case is real), in the credentials file it is not.
      assert.throws(
        () => parseIni(c.text, FILE),
        (e: unknown) => e instanceof ConfigError && e.message.toLowerCase().includes(fragment.toLowerCase()),
      );
      assert.throws(
        () => parseIni(c.text, '/home/u/.aws/credentials', { secretFile: true }),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.ok(!e.message.toLowerCase().includes(fragment.slice(0, 6).toLowerCase()), e.message);
          assert.match(e.message, /\/home\/u\/\.aws\/credentials line \d+/);
          return true;
        },
      );
    });
  }
});

describe('parseNestedValue (botocore _parse_nested)', () => {
  test('splits name = value lines, trims, keeps key case, last wins', () => {
    assert.deepEqual(
      parseNestedValue('\nAddressing_Style = path\n\n a = 1 = 2\na=3'),
      new Map([
        ['Addressing_Style', 'path'],
        ['a', '3'],
      ]),
    );
  });
  test('not nested, or a line without =', () => {
    assert.equal(parseNestedValue('x\na = b'), undefined);
    assert.equal(parseNestedValue('\na: b'), undefined);
  });
});

describe('parseIni performance and robustness', () => {
  /**
   * Not speed tests (the benchmark measures speed) and no wall clock (the machine may be busy with
   * other work): guards against quadratic parsing, by how the parse's CPU time grows with its
   * input. The CPU time of this process is measured, not the clock, the least of a few parses
   * (under a millisecond counts as one). Sixteen times the input takes 16 to 60 times the CPU time
   * here when parsing is linear (GC and cache misses grow with the result), 256 times or more when
   * it is quadratic: the bound, 128, lies between with a factor of two or more either way.
   */
  const GROWTH = 16;
  const LINEAR_GROWTH_BOUND = 128;
  const cpuMsOfParse = (text: string, times: number): number => {
    let least = Infinity;
    for (let i = 0; i < times; i++) {
      const before = process.cpuUsage();
      try {
        parseIni(text, FILE);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        assert.ok(e.message.length < 1000, 'does not echo a huge line');
      }
      const used = process.cpuUsage(before);
      least = Math.min(least, (used.user + used.system) / 1000);
    }
    return least;
  };
  /** `make(n)` is an input of about n characters. */
  const assertLinear = (make: (n: number) => string, n: number) => {
    cpuMsOfParse(make(n), 1); // compiled and warm before anything is measured
    const small = Math.max(cpuMsOfParse(make(n), 3), 1);
    const large = cpuMsOfParse(make(GROWTH * n), 2);
    assert.ok(
      large < LINEAR_GROWTH_BOUND * small,
      `${GROWTH}× the input took ${(large / small).toFixed(1)}× the CPU time (${small.toFixed(1)} → ${large.toFixed(1)} ms)`,
    );
  };
  // The large inputs are 5 MB: smaller ones fit in caches that the small ones fit in too.
  const SMALL = 320_000;

  test('a realistic file parses in linear time', () => {
    const block = (i: number) =>
      `[profile p${i}]\nregion = eu-west-1 # c\nrole_arn = arn:aws:iam::123456789012:role/r${i}\n` +
      `source_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/u\n# comment\n\n`;
    const file = (n: number) => {
      const parts: string[] = [];
      for (let i = 0, size = 0; size < n; i++) {
        parts.push(block(i));
        size += parts[i]!.length;
      }
      return parts.join('');
    };
    assert.equal(parseIni(file(SMALL), FILE).size, file(SMALL).split('[profile').length - 1);
    assertLinear(file, SMALL);
  });

  const pathological: [string, (n: number) => string][] = [
    ['one line of [', (n) => '['.repeat(n)],
    ['one header-ish line', (n) => `[${'[]'.repeat(n / 2)}`],
    ['whitespace then =', (n) => `[s]\n${' \t\u00a0'.repeat(n / 3)}=`],
    ['a value of = and :', (n) => `[s]\nk=${'=:'.repeat(n / 2)}`],
    ['a continuation value', (n) => `[s]\nk=\n${' a = b\n'.repeat(n / 7)}`],
    ['blank lines inside a value', (n) => `[s]\nk=v\n${'\n'.repeat(n)}`],
    ['CR', (n) => `[s]\n${'\r'.repeat(n)}`],
    ['many tiny sections', (n) => Array.from({ length: n / 12 }, (_, i) => `[${i}]`).join('\n')],
  ];
  for (const [name, make] of pathological) {
    test(`linear time: ${name}`, () => assertLinear(make, SMALL));
  }

  const piece = fc.constantFrom(
    '[',
    ']',
    '=',
    ':',
    '#',
    ';',
    ' ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    'a',
    'B',
    'profile ',
    'default',
    'DEFAULT',
    '"',
    "'",
    '\\',
    'é',
    '日',
    '\u00a0',
    '\u000b',
    '\u0085',
    '\u2028',
    '\ufeff',
    's3 =\n  ',
  );
  test('property: any INI-ish text parses or throws ConfigError', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 80 }).map((p) => p.join('')),
        (text) => {
          try {
            parseIni(text, FILE);
          } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
          }
        },
      ),
      { numRuns: 25_000 },
    );
  });

  // What the time bound of the property above was for (a regular expression that backtracks on
  // some line, say), measured as growth: the text many times over, each copy in a section of its own.
  test('property: any INI-ish text, repeated, parses in linear time', () => {
    const repeated = (text: string) => (n: number) => {
      const copies: string[] = [];
      for (let i = 0, size = 0; size < n; i++) {
        copies.push(`\n[copy ${i}]\n${text}`);
        size += copies[i]!.length;
      }
      return copies.join('');
    };
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 80 }).map((p) => p.join('')),
        (text) => assertLinear(repeated(text), 20_000),
      ),
      { numRuns: 40 },
    );
  });
});
