// The desktop side of the prompt (src/prompt/desktop.ts, dialog.ts, zenity.ts, kdialog.ts,
// osascript.ts, ykman.ts, notify.ts) without a desktop: which dialog a session can show, each
// program's argv and what its exits mean (tables), the label escaping, and the dialog prompt run
// against fake programs on PATH (sh scripts) for answers, Cancel, timeouts and missing programs.
// The real zenity and kdialog under Xvfb: test/e2e/prompts-desktop.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isMfaExecError } from '../../src/errors.ts';
import { platformFor } from '../../src/platform/index.ts';
import { autoChoice } from '../../src/prompt/auto.ts';
import { desktopDialog, dialogMissing } from '../../src/prompt/desktop.ts';
import { dialogLines, helperEnv, type DialogRequest } from '../../src/prompt/dialog.ts';
import { openPrompt } from '../../src/prompt/drivers.ts';
import { kdialog, kdialogLabel } from '../../src/prompt/kdialog.ts';
import { notificationCommand } from '../../src/prompt/notify.ts';
import { osascript } from '../../src/prompt/osascript.ts';
import type { Question } from '../../src/prompt/types.ts';
import { SECRET_VARIABLES } from '../../src/secret-variables.ts';
import { ykmanAccount, ykmanArgs } from '../../src/prompt/ykman.ts';
import { zenity, zenityLabel } from '../../src/prompt/zenity.ts';

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const question: Question = {
  kind: 'mfa-code',
  message: `Enter MFA code for ${SERIAL}: `,
  secret: false,
  title: 'MFA prompt',
  unanswerable: "Profile 'dev' needs an MFA code; run 'mfa-exec login --profile dev' in a terminal first.",
  context: { profile: 'dev', mfaSerial: SERIAL },
};

describe('desktopDialog: which dialog this session can show', () => {
  const has =
    (...programs: string[]) =>
    (p: string) =>
      programs.includes(p);
  const cases: Array<[string, Record<string, string>, NodeJS.Platform, string[], ReturnType<typeof desktopDialog>]> = [
    ['X, both', { DISPLAY: ':0' }, 'linux', ['zenity', 'kdialog'], { dialog: 'zenity' }],
    ['X on KDE, both', { DISPLAY: ':0', XDG_CURRENT_DESKTOP: 'KDE' }, 'linux', ['zenity', 'kdialog'], { dialog: 'kdialog' }],
    ['X on KDE, zenity only', { DISPLAY: ':0', XDG_CURRENT_DESKTOP: 'KDE' }, 'linux', ['zenity'], { dialog: 'zenity' }],
    ['X, kdialog only', { DISPLAY: 'localhost:10.0' }, 'linux', ['kdialog'], { dialog: 'kdialog' }],
    ['Wayland alone, zenity', { WAYLAND_DISPLAY: 'wayland-0' }, 'linux', ['zenity', 'kdialog'], { dialog: 'zenity' }],
    [
      'Wayland alone on KDE, kdialog only (it needs X)',
      { WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'KDE' },
      'linux',
      ['kdialog'],
      { none: 'zenity is not on PATH (kdialog needs DISPLAY)' },
    ],
    [
      'no display',
      { XDG_CURRENT_DESKTOP: 'GNOME' },
      'linux',
      ['zenity', 'kdialog'],
      { none: 'no desktop session (DISPLAY and WAYLAND_DISPLAY are unset)' },
    ],
    ['empty DISPLAY', { DISPLAY: '' }, 'linux', ['zenity'], { none: 'no desktop session (DISPLAY and WAYLAND_DISPLAY are unset)' }],
    ['X, neither program', { DISPLAY: ':0' }, 'linux', [], { none: 'neither zenity nor kdialog is on PATH' }],
    ['macOS', {}, 'darwin', ['osascript'], { dialog: 'osascript' }],
    ['macOS without osascript', {}, 'darwin', [], { none: 'osascript is not on PATH' }],
    ['FreeBSD with X', { DISPLAY: ':0' }, 'freebsd', ['zenity'], { dialog: 'zenity' }],
    ['Windows, even with an X server', { DISPLAY: ':0' }, 'win32', ['zenity'], { none: 'this system has no dialog mfa-exec can show' }],
  ];
  for (const [name, env, platform, programs, expected] of cases) {
    test(name, () => assert.deepEqual(desktopDialog({ env, platform: platformFor(platform), onPath: has(...programs) }), expected));
  }
});

describe('dialogMissing and autoChoice: the named dialog, and whom auto asks (doctor says both)', () => {
  const has =
    (...programs: string[]) =>
    (p: string) =>
      programs.includes(p);
  test('a named dialog shows, or why not', () => {
    const linux = (env: Record<string, string>, ...programs: string[]) => ({
      env,
      platform: platformFor('linux'),
      onPath: has(...programs),
    });
    assert.equal(dialogMissing('zenity', linux({ WAYLAND_DISPLAY: 'w' }, 'zenity')), undefined);
    assert.equal(
      dialogMissing('kdialog', linux({ WAYLAND_DISPLAY: 'w' }, 'kdialog')),
      'kdialog needs DISPLAY (WAYLAND_DISPLAY alone is set)',
    );
    assert.equal(dialogMissing('kdialog', linux({ DISPLAY: ':0' })), 'kdialog is not on PATH');
    assert.equal(dialogMissing('zenity', linux({}, 'zenity')), 'no desktop session (DISPLAY and WAYLAND_DISPLAY are unset)');
    assert.equal(dialogMissing('osascript', linux({ DISPLAY: ':0' }, 'osascript')), 'osascript is not a dialog of linux');
    assert.equal(dialogMissing('osascript', { env: {}, platform: platformFor('darwin'), onPath: has('osascript') }), undefined);
    assert.equal(
      dialogMissing('zenity', { env: {}, platform: platformFor('darwin'), onPath: has('zenity') }),
      'zenity is not a dialog of darwin',
    );
  });
  test('auto: the terminal when it may be used and opens, else the desktop dialog, else nobody with both reasons', () => {
    const facts = (env: Record<string, string>) => ({ env, platform: platformFor('linux'), onPath: has('zenity') });
    let asked = 0;
    const tty = (answer: boolean) => () => (asked++, answer);
    assert.deepEqual(autoChoice(true, tty(true), facts({})), { driver: 'terminal' });
    assert.deepEqual(autoChoice(false, tty(true), facts({ DISPLAY: ':0' })), {
      driver: 'zenity',
      noTerminal: 'the terminal belongs to the running command',
    });
    assert.equal(asked, 1, 'the terminal is not tried when it is not ours');
    assert.deepEqual(autoChoice(true, tty(false), facts({})), {
      driver: 'none',
      noTerminal: 'there is no terminal',
      noDesktop: 'no desktop session (DISPLAY and WAYLAND_DISPLAY are unset)',
    });
  });
});

describe('what a dialog shows', () => {
  test('the question, then the profile when the question does not name it; lines said before it first', () => {
    assert.deepEqual(dialogLines(question.message, question.context, []), [`Enter MFA code for ${SERIAL}`, '(profile dev)']);
    assert.deepEqual(dialogLines("Remove the keys of 'dev'? [y/N] ", { profile: 'dev' }, ['AWS rejected that code.']), [
      'AWS rejected that code.',
      "Remove the keys of 'dev'? [y/N]",
    ]);
  });
  test('control characters from a config file are made visible', () => {
    assert.deepEqual(dialogLines('Enter MFA code for x: ', { profile: 'ev\u001b[31mil' }, []), [
      'Enter MFA code for x',
      '(profile ev\\u001b[31mil)',
    ]);
  });
  test('zenity: `_` would mark a shortcut, so it is doubled', () => {
    assert.equal(zenityLabel(['(profile my_dev_role)', 'a__b']), '(profile my__dev__role)\na____b');
  });
  test('kdialog: rich text escaped; `&` doubled where it marks shortcuts', () => {
    assert.equal(kdialogLabel(['a & <b>x</b>', '"q"'], true), '<qt>a &&amp; &&lt;b&&gt;x&&lt;/b&&gt;<br>&&quot;q&&quot;</qt>');
    assert.equal(kdialogLabel(['a & <b>'], false), '<qt>a &amp; &lt;b&gt;</qt>');
  });
});

describe('each program’s argv: the label and title as arguments of their own, never an answer', () => {
  const r = (kind: DialogRequest['kind']): DialogRequest => ({
    kind,
    title: 'mfa-exec: MFA prompt',
    lines: ['Enter code', '(profile a_b)'],
    timeoutSeconds: 120,
  });
  test('zenity', () => {
    assert.deepEqual(zenity.args(r('entry')), [
      '--entry',
      '--title',
      'mfa-exec: MFA prompt',
      '--text',
      'Enter code\n(profile a__b)',
      '--timeout',
      '120',
    ]);
    assert.deepEqual(zenity.args(r('secret')).slice(0, 2), ['--entry', '--hide-text'], 'not --password: it ignores --text');
    assert.deepEqual(zenity.args(r('confirm')), [
      '--question',
      '--no-markup',
      '--title',
      'mfa-exec: MFA prompt',
      '--text',
      'Enter code\n(profile a_b)',
      '--timeout',
      '120',
    ]);
  });
  test('kdialog (no timeout option: mfa-exec closes it)', () => {
    assert.deepEqual(kdialog.args(r('entry')), ['--title', 'mfa-exec: MFA prompt', '--inputbox', '<qt>Enter code<br>(profile a_b)</qt>']);
    assert.deepEqual(kdialog.args(r('secret')), ['--title', 'mfa-exec: MFA prompt', '--password', '<qt>Enter code<br>(profile a_b)</qt>']);
    assert.deepEqual(
      kdialog.args({ ...r('confirm'), lines: ['a&b'] }).slice(2),
      ['--yesno', '<qt>a&amp;b</qt>'],
      'no shortcuts in --yesno',
    );
  });
  test('osascript: the text reaches the script as run-handler arguments, never as script source', () => {
    const args = osascript.args({ ...r('secret'), lines: ['say "hi" & do shell script "x"'] });
    const script = args.filter((_, i) => args[i - 1] === '-e');
    assert.ok(script.every((line) => !line.includes('do shell script')));
    assert.match(script.join('\n'), /with hidden answer/);
    assert.match(script.join('\n'), /giving up after \(item 3 of argv as integer\)/);
    assert.deepEqual(args.slice(-4), ['--', 'say "hi" & do shell script "x"', 'mfa-exec: MFA prompt', '120']);
  });
});

describe('what each program’s exit means', () => {
  const exit = (code: number | null, stderr = '', signal: NodeJS.Signals | null = null) => ({ code, signal, stdout: '', stderr });
  const entry: DialogRequest = { kind: 'entry', title: 't', lines: [], timeoutSeconds: 1 };
  const confirm: DialogRequest = { ...entry, kind: 'confirm' };
  test('zenity: 0 answer, 1 Cancel (or No), 1 with "cannot open display" no display, 5 its own timeout', () => {
    assert.equal(zenity.outcome(exit(0), entry), 'answer');
    assert.equal(zenity.outcome(exit(1), entry), 'cancel');
    assert.equal(zenity.outcome(exit(1), confirm), 'no');
    assert.equal(zenity.outcome(exit(1, '(zenity:1): Gtk-WARNING **: cannot open display: :77'), entry), 'no-display');
    assert.equal(zenity.outcome(exit(5), entry), 'timeout');
    assert.equal(zenity.outcome(exit(255), entry), 'failed');
  });
  test('kdialog: 0 answer, 1 Cancel (or No), SIGABRT no display', () => {
    assert.equal(kdialog.outcome(exit(0), entry), 'answer');
    assert.equal(kdialog.outcome(exit(1), entry), 'cancel');
    assert.equal(kdialog.outcome(exit(1), confirm), 'no');
    assert.equal(kdialog.outcome(exit(null, 'qt.qpa.xcb: could not connect to display', 'SIGABRT'), entry), 'no-display');
    assert.equal(kdialog.outcome(exit(2), entry), 'failed');
  });
  test('osascript: -128 Cancel (or No), -1712 gave up, -1713 no window server', () => {
    assert.equal(osascript.outcome(exit(0), entry), 'answer');
    assert.equal(osascript.outcome(exit(1, '0:1: execution error: User canceled. (-128)'), entry), 'cancel');
    assert.equal(osascript.outcome(exit(1, 'execution error: User canceled. (-128)'), confirm), 'no');
    assert.equal(osascript.outcome(exit(1, 'execution error: timed out (-1712)'), entry), 'timeout');
    assert.equal(osascript.outcome(exit(1, 'execution error: No user interaction allowed. (-1713)'), entry), 'no-display');
  });
});

describe('helperEnv: what a dialog, ykman or notify-send inherits', () => {
  test('our environment less the secrets mfa-exec may hold', () => {
    const env = helperEnv({
      DISPLAY: ':0',
      PATH: '/usr/bin',
      LANG: 'de_DE.UTF-8',
      MFA_EXEC_MFA_TOKEN: '123456',
      MFA_EXEC_FILE_PASSPHRASE: 'p',
      AWS_VAULT_FILE_PASSPHRASE: 'p',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 't',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'x',
      UNSET: undefined,
    });
    assert.deepEqual(env, { DISPLAY: ':0', PATH: '/usr/bin', LANG: 'de_DE.UTF-8' });
  });

  // Issue 17: the list every child environment drops is the one a dialog drops (a secret added there reaches no dialog either).
  test('every one of SECRET_VARIABLES is left out', () => {
    const env = helperEnv(Object.fromEntries([...SECRET_VARIABLES.map((name) => [name, 'secret']), ['DISPLAY', ':0']]));
    assert.deepEqual(env, { DISPLAY: ':0' });
  });
});

describe('ykman: argv and account', () => {
  test('argv: --device first (a global option), then oath accounts code --single NAME', () => {
    assert.deepEqual(ykmanArgs('AWS:alice', undefined), ['oath', 'accounts', 'code', '--single', 'AWS:alice']);
    assert.deepEqual(ykmanArgs(SERIAL, '7654321'), ['--device', '7654321', 'oath', 'accounts', 'code', '--single', SERIAL]);
  });
  test('account: the profile’s mfa_exec_ykman_account, else YKMAN_OATH_CREDENTIAL_NAME, else the device', () => {
    const q = (ykman?: string): Question => ({ ...question, context: { ...question.context, ...(ykman ? { ykmanAccount: ykman } : {}) } });
    assert.equal(ykmanAccount(q('AWS:alice'), { YKMAN_OATH_CREDENTIAL_NAME: 'env' }), 'AWS:alice');
    assert.equal(ykmanAccount(q(), { YKMAN_OATH_CREDENTIAL_NAME: 'env' }), 'env');
    assert.equal(ykmanAccount(q(), { YKMAN_OATH_CREDENTIAL_NAME: '' }), SERIAL);
  });
  test('other questions (a passphrase) go to auto', async () => {
    const error = await openPrompt('ykman', { PATH: '/nonexistent' }, { terminal: false })
      .ask({ ...question, kind: 'passphrase', secret: true })
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.match(error.message, /No dialog either/, 'auto answered (nobody), not ykman');
  });
});

test('notifications: notify-send with -- before the summary; osascript with the text as arguments; none on Windows', () => {
  assert.deepEqual(notificationCommand('-Touch', 'for dev', platformFor('linux')), [
    'notify-send',
    ['--app-name=mfa-exec', '--expire-time=15000', '--', '-Touch', 'for dev'],
  ]);
  const [file, args] = notificationCommand('mfa-exec', 'Touch your YubiKey', platformFor('darwin')) ?? [];
  assert.equal(file, 'osascript');
  assert.deepEqual(args?.slice(-3), ['--', 'mfa-exec', 'Touch your YubiKey']);
  assert.equal(notificationCommand('mfa-exec', 'Touch your YubiKey', platformFor('win32')), undefined);
});

describe('a dialog prompt against fake programs (no desktop needed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-dialogs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** A fake `name` on PATH: records its argv and environment, prints $FAKE_OUT, exits $FAKE_CODE (after $FAKE_SLEEP s). */
  const fake = (name: string) =>
    writeFileSync(
      join(dir, name),
      '#!/bin/sh\nprintf "%s\\0" "$@" > "$0.argv"\nenv > "$0.env"\n[ -n "$FAKE_SLEEP" ] && sleep "$FAKE_SLEEP"\nprintf "%s" "$FAKE_OUT"\n[ -n "$FAKE_ERR" ] && printf "%s\\n" "$FAKE_ERR" >&2\nexit "${FAKE_CODE:-0}"\n',
      { mode: 0o755 },
    );
  fake('zenity');
  fake('kdialog');
  const argv = (name: string) =>
    readFileSync(join(dir, `${name}.argv`), 'utf8')
      .split('\0')
      .slice(0, -1);
  const open = (name: string, env: Record<string, string>, timeoutMs = 20_000) =>
    openPrompt(name, { PATH: `${dir}:/usr/bin:/bin`, DISPLAY: ':99', ...env }, { terminal: false, timeoutMs });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );

  test('an answer: the text without its newline; the lines said since the last question come first', async () => {
    const p = open('zenity', { FAKE_OUT: ' 123 456 \n' });
    p.say('aWS rejected that code.');
    assert.equal(await p.ask(question), ' 123 456 ');
    const args = argv('zenity');
    assert.equal(args[args.indexOf('--text') + 1], `AWS rejected that code.\nEnter MFA code for ${SERIAL}\n(profile dev)`);
    assert.equal(args[args.indexOf('--title') + 1], 'mfa-exec: MFA prompt');
    await p.ask(question);
    assert.equal(argv('zenity')[argv('zenity').indexOf('--text') + 1], `Enter MFA code for ${SERIAL}\n(profile dev)`, 'said once');
  });
  // Issue 17: the dialog program itself (not only helperEnv) gets none of our secrets.
  test('the program gets no MFA code, no passphrase, no keys', async () => {
    const secrets = { MFA_EXEC_MFA_TOKEN: '919191', MFA_EXEC_FILE_PASSPHRASE: 'pp-secret', AWS_VAULT_FILE_PASSPHRASE: 'vp-secret' };
    for (const name of ['zenity', 'kdialog']) {
      assert.equal(await open(name, { ...secrets, AWS_SECRET_ACCESS_KEY: 'sk-secret', FAKE_OUT: '123456\n' }).ask(question), '123456');
      const env = readFileSync(join(dir, `${name}.env`), 'utf8');
      assert.match(env, /^DISPLAY=:99$/m, `${name} ran with our environment`);
      assert.doesNotMatch(env, /MFA_EXEC_MFA_TOKEN|PASSPHRASE|AWS_SECRET_ACCESS_KEY|919191|-secret/, name);
    }
  });
  test('Cancel: 130; zenity timing itself out: 66, marked as a question nobody answered', async () => {
    const cancelled = await failure(open('zenity', { FAKE_CODE: '1' }).ask(question));
    assert.ok(isMfaExecError(cancelled, 'cancelled'));
    assert.equal(cancelled.exitCode, 130);
    assert.equal(cancelled.message, 'MFA prompt cancelled.');
    const late = await failure(open('zenity', { FAKE_CODE: '5', FAKE_OUT: '12\n' }, 120_000).ask(question));
    assert.ok(isMfaExecError(late, 'no-terminal'));
    assert.match(
      late.message,
      /^MFA prompt: the zenity dialog got no answer in 120 s \(MFA_EXEC_PROMPT_TIMEOUT\) and was closed; nothing was sent\.$/,
    );
    assert.equal((late as { timedOut?: boolean }).timedOut, true);
  });
  test('kdialog, which cannot time itself out, is closed by mfa-exec after MFA_EXEC_PROMPT_TIMEOUT: 66', async () => {
    const started = Date.now();
    const late = await failure(open('kdialog', { FAKE_SLEEP: '30' }, 300).ask(question));
    assert.ok(isMfaExecError(late, 'no-terminal'));
    assert.match(late.message, /the kdialog dialog got no answer in 0 s/);
    // Left alone, the fake would take 30 s and end with the same message: the bound shows it was closed.
    assert.ok(Date.now() - started < 20_000, 'closed, not waited for');
  });
  test('no display (zenity says so on stderr): 66 with its words, not a cancel', async () => {
    const error = await failure(
      open('zenity', { FAKE_CODE: '1', FAKE_ERR: '(zenity:9): Gtk-WARNING: cannot open display: :99' }).ask(question),
    );
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.match(
      error.message,
      /^MFA prompt: zenity cannot open a window on this desktop \(\(zenity:9\): Gtk-WARNING: cannot open display: :99\)\. Profile 'dev'/,
    );
  });
  test('the program missing: 66 saying so', async () => {
    const error = await failure(
      openPrompt('kdialog', { PATH: '/nonexistent', DISPLAY: ':99' }, { terminal: false, timeoutMs: 5_000 }).ask(question),
    );
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.match(error.message, /^MFA prompt: kdialog is not on PATH\./);
  });
  test('a secret: the hidden entry; confirm: yes is 0, anything else no', async () => {
    await open('kdialog', { FAKE_OUT: 'pass phrase\n' }).ask({ ...question, kind: 'passphrase', secret: true, context: {} });
    assert.equal(argv('kdialog')[2], '--password');
    assert.equal(await open('zenity', {}).confirm("Remove the keys of 'dev'? [y/N] "), true);
    assert.equal(argv('zenity')[argv('zenity').indexOf('--text') + 1], "Remove the keys of 'dev'?");
    assert.equal(await open('zenity', { FAKE_CODE: '1' }).confirm('Remove? [y/N] '), false);
  });
  test('an aborted question (the command --server served exited): the dialog is closed, 130', async () => {
    const abort = new AbortController();
    const p = openPrompt(
      'zenity',
      { PATH: `${dir}:/usr/bin:/bin`, DISPLAY: ':99', FAKE_SLEEP: '30' },
      { terminal: false, signal: abort.signal },
    );
    const asked = failure(p.ask(question));
    setTimeout(() => abort.abort(), 200);
    assert.ok(isMfaExecError(await asked, 'cancelled'));
  });
});
