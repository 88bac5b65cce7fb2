// doctor names the prompt a run started here would use, and why (src/commands/doctor/prompt.ts):
// auto's choice (terminal, zenity, kdialog, nobody) or the one --prompt / MFA_EXEC_PROMPT names,
// without opening it. The built CLI in its own session (no terminal) or in a pseudo-terminal; PATH
// holds only Node and stand-in dialog programs that leave a mark if anything runs them.
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH, baseEnv, makeHome, runCli, runInPty, writeAwsFiles } from '../harness/index.ts';

const NO_STS = { endpoint: 'http://127.0.0.1:9' };

describe('doctor: which prompt would ask, and why', { timeout: 60_000 }, () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let bin: string;
  let marks: string;
  before(async () => {
    ({ home, cleanup } = await makeHome());
    await writeAwsFiles(home, { config: '[default]\nregion = us-east-1\n', credentials: '' });
    bin = join(home, 'bin');
    marks = join(home, 'ran');
    await mkdir(bin);
    await mkdir(marks);
    await symlink(process.execPath, join(bin, 'node'));
    for (const dialog of ['zenity', 'kdialog']) {
      await writeFile(join(bin, dialog), `#!/bin/sh\ntouch '${marks}/${dialog}'\nexit 1\n`);
      await chmod(join(bin, dialog), 0o755);
    }
  });
  after(() => cleanup?.());

  const env = (extra: Record<string, string>, path = bin) => ({ ...baseEnv(home, NO_STS), PATH: path, ...extra });
  async function promptLine(args: string[], extra: Record<string, string>, path?: string): Promise<string> {
    const r = await runCli(['doctor', ...args], { env: env(extra, path) });
    const line = r.stdout.split('\n').find((l) => /^\w+\s+prompt /.test(l));
    assert.ok(line, `no prompt line\n${r.stdout}\n${r.stderr}`);
    return line;
  }

  test('auto with no terminal: a dialog when a desktop session and a dialog program are there, else nobody (a note)', async () => {
    assert.match(
      await promptLine([], {}),
      /^note\s+prompt auto: would ask nobody: there is no terminal, and no desktop session \(DISPLAY and WAYLAND_DISPLAY are unset\); .*exit 66/,
    );
    assert.match(
      await promptLine([], { DISPLAY: ':77' }),
      /^ok\s+prompt auto: asks in a zenity dialog: there is no terminal, and a desktop session \(DISPLAY=:77\) with zenity on PATH$/,
    );
    assert.match(await promptLine([], { DISPLAY: ':77', XDG_CURRENT_DESKTOP: 'KDE' }), /asks in a kdialog dialog/);
    const emptyBin = join(home, 'empty');
    await mkdir(emptyBin);
    await symlink(process.execPath, join(emptyBin, 'node'));
    assert.match(
      await promptLine([], { DISPLAY: ':77' }, emptyBin),
      /^note\s+prompt auto: would ask nobody: there is no terminal, and neither zenity nor kdialog is on PATH/,
    );
    assert.deepEqual(await readdir(marks), [], 'doctor opened no dialog');
  });

  test('auto in a terminal: the terminal', async () => {
    const r = await runInPty([CLI_PATH, 'doctor'], { env: env({ DISPLAY: ':77' }), steps: [{ expect: 'prompt auto' }], timeoutMs: 20_000 });
    assert.match(r.output, /ok\s+prompt auto: asks on this terminal \(\/dev\/tty opens\)/, r.output);
  });

  test('a named prompt: said as chosen; one that can ask no one here warns, an unknown name fails', async () => {
    assert.match(
      await promptLine(['--prompt', 'none'], {}),
      /^ok\s+prompt 'none' \(--prompt, MFA_EXEC_PROMPT or AWS_VAULT_PROMPT\): nobody is asked/,
    );
    assert.match(
      await promptLine([], { MFA_EXEC_PROMPT: 'kdialog', DISPLAY: ':77' }),
      /^ok\s+prompt 'kdialog' .*: asks in a kdialog dialog \(a desktop session \(DISPLAY=:77\) with kdialog on PATH\)/,
    );
    assert.match(
      await promptLine(['--prompt', 'kdialog'], { WAYLAND_DISPLAY: 'wayland-0' }),
      /^warn\s+prompt 'kdialog' .*: kdialog needs DISPLAY/,
    );
    assert.match(await promptLine(['--prompt', 'terminal'], {}), /^warn\s+prompt 'terminal' .*: there is no terminal here/);
    assert.match(
      await promptLine(['--prompt', 'desktop'], { WAYLAND_DISPLAY: 'wayland-0' }),
      /^ok\s+prompt 'desktop' .*: asks in a zenity dialog/,
    );
    assert.match(
      await promptLine(['--prompt', 'ykman'], {}),
      /^warn\s+prompt 'ykman' .*: ykman is not on PATH.*other questions as auto: would ask nobody/,
    );
    const bogus = await runCli(['doctor'], { env: env({ MFA_EXEC_PROMPT: 'zenith' }) });
    assert.equal(bogus.code, 1, bogus.stderr);
    assert.match(bogus.stdout, /^fail\s+prompt 'zenith' .*: there is no such prompt; .*exit 64\. The prompts are auto, terminal, desktop/m);
    assert.deepEqual(await readdir(marks), [], 'doctor opened no dialog');
  });
});
