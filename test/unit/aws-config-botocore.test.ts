/**
 * Differential tests: the same files through botocore (the AWS CLI's reader, via
 * test/helpers/botocore_profiles.py) and through loadAwsFiles must give the same profiles, the
 * same values, in the same order — or both refuse the files.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { parseNestedValue } from '../../src/aws-config/ini.ts';
import { loadAwsFiles } from '../../src/aws-config/load.ts';
import { configFilePaths } from '../../src/aws-config/paths.ts';
import { ConfigError } from '../../src/errors.ts';
import { needsPython } from '../helpers/needs.ts';

const HELPER = fileURLToPath(new URL('../helpers/botocore_profiles.py', import.meta.url));
const PYTHON = process.env.PYTHON ?? 'python3';
const skip = needsPython(PYTHON, 'botocore');

type Values = Record<string, string | { nested: Record<string, string> }>;
type Result =
  | { profiles: Record<string, Values>; names: string[]; sso_sessions: Record<string, Values>; sso_names: string[] }
  | { error: string; detail?: string };

/** Settings as the helper prints them: nested blocks split as botocore's _parse_nested does. */
function valuesOf(values: Readonly<Record<string, string>>): Values {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => {
      const nested = parseNestedValue(value);
      return [key, nested === undefined ? value : { nested: Object.fromEntries(nested) }];
    }),
  ) as Values;
}

/** Our answer, in the helper's JSON shape (nested blocks split as botocore's _parse_nested does). */
function ours(configFile: string, credentialsFile: string): Result {
  let files;
  try {
    files = loadAwsFiles({ AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile }, '/nonexistent-home', process.cwd());
  } catch (e) {
    if (e instanceof ConfigError) return { error: 'ConfigError', detail: e.message };
    throw e;
  }
  // Object.fromEntries (not obj[key] = ...) so that "__proto__" is an own key, as in JSON.parse.
  const profiles = Object.fromEntries([...files.profiles].map(([name, profile]) => [name, valuesOf(profile.values)]));
  const sessions = files.ssoSessions ?? new Map();
  const ssoSessions = Object.fromEntries([...sessions].map(([name, session]) => [name, valuesOf(session.values)]));
  return { profiles, names: [...files.profiles.keys()], sso_sessions: ssoSessions, sso_names: [...sessions.keys()] };
}

function assertSame(botocore: Result, mine: Result, label: string): void {
  if ('error' in botocore) {
    assert.ok('error' in mine, `${label}: botocore refuses (${botocore.detail}), we read ${JSON.stringify(mine)}`);
    return;
  }
  assert.ok(!('error' in mine), `${label}: botocore reads ${JSON.stringify(botocore)}, we refuse: ${'error' in mine ? mine.detail : ''}`);
  assert.deepEqual(mine.names, botocore.names, `${label}: profile names/order`);
  assert.deepEqual(mine.profiles, botocore.profiles, `${label}: values`);
  assert.deepEqual(mine.sso_names, botocore.sso_names, `${label}: sso-session names/order`);
  assert.deepEqual(mine.sso_sessions, botocore.sso_sessions, `${label}: sso-session values`);
}

interface Case {
  name: string;
  /** File contents; undefined = the file does not exist. */
  config?: string | Buffer;
  credentials?: string | Buffer;
  /** What botocore must do (documents the case; checked too). */
  expect: 'reads' | 'refuses';
}

const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const corpus: Case[] = [
  { name: 'both files missing', expect: 'reads' },
  { name: 'both files empty', config: '', credentials: '', expect: 'reads' },
  {
    name: 'typical MFA + role setup',
    config:
      '[default]\nregion = eu-west-1\n\n[profile base]\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n\n' +
      '[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\nmfa_serial = arn:aws:iam::111111111111:mfa/me\nduration_seconds = 3600\n',
    credentials: `[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = ${secret}\n`,
    expect: 'reads',
  },
  {
    name: 'inline comments are part of values; true/false stay strings',
    config: '[default]\nregion = us-east-1 # prod\noutput = json ; x\ncli_pager =\nparameter_validation = false\n',
    expect: 'reads',
  },
  { name: 'full-line and indented comments', config: '# top\n; top\n[default]\n  # in\na = 1\n   ; between\n  cont\n', expect: 'reads' },
  {
    name: 'CRLF',
    config: '[default]\r\nregion = us-east-1\r\n\r\n[profile x]\r\na = 1\r\n',
    credentials: '[x]\r\nb = 2\r\n',
    expect: 'reads',
  },
  { name: 'lone CR line ends', config: '[default]\rregion = a\r[profile x]\rb = c', expect: 'reads' },
  { name: 'BOM in config', config: '\ufeff[default]\nregion = x\n', expect: 'refuses' },
  { name: 'BOM in credentials', config: '[default]\n', credentials: '\ufeff[default]\n', expect: 'refuses' },
  { name: 'BOM before a comment', config: '\ufeff# c\n[default]\n', expect: 'refuses' },
  { name: 'continuation lines and blank lines inside values', config: '[default]\na = 1\n  two\n\n  three\n\n\nb = x\n', expect: 'reads' },
  {
    name: 'colon delimiter, = and : inside values',
    config: '[profile p]\nrole_arn: arn:aws:iam::1:role/a=b\nk = v:w=x\n',
    expect: 'reads',
  },
  { name: 'duplicate section', config: '[default]\na=1\n[default]\nb=2\n', expect: 'refuses' },
  { name: 'duplicate section via trailing text after ]', config: '[profile a]\n[profile a] # again\n', expect: 'refuses' },
  { name: 'duplicate option differing in case', config: '[default]\nRegion = a\nregion = b\n', expect: 'refuses' },
  { name: 'duplicate option in credentials', config: '[default]\n', credentials: '[default]\nx=1\nx : 2\n', expect: 'refuses' },
  { name: 'same option in config and credentials is fine', config: '[default]\nx=1\n', credentials: '[default]\nx=2\n', expect: 'reads' },
  {
    name: 'quoted profile names and shlex escapes',
    config: '[profile "my name"]\na=1\n[profile \'single q\']\nb=2\n[profile a\\ b]\nc=3\n[profile "x\\"y"]\nd=4\n[profile \'\']\ne=5\n',
    expect: 'reads',
  },
  {
    name: 'sections that are not profiles',
    config:
      '[profile a b]\na=1\n[profile]\nb=2\n[profileX]\nc=3\n[profile "unbal]\nd=4\n[sso-session s]\ne=5\n[services t]\nf=6\n[preview]\ng=7\n[Default]\nh=8\n[ default ]\ni=9\n',
    expect: 'reads',
  },
  { name: '[profileX y] is the profile y', config: '[profileX y]\na=1\n[profiles z]\nb=2\n', expect: 'reads' },
  {
    name: "sso-session sections: the name split like a profile's, a later one replacing an earlier one, none from credentials",
    config:
      '[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Dev\n' +
      '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access, x\n' +
      '[sso-session "two words"]\nsso_region = a\n[sso-session a b]\nx = 1\n[sso-session]\ny = 2\n[sso-sessionX z]\nz = 3\n' +
      '[sso-session "corp"]\nsso_region = us-east-1\n[DEFAULT]\ninherited = yes\n',
    credentials: '[sso-session other]\nsso_region = c\n',
    expect: 'reads',
  },
  {
    name: 'unicode, dots, spaces, brackets in names',
    config:
      '[profile café]\na=1\n[profile dev.eu-west-1]\nb=2\n[profile 日本]\nc=3\n[profile "a.b c"]\nd=4\n[profile q]]\ne=5\n[profile r]tail\nf=6\n',
    credentials: '[a.b]\nx=1\n[with space]\ny=2\n[日本]\nz=3\n',
    expect: 'reads',
  },
  { name: '[default] then [profile default]', config: '[default]\na=1\n[profile default]\nb=2\n', expect: 'reads' },
  {
    name: '[profile default] then [default]',
    config: '[profile default]\nb=2\n[default]\na=1\n',
    credentials: '[default]\nc=3\n',
    expect: 'reads',
  },
  {
    name: 'credentials override config per key, add profiles',
    config: '[default]\na=1\nb=1\n[profile x]\nc=1\n',
    credentials: '[default]\nb=2\n[x]\nc=2\nd=2\n[new]\ne=1\n[profile x]\nf=1\n',
    expect: 'reads',
  },
  { name: 'config missing, credentials present', credentials: '[default]\naws_access_key_id = A\n[other]\n', expect: 'reads' },
  { name: 'credentials missing, config present', config: '[default]\nregion = r\n', expect: 'reads' },
  {
    name: '[DEFAULT] in config is inherited',
    config: '[DEFAULT]\nregion = d\n[default]\na=1\n[profile x]\nregion = own\n[DEFAULT]\nlate = 1\n',
    expect: 'reads',
  },
  {
    name: '[DEFAULT] in credentials is inherited',
    config: '[profile a]\n',
    credentials: '[DEFAULT]\naws_access_key_id = K\n[a]\n[b]\n',
    expect: 'reads',
  },
  { name: 'repeated key across [DEFAULT] blocks', config: '[DEFAULT]\na=1\n[DEFAULT]\na=2\n[default]\n', expect: 'refuses' },
  {
    name: 'nested s3 block',
    config: '[default]\ns3 =\n  addressing_style = path\n  Signature_Version = s3v4\n\n  max = 1=2\nregion = r\n',
    expect: 'reads',
  },
  { name: 'nested block in credentials', config: '[default]\n', credentials: '[default]\ns3 =\n  a = b\n', expect: 'reads' },
  { name: 'nested block with a colon line', config: '[default]\ns3 =\n  addressing_style: path\n', expect: 'refuses' },
  { name: 'nested block via blank line', config: '[default]\ns3 =\n\n   a=b\n', expect: 'reads' },
  { name: 'bad nested block only in [DEFAULT] with no sections', config: '[DEFAULT]\ns3 =\n  nope\n', expect: 'reads' },
  { name: 'bad nested block in [DEFAULT] inherited by a section', config: '[DEFAULT]\ns3 =\n  nope\n[preview]\n', expect: 'refuses' },
  { name: 'line before any section', config: 'region = us-east-1\n[default]\n', expect: 'refuses' },
  { name: 'neither header nor setting', config: '[default]\nregion us-west-2\n', expect: 'refuses' },
  { name: 'empty key', config: '[default]\n= x\n', expect: 'refuses' },
  { name: 'empty header []', config: '[default]\n[]\n', expect: 'refuses' },
  { name: 'indented header is a continuation', config: '[default]\na = 1\n  [profile x]\n  b = 2\n', expect: 'reads' },
  { name: 'indented first key', config: '[default]\n   a = 1\n   b = 2\n    c\n', expect: 'reads' },
  { name: 'key case and whitespace', config: '[default]\n  AWS_Access_Key_ID   =   A B  \n\tTab\t:\tv\t\n', expect: 'reads' },
  {
    name: 'Python whitespace: NBSP, \\v, \\f, \\x1c, U+3000, U+2028',
    config: '[default]\n\u00a0a\u3000=\u000b1\u000c\nb = x\x1c\n\u2028c = 3\n',
    expect: 'reads',
  },
  { name: 'U+FEFF inside a value is not whitespace', config: '[default]\nb = \ufeffx\n', expect: 'reads' },
  { name: 'invalid UTF-8 in config', config: Buffer.from('[default]\nregion = caf\xe9\n', 'latin1'), expect: 'refuses' },
  {
    name: 'invalid UTF-8 in credentials',
    config: '',
    credentials: Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0x6b, 0x3d, 0xc3, 0x28, 0x0a]),
    expect: 'refuses',
  },
  {
    name: 'JS-special keys and names',
    config: '[profile __proto__]\n__proto__ = a\nconstructor = b\n[profile constructor]\ntoString = c\n',
    expect: 'reads',
  },
  { name: 'integer-like profile names keep file order', config: '[profile 2]\n[profile 1]\n[default]\n[profile 0]\n', expect: 'reads' },
  { name: 'no newline at end, trailing whitespace', config: '[default]\nregion = r   ', expect: 'reads' },
  { name: 'unicode key lower-casing', config: '[default]\nÄÖ = 1\nΣΑΣ = 2\nİ = 3\n', expect: 'reads' },
];

describe('loadAwsFiles reads what botocore reads', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-botocore-'));
  const paths: [string, string][] = [];
  let answers: Result[] = [];
  before(() => {
    corpus.forEach((c, i) => {
      const caseDir = join(dir, String(i));
      mkdirSync(caseDir);
      const configPath = join(caseDir, 'config');
      const credentialsPath = join(caseDir, 'credentials');
      if (c.config !== undefined) writeFileSync(configPath, c.config);
      if (c.credentials !== undefined) writeFileSync(credentialsPath, c.credentials);
      paths.push([configPath, credentialsPath]);
    });
    const run = spawnSync(PYTHON, [HELPER, '--batch'], { input: JSON.stringify(paths), encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    answers = JSON.parse(run.stdout) as Result[];
    assert.equal(answers.length, corpus.length);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  corpus.forEach((c, i) => {
    test(c.name, () => {
      const botocore = answers[i] as Result;
      const [configPath, credentialsPath] = paths[i] as [string, string];
      assert.equal('error' in botocore ? 'refuses' : 'reads', c.expect, `botocore: ${JSON.stringify(botocore)}`);
      assertSame(botocore, ours(configPath, credentialsPath), c.name);
    });
  });
  test('the secret in the corpus never appears in our error messages', () => {
    for (const [configPath, credentialsPath] of paths) {
      const mine = ours(configPath, credentialsPath);
      if ('error' in mine) assert.ok(!mine.detail?.includes(secret));
    }
  });
});

/** One long-lived helper process answering case after case (so fast-check can shrink). */
class Botocore {
  private readonly child = spawn(PYTHON, [HELPER, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  private readonly waiting: ((line: string) => void)[] = [];
  constructor() {
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
  }
  ask(configPath: string, credentialsPath: string): Promise<Result> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('botocore helper did not answer in 10 s')), 10_000);
      this.waiting.push((line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Result);
      });
      this.child.stdin.write(`${JSON.stringify([configPath, credentialsPath])}\n`);
    });
  }
  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

// Small alphabets, so that collisions (duplicate keys and sections, [default] vs [profile
// default], DEFAULT) and every odd character class appear often; the structure (a header, then
// settings) keeps most files valid so that values get compared, not just refusals.
const ws = fc.constantFrom('', '', '', ' ', '  ', '\t', '\u00a0', '\u000b', '\u3000', '\u2028', '\x1c');
const nameChar = fc.constantFrom(
  'a',
  'b',
  'c',
  'A',
  ' ',
  '"',
  "'",
  '\\',
  '.',
  '-',
  'é',
  '日',
  ']',
  '[',
  '#',
  '=',
  ':',
  '\t',
  '\ufeff',
  '\u0085',
);
const word = fc.array(nameChar, { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
const sectionName = fc.oneof(
  fc.constantFrom(
    'default',
    'DEFAULT',
    'profile default',
    'profile a',
    'profile "a"',
    'profile b',
    'sso-session s',
    'sso-session "s"',
    'sso-session',
    'services x',
    'a',
    'b',
  ),
  fc
    .tuple(fc.constantFrom('profile ', 'profile ', 'profile', 'profileX ', ''), word, fc.constantFrom('', '', ' ', ' x', ' "y z"'))
    .map((p) => p.join('')),
);
const keyChar = fc.constantFrom('a', 'b', 'c', 'A', 'B', ' ', '"', "'", '\\', '.', '-', 'é', 'É', '日', ']', '\t', '\ufeff', '\u0085');
const keyName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'A', 'region', 's3', 'x y', '__proto__') },
  { weight: 4, arbitrary: fc.array(keyChar, { minLength: 1, maxLength: 4 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: word },
);
const valueText = fc.oneof(fc.constantFrom('', '1', 'true', 'v # c', 'a=b', 'x:y', 'p = q', secret), word);
const header = fc.tuple(ws, sectionName, fc.constantFrom(']', ']', ']', '] # c', ']]', ']x')).map(([w, n, close]) => `${w}[${n}${close}`);
const setting = fc.tuple(keyName, ws, fc.constantFrom('=', ':', ' = ', ' : '), ws, valueText, ws).map((p) => p.join(''));
const bodyLine = fc.oneof(
  { weight: 20, arbitrary: setting },
  { weight: 4, arbitrary: fc.tuple(ws, fc.constantFrom('#', ';'), word).map((p) => p.join('')) },
  { weight: 6, arbitrary: ws },
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(' ', '  ', '\t'), fc.oneof(word, setting)).map((p) => p.join('')) },
  { weight: 2, arbitrary: header.map((h) => `  ${h}`) },
  { weight: 1, arbitrary: word }, // usually an error
);
const section = fc.tuple(header, fc.array(bodyLine, { maxLength: 5 })).map(([h, body]) => [h, ...body]);
const eol = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r');
const structured = fc
  .tuple(
    fc.array(fc.oneof(ws, fc.constant('# top')), { maxLength: 2 }),
    fc.array(section, { minLength: 1, maxLength: 4 }),
    eol,
    fc.constantFrom(...Array<string>(19).fill(''), '\ufeff'),
  )
  .map(([preamble, sections, end, bom]) => bom + [...preamble, ...sections.flat()].join(end) + end);
const raw = fc
  .array(
    fc.constantFrom(
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
      '\n  ',
    ),
    {
      maxLength: 60,
    },
  )
  .map((a) => a.join(''));
/** undefined = file missing. */
const fileText = fc.oneof(
  { weight: 8, arbitrary: structured },
  { weight: 1, arbitrary: raw },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

describe('property: random INI-ish files read the same as botocore', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-botocore-fc-'));
  const configPath = join(dir, 'config');
  const credentialsPath = join(dir, 'credentials');
  let botocore: Botocore;
  before(() => {
    botocore = new Botocore();
  });
  after(() => {
    botocore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // MFA_EXEC_FC_RUNS=100000 for a longer hunt; FC_SEED to replay a failure.
  const numRuns = Number(process.env.MFA_EXEC_FC_RUNS ?? 10_000);
  const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
  test(`${numRuns} random config/credentials pairs`, async (t) => {
    const refusals = new Map<string, number>(); // botocore's reason -> count
    let compared = 0; // profiles compared value by value
    const write = (path: string, text: string | undefined) => {
      if (text === undefined) rmSync(path, { force: true });
      else writeFileSync(path, text);
    };
    await fc.assert(
      fc.asyncProperty(fileText, fileText, async (config, credentials) => {
        write(configPath, config);
        write(credentialsPath, credentials);
        const expected = await botocore.ask(configPath, credentialsPath);
        const mine = ours(configPath, credentialsPath);
        if ('error' in expected) refusals.set(expected.detail ?? '', (refusals.get(expected.detail ?? '') ?? 0) + 1);
        else compared += expected.names.length;
        assertSame(expected, mine, JSON.stringify({ config, credentials }));
        if ('error' in mine) assert.ok(!mine.detail?.includes(secret.slice(0, 20)), `secret echoed: ${mine.detail}`);
      }),
      { numRuns, ...(seed === undefined ? {} : { seed }) },
    );
    const refused = [...refusals.values()].reduce((a, b) => a + b, 0);
    const reasons = [...refusals].map(([reason, n]) => `${reason} ${n}`).join(', ');
    t.diagnostic(`botocore refused ${refused} pairs (${reasons}); ${compared} profiles compared in the others`);
  });
});

describe('property: AWS_CONFIG_FILE is expanded like os.path.expanduser(os.path.expandvars(path))', { skip }, () => {
  test('2000 random paths against Python, one process', () => {
    const env = { HOME: '/home/u', A: '/va', AB: '$B', B: '~', _1: 'x}y', 'A B': 'space', '{': 'brace' };
    const paths = fc.sample(
      fc
        .array(fc.constantFrom('$', '{', '}', 'A', 'B', '_', '1', ' ', '/', '~', 'x', '$A', '${', '${A}', '~/'), {
          minLength: 1,
          maxLength: 12,
        })
        .map((a) => a.join('')),
      { numRuns: 2000, seed: 42 },
    );
    const script = 'import json, os, sys\nprint(json.dumps([os.path.expanduser(os.path.expandvars(p)) for p in json.load(sys.stdin)]))';
    const run = spawnSync(PYTHON, ['-c', script], {
      input: JSON.stringify(paths),
      encoding: 'utf8',
      env: { ...env, PATH: process.env.PATH },
    });
    assert.equal(run.status, 0, run.stderr);
    const expected = JSON.parse(run.stdout) as string[];
    paths.forEach((path, i) => {
      const mine = configFilePaths({ ...env, AWS_CONFIG_FILE: path }, '/home/u', '/cwd').configFile;
      assert.equal(mine, resolve('/cwd', expected[i] as string), JSON.stringify(path));
    });
  });
});
