/**
 * quoteCredentialProcess: the credential_process line of a served profile must run exactly
 * `<command…> credential-process --profile=NAME` in every SDK. Each written line goes through
 * - botocore's own reader and splitter (configloader + compat_shell_split, via Python),
 * - the JS SDK v3's own reader (@smithy/core/config parseKnownFiles), then `/bin/sh -c` as its
 *   child_process.exec does (dash here), and bash -c (macOS and some distributions' sh),
 * - the Go SDK v2's line rules (test/helpers/go-ini.ts), then sh -c as its processcreds does,
 * and the program must receive exactly the expected argv.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { parseKnownFiles } from '@smithy/core/config';
import { quoteCredentialProcess } from '../../src/config-view/quote.ts';
import { goProperty } from '../helpers/go-ini.ts';
import { needs, needsPython } from '../helpers/needs.ts';

const HELPER = fileURLToPath(new URL('../helpers/config_view_botocore.py', import.meta.url));
const PYTHON = process.env.PYTHON ?? 'python3';
const skip = needsPython(PYTHON, 'botocore');
const SHELLS = ['/bin/sh', '/bin/dash', '/bin/bash'];
/** Each shell must run (dash and bash are Debian's; .ci/run checks them): a missing one would drop out of the table. */
const shellsSkip = needs(
  'the shells sh, dash and bash',
  SHELLS.filter((sh) => spawnSync(sh, ['-c', 'true']).status !== 0)
    .map((sh) => `${sh} does not run`)
    .join(', '),
);

/** One long-lived botocore helper. */
class Botocore {
  private readonly child = spawn(PYTHON, [HELPER, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  private readonly waiting: ((line: string) => void)[] = [];
  constructor() {
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
  }
  ask<T>(request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('botocore helper did not answer in 30 s')), 30_000);
      this.waiting.push((line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as T);
      });
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }
  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

// Profile names: every character class that matters to sh, shlex, the INI readers.
const NASTY = [
  'GEHC-056',
  'prod',
  'dev.eu-west-1',
  'a b',
  ' lead',
  'trail ',
  "it's",
  'say "hi"',
  '$HOME',
  '${HOME}',
  '`id`',
  '$(id)',
  'a\\b',
  'back\\',
  'a\\\\',
  '\\',
  '*',
  '?',
  '[ab]',
  '{a,b}',
  '~',
  '~x',
  'x=y',
  '-p',
  '--profile',
  '!',
  'a|b',
  'a&b',
  'a>b',
  'a<b',
  '(x)',
  'tab\there',
  'café',
  '日本',
  'nbsp\u00a0x',
  'vt\u000bx',
  'ls\u2028x',
  'nel\u0085x',
  "'",
  '"',
  "''",
  '""',
  '%s',
  '@x',
  "'\"'\"'",
  'a\\tb',
  'a\\ b',
  'end\\ ',
  '\u3000',
];
const UNWRITABLE = ['a#b', 'a;b', 'line\nbreak', 'cr\rx', 'nul\0x', 'a\\nb', "a\\'b", 'a\\"b', ''];

const nameChar = fc.constantFrom(
  'a',
  'B',
  '0',
  '-',
  '.',
  '_',
  ' ',
  '\t',
  "'",
  '"',
  '\\',
  '$',
  '`',
  '(',
  ')',
  '{',
  '}',
  '*',
  '?',
  '[',
  ']',
  '~',
  '=',
  '!',
  '|',
  '&',
  '<',
  '>',
  'n',
  'é',
  '日',
  '\u00a0',
  '\u2028',
  '\u000b',
  '%',
  '@',
  ':',
  ',',
  '/',
  '+',
  '^',
);
const names = fc.array(nameChar, { minLength: 1, maxLength: 8 }).map((a) => a.join(''));

describe('quoteCredentialProcess', { skip: skip || shellsSkip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-quote-'));
  // The program lives in a directory whose name needs quoting itself.
  const programDir = join(dir, "my dir 'q' $x `y` \\z é");
  const program = join(programDir, 'print-args');
  let botocore: Botocore;
  before(() => {
    mkdirSync(programDir);
    writeFileSync(program, '#!/bin/sh\nprintf \'%s\\0\' "$@"\n');
    chmodSync(program, 0o755);
    botocore = new Botocore();
  });
  after(() => {
    botocore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectedArgs = (profile: string) => ['credential-process', `--profile=${profile}`];

  /** Run the line's value through each reader and runner; collect what went wrong. */
  async function check(profiles: string[], command: string[]): Promise<void> {
    const written = profiles.map((p) => ({ p, q: quoteCredentialProcess(command, p) }));
    const ok = written.filter((w): w is { p: string; q: { ok: true; command: string } } => w.q.ok);
    // One config file with every written profile, read by botocore and by the JS SDK.
    const configPath = join(dir, 'config');
    const lines = ok.map((w, i) => `[profile p${i}]\ncredential_process = ${w.q.command}\n`).join('');
    writeFileSync(configPath, lines);
    writeFileSync(join(dir, 'credentials'), '');
    const [files] = await botocore.ask<[{ config: { profiles: Record<string, Record<string, string>> } }]>({
      op: 'files',
      pairs: [[configPath, join(dir, 'credentials')]],
    });
    const splits = await botocore.ask<(string[] | null)[]>({ op: 'split', values: ok.map((w) => w.q.command) });
    const js = await parseKnownFiles({ configFilepath: configPath, filepath: join(dir, 'credentials'), ignoreCache: true });
    ok.forEach((w, i) => {
      const label = JSON.stringify(w.p);
      const value = files.config.profiles[`p${i}`]?.credential_process;
      assert.equal(value, w.q.command, `${label}: botocore reads the line as written`);
      assert.deepEqual(splits[i], [...command, ...expectedArgs(w.p)], `${label}: botocore's split`);
      assert.equal(js[`p${i}`]?.credential_process, w.q.command, `${label}: the JS SDK reads the line as written`);
      const go = goProperty(`credential_process = ${w.q.command}`);
      assert.deepEqual(go, { key: 'credential_process', value: w.q.command }, `${label}: Go's reader keeps the value`);
      for (const sh of SHELLS) {
        const run = spawnSync(sh, ['-c', w.q.command], { encoding: 'utf8' });
        assert.equal(run.status, 0, `${label}: ${sh} -c ran it (${run.stderr})`);
        const argv = run.stdout.split('\0').slice(0, -1);
        assert.deepEqual(argv, expectedArgs(w.p), `${label}: ${sh} -c`);
      }
    });
  }

  test('names with spaces, quotes, $, backticks, backslashes, globs, unicode reach the program intact', async () => {
    for (const p of NASTY) assert.ok(quoteCredentialProcess([program], p).ok, `${JSON.stringify(p)} can be written`);
    await check(NASTY, [program]);
  });

  test('a program and a script: both words are quoted', async () => {
    await check(NASTY.slice(0, 12), ['/bin/sh', program]);
  });

  test('plain names are written as they are', () => {
    const q = quoteCredentialProcess(['/usr/bin/node', '/opt/mfa-exec/dist/cli.js'], 'GEHC-056');
    assert.deepEqual(q, { ok: true, command: '/usr/bin/node /opt/mfa-exec/dist/cli.js credential-process --profile=GEHC-056' });
  });

  test('the value never starts with a quote (Go would strip a pair around it)', () => {
    const q = quoteCredentialProcess(["/it's here/cli.js"], "it's");
    assert.ok(q.ok);
    assert.equal(q.command, `/'it'"'"'s here/cli.js' credential-process --profile='it'"'"'s'`);
  });

  test('what no SDK could read back is refused, with the reason', () => {
    for (const p of UNWRITABLE) {
      const q = quoteCredentialProcess([program], p);
      assert.equal(q.ok, false, JSON.stringify(p));
      assert.ok(!q.ok && q.reason.length > 10);
    }
    assert.equal(quoteCredentialProcess(['relative/cli.js'], 'x').ok, false);
    assert.equal(quoteCredentialProcess(['/a#b/cli.js'], 'x').ok, false);
    assert.equal(quoteCredentialProcess(['/a;b/cli.js'], 'x').ok, false);
    assert.equal(quoteCredentialProcess([], 'x').ok, false);
  });

  test('property: 300 random names either round-trip everywhere or are refused for a stated reason', async () => {
    const sample = fc.sample(names, { numRuns: 300, seed: Number(process.env.FC_SEED ?? 7) });
    const refused = sample.filter((p) => !quoteCredentialProcess([program], p).ok);
    // The only refusals this alphabet can cause: a backslash before n, ' or ".
    for (const p of refused) assert.match(p, /\\["'n]/, JSON.stringify(p));
    await check(sample, [program]);
  });
});
