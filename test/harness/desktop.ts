// A private X display for the desktop-prompt tests: Xvfb on a display number it picks itself
// (-displayfd: the first free one, so parallel test files never collide), and ways to find a
// dialog, read what it shows and answer it the way a person would (xdotool: focus, type, a key).
// Optionally dunst, a real notification daemon, on that display and a private session bus.
// Each piece runs in its own process group, leashed to our stdin (it dies with the test process
// even on SIGKILL) and tracked by the reaper; close() ends them and removes the temp dir.
//
// No window manager runs, so: `xdotool windowfocus`, never `windowactivate --sync` (it waits for
// a WM that never answers). Needs Debian's xvfb, xdotool (and zenity, kdialog to have something
// to answer; dunst and dbus for the notification daemon): scripts/ci-desktop-deps.sh.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGroup, trackGroup, untrackGroup } from './reaper.ts';

export interface Dialog {
  windowId: string;
  /** The window's name as xdotool reads it (_NET_WM_NAME; kdialog appends " — KDialog"). */
  name: string;
  wmClass: string;
  /** The dialog program's pid (_NET_WM_PID) and its argv (from /proc): what it was asked to show. */
  pid: number | undefined;
  argv: string[];
  /** Read from argv: --title, and the label (zenity --text; kdialog --inputbox/--password TEXT). */
  title: string | undefined;
  text: string | undefined;
}

export interface DialogQuery {
  /** Matched (JavaScript RegExp) against the window name of visible windows. */
  name: RegExp;
  timeoutMs?: number;
}

export interface AnswerOptions extends DialogQuery {
  /** Typed into the focused entry; a function is called when the dialog is there (a fresh TOTP). */
  text?: string | (() => string | Promise<string>);
  /** Pressed after the text. Default 'Return'; null: none (text typed, the dialog left open). */
  key?: 'Return' | 'Escape' | null;
}

export interface Notification {
  appName: string;
  summary: string;
  body: string;
  icon: string;
  urgency: string;
}

export interface Desktop {
  /** Give these to a process so that its dialogs appear on this display (and on no other). */
  env: { DISPLAY: string; XDG_RUNTIME_DIR: string; NO_AT_BRIDGE: string; DBUS_SESSION_BUS_ADDRESS?: string };
  display: string;
  /** Xvfb's pid. */
  pid: number;
  /** The first visible window whose name matches, with what it shows. */
  waitForDialog(query: DialogQuery): Promise<Dialog>;
  /** Waits for the dialog, focuses it, types `text`, presses `key`; returns what it showed. */
  answerDialog(options: AnswerOptions): Promise<Dialog>;
  /** Visible windows' ids and names right now. */
  windows(): Promise<Array<{ windowId: string; name: string }>>;
  /** Notifications dunst showed (notifications: 'dunst' only), oldest first. */
  notifications(): Notification[];
  close(): Promise<void>;
}

export interface DesktopOptions {
  /** 'dunst': a notification daemon on this display and a private session bus (env carries it). */
  notifications?: 'dunst' | 'none';
  timeoutMs?: number;
}

const NEEDED = ['Xvfb', 'xdotool'];
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/** undefined when every tool named (default: Xvfb and xdotool) is installed, else what is missing. */
export function desktopMissing(tools: string[] = NEEDED): string | undefined {
  const missing = tools.filter((t) => !has(t));
  if (missing.length === 0) return undefined;
  return `not installed: ${missing.join(', ')} (see scripts/ci-desktop-deps.sh)`;
}

interface Leashed {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A shell script in its own process group; closing its stdin (the leash) lets it stop cleanly. */
function leashed(file: string, args: string[], env: NodeJS.ProcessEnv, extraFds = 0): Leashed {
  const child = spawn(file, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe', ...Array<'pipe'>(extraFds).fill('pipe')], env });
  const pgid = child.pid!;
  trackGroup(pgid);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    child,
    async stop() {
      untrackGroup(pgid);
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin!.end();
        const timer = setTimeout(() => killGroup(pgid, 'SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      killGroup(pgid, 'SIGKILL'); // anything left in the group
    },
  };
}

/** Resolves with the first match of `pattern` in what `stream` prints; rejects on exit or timeout. */
function waitFor(
  child: ChildProcess,
  stream: NodeJS.ReadableStream,
  pattern: RegExp,
  what: string,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  let out = '';
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      stream.removeListener('data', onData);
      child.removeListener('exit', onExit);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what} did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = pattern.exec(out);
      if (m) {
        done();
        resolve(m);
      }
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`${what} exited (${code}) before it was ready:\n${out}`));
    };
    stream.on('data', onData);
    child.once('exit', onExit);
  });
}

// Xvfb writes its display number on fd 3 when it accepts connections. stdin is the leash.
const XVFB_SCRIPT = `
Xvfb -displayfd 3 -nolisten tcp -noreset -screen 0 1280x1024x24 >"$DESK_DIR/xvfb.log" 2>&1 </dev/null &
x=$!
echo "XVFB_PID=$x"
cat >/dev/null
kill "$x" 2>/dev/null
wait "$x" 2>/dev/null
`;

// Inside dbus-run-session: dunst on $DISPLAY, ready when it owns org.freedesktop.Notifications.
const DUNST_SCRIPT = `
printf 'ADDRESS=%s\\n' "$DBUS_SESSION_BUS_ADDRESS"
dunst -config "$DESK_DIR/dunstrc" >"$DESK_DIR/dunst.log" 2>&1 &
d=$!
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q 'boolean true'; do
  if ! kill -0 "$d" 2>/dev/null; then echo "FAILED: dunst exited"; cat "$DESK_DIR/dunst.log"; exit 1; fi
  sleep 0.05
done
echo READY
cat >/dev/null
kill "$d" 2>/dev/null
wait "$d" 2>/dev/null
`;

// dunst runs this for every notification (the rule below matches all): one file each, NUL-separated
// appname, summary, body, icon, urgency; named by time so that they sort oldest first.
const RECORD_SCRIPT = `#!/bin/sh
f="$DESK_DIR/notifications/$(date +%s%N)-$$"
printf '%s\\0' "$1" "$2" "$3" "$4" "$5" >"$f.tmp" && mv "$f.tmp" "$f"
`;

function busConfig(dir: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

function dunstrc(recorder: string): string {
  return `[global]
    monitor = 0
    follow = none
[record]
    summary = "*"
    script = ${recorder}
`;
}

function xdotool(env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('xdotool', args, { env, timeout: 10_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      // `search` exits 1 when nothing matches: an empty answer, not an error.
      if (error && !(args[0] === 'search' && error.code === 1 && !stderr))
        reject(new Error(`xdotool ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

function optionValue(argv: string[], names: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const n of names) {
      if (a === n) return argv[i + 1];
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

function readArgv(pid: number | undefined): string[] {
  if (pid === undefined) return [];
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return []; // it has exited already
  }
}

export async function startDesktop(options: DesktopOptions = {}): Promise<Desktop> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-desktop-'));
  const runtime = join(dir, 'runtime');
  mkdirSync(runtime, { mode: 0o700 });
  const baseEnv = { PATH: process.env.PATH, LANG: 'C.UTF-8', DESK_DIR: dir, HOME: dir };
  const pieces: Leashed[] = [];
  const close = async (): Promise<void> => {
    for (const p of pieces.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const xvfb = leashed('sh', ['-c', XVFB_SCRIPT], baseEnv, 1);
    pieces.push(xvfb);
    xvfb.child.stderr!.resume();
    const pidLine = waitFor(xvfb.child, xvfb.child.stdout!, /^XVFB_PID=(\d+)$/m, 'Xvfb', timeoutMs);
    const displayLine = waitFor(xvfb.child, xvfb.child.stdio[3] as NodeJS.ReadableStream, /^(\d+)\n/, 'Xvfb', timeoutMs).catch(
      async (error: Error) => {
        let log = '';
        try {
          log = readFileSync(join(dir, 'xvfb.log'), 'utf8');
        } catch {
          // no log yet
        }
        throw new Error(`${error.message}\n${log}`);
      },
    );
    const pid = Number((await pidLine)[1]);
    const display = `:${(await displayLine)[1]}`;
    xvfb.child.stdout!.resume();

    const env: Desktop['env'] = { DISPLAY: display, XDG_RUNTIME_DIR: runtime, NO_AT_BRIDGE: '1' };
    const xenv = { ...baseEnv, ...env };

    if (options.notifications === 'dunst') {
      mkdirSync(join(dir, 'notifications'));
      const recorder = join(dir, 'record-notification.sh');
      writeFileSync(recorder, RECORD_SCRIPT);
      chmodSync(recorder, 0o755);
      writeFileSync(join(dir, 'dunstrc'), dunstrc(recorder));
      writeFileSync(join(dir, 'bus.conf'), busConfig(dir));
      const dunst = leashed('dbus-run-session', [`--config-file=${join(dir, 'bus.conf')}`, '--', 'sh', '-c', DUNST_SCRIPT], xenv);
      pieces.push(dunst);
      dunst.child.stderr!.resume(); // dbus-daemon's complaints about fd limits
      const ready = await waitFor(dunst.child, dunst.child.stdout!, /^ADDRESS=(.+)\n[\s\S]*^(READY|FAILED.*)$/m, 'dunst', timeoutMs);
      if (ready[2] !== 'READY') throw new Error(`dunst did not start: ${ready[0]}`);
      env.DBUS_SESSION_BUS_ADDRESS = ready[1]!;
      dunst.child.stdout!.resume();
    }

    const describe = async (windowId: string, name: string): Promise<Dialog> => {
      const pidText = (await xdotool(xenv, ['getwindowpid', windowId]).catch(() => '')).trim();
      const dialogPid = /^\d+$/.test(pidText) ? Number(pidText) : undefined;
      const argv = readArgv(dialogPid);
      const wmClass = /WM_CLASS(?:\(STRING\))? = "([^"]*)"/.exec(
        spawnSync('xprop', ['-id', windowId, 'WM_CLASS'], { env: xenv, encoding: 'utf8', timeout: 5_000 }).stdout ?? '',
      )?.[1];
      return {
        windowId,
        name,
        wmClass: wmClass ?? '',
        pid: dialogPid,
        argv,
        title: optionValue(argv, ['--title']),
        text: optionValue(argv, ['--text', '--inputbox', '--password', '--passivepopup']),
      };
    };

    const windows = async (): Promise<Array<{ windowId: string; name: string }>> => {
      // A window closing while xdotool looks at it makes the whole search fail (BadWindow): that
      // is a moment of the desktop, not an error; look again (a few times) before saying so.
      let found: string | undefined;
      for (let attempt = 0; found === undefined; attempt++) {
        found = await xdotool(xenv, ['search', '--onlyvisible', '--name', '.']).catch((error: Error) => {
          if (attempt < 5 && /BadWindow/.test(error.message)) return undefined;
          throw error;
        });
      }
      const ids = found.split('\n').filter(Boolean);
      const out: Array<{ windowId: string; name: string }> = [];
      for (const windowId of ids) {
        const name = await xdotool(xenv, ['getwindowname', windowId]).catch(() => undefined); // it may be gone already
        if (name !== undefined) out.push({ windowId, name: name.replace(/\n$/, '') });
      }
      return out;
    };

    // Polled from here rather than `xdotool search --sync`: that sleeps 0.5 s between tries, has
    // no timeout of its own, and matches a case-insensitive POSIX regex; this matches a JS RegExp.
    const waitForDialog = async ({ name, timeoutMs: limit = 20_000 }: DialogQuery): Promise<Dialog> => {
      const deadline = Date.now() + limit;
      for (;;) {
        const all = await windows();
        const hit = all.find((w) => name.test(w.name));
        if (hit) return describe(hit.windowId, hit.name);
        if (Date.now() > deadline)
          throw new Error(`no window named ${name} on ${display} after ${limit} ms; visible: ${JSON.stringify(all.map((w) => w.name))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    return {
      env,
      display,
      pid,
      waitForDialog,
      windows,
      async answerDialog({ text, key = 'Return', ...query }: AnswerOptions): Promise<Dialog> {
        const dialog = await waitForDialog(query);
        const typed = typeof text === 'function' ? await text() : text;
        await xdotool(xenv, ['windowfocus', '--sync', dialog.windowId]);
        // From stdin, not argv: a passphrase typed here stays out of `ps`.
        if (typed) await xdotool(xenv, ['type', '--delay', '20', '--file', '-'], typed);
        if (key) await xdotool(xenv, ['key', '--clearmodifiers', key]);
        return dialog;
      },
      notifications(): Notification[] {
        if (options.notifications !== 'dunst') return [];
        const folder = join(dir, 'notifications');
        return readdirSync(folder)
          .filter((f) => !f.endsWith('.tmp'))
          .sort()
          .map((f) => {
            const [appName = '', summary = '', body = '', icon = '', urgency = ''] = readFileSync(join(folder, f), 'utf8').split('\0');
            return { appName, summary, body, icon, urgency };
          });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
