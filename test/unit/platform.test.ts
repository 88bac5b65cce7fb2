// Each platform's decisions (src/platform/), run here on Linux with the platform injected: the
// directories, the signals, the terminal device, mode bits, shims, the browser opener and the shell.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cacheDir, keysDir, shimsDir, trustDir } from '../../src/dirs.ts';
import { platform, platformFor } from '../../src/platform/index.ts';
import { openToOthers } from '../../src/private-io.ts';

const linux = platformFor('linux');
const darwin = platformFor('darwin');
const win32 = platformFor('win32');

describe('platformFor: chosen once from process.platform', () => {
  test('this machine is Linux, and gets the Linux rules', () => assert.equal(platform.name, 'linux'));
  test('another Unix gets the Linux rules (XDG; without /proc they fall back)', () => {
    assert.equal(platformFor('freebsd').name, 'linux');
    assert.equal(platformFor('darwin').name, 'darwin');
    assert.equal(platformFor('win32').name, 'win32');
  });
});

describe('directories', () => {
  const cases: [string, typeof linux, Record<string, string>, string, string][] = [
    ['linux: XDG defaults', linux, {}, '/home/u/.cache/mfa-exec', '/home/u/.local/share/mfa-exec'],
    ['linux: XDG variables', linux, { XDG_CACHE_HOME: '/c', XDG_DATA_HOME: '/d' }, '/c/mfa-exec', '/d/mfa-exec'],
    [
      'macOS: the cache in ~/Library/Caches (no backups), the rest as on Linux',
      darwin,
      {},
      '/home/u/Library/Caches/mfa-exec',
      '/home/u/.local/share/mfa-exec',
    ],
    ['macOS: an XDG variable set wins', darwin, { XDG_CACHE_HOME: '/c', XDG_DATA_HOME: '/d' }, '/c/mfa-exec', '/d/mfa-exec'],
    [
      'macOS: a relative XDG variable counts as unset',
      darwin,
      { XDG_CACHE_HOME: 'c', XDG_DATA_HOME: 'd' },
      '/home/u/Library/Caches/mfa-exec',
      '/home/u/.local/share/mfa-exec',
    ],
  ];
  for (const [name, p, env, cache, data] of cases) {
    test(name, () => {
      assert.equal(cacheDir(env, '/home/u', p), cache);
      assert.equal(keysDir(env, '/home/u', p), `${data}/keys`);
      assert.equal(shimsDir(env, '/home/u', p), `${data}/shims`);
      assert.equal(trustDir(env, '/home/u', p), `${data}/trust`);
    });
  }
  test('Windows: %LOCALAPPDATA%\\mfa-exec, the cache in its Cache\\', () => {
    const env = { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', XDG_CACHE_HOME: 'rel' };
    assert.equal(cacheDir(env, 'C:\\Users\\u', win32), 'C:\\Users\\u\\AppData\\Local\\mfa-exec\\Cache');
    assert.equal(keysDir(env, 'C:\\Users\\u', win32), 'C:\\Users\\u\\AppData\\Local\\mfa-exec\\keys');
    assert.equal(shimsDir(env, 'C:\\Users\\u', win32), 'C:\\Users\\u\\AppData\\Local\\mfa-exec\\shims');
  });
  test('Windows: an XDG variable set to an absolute path wins, as elsewhere', () => {
    assert.equal(cacheDir({ XDG_CACHE_HOME: 'D:\\cache' }, 'C:\\Users\\u', win32), 'D:\\cache\\mfa-exec');
    assert.equal(keysDir({ XDG_DATA_HOME: 'D:\\data' }, 'C:\\Users\\u', win32), 'D:\\data\\mfa-exec\\keys');
  });
  test('Windows: without LOCALAPPDATA (or a relative one), the profile’s AppData\\Local', () => {
    assert.equal(cacheDir({}, 'C:\\Users\\u', win32), 'C:\\Users\\u\\AppData\\Local\\mfa-exec\\Cache');
    assert.equal(cacheDir({ LOCALAPPDATA: 'AppData' }, 'C:\\Users\\u', win32), 'C:\\Users\\u\\AppData\\Local\\mfa-exec\\Cache');
  });
});

describe('signals: listened to while the target runs; terminal ones reach the target by themselves', () => {
  for (const p of [linux, darwin]) {
    test(`${p.name}: SIGTERM is forwarded always, the terminal's four only outside the foreground group`, () => {
      assert.deepEqual([...p.signals.listened].sort(), ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGWINCH']);
      assert.equal(p.signals.terminal.has('SIGTERM'), false);
      assert.equal(p.signals.terminal.has('SIGINT'), true);
    });
  }
  test('Windows: only what the console sends, and the console gives it to the target itself', () => {
    assert.deepEqual([...win32.signals.listened].sort(), ['SIGBREAK', 'SIGHUP', 'SIGINT']);
    for (const s of win32.signals.listened) assert.equal(win32.signals.terminal.has(s), true);
    const tools = { output: () => assert.fail('nothing to run'), isatty: () => false };
    assert.equal(win32.terminalSignalsReachTarget(tools), true);
  });
});

describe('the terminal device', () => {
  test('Linux and macOS: /dev/tty', () => {
    for (const p of [linux, darwin]) assert.deepEqual(p.terminal, { input: '/dev/tty', output: '/dev/tty' });
  });
  test("Windows: the console's input and output", () =>
    assert.deepEqual(win32.terminal, { input: '\\\\.\\CONIN$', output: '\\\\.\\CONOUT$' }));
});

describe('file modes', () => {
  test('mode bits decide on Linux and macOS, never on Windows (ACLs; Node reports 0o666)', () => {
    assert.equal(linux.modeBits && darwin.modeBits, true);
    assert.equal(win32.modeBits, false);
    assert.equal(openToOthers({ mode: 0o100644 }, true), true);
    assert.equal(openToOthers({ mode: 0o100600 }, true), false);
    assert.equal(openToOthers({ mode: 0o100666 }, false), false);
  });
});

describe('an open directory reached through its descriptor', () => {
  test('Linux: /proc/self/fd/N; macOS and Windows: none (the path is used again)', () => {
    assert.equal(linux.openedPath(7), '/proc/self/fd/7');
    assert.equal(darwin.openedPath(7), undefined);
    assert.equal(win32.openedPath(7), undefined);
  });
});

describe('the browser opener', () => {
  const url = 'https://signin.aws.amazon.com/federation?Action=login&SigninToken=s3cret%25x';
  test('Linux: xdg-open; macOS: open', () => {
    assert.deepEqual(linux.openers(url, {}), [['xdg-open', url]]);
    assert.deepEqual(darwin.openers(url, {}), [['open', url]]);
  });
  test('Windows: rundll32 by its full path, the URL one argument and never through cmd', () => {
    const [opener] = win32.openers(url, { SYSTEMROOT: 'D:\\Win' });
    assert.deepEqual(opener, ['D:\\Win\\System32\\rundll32.exe', 'url.dll,FileProtocolHandler', url]);
    assert.equal(
      opener!.some((word) => /cmd(\.exe)?$/i.test(word)),
      false,
    );
    assert.deepEqual(win32.openers(url, {})[0]![0], 'C:\\Windows\\System32\\rundll32.exe');
  });
});

describe('the shell `exec PROFILE` starts without a command', () => {
  test('Linux and macOS: $SHELL, else /bin/sh', () => {
    for (const p of [linux, darwin]) {
      assert.equal(p.loginShell({ SHELL: '/usr/bin/fish' }), '/usr/bin/fish');
      assert.equal(p.loginShell({}), '/bin/sh');
    }
  });
  test('Windows: %COMSPEC% when absolute, else cmd.exe in System32 ($SHELL means nothing there)', () => {
    assert.equal(win32.loginShell({ COMSPEC: 'C:\\Tools\\cmd.exe', SHELL: '/bin/bash' }), 'C:\\Tools\\cmd.exe');
    assert.equal(win32.loginShell({ COMSPEC: 'cmd.exe', SYSTEMROOT: 'C:\\Windows' }), 'C:\\Windows\\System32\\cmd.exe');
  });
});

describe("mfa_process and credential_process's shell", () => {
  const command = 'op read "op://vault/aws/one-time password?attribute=otp" & echo';
  test('Linux and macOS: /bin/sh -c, the command one argument', () => {
    for (const p of [linux, darwin]) assert.deepEqual(p.shell(command, {}), { file: '/bin/sh', args: ['-c', command] });
  });
  test('Windows: cmd /d /s /c "<command>" by full path, as written (verbatim), as Node’s shell: true does', () => {
    assert.deepEqual(win32.shell(command, { SYSTEMROOT: 'C:\\Windows' }), {
      file: 'C:\\Windows\\System32\\cmd.exe',
      args: ['/d', '/s', '/c', `"${command}"`],
      verbatim: true,
    });
    assert.equal(win32.shell('x', { COMSPEC: 'C:\\Tools\\cmd.exe' }).file, 'C:\\Tools\\cmd.exe');
    assert.equal(win32.shell('x', { COMSPEC: 'cmd.exe' }).file, 'C:\\Windows\\System32\\cmd.exe'); // a bare name could be found in the working directory
  });
});

describe('the environment copy', () => {
  test('Linux and macOS: as it is', () => assert.deepEqual(linux.copyEnv({ Path: '/a', PATH: '/b' }), { Path: '/a', PATH: '/b' }));
  test("Windows: names upper-cased, so env.PATH finds Windows' Path", () =>
    assert.deepEqual(win32.copyEnv({ Path: 'C:\\bin', SystemRoot: 'C:\\Windows' }), { PATH: 'C:\\bin', SYSTEMROOT: 'C:\\Windows' }));
});
