import assert from 'node:assert/strict';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileId, findTarget, TargetError } from '../../src/child/find-target.ts';
import { shebang } from '../../src/child/shebang.ts';
import { MAX_DEPTH, calledBackFrom, checkDepth, launchMarkers } from '../../src/child/recursion.ts';
import { ExitCode, MfaExecError } from '../../src/errors.ts';

/*
 * Layout (all under one temp dir):
 *   self/cli.js               the entry point ("us")
 *   shims/terraform, aws      symlinks to ../self/cli.js
 *   shimlink                  symlink to shims (a symlinked shim directory)
 *   hard/terraform            hard link to self/cli.js
 *   real/terraform, aws       executables
 *   real2/terraform           another executable
 *   noexec/terraform, only    mode 0644
 *   dirs/terraform/, onlydir/ directories
 *   broken/terraform          dangling symlink
 *   execdir/terraform/        a directory with mode 0755
 *   cwd/bin/tool              executable; cwd/bin/plain 0644; cwd/bin/sub/ directory
 */
const T = mkdtempSync(join(tmpdir(), 'mfa-exec-find-'));
after(() => rmSync(T, { recursive: true, force: true }));

function file(rel: string, mode: number): string {
  const p = join(T, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, '#!/bin/sh\nexit 0\n');
  chmodSync(p, mode);
  return p;
}
function dir(rel: string, mode = 0o755): string {
  const p = join(T, rel);
  mkdirSync(p, { recursive: true });
  chmodSync(p, mode);
  return p;
}

const SELF = file('self/cli.js', 0o755);
dir('shims');
symlinkSync('../self/cli.js', join(T, 'shims/terraform'));
symlinkSync('../self/cli.js', join(T, 'shims/aws'));
symlinkSync(join(T, 'shims'), join(T, 'shimlink'));
dir('hard');
linkSync(SELF, join(T, 'hard/terraform'));
file('real/terraform', 0o755);
file('real/aws', 0o755);
file('real2/terraform', 0o755);
file('noexec/terraform', 0o644);
file('noexec/only', 0o644);
dir('dirs/terraform');
dir('dirs/onlydir');
dir('broken');
symlinkSync(join(T, 'nowhere/terraform'), join(T, 'broken/terraform'));
dir('execdir/terraform', 0o755);
dir('empty');
file('cwd/bin/tool', 0o755);
file('cwd/bin/plain', 0o644);
dir('cwd/bin/sub');
file('badinterp/terraform', 0o755);
writeFileSync(join(T, 'badinterp/terraform'), '#!/no/such/interpreter -x\necho hi\n');

const SELF_IDS: ReadonlySet<string> = new Set([fileId(SELF)!]);
const PATH = (...dirs: string[]) => dirs.map((d) => join(T, d)).join(delimiter);

describe('findTarget: the first real executable in PATH order, never ourselves', () => {
  const cases: { name: string; path: string[]; target?: string; want: string; calledBack?: string }[] = [
    { name: 'first by PATH order', path: ['real', 'real2'], want: 'real/terraform' },
    { name: 'PATH order decides, not the directory name', path: ['real2', 'real'], want: 'real2/terraform' },
    { name: 'a symlink to ourselves is skipped', path: ['shims', 'real'], want: 'real/terraform' },
    { name: 'a hard link to ourselves is skipped', path: ['hard', 'real'], want: 'real/terraform' },
    { name: 'a symlinked shim directory is skipped', path: ['shimlink', 'real'], want: 'real/terraform' },
    {
      name: 'ourselves reached every way at once',
      path: ['shimlink', 'hard', 'shims', 'self', 'real2'],
      target: 'terraform',
      want: 'real2/terraform',
    },
    { name: 'the shim directory listed twice', path: ['shims', 'shims', 'real'], want: 'real/terraform' },
    { name: 'the real directory listed twice', path: ['real', 'real', 'real2'], want: 'real/terraform' },
    { name: 'a non-executable file earlier in PATH is passed over', path: ['noexec', 'real'], want: 'real/terraform' },
    { name: 'a directory earlier in PATH is passed over', path: ['dirs', 'real'], want: 'real/terraform' },
    { name: 'an executable directory earlier in PATH is passed over', path: ['execdir', 'real'], want: 'real/terraform' },
    { name: 'a dangling symlink earlier in PATH is passed over', path: ['broken', 'real'], want: 'real/terraform' },
    { name: 'an empty and a missing PATH entry are harmless', path: ['empty', 'no-such-dir', 'real'], want: 'real/terraform' },
    { name: 'another name in the same dirs', path: ['shims', 'real'], target: 'aws', want: 'real/aws' },
    {
      name: 'called back by a target: the program after it in PATH',
      path: ['real', 'real2'],
      calledBack: 'real/terraform',
      want: 'real2/terraform',
    },
    {
      name: 'called back, with shims in between',
      path: ['real', 'shims', 'hard', 'real2'],
      calledBack: 'real/terraform',
      want: 'real2/terraform',
    },
    {
      name: 'called back by the last program: it called itself, found again',
      path: ['real', 'real2'],
      calledBack: 'real2/terraform',
      want: 'real/terraform',
    },
    {
      name: 'called back by a program not in PATH: the first one',
      path: ['real', 'real2'],
      calledBack: 'real/aws',
      want: 'real/terraform',
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.path.join(':')}`, () => {
      const got = findTarget(c.target ?? 'terraform', {
        pathEnv: PATH(...c.path),
        cwd: join(T, 'cwd'),
        selfIds: SELF_IDS,
        calledBackFrom: c.calledBack === undefined ? undefined : fileId(join(T, c.calledBack)),
      });
      assert.equal(got.path, join(T, c.want));
      assert.equal(got.id, fileId(join(T, c.want)));
      assert.ok(!SELF_IDS.has(got.id));
    });
  }
});

describe('findTarget: failures are TargetErrors with the shell’s exit codes', () => {
  const cases: { name: string; target: string; path: string[]; code: number; message: RegExp[] }[] = [
    { name: 'not in PATH at all', target: 'nosuch', path: ['real', 'noexec'], code: 127, message: [/'nosuch'/, /not found/i] },
    { name: 'empty PATH', target: 'terraform', path: [], code: 127, message: [/'terraform'/] },
    { name: 'only our own shims', target: 'terraform', path: ['shims', 'shimlink', 'hard'], code: 127, message: [/shims/] },
    {
      name: 'only a non-executable file',
      target: 'only',
      path: ['empty', 'noexec'],
      code: 126,
      message: [/not executable/, /noexec\/only/],
    },
    {
      name: 'shims, then only a non-executable file',
      target: 'terraform',
      path: ['shims', 'noexec'],
      code: 126,
      message: [/not executable/],
    },
    { name: 'only a directory', target: 'onlydir', path: ['dirs'], code: 126, message: [/directory/] },
    { name: 'only a dangling symlink', target: 'terraform', path: ['broken'], code: 127, message: [/'terraform'/] },
    {
      name: 'a script whose #! interpreter is missing',
      target: 'terraform',
      path: ['badinterp', 'real'],
      code: 126,
      message: [/interpreter/, /\/no\/such\/interpreter/],
    },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.code}`, () => {
      assert.throws(
        () => findTarget(c.target, { pathEnv: PATH(...c.path), cwd: T, selfIds: SELF_IDS }),
        (e: unknown) => {
          assert.ok(e instanceof TargetError, String(e));
          assert.ok(e instanceof MfaExecError);
          assert.equal(e.exitCode, c.code);
          for (const m of c.message) assert.match(e.message, m);
          return true;
        },
      );
    });
  }

  test('the exit codes are the documented ones', () => {
    assert.equal(ExitCode.notFound, 127);
    assert.equal(ExitCode.cannotExecute, 126);
  });
});

describe('findTarget: a name containing / is a path, resolved against cwd (PATH not consulted)', () => {
  const ok: { name: string; target: string; want: string }[] = [
    { name: 'relative with a directory', target: 'bin/tool', want: 'cwd/bin/tool' },
    { name: './relative', target: './bin/tool', want: 'cwd/bin/tool' },
    { name: '../relative', target: '../cwd/bin/tool', want: 'cwd/bin/tool' },
    { name: 'absolute', target: join(T, 'real/terraform'), want: 'real/terraform' },
  ];
  for (const c of ok) {
    test(`${c.name}: ${c.target}`, () => {
      const got = findTarget(c.target, { pathEnv: PATH('real2'), cwd: join(T, 'cwd'), selfIds: SELF_IDS });
      assert.equal(got.path, join(T, c.want));
      assert.equal(got.id, fileId(join(T, c.want)));
    });
  }

  const bad: { name: string; target: string; code: number }[] = [
    { name: 'missing', target: './bin/nope', code: 127 },
    { name: 'not executable', target: 'bin/plain', code: 126 },
    { name: 'a directory', target: './bin/sub', code: 126 },
    { name: 'a directory with a trailing slash', target: 'bin/sub/', code: 126 },
  ];
  for (const c of bad) {
    test(`${c.name}: ${c.target} → ${c.code}`, () => {
      assert.throws(
        () => findTarget(c.target, { pathEnv: PATH('real'), cwd: join(T, 'cwd'), selfIds: SELF_IDS }),
        (e: unknown) => e instanceof TargetError && e.exitCode === c.code,
      );
    });
  }

  test('resolution uses the cwd option, not process.cwd()', () => {
    assert.notEqual(process.cwd(), join(T, 'cwd'));
    assert.equal(findTarget('bin/tool', { pathEnv: '', cwd: join(T, 'cwd'), selfIds: new Set() }).path, join(T, 'cwd/bin/tool'));
  });
});

describe('shebang', () => {
  const cases: [string, string, string | undefined][] = [
    ['sh script', '#!/bin/sh\nexit 0\n', '/bin/sh'],
    ['env with an argument', '#!/usr/bin/env node\n', '/usr/bin/env'],
    ['space after #!', '#! /bin/bash -e\n', '/bin/bash'],
    ['no #! line', 'echo hi\n', undefined],
    ['empty file', '', undefined],
    ['#! alone', '#!\n', undefined],
    ['binary', '\u007fELF\u0002\u0001', undefined],
  ];
  for (const [name, text, want] of cases) {
    test(`${name} → ${String(want)}`, () => {
      const p = join(T, `shebang-${name.replace(/\W+/g, '-')}`);
      writeFileSync(p, text);
      assert.equal(shebang(p), want);
    });
  }
  test('missing file → undefined', () => assert.equal(shebang(join(T, 'no-such-file')), undefined));
});

describe('fileId', () => {
  test('a symlink and a hard link share the id of their target; a copy does not', () => {
    assert.equal(fileId(join(T, 'shims/terraform')), fileId(SELF));
    assert.equal(fileId(join(T, 'hard/terraform')), fileId(SELF));
    assert.equal(fileId(join(T, 'shimlink/terraform')), fileId(SELF));
    assert.notEqual(fileId(join(T, 'real/terraform')), fileId(SELF));
    assert.match(fileId(SELF)!, /^\d+:\d+$/);
  });

  test('missing or dangling → undefined', () => {
    assert.equal(fileId(join(T, 'nope')), undefined);
    assert.equal(fileId(join(T, 'broken/terraform')), undefined);
  });
});

describe('recursion guard (MFA_EXEC_LAUNCHED / MFA_EXEC_DEPTH)', () => {
  const launcher = 4242;
  const cases: { name: string; name_: string; env: NodeJS.ProcessEnv; ppid: number; want?: string }[] = [
    { name: 'no marker', name_: 'terraform', env: {}, ppid: launcher },
    {
      name: 'called back directly by the target we launched',
      name_: 'terraform',
      env: { MFA_EXEC_LAUNCHED: `${launcher} terraform 1:2` },
      ppid: launcher,
      want: '1:2',
    },
    {
      name: 'another name (terragrunt → terraform) is ordinary nesting',
      name_: 'terraform',
      env: { MFA_EXEC_LAUNCHED: `${launcher} terragrunt 1:2` },
      ppid: launcher,
    },
    { name: 'an unrelated parent', name_: 'terraform', env: { MFA_EXEC_LAUNCHED: `${launcher} terraform 1:2` }, ppid: 999_999_999 },
    { name: 'a malformed marker', name_: 'terraform', env: { MFA_EXEC_LAUNCHED: `${launcher} terraform` }, ppid: launcher },
    { name: 'a marker with extra words', name_: 'terraform', env: { MFA_EXEC_LAUNCHED: `${launcher} terraform 1:2 x` }, ppid: launcher },
  ];
  for (const c of cases) {
    test(`calledBackFrom: ${c.name}`, () => assert.equal(calledBackFrom(c.name_, c.env, c.ppid), c.want));
  }

  test('calledBackFrom: called back through a wrapper the target spawned (grandparent)', () => {
    // Our parent's parent is process.ppid: pretend we are a process whose parent is this test process.
    const env = { MFA_EXEC_LAUNCHED: `${process.ppid} terraform 7:8` };
    assert.equal(calledBackFrom('terraform', env, process.pid), '7:8');
  });

  const depths: [string | undefined, number | 'throws'][] = [
    [undefined, 1],
    ['0', 1],
    ['1', 2],
    ['garbage', 1],
    [String(MAX_DEPTH - 1), MAX_DEPTH],
    [String(MAX_DEPTH), 'throws'],
    ['1000', 'throws'],
  ];
  for (const [value, want] of depths) {
    test(`checkDepth: MFA_EXEC_DEPTH=${String(value)} → ${want}`, () => {
      const env: NodeJS.ProcessEnv = value === undefined ? {} : { MFA_EXEC_DEPTH: value };
      if (want === 'throws') {
        assert.throws(
          () => checkDepth(env, 'terraform'),
          (e: unknown) => e instanceof MfaExecError && e.exitCode === 126 && /'terraform'/.test(e.message),
        );
      } else {
        assert.equal(checkDepth(env, 'terraform'), want);
      }
    });
  }

  test('launchMarkers round-trips through calledBackFrom for a direct child', () => {
    const markers = launchMarkers('terraform', '5:6', 3);
    assert.equal(markers.MFA_EXEC_DEPTH, '3');
    assert.equal(calledBackFrom('terraform', markers, process.pid), '5:6');
    assert.equal(calledBackFrom('aws', markers, process.pid), undefined);
  });
});
