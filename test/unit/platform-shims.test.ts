// Shims per platform (src/commands/shim.ts with the platform injected): symbolic links on Linux and
// macOS, `.cmd` launchers on Windows, made here on Linux; and finding the real program past them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { findTarget, fileId } from '../../src/child/find-target.ts';
import { run } from '../../src/commands/shim.ts';
import { defaultOptions } from '../../src/options.ts';
import { platformFor } from '../../src/platform/index.ts';
import { cmdLauncher } from '../../src/platform/win32.ts';
import type { Runtime } from '../../src/pipeline/runtime.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-exec-shims-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** The Runtime shim.ts reads, and what it printed. */
function runtime(self: string, command: string[] = [self]) {
  const printed: string[] = [];
  const warned: string[] = [];
  const rt = {
    logger: { warn: (text: string) => warned.push(text), debug: () => {} },
    env: { PATH: '' },
    cwd: root,
    homedir: root,
    out: (text: string) => printed.push(text),
    self: { path: self, command, ids: new Set([fileId(self)!]) },
  } as unknown as Runtime;
  return { rt, printed, warned };
}

const shim = (action: string, names: string[], dir: string, rt: Runtime, p = platformFor('win32')) =>
  run({ args: [action, ...names], options: { ...defaultOptions(), dir } } as never, rt, p);

describe('Windows: .cmd launchers that say their own path', () => {
  test('the launcher: our command quoted, % doubled, the arguments as given, CRLF, the variable kept local', () => {
    const text = cmdLauncher(['C:\\Program Files\\100% tools\\mfa-exec.exe']);
    assert.equal(
      text,
      '@echo off\r\nrem mfa-exec shim (mfa-exec shim install)\r\nsetlocal\r\nset "MFA_EXEC_SHIM=%~f0"\r\n"C:\\Program Files\\100%% tools\\mfa-exec.exe" %*\r\n',
    );
    assert.match(
      cmdLauncher(['C:\\node\\node.exe', 'C:\\npm\\mfa-exec\\dist\\cli.js']),
      /^"C:\\node\\node.exe" "C:\\npm\\mfa-exec\\dist\\cli.js" %\*\r$/m,
    );
  });

  test('install, list, install again, remove', () => {
    const dir = path.join(root, 'win-shims');
    const exe = path.join(root, 'mfa-exec.exe');
    fs.writeFileSync(exe, 'MZ');
    const { rt, printed, warned } = runtime(exe);
    assert.equal(shim('install', ['terraform', 'aws'], dir, rt), 0);
    // Nothing named terraform on this PATH but the launcher, which is skipped: said, not refused.
    assert.match(warned.join('\n'), /there is no real 'terraform' on PATH/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['aws.cmd', 'terraform.cmd']);
    assert.equal(fs.readFileSync(path.join(dir, 'terraform.cmd'), 'utf8'), cmdLauncher([exe]));
    assert.equal(fs.lstatSync(path.join(dir, 'terraform.cmd')).isSymbolicLink(), false);
    assert.match(printed.join(''), /Add .*win-shims to your user PATH/);

    printed.length = 0;
    shim('list', [], dir, rt);
    assert.deepEqual(
      printed.map((line) => line.split('\t')[0]),
      ['aws', 'terraform'],
    );

    printed.length = 0;
    shim('install', ['terraform'], dir, rt);
    assert.equal(printed[0], 'terraform: already installed\n');

    // Another copy of mfa-exec (moved, upgraded elsewhere): the launcher is ours and made again for this one.
    const moved = path.join(root, 'moved.exe');
    fs.writeFileSync(moved, 'MZ');
    shim('install', ['terraform'], dir, runtime(moved).rt);
    assert.equal(fs.readFileSync(path.join(dir, 'terraform.cmd'), 'utf8'), cmdLauncher([moved]));

    shim('remove', ['terraform'], dir, rt);
    assert.deepEqual(fs.readdirSync(dir), ['aws.cmd']);
  });

  test('a .cmd that is not ours is never replaced or removed', () => {
    const dir = path.join(root, 'foreign');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'terraform.cmd'), '@echo off\r\nrem someone else\r\n');
    const exe = path.join(root, 'mfa-exec.exe');
    const { rt } = runtime(exe);
    assert.throws(() => shim('install', ['terraform'], dir, rt), /already exists and is not an mfa-exec shim/);
    assert.throws(() => shim('remove', ['terraform'], dir, rt), /is not an mfa-exec shim/);
  });

  test('a name with a backslash is not a command name', () => {
    const { rt } = runtime(path.join(root, 'mfa-exec.exe'));
    assert.throws(() => shim('install', ['..\\evil'], path.join(root, 'x'), rt), /is not a command name/);
  });
});

describe('Linux and macOS: symbolic links', () => {
  test('install makes a link to us', () => {
    const dir = path.join(root, 'links');
    const self = path.join(root, 'cli.js');
    fs.writeFileSync(self, '');
    const { rt } = runtime(self);
    shim('install', ['terraform'], dir, rt, platformFor('darwin'));
    assert.equal(fs.realpathSync(path.join(dir, 'terraform')), fs.realpathSync(self));
  });
});

describe('finding the real program with the Windows rules', () => {
  test('a program in a PATH directory is found; a path with a backslash is taken as a path', () => {
    const bin = path.join(root, 'Bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'tool'), '', { mode: 0o755 });
    const found = findTarget('tool', { pathEnv: `"${bin}"`, cwd: root, selfIds: new Set() }, platformFor('win32'));
    assert.equal(found.path, path.join(bin, 'tool'));
    assert.throws(() => findTarget('sub\\tool', { pathEnv: bin, cwd: root, selfIds: new Set() }, platformFor('win32')), /does not exist/);
  });
});
