/**
 * What differs between the systems mfa-exec runs on, as one small interface: each platform is one
 * file (linux.ts, darwin.ts, win32.ts) and index.ts chooses one, once, from process.platform.
 * Everything here is a fact or a cheap decision; the code that acts on it stays where it was.
 */

import type path from 'node:path';
import type { Tools } from './tools.ts';

type PathRules = typeof path.posix;
export type Env = Readonly<Record<string, string | undefined>>;

export type PlatformName = 'linux' | 'darwin' | 'win32';

export interface Platform {
  readonly name: PlatformName;
  /**
   * The run's copy of the environment (cli.ts). Windows' names are case-insensitive, a plain
   * object's are not (`Path`, `SystemRoot`): there every name is upper-cased, so `env.PATH` finds it.
   */
  copyEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /**
   * The signals run.ts listens to while the target runs, so that we never die before it. `terminal`
   * are those a terminal (or Windows' console) delivers to the target as well; the others are
   * forwarded always (SIGTERM: nobody but `kill` sends it).
   */
  readonly signals: { readonly listened: readonly NodeJS.Signals[]; readonly terminal: ReadonlySet<NodeJS.Signals> };
  /**
   * Whether a terminal signal that reached us reached the target too (we are in the terminal's
   * foreground process group, or share Windows' console), so forwarding it would deliver it twice.
   * Asked only when such a signal arrives, never on the way to the target.
   */
  terminalSignalsReachTarget(tools: Tools): boolean;
  /** The parent of `pid` (the recursion guard asks for its parent's parent); undefined when this platform cannot tell cheaply. */
  parentOf(pid: number, tools: Tools): number | undefined;
  /** Every process below `pid` (killed with a shell command at its deadline); empty when this platform cannot tell. */
  descendants(pid: number, tools: Tools): number[];
  /**
   * A path that names an open directory itself, so that entries are reached relative to what was
   * checked even if the path is swapped afterwards (Linux: /proc/self/fd/N); undefined where there
   * is none (private-file.ts then uses the path again).
   */
  openedPath(fd: number): string | undefined;
  /** The controlling terminal, opened for reading and for writing (prompt/terminal.ts). */
  readonly terminal: { readonly input: string; readonly output: string };
  /** This platform's path rules (path.posix or path.win32), so that each platform's decisions can be tested anywhere. */
  readonly path: PathRules;
  /** mfa-exec's own directories (dirs.ts): the cache, and the data it must not lose (keys, shims, approvals). */
  cacheDir(env: Env, homedir: string): string;
  dataDir(env: Env, homedir: string): string;
  /**
   * Whether a file's mode bits say who may read or change it. False on Windows: access is ACLs,
   * and Node reports 0o666 (0o444 read-only) for every file, so a mode check there would refuse all.
   */
  readonly modeBits: boolean;
  /**
   * What `shim install` makes: a symbolic link named after the program, pointing at us; or
   * (Windows, where links need a privilege and the invoked name is lost) a `<name>.cmd` launcher
   * with `text`, which runs us with MFA_EXEC_SHIM set to its own path.
   */
  readonly shim: { readonly kind: 'symlink' } | { readonly kind: 'cmd'; file(name: string): string; text(self: readonly string[]): string };
  /** The system's way to open a URL in the browser, as [file, ...args], each tried in order (`$BROWSER` comes first, in open-url.ts). */
  openers(url: string, env: Env): string[][];
  /**
   * How a command line from the config (mfa_process, credential_process) is run: the shell's file
   * and arguments; `verbatim`: the arguments are the command line as written (Windows' cmd).
   */
  shell(command: string, env: Env): { file: string; args: string[]; verbatim?: boolean };
  /** The shell `exec PROFILE` runs when no command is given (aws-vault's habit): $SHELL; Windows: %COMSPEC%. */
  loginShell(env: Env): string;
  /**
   * Which desktop's dialogs and notifications the prompts use (prompt/desktop.ts, prompt/notify.ts):
   * `macos`, osascript's; `freedesktop`, zenity or kdialog when DISPLAY or WAYLAND_DISPLAY is set,
   * and notify-send; `none` (Windows), no dialog mfa-exec can show.
   */
  readonly desktop: 'macos' | 'freedesktop' | 'none';
  /**
   * The OS keyring (keystore/keyring-store.ts): its name in messages, and the options
   * @napi-rs/keyring's Entry is opened with in the keyring helper (keyring-child-source.ts).
   */
  readonly keyring: { readonly name: string; readonly entry?: Readonly<Record<string, unknown>> };
}
