// Memos of warm runs (src/memo/): what the replay checks (holds), what a recording keeps and what
// it refuses to keep, with a fake runtime and commands that look at real temporary files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { silentLogger } from '../../src/log.ts';
import type { Runtime } from '../../src/pipeline/runtime.ts';
import {
  childEnv,
  envNames,
  fingerprint,
  hash,
  MAX_SITUATIONS,
  MEMO_VERSION,
  memoKey,
  valueHash,
  type Memo,
  type MemoFile,
} from '../../src/memo/identity.ts';
import { Recording } from '../../src/memo/record.ts';
import { MAX_MEMOS } from '../../src/memo/store.ts';
import { removeMemos } from '../../src/credentials/remove-entries.ts';
import { systemTools } from '../../src/platform/tools.ts';
import { holds, usableMemo } from '../../src/memo/replay.ts';

const T = mkdtempSync(join(tmpdir(), 'mfa-exec-memo-'));
after(() => rmSync(T, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => join(T, `${name}-${n++}`);

/** A file whose ctime is well past the racy window: written, then the clock of the test is moved on. */
function oldFile(name: string, text: string): string {
  const file = fresh(name);
  writeFileSync(file, text);
  return file;
}

describe('hash and fingerprints', () => {
  test('hash: 28 hex digits, the same for the same text, different for different texts', () => {
    assert.match(hash('abc'), /^[0-9a-f]{28}$/);
    assert.equal(hash('abc'), hash('abc'));
    const seen = new Set(['', 'a', 'b', 'ab', 'ba', 'abc', 'abd', '\0', 'x'.repeat(1000), 'x'.repeat(1001)].map(hash));
    assert.equal(seen.size, 10);
  });

  test('a file changed, removed or made again is another fingerprint; a missing file is "-"', () => {
    const file = oldFile('f', 'one');
    const first = fingerprint('s', file);
    assert.equal(fingerprint('s', file), first);
    writeFileSync(file, 'two');
    assert.notEqual(fingerprint('s', file), first);
    const second = fingerprint('s', file);
    utimesSync(file, 1, 1);
    assert.notEqual(fingerprint('s', file), second, 'mtime (and ctime) are in it');
    rmSync(file);
    assert.equal(fingerprint('s', file), '-');
    assert.match(fingerprint('s', join(file, 'under-a-file')), /^(-|!ENOTDIR)$/);
  });

  test('a directory opened (S) is the same when it gains a file; stat (s) is not', () => {
    const dir = fresh('d');
    fs.mkdirSync(dir);
    const [opened, listed] = [fingerprint('S', dir), fingerprint('s', dir)];
    writeFileSync(join(dir, 'new'), 'x');
    assert.equal(fingerprint('S', dir), opened);
    assert.notEqual(fingerprint('s', dir), listed);
  });

  test('lstat (l) sees the link, stat (s) its target; realpath (r) the path it resolves to', () => {
    const target = oldFile('t', 'x');
    const link = fresh('l');
    fs.symlinkSync(target, link);
    assert.notEqual(fingerprint('l', link), fingerprint('s', link));
    assert.equal(fingerprint('s', link), fingerprint('s', target));
    assert.equal(fingerprint('r', link), fs.realpathSync(target));
    assert.equal(fingerprint('R', link), fs.realpathSync.native(target));
  });

  test('memoKey: another argument, directory, home or build is another key', () => {
    const base = { bundle: 'b1', entry: '/x/cli.js', args: ['status'], cwd: '/w', homedir: '/h' };
    const keys = [
      base,
      { ...base, bundle: 'b2' },
      { ...base, entry: '/x/shims/aws' },
      { ...base, args: ['status', '--json'] },
      { ...base, args: null },
      { ...base, cwd: '/w2' },
      { ...base, homedir: '/h2' },
    ].map(memoKey);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(memoKey(base), memoKey({ ...base }));
  });
});

describe('holds: what a replay checks', () => {
  const now = 1_800_000_000_000;
  const env: NodeJS.ProcessEnv = { AWS_PROFILE: 'prod', PATH: '/bin', HOME: '/h' };
  const prints = new Map([
    ['/h/.aws/config', 'print-1'],
    ['/h/.cache/mfa-exec/role-x.json', 'print-2'],
  ]);
  const look = (_: string, file: string) => prints.get(file) ?? '-';
  const memo: Memo = {
    from: now - 1000,
    until: now + 60_000,
    names: envNames(env),
    env: [
      ['AWS_PROFILE', valueHash('prod')],
      ['MFA_EXEC_PROFILE', null],
    ],
    args: { length: 2, at: [[0, valueHash('plan')]] },
    files: [
      ['S', '/h/.aws/config', 'print-1'],
      ['L', '/h/.cache/mfa-exec/role-x.json', 'print-2'],
      ['s', '/h/.mfa-exec', '-'],
    ],
    effect: { out: 'x', code: 0 },
  };
  const input = { file: '', key: 'k', env, args: ['plan', '-out=a'], now, look };

  test('the same run at a time inside the window: holds (later arguments not read may differ)', () => {
    assert.equal(holds(memo, input), true);
    assert.equal(holds(memo, { ...input, args: ['plan', '-out=b'] }), true);
  });

  const cases: Array<[string, Partial<typeof input>, Partial<Memo>?]> = [
    ['before it was recorded (a clock set back)', { now: now - 2000 }],
    ['at its end', { now: now + 60_000 }],
    ['a variable it read has another value', { env: { ...env, AWS_PROFILE: 'dev' } }],
    ['a variable it read unset is set', { env: { ...env, MFA_EXEC_PROFILE: 'x' } }],
    ['a variable added (not read)', { env: { ...env, OTHER: '1' } }],
    ['a variable removed', { env: { AWS_PROFILE: 'prod', PATH: '/bin' } }],
    ['an argument it read differs', { args: ['apply', '-out=a'] }],
    ['another number of arguments, which it read', { args: ['plan'] }],
    ['a file it looked at changed', { look: (l, f) => (f === '/h/.aws/config' ? 'print-3' : look(l, f)) }],
    ['a file missing then is there now', { look: (l, f) => (f === '/h/.mfa-exec' ? 'print-4' : look(l, f)) }],
  ];
  for (const [what, change, memoChange] of cases) {
    test(`does not hold: ${what}`, () => assert.equal(holds({ ...memo, ...memoChange }, { ...input, ...change }), false));
  }

  test('a memo file of another key or format, not a private regular file of ours, or not JSON, is no memo; the first memo that holds is', () => {
    const file = fresh('memo.json');
    const write = (content: MemoFile) => writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
    write({ version: MEMO_VERSION, key: 'k', memos: [{ ...memo, until: now }, memo] });
    assert.deepEqual(usableMemo({ ...input, file }), memo, 'the second: the first has ended');
    assert.equal(usableMemo({ ...input, file, key: 'k2' }), undefined, 'another key');
    write({ version: MEMO_VERSION + 1, key: 'k', memos: [memo] });
    assert.equal(usableMemo({ ...input, file }), undefined, 'another format');
    write({ version: MEMO_VERSION, key: 'k', memos: [memo] });
    assert.ok(usableMemo({ ...input, file }));
    fs.chmodSync(file, 0o644);
    assert.equal(usableMemo({ ...input, file }), undefined);
    fs.chmodSync(file, 0o600);
    const link = fresh('link.json');
    fs.symlinkSync(file, link);
    assert.equal(usableMemo({ ...input, file: link }), undefined);
    writeFileSync(file, '{"version":');
    assert.equal(usableMemo({ ...input, file }), undefined);
  });

  test("a file's memos share their looks: each file is looked at once, whichever memo holds", () => {
    const file = fresh('memo.json');
    // The first memo depends on the same two files and on one that has changed since.
    const other: Memo = { ...memo, files: [...memo.files.slice(0, 2), ['s', '/h/other', 'print-x']] };
    writeFileSync(file, JSON.stringify({ version: MEMO_VERSION, key: 'k', memos: [other, memo] }), { mode: 0o600 });
    const looked: string[] = [];
    const counting = (how: string, path: string) => (looked.push(path), look(how, path));
    assert.deepEqual(usableMemo({ ...input, file, look: counting }), memo);
    assert.deepEqual(looked, ['/h/.aws/config', '/h/.cache/mfa-exec/role-x.json', '/h/other', '/h/.mfa-exec']);
  });

  test("childEnv: ours without `remove`, with `set`, and the marker that names the starting process with this one's id", () => {
    const run = {
      file: '/bin/true',
      argv0: 'true',
      args: 0,
      remove: ['AWS_PROFILE'],
      set: { AWS_VAULT: 'prod', MFA_EXEC_LAUNCHED: 'true 1:2' },
      pidFirst: ['MFA_EXEC_LAUNCHED'],
    };
    assert.deepEqual(childEnv(run, { AWS_PROFILE: 'prod', HOME: '/h' }, 4242), {
      HOME: '/h',
      AWS_VAULT: 'prod',
      MFA_EXEC_LAUNCHED: '4242 true 1:2',
    });
  });
});

/** A runtime with what a recording touches; `out` and `runTarget` record what the command did. */
function fakeRuntime(env: NodeJS.ProcessEnv, now: number, onTarget?: () => void) {
  const outs: string[] = [];
  const started: unknown[] = [];
  const rt = {
    env,
    now: () => now,
    logger: silentLogger,
    out: (text: string) => outs.push(text),
    onDemand: () => Promise.resolve({}),
    runTarget: (options: unknown) => {
      started.push(options);
      onTarget?.();
      return Promise.resolve(3);
    },
  } as unknown as Runtime;
  return { rt, outs, started };
}

describe('Recording: what is kept, and for how long', () => {
  const cacheDirs: string[] = [];
  const cacheDir = () => {
    const dir = fresh('cache');
    fs.mkdirSync(dir, { mode: 0o700 });
    cacheDirs.push(dir);
    return dir;
  };
  const memos = (dir: string): Memo[] => {
    const memoDir = join(dir, 'memo');
    if (!fs.existsSync(memoDir)) return [];
    return readdirSync(memoDir).flatMap((f) => (JSON.parse(readFileSync(join(memoDir, f), 'utf8')) as MemoFile).memos);
  };
  // The files a command reads, written long enough ago (a clock far ahead of them) not to be racy.
  const later = Date.now() + 60_000;

  async function record(
    go: (rt: Runtime, recording: Recording) => Promise<number> | number,
    options: { env?: NodeJS.ProcessEnv; args?: string[]; shim?: boolean; now?: number; dir?: string; onTarget?: () => void } = {},
  ) {
    const dir = options.dir ?? cacheDir();
    const env = options.env ?? { AWS_PROFILE: 'prod', PATH: '/bin' };
    const now = options.now ?? later;
    const recording = new Recording({ cacheDir: dir, key: hash(dir), env, now, argv: options.args ?? [], shim: options.shim ?? false });
    const fake = fakeRuntime(env, now, options.onTarget);
    let code: number | Error;
    try {
      code = await recording.run((rt) => go(rt, recording), fake.rt);
    } catch (error) {
      code = error as Error;
    }
    return { dir, recording, code, ...fake, memos: memos(dir) };
  }

  test('a command that reads a file and a variable and prints: kept, with both, for 10 minutes', async () => {
    const config = oldFile('config', '[profile prod]\n');
    const r = await record((rt) => {
      rt.out(`${rt.env.AWS_PROFILE} ${fs.readFileSync(config, 'utf8').length}\n`);
      return 0;
    });
    assert.equal(r.code, 0);
    assert.deepEqual(r.outs, ['prod 15\n']);
    const [memo] = r.memos;
    assert.ok(memo, `no memo: ${r.recording.impure}`);
    assert.deepEqual(memo.effect, { out: 'prod 15\n', code: 0 });
    assert.deepEqual(memo.env, [['AWS_PROFILE', valueHash('prod')]]);
    assert.deepEqual(memo.files, [['s', config, fingerprint('s', config)]]);
    assert.equal(memo.until - memo.from, 600_000);
    assert.equal(statSync(join(r.dir, 'memo')).mode & 0o777, 0o700);
    assert.equal(statSync(join(r.dir, 'memo', readdirSync(join(r.dir, 'memo'))[0]!)).mode & 0o777, 0o600);
  });

  test('copying the environment whole ({...env}) reads no variable; reading one does', async () => {
    const r = await record((rt) => {
      const copy = { ...rt.env };
      rt.out(String(Object.keys(copy).length));
      return 0;
    });
    assert.deepEqual(r.memos[0]?.env, []);
  });

  test('the window is the longest (10 min, 1 min, 10 s) in which the command decides the same', async () => {
    const at = (expires: number) => (rt: Runtime) => {
      rt.out(rt.now() < expires ? 'fresh\n' : 'stale\n');
      return 0;
    };
    assert.equal((await record(at(later + 3_600_000))).memos[0]?.until, later + 600_000);
    assert.equal((await record(at(later + 300_000))).memos[0]?.until, later + 60_000);
    assert.equal((await record(at(later + 30_000))).memos[0]?.until, later + 10_000);
    assert.deepEqual((await record(at(later + 5_000))).memos, [], 'changes within 10 s: no memo');
  });

  test("a target started: the child's environment as changes to ours, the shim's arguments passed on, the marker's pid left out", async () => {
    const args = ['plan', '-out=x'];
    const r = await record(
      (rt, recording) => {
        const target = rt.env.PATH ? '/bin/terraform' : '';
        const child = { ...rt.env, AWS_ACCESS_KEY_ID: 'ASIA1', MFA_EXEC_LAUNCHED: `${process.pid} terraform 1:2` } as NodeJS.ProcessEnv;
        delete child.AWS_PROFILE;
        return rt.runTarget({ file: target, args: recording.args!, env: child, argv0: 'terraform', logger: silentLogger });
      },
      { args, shim: true },
    );
    assert.equal(r.code, 3, "the target's exit code");
    const memo = r.memos[0]!;
    assert.deepEqual(memo.effect, {
      run: {
        file: '/bin/terraform',
        argv0: 'terraform',
        args: 0,
        remove: ['AWS_PROFILE'],
        set: { AWS_ACCESS_KEY_ID: 'ASIA1', MFA_EXEC_LAUNCHED: 'terraform 1:2' },
        pidFirst: ['MFA_EXEC_LAUNCHED'],
      },
    });
    assert.deepEqual(memo.args, { at: [] }, 'no argument was read: any arguments replay it');
    assert.deepEqual(
      memo.env,
      [
        ['PATH', valueHash('/bin')],
        ['AWS_PROFILE', valueHash('prod')],
      ],
      'PATH was read; AWS_PROFILE, an AWS variable, is a dependency though only copied (removed here)',
    );
  });

  test('a shim whose decision reads its first argument: that argument (and not the others) is in the memo', async () => {
    const r = await record(
      (rt, recording) => {
        rt.out(recording.args![0] === 'version' ? 'untouched\n' : 'served\n');
        return 0;
      },
      { args: ['plan', 'x'], shim: true },
    );
    assert.deepEqual(r.memos[0]?.args, { at: [[0, valueHash('plan')]] });
  });

  test('the same command line from another situation (other variables) keeps a memo of its own beside the first', async () => {
    const dir = cacheDir();
    const go = (rt: Runtime) => (rt.out(`${rt.env.AWS_PROFILE}\n`), 0);
    await record(go, { dir, env: { AWS_PROFILE: 'prod' } });
    await record(go, { dir, env: { AWS_PROFILE: 'dev', TERM: 'x' } });
    await record(go, { dir, env: { AWS_PROFILE: 'prod' } });
    const kept = memos(dir);
    assert.equal(kept.length, 2, 'one per situation; the same situation again replaces its own');
    assert.deepEqual(
      kept.map((m) => m.effect),
      [
        { out: 'prod\n', code: 0 },
        { out: 'dev\n', code: 0 },
      ],
    );
    assert.ok(MAX_SITUATIONS >= 2);
  });

  test("a later decision that would warn, or read what this one did not, counts: a shorter window, and that file's look in the memo", async () => {
    const warns = await record((rt) => {
      if (rt.now() > later + 300_000) rt.logger.warn('the credentials may run out');
      rt.out('same\n');
      return 0;
    });
    assert.equal(warns.memos[0]?.until, later + 60_000, 'the replay would skip the warning the run at +10 min shows');
    const session = fresh('session-entry');
    const reads = await record((rt) => {
      if (rt.now() > later + 300_000) fs.existsSync(session);
      rt.out('same\n');
      return 0;
    });
    assert.equal(reads.memos[0]?.until, later + 600_000);
    assert.deepEqual(reads.memos[0]?.files, [['s', session, '-']], 'if it appears, the decision may change: decide again');
  });

  test("exec: the target's arguments are named by where they start in ours; any others keep no memo", async () => {
    const argv = ['-p', 'role', '--', 'show', 'a'];
    const start = (args: string[]) => (rt: Runtime) =>
      rt.runTarget({ file: '/bin/show', args, env: {}, argv0: 'show', logger: silentLogger });
    const r = await record(start(['a']), { args: argv });
    assert.equal((r.memos[0]?.effect as { run: { args: number } }).run.args, 4);
    const other = await record(start(['b']), { args: argv });
    assert.match(other.recording.impure ?? '', /arguments/);
    assert.deepEqual(other.memos, []);
  });

  const refused: Array<[string, (rt: Runtime) => Promise<number> | number, RegExp]> = [
    ['a file written', () => (fs.writeFileSync(fresh('w'), 'x'), 0), /a file was written/],
    ['something on stderr', () => (process.stderr.write(''), 0), /stderr/],
    ['our passphrase read', (rt) => (rt.env.MFA_EXEC_FILE_PASSPHRASE ? 0 : 0), /MFA_EXEC_FILE_PASSPHRASE was read/],
    ['/proc looked at', () => (fs.existsSync('/proc/self/stat') ? 0 : 0), /\/proc\/self\/stat was read/],
    ['an asynchronous read', () => (fs.stat(T, () => {}), 0), /asynchronous/],
    ['a terminal looked for', () => (systemTools.isatty(0) ? 0 : 0), /terminal/],
    ['a program run for an answer (ps)', () => (systemTools.output('/bin/true', []) === undefined ? 0 : 0), /\/bin\/true was run/],
  ];
  for (const [what, go, why] of refused) {
    test(`not kept: ${what}`, async () => {
      const r = await record(go, { env: { AWS_PROFILE: 'prod', MFA_EXEC_FILE_PASSPHRASE: 'secret' } });
      assert.match(r.recording.impure ?? '', why);
      assert.deepEqual(r.memos, []);
    });
  }

  test('not kept: a command that fails, or one whose on-demand code was loaded (a dry run refuses it)', async () => {
    const failed = await record(() => Promise.reject(new Error('boom')));
    assert.ok(failed.code instanceof Error);
    assert.deepEqual(failed.memos, []);
    const loads = await record(async (rt) => {
      await rt.onDemand();
      rt.out('x');
      return 0;
    });
    assert.match(loads.recording.impure ?? '', /on-demand/);
    assert.deepEqual(loads.memos, []);
  });

  test('not kept: a file it read changed within the last 3 s (a change in the same tick would go unseen)', async () => {
    const file = oldFile('racy', 'x');
    const r = await record(
      (rt) => {
        rt.out(fs.readFileSync(file, 'utf8'));
        return 0;
      },
      { now: Date.now() },
    );
    assert.deepEqual(r.memos, []);
  });

  test('not kept: a file it looked at changed while its target ran (a cache entry removed by `clear`, say)', async () => {
    const entry = oldFile('entry', 'credentials');
    const r = await record((rt) => {
      fs.readFileSync(entry);
      return rt.runTarget({ file: '/bin/true', args: [], env: {}, argv0: 'true', logger: silentLogger });
    });
    assert.equal(r.memos.length, 1, 'kept when nothing changed');
    const changed = await record(
      (rt) => {
        fs.readFileSync(entry);
        return rt.runTarget({ file: '/bin/true', args: [], env: {}, argv0: 'true', logger: silentLogger });
      },
      { onTarget: () => rmSync(entry) },
    );
    assert.deepEqual(changed.memos, []);
  });

  test('fs and stderr are as they were after the recording', async () => {
    const { statSync: before, writeFileSync: write } = fs;
    const stderr = process.stderr.write;
    await record(() => 0);
    assert.equal(fs.statSync, before);
    assert.equal(fs.writeFileSync, write);
    assert.equal(process.stderr.write, stderr);
  });

  test(`at most ${MAX_MEMOS} memos are kept, the newest; removeMemos removes them all`, async () => {
    const dir = cacheDir();
    for (let i = 0; i < MAX_MEMOS + 3; i++) {
      const recording = new Recording({ cacheDir: dir, key: hash(`k${i}`), env: {}, now: later, argv: [], shim: false });
      await recording.run((rt) => (rt.out(String(i)), 0), fakeRuntime({}, later).rt);
    }
    assert.equal(readdirSync(join(dir, 'memo')).length, MAX_MEMOS);
    assert.equal(removeMemos(dir, { logger: silentLogger, now: Date.now }), MAX_MEMOS);
    assert.deepEqual(readdirSync(join(dir, 'memo')), []);
  });
});
