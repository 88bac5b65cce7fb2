// The prompt drivers' table (src/prompt/drivers.ts), the `none` driver and how `auto` chooses; the
// terminal driver is tested end to end in a pseudo-terminal (test/e2e/prompt-cancel.test.ts,
// keys-prompt.test.ts), the dialogs under Xvfb (test/e2e/prompts-desktop.test.ts), their argv and
// outcomes in prompt-dialogs.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMfaExecError } from '../../src/errors.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformFor } from '../../src/platform/index.ts';
import { DRIVERS, openPrompt, withPrompt } from '../../src/prompt/drivers.ts';
import { AWS_VAULT_PROMPTS } from '../../src/settings.ts';
import type { Question } from '../../src/prompt/types.ts';

const question: Question = {
  kind: 'mfa-code',
  message: 'Enter MFA code for arn:aws:iam::1:mfa/me: ',
  secret: false,
  title: 'MFA prompt',
  unanswerable: "Profile 'p' needs an MFA code; run 'mfa-exec login --profile p' in a terminal first.",
};

describe('the drivers table', () => {
  test('has the terminal, the desktop dialogs, the YubiKey, auto and none', () =>
    assert.deepEqual(Object.keys(DRIVERS).sort(), ['auto', 'desktop', 'kdialog', 'none', 'osascript', 'terminal', 'ykman', 'zenity']));
  test('an unknown name (--prompt, MFA_EXEC_PROMPT) is a usage error (64) naming the prompts', () => {
    const error = (() => {
      try {
        openPrompt('zenity-typo', {});
      } catch (e) {
        return e;
      }
    })();
    assert.ok(isMfaExecError(error, 'usage'));
    assert.equal(error.exitCode, 64);
    assert.match(
      error.message,
      /There is no prompt named 'zenity-typo' \(--prompt, MFA_EXEC_PROMPT\): the prompts are auto, terminal, .*none/,
    );
  });
  test('a driver knows its name (desktop: the dialog it found)', () => {
    for (const name of Object.keys(DRIVERS).filter((n) => n !== 'desktop')) assert.equal(openPrompt(name, {}).name, name);
    assert.equal(openPrompt('desktop', {}).name, 'desktop', 'no display: itself, failing every question');
    assert.equal(openPrompt('desktop', { DISPLAY: ':9', PATH: '/usr/bin' }, { platform: platformFor('linux') }).name, 'zenity');
  });
  test('every aws-vault prompt name mfa-exec honours (AWS_VAULT_PROMPTS) is a driver', () => {
    for (const name of AWS_VAULT_PROMPTS) assert.ok(Object.hasOwn(DRIVERS, name), name);
  });
  test('the terminal, when the terminal is the running command’s (--server): asks no one', async () => {
    const error = await openPrompt('terminal', {}, { terminal: false })
      .ask(question)
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
  });
});

describe('auto: the terminal, else a desktop dialog, else nobody', () => {
  test('no terminal (or not ours), no display: the question’s next step and why there is no dialog, at once', async () => {
    const error = await openPrompt('auto', { PATH: '/usr/bin' }, { terminal: false })
      .ask(question)
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.equal(error.message, `${question.unanswerable} (No dialog either: no desktop session (DISPLAY and WAYLAND_DISPLAY are unset).)`);
  });
  test('present (someone to finish a browser sign-in): not with no terminal and no display; yes with a desktop', () => {
    assert.equal(openPrompt('auto', { PATH: '/usr/bin' }, { terminal: false }).present?.(), false);
    const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-auto-'));
    try {
      writeFileSync(join(dir, 'zenity'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
      assert.notEqual(openPrompt('auto', { DISPLAY: ':99', PATH: dir }, { terminal: false }).present?.(), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('no terminal, a display and zenity on PATH: the question goes to zenity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-auto-'));
    try {
      writeFileSync(join(dir, 'zenity'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$0.argv"\necho 123456\n', { mode: 0o755 });
      const p = openPrompt('auto', { DISPLAY: ':99', PATH: dir }, { terminal: false });
      assert.equal(await p.ask(question), '123456');
      assert.match(readFileSync(join(dir, 'zenity.argv'), 'utf8'), /^--entry\n/);
      p.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('none: nobody is asked', () => {
  test('a question fails at once with exit 66 and the caller’s next step', async () => {
    const error = await openPrompt('none', {})
      .ask(question)
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.equal(error.exitCode, 66);
    assert.equal(error.message, question.unanswerable);
  });
  test('a confirmation too; a question without its own words names itself', async () => {
    const error = await openPrompt('none', {})
      .confirm('Delete? [y/N] ')
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.match(error.message, /^Confirmation: there is no terminal to ask on\.$/);
  });
  test('say drops the line; withPrompt closes the driver after use, also when it throws', async () => {
    await assert.rejects(
      withPrompt('none', {}, async (p) => {
        p.say('nobody hears this');
        return p.ask(question);
      }),
      /needs an MFA code/,
    );
  });
});
