// Memos of warm runs (src/memo/): the second identical run replays the first one's decision from
// dist/cli.js alone, and any change to what that decision looked at (a file, a variable, the working
// directory, PATH) makes the next run decide again. A copy of dist/ whose warm bundle is then
// replaced by one that only says it ran (exit 99) tells a replay from a run that decided.
import assert from 'node:assert/strict';
import { appendFile, chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_PATH, nodePackageOnly, runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

/** The warm bundle's stand-in: it only says that it ran. */
const DECIDED = 99;
const STAND_IN = `(function () { process.stderr.write('the warm bundle ran\\n'); process.exit(${DECIDED}); })`;
/** src/memo/record.ts's RACY_MS, and a little more: files written before this are not "racy". */
const PAST_RACY_MS = 3200;

describe('memos: a warm run replays the identical run before it', { timeout: 180_000, ...nodePackageOnly }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let copy: string;
  let warm: string;
  let env: NodeJS.ProcessEnv;
  let memoDir: string;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    copy = await mkdtemp(join(tmpdir(), 'mfa-exec-memo-'));
    await cp(dirname(CLI_PATH), copy, { recursive: true });
    warm = await readFile(join(copy, 'warm.js'), 'utf8');
    const bin = join(s.home, 'bin');
    await mkdir(bin);
    // What the target saw: its credentials, the profile marker, recursion.ts's marker, its parent, its arguments.
    await writeFile(
      join(bin, 'show'),
      '#!/bin/sh\necho "$AWS_ACCESS_KEY_ID|$AWS_VAULT|$MFA_EXEC_LAUNCHED|$PPID|$*"\nexit ${SHOW_EXIT:-0}\n',
    );
    await chmod(join(bin, 'show'), 0o755);
    await mkdir(join(copy, 'shims'));
    await symlink(join(copy, 'cli.js'), join(copy, 'shims', 'show'));
    env = { ...s.env, PATH: `${join(copy, 'shims')}:${s.env.PATH}:${bin}`, AWS_PROFILE: 'role' };
    memoDir = join(s.home, '.cache/mfa-exec/memo');
    const filled = await run(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true']);
    assert.equal(filled.code, 0, filled.stderr);
    await sleep(PAST_RACY_MS); // the cache entry and the config view were just written
  });
  afterEach(async () => {
    await rm(copy, { recursive: true, force: true });
    await s.cleanup();
  });

  const run = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; shim?: string } = {}) =>
    runCli(args, {
      env: options.env ?? env,
      argv0Path: options.shim ? join(copy, 'shims', options.shim) : join(copy, 'cli.js'),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  /** A command line's first run is only noted; its second records the memo (src/memo/record.ts seenBefore). */
  const record = async (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; shim?: string } = {}) => {
    await run(args, options);
    return run(args, options);
  };
  const standIn = () => writeFile(join(copy, 'warm.js'), STAND_IN);
  const realBundle = () => writeFile(join(copy, 'warm.js'), warm);
  const decided = (r: CliResult, what: string) => {
    assert.equal(r.code, DECIDED, `${what}: the warm bundle should have decided (exit ${r.code})\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /the warm bundle ran/);
  };
  const fields = (r: CliResult) => {
    const [key, vault, launched, ppid, args] = r.stdout.trim().split('|');
    return { key, vault, launched, ppid, args };
  };

  test('exec, a shim, credential-process, env and status replay what the run before them did, with the warm bundle gone', async () => {
    const commands: Array<[string[], { shim?: string; env?: NodeJS.ProcessEnv }?]> = [
      [['-p', 'role', '--', 'show', 'a']],
      [[], { shim: 'show' }],
      [['credential-process', '--profile', 'role']],
      [['env', '-p', 'role', '--format', 'json']],
      [['status', '-p', 'role']],
    ];
    const recorded: CliResult[] = [];
    for (const [args, options] of commands) {
      const r = await record(args, options);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      recorded.push(r);
    }
    const memos = await readdir(memoDir);
    assert.equal(memos.length, commands.length, `one memo per command: ${memos.join(', ')}`);
    assert.equal((await stat(memoDir)).mode & 0o777, 0o700);
    for (const name of memos) assert.equal((await stat(join(memoDir, name))).mode & 0o777, 0o600, name);
    const calls = JSON.stringify(aws.calls);

    await standIn();
    for (const [i, [args, options]] of commands.entries()) {
      const r = await run(args, options);
      assert.equal(r.code, 0, `${args.join(' ') || options?.shim}: replayed (exit ${r.code})\n${r.stderr}`);
      assert.equal(r.stderr, '');
      if (i >= 2) assert.equal(r.stdout, recorded[i]!.stdout, `${args[0]} prints what it printed`);
    }
    const [before, replayed] = [fields(recorded[0]!), fields(await run(['-p', 'role', '--', 'show', 'a']))];
    assert.match(replayed.key!, /^ASIA/);
    assert.deepEqual([replayed.key, replayed.vault, replayed.args], [before.key, 'role', 'a']);
    assert.equal(replayed.launched!.split(' ')[0], replayed.ppid, "recursion.ts's marker names the process that replayed");
    assert.notEqual(replayed.launched, before.launched);
    assert.equal(JSON.stringify(aws.calls), calls, 'no STS call');
  });

  test('a command line run once is only noted; the second run keeps the memo the third replays', async () => {
    assert.equal((await run(['credential-process', '--profile', 'role'])).code, 0);
    assert.deepEqual(
      (await readdir(memoDir)).map((n) => n.replace(/^[0-9a-f]+/, '')),
      ['.seen'],
    );
    await standIn();
    decided(await run(['credential-process', '--profile', 'role']), 'noted only');
    await realBundle();
    assert.equal((await run(['credential-process', '--profile', 'role'])).code, 0);
    assert.deepEqual(
      (await readdir(memoDir)).map((n) => n.replace(/^[0-9a-f]+/, '')),
      ['.json'],
      'the note gives way to the memo',
    );
    await standIn();
    assert.equal((await run(['credential-process', '--profile', 'role'])).code, 0, 'replayed');
  });

  test("a shim's arguments its decision did not read are passed on as given; the exit code is the target's", async () => {
    // --debug among a shim's arguments is its program's, not ours: no debug lines, and the memo is kept.
    const debugArg = await record(['x', '--debug'], { shim: 'show' });
    assert.equal(debugArg.code, 0);
    assert.equal(debugArg.stderr, '');
    assert.equal((await record(['-p', 'role', '--', 'show'], { env: { ...env, SHOW_EXIT: '7' } })).code, 7);
    await standIn();
    const other = await run(['y', 'z'], { shim: 'show' });
    assert.equal(other.code, 0, other.stderr);
    assert.equal(fields(other).args, 'y z');
    assert.equal((await run(['--debug'], { shim: 'show' })).code, 0, 'replayed, --debug and all');
    assert.equal((await run(['-p', 'role', '--', 'show'], { env: { ...env, SHOW_EXIT: '7' } })).code, 7);
  });

  test('a change to what the decision looked at decides again: a file, a variable, the directory, PATH, --debug, MFA_EXEC_MEMO=0', async () => {
    const exec = ['-p', 'role', '--', 'show'];
    assert.equal((await record(exec)).code, 0);
    assert.equal((await record([], { shim: 'show' })).code, 0);
    await standIn();
    assert.equal((await run(exec)).code, 0, 'replayed');
    assert.equal((await run([], { shim: 'show' })).code, 0, 'replayed');
    decided(await run(exec, { env: { ...env, AWS_REGION: 'eu-west-1' } }), 'a variable added');
    decided(await run([], { shim: 'show', env: { ...env, AWS_PROFILE: 'reader' } }), 'the profile a shim read, changed');
    // -p chose the profile and AWS_PROFILE is only removed from the child's environment; an AWS_* value is a dependency all the same.
    decided(await run(exec, { env: { ...env, AWS_PROFILE: 'reader' } }), 'an AWS variable changed');
    decided(await run(exec, { env: { ...env, AWS_CONFIG_FILE: join(s.home, '.aws/config') } }), 'AWS_CONFIG_FILE set');
    decided(await run(exec, { cwd: tmpdir() }), 'another working directory');
    decided(await run([...exec.slice(0, 2), '--debug', ...exec.slice(2)]), '--debug');
    decided(await run(exec, { env: { ...env, MFA_EXEC_MEMO: '0' } }), 'MFA_EXEC_MEMO=0');
    assert.equal((await run(exec)).code, 0, 'still replayed: nothing it looked at changed');
    // A program of that name earlier on PATH (the scenario's own bin directory comes before ours).
    const earlier = join(s.home, 'earlier');
    await mkdir(earlier);
    await writeFile(join(earlier, 'show'), '#!/bin/sh\necho earlier\n');
    await chmod(join(earlier, 'show'), 0o755);
    const withEarlier = { ...env, PATH: env.PATH!.replace(s.env.PATH!, `${earlier}:${s.env.PATH}`) };
    await sleep(PAST_RACY_MS); // a file changed this recently is not trusted to show its next change
    await realBundle();
    assert.equal((await record(exec, { env: withEarlier })).code, 0);
    await standIn();
    assert.equal((await run(exec, { env: withEarlier })).code, 0);
    await rm(join(earlier, 'show'));
    decided(await run(exec, { env: withEarlier }), 'the program found on PATH went away');
    await appendFile(join(s.home, '.aws/config'), '\n# edited\n');
    decided(await run(exec), 'the config file edited');
  });

  test('clear removes every memo (they hold credentials); the next run decides', async () => {
    assert.equal((await record(['-p', 'role', '--', 'show'])).code, 0);
    assert.equal((await record(['credential-process', '--profile', 'role'])).code, 0);
    assert.equal((await readdir(memoDir)).length, 2);
    const cleared = await run(['clear']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.deepEqual(await readdir(memoDir), []);
    await standIn();
    decided(await run(['credential-process', '--profile', 'role']), 'after clear');
  });

  test('a run that failed or warned keeps no memo', async () => {
    assert.equal((await record(['-p', 'nosuchprofile', '--', 'show'])).code, 78);
    const warned = await record(['-p', 'role', '--', 'show'], { env: { ...env, AWS_VAULT_BACKEND: 'pass' } });
    assert.equal(warned.code, 0);
    assert.match(warned.stderr, /warning/);
    await standIn();
    decided(await run(['-p', 'nosuchprofile', '--', 'show']), 'after a failure');
    decided(await run(['-p', 'role', '--', 'show'], { env: { ...env, AWS_VAULT_BACKEND: 'pass' } }), 'after a warning');
  });
});
