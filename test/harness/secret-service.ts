// A private, headless Linux Secret Service for tests: a session bus of our own (dbus-run-session
// with a minimal config: no service activation, so nothing but our daemon can own the name) and
// gnome-keyring-daemon in the foreground with its 'login' collection created and unlocked from a
// password on stdin. Everything lives in a temporary directory; nothing touches the user's own
// keyring or bus. One process group, leashed to our stdin: it dies with the test process even on
// SIGKILL, and stop() kills the group.
//
// Needs Debian's `dbus` (dbus-run-session, dbus-daemon, dbus-send) and `gnome-keyring`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGroup, trackGroup, untrackGroup } from './reaper.ts';

export interface SecretService {
  /** Give these to a process so that it talks to this Secret Service (and no other). */
  env: { DBUS_SESSION_BUS_ADDRESS: string };
  /** Lock the 'login' collection (a client then gets an unlock prompt that nobody can answer). */
  lock(): void;
  /** Freeze the bus (SIGSTOP): a client's call then never gets an answer. `thaw()` undoes it. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

const TOOLS = ['dbus-run-session', 'dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];

/** undefined when everything needed is installed, else a sentence saying what is missing. */
export function secretServiceMissing(): string | undefined {
  const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0);
  if (missing.length === 0) return undefined;
  return `not installed: ${missing.join(', ')} (apt-get install dbus gnome-keyring; see scripts/ci-keyring-deps.sh)`;
}

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

// Runs inside dbus-run-session, so DBUS_SESSION_BUS_ADDRESS is the private bus. The first line
// of stdin is the keyring password; after that, stdin is the leash (EOF = stop). The bus ends
// when this script does.
const SESSION_SCRIPT = `
set -u
IFS= read -r password
printf 'ADDRESS=%s\\n' "$DBUS_SESSION_BUS_ADDRESS"
printf 'BUSPID=%s\\n' "$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.DBus 2>/dev/null | awk '{print $2}')"
printf '%s' "$password" | gnome-keyring-daemon --foreground --unlock --components=secrets >"$SS_DIR/gnome-keyring.log" 2>&1 &
gkd=$!
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
  if ! kill -0 "$gkd" 2>/dev/null; then echo "FAILED: gnome-keyring-daemon exited"; cat "$SS_DIR/gnome-keyring.log"; exit 1; fi
  sleep 0.05
done
echo READY
cat >/dev/null
kill "$gkd" 2>/dev/null
wait "$gkd" 2>/dev/null
`;

export async function startSecretService(timeoutMs = 15_000): Promise<SecretService> {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-secret-service-'));
  for (const sub of ['home', 'data', 'runtime']) mkdirSync(join(dir, sub), { mode: 0o700 });
  writeFileSync(join(dir, 'bus.conf'), busConfig(dir));

  const child = spawn('dbus-run-session', [`--config-file=${join(dir, 'bus.conf')}`, '--', 'sh', '-c', SESSION_SCRIPT], {
    detached: true, // own process group: stop() and the exit reaper kill -pgid
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      LANG: 'C.UTF-8',
      SS_DIR: dir,
      HOME: join(dir, 'home'),
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_RUNTIME_DIR: join(dir, 'runtime'),
    },
  });
  const pgid = child.pid!;
  trackGroup(pgid);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let busPid: number | undefined;
  const stop = async (): Promise<void> => {
    untrackGroup(pgid);
    if (busPid !== undefined) {
      try {
        process.kill(busPid, 'SIGCONT'); // a frozen bus would not end when the script does
      } catch {
        // already gone
      }
    }
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin!.end(); // the leash: the script stops the daemon, then the bus ends
      const timer = setTimeout(() => killGroup(pgid, 'SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    killGroup(pgid, 'SIGKILL'); // anything left in the group (dbus-daemon is in it)
    rmSync(dir, { recursive: true, force: true });
  };

  let out = '';
  child.stderr!.resume(); // dbus-daemon complains about fd limits; not ours to show
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the Secret Service did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const address = /^ADDRESS=(.+)$/m.exec(out)?.[1];
        if (address && /^READY$/m.test(out)) {
          clearTimeout(timer);
          resolve(address);
        } else if (/^FAILED/m.test(out)) {
          clearTimeout(timer);
          reject(new Error(`the Secret Service did not start:\n${out}`));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`dbus-run-session exited (${code}) before the Secret Service was ready:\n${out}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.stdin!.write('test-login-password\n');
    });
    const pid = Number(/^BUSPID=(\d+)$/m.exec(out)?.[1]);
    busPid = Number.isInteger(pid) && pid > 0 ? pid : undefined;
    child.stdout!.removeAllListeners('data').resume();
    const env = { DBUS_SESSION_BUS_ADDRESS: address };
    const signalBus = (signal: NodeJS.Signals): void => {
      if (busPid === undefined) throw new Error('the bus pid is unknown');
      process.kill(busPid, signal);
    };
    return {
      env,
      lock() {
        const r = spawnSync(
          'dbus-send',
          [
            '--session',
            '--print-reply',
            '--dest=org.freedesktop.secrets',
            '/org/freedesktop/secrets',
            'org.freedesktop.Secret.Service.Lock',
            'array:objpath:/org/freedesktop/secrets/collection/login',
          ],
          { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 5_000 },
        );
        if (r.status !== 0) throw new Error(`could not lock the login collection: ${r.stderr}`);
      },
      freeze: () => signalBus('SIGSTOP'),
      thaw: () => signalBus('SIGCONT'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
