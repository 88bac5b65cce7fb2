// The process questions each platform answers (src/platform/): is the terminal's Ctrl-C already the
// target's, who is a process's parent, what runs below a process. Linux against this machine's
// /proc; macOS with `ps` faked (its output as macOS prints it); Windows answers without asking.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { calledBackFrom } from '../../src/child/recursion.ts';
import { parentLinks, parsePsNumbers } from '../../src/platform/darwin.ts';
import { platformFor } from '../../src/platform/index.ts';
import { below } from '../../src/platform/proc.ts';
import type { Tools } from '../../src/platform/tools.ts';

const linux = platformFor('linux');
const darwin = platformFor('darwin');
const win32 = platformFor('win32');

/** Tools that answer `ps` from a table (args joined by spaces → stdout) and record what was run. */
function fakePs(answers: Record<string, string | undefined>, tty = false) {
  const ran: string[] = [];
  const tools: Tools = {
    output(file, args) {
      assert.equal(file, '/bin/ps');
      ran.push(args.join(' '));
      return answers[args.join(' ')];
    },
    isatty: () => tty,
  };
  return { tools, ran };
}

describe('Linux: /proc', () => {
  const noTools: Tools = { output: () => assert.fail('Linux runs nothing'), isatty: () => assert.fail('Linux reads /proc') };
  test('the parent of this process', () => assert.equal(linux.parentOf(process.pid, noTools), process.ppid));
  test('a child and its child are below us', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 5 & wait'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const found = linux.descendants(process.pid, noTools);
      assert.ok(found.includes(child.pid!));
      assert.ok(found.length >= 2, `the sleep below the shell: ${found.join(' ')}`);
    } finally {
      child.kill('SIGKILL');
    }
  });
  test('the test runner is in no terminal’s foreground group: a terminal signal must be forwarded', () =>
    assert.equal(linux.terminalSignalsReachTarget(noTools), false));
});

describe('macOS: ps, only when asked', () => {
  test('in the foreground group: tpgid equals our pgid', () => {
    const { tools, ran } = fakePs({ [`-o tpgid=,pgid= -p ${process.pid}`]: ' 4242  4242\n' });
    assert.equal(darwin.terminalSignalsReachTarget(tools), true);
    assert.deepEqual(ran, [`-o tpgid=,pgid= -p ${process.pid}`]);
  });
  test('a background job, or no terminal (tpgid 0): forward', () => {
    assert.equal(darwin.terminalSignalsReachTarget(fakePs({ [`-o tpgid=,pgid= -p ${process.pid}`]: '  100   4242\n' }).tools), false);
    assert.equal(darwin.terminalSignalsReachTarget(fakePs({ [`-o tpgid=,pgid= -p ${process.pid}`]: '    0   4242\n' }).tools), false);
  });
  test('a burst of signals (a window being resized: SIGWINCH) asks ps once a second, not once a signal', () => {
    const { tools, ran } = fakePs({ [`-o tpgid=,pgid= -p ${process.pid}`]: ' 4242   4242\n' });
    for (let i = 0; i < 50; i++) assert.equal(darwin.terminalSignalsReachTarget(tools), true);
    assert.equal(ran.length, 1);
  });
  test('ps failing: a terminal on stdin or stderr is taken as ours, else forward', () => {
    assert.equal(darwin.terminalSignalsReachTarget(fakePs({}, true).tools), true);
    assert.equal(darwin.terminalSignalsReachTarget(fakePs({}, false).tools), false);
  });
  test('the parent of a process', () => {
    assert.equal(darwin.parentOf(77, fakePs({ '-o ppid= -p 77': '    1\n' }).tools), 1);
    assert.equal(darwin.parentOf(77, fakePs({}).tools), undefined);
  });
  test('the processes below one, from one ps -A', () => {
    const table = '    1     0\n  500     1\n  501   500\n  502   501\n  503     1\n';
    assert.deepEqual(darwin.descendants(500, fakePs({ '-A -o pid=,ppid=': table }).tools), [501, 502]);
    assert.deepEqual(darwin.descendants(500, fakePs({}).tools), []);
  });
  test('what ps prints, parsed strictly', () => {
    assert.deepEqual(parsePsNumbers('  12   34 \n', 2), [12, 34]);
    assert.equal(parsePsNumbers('PID PPID', 2), undefined);
    assert.equal(parsePsNumbers('12', 2), undefined);
    assert.deepEqual(parentLinks('  2 1\n\n junk\n 3 2\n'), [
      [2, 1],
      [3, 2],
    ]);
    assert.deepEqual(
      below(1, [
        [2, 1],
        [3, 2],
        [4, 9],
      ]),
      [2, 3],
    );
  });
  test('the recursion guard finds a target that called the shim back through a wrapper (grandparent)', () => {
    const env = { MFA_EXEC_LAUNCHED: '100 terraform 1:2' };
    assert.equal(calledBackFrom('terraform', env, 200, darwin, fakePs({ '-o ppid= -p 200': '100' }).tools), '1:2');
    assert.equal(calledBackFrom('terraform', env, 200, darwin, fakePs({ '-o ppid= -p 200': '1' }).tools), undefined);
  });
});

describe('Windows: no process groups, no cheap parent', () => {
  const { tools, ran } = fakePs({});
  test('the console gives Ctrl-C to the target: never forwarded', () => assert.equal(win32.terminalSignalsReachTarget(tools), true));
  test('parents and descendants are unknown (MFA_EXEC_DEPTH is the recursion guard there)', () => {
    assert.equal(win32.parentOf(1, tools), undefined);
    assert.deepEqual(win32.descendants(1, tools), []);
    assert.equal(calledBackFrom('terraform', { MFA_EXEC_LAUNCHED: '100 terraform 1:2' }, 200, win32, tools), undefined);
    assert.equal(calledBackFrom('terraform', { MFA_EXEC_LAUNCHED: '100 terraform 1:2' }, 100, win32, tools), '1:2');
    assert.deepEqual(ran, []);
  });
});
