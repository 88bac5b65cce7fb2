/**
 * Windows: decisions unit-tested on Linux, the executable's format checked; nothing here has run
 * on Windows (docs/platforms.md). No process groups and no POSIX signals: Ctrl-C and Ctrl-Break
 * go to every process attached to the console, the target included, and Node cannot receive
 * SIGTERM, so there is nothing to forward (and child.kill() would end the target abruptly). The
 * console is CONIN$/CONOUT$. Directories in %LOCALAPPDATA% (per user, not roaming: credentials
 * stay on this machine), laid out as Python's platformdirs does, unless an XDG variable is set. Files are protected by the
 * ACLs a new file inherits from the user's profile directory, not by mode bits (docs/security.md).
 * Programs are started by absolute path from %SystemRoot%: Windows looks in the working
 * directory first for a bare name, where a repository could plant a cmd.exe.
 */
import path from 'node:path';
import type { Env, Platform } from './types.ts';

const CONSOLE_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGBREAK', 'SIGHUP'];

/** %SystemRoot%\System32\<file>, from the environment (names upper-cased: copyEnv) when it names an absolute directory. */
function system32(env: Env, file: string): string {
  const root = env.SYSTEMROOT;
  return path.win32.join(root && path.win32.isAbsolute(root) ? root : 'C:\\Windows', 'System32', file);
}

/** %COMSPEC% when it is an absolute path (a bare name could be found in the working directory), else System32's cmd.exe. */
function comspec(env: Env): string {
  return env.COMSPEC && path.win32.isAbsolute(env.COMSPEC) ? env.COMSPEC : system32(env, 'cmd.exe');
}

/** As on Linux and macOS, an XDG variable set to an absolute path wins (the cache directory's error message says to set it). */
function xdgOr(value: string | undefined, fallback: string): string {
  return value && path.win32.isAbsolute(value) ? path.win32.join(value, 'mfa-exec') : fallback;
}

function localAppData(env: Env, home: string): string {
  const value = env.LOCALAPPDATA;
  return value && path.win32.isAbsolute(value) ? value : path.win32.join(home, 'AppData', 'Local');
}

/**
 * The `.cmd` launcher of a shim: runs us with MFA_EXEC_SHIM set to its own full path (the name
 * we are invoked as, and a file to skip when finding the real program), the arguments as given.
 * setlocal keeps the variable out of the cmd.exe that ran the launcher. A `%` in our path is
 * doubled (cmd expands variables even in quotes); a Windows path cannot hold `"`.
 */
export function cmdLauncher(self: readonly string[]): string {
  const command = self.map((word) => `"${word.replaceAll('%', '%%')}"`).join(' ');
  return ['@echo off', 'rem mfa-exec shim (mfa-exec shim install)', 'setlocal', 'set "MFA_EXEC_SHIM=%~f0"', `${command} %*`, ''].join(
    '\r\n',
  );
}

export const win32: Platform = {
  name: 'win32',
  copyEnv: (env) => Object.fromEntries(Object.entries(env).map(([name, value]) => [name.toUpperCase(), value])),
  signals: { listened: CONSOLE_SIGNALS, terminal: new Set(CONSOLE_SIGNALS) },
  terminalSignalsReachTarget: () => true, // the console delivers them to the target itself
  parentOf: () => undefined, // no cheap way (a WMI query costs a PowerShell start): the recursion guard stops at MFA_EXEC_DEPTH
  descendants: () => [], // at a shell command's deadline only cmd.exe is killed; its pipes are let go of after 1 s
  openedPath: () => undefined,
  terminal: { input: '\\\\.\\CONIN$', output: '\\\\.\\CONOUT$' },
  path: path.win32,
  cacheDir: (env, home) => xdgOr(env.XDG_CACHE_HOME, path.win32.join(localAppData(env, home), 'mfa-exec', 'Cache')),
  dataDir: (env, home) => xdgOr(env.XDG_DATA_HOME, path.win32.join(localAppData(env, home), 'mfa-exec')),
  modeBits: false,
  shim: { kind: 'cmd', file: (name) => `${name}.cmd`, text: cmdLauncher },
  // rundll32 takes the URL as an argument, never through cmd's parsing (`start` would act on & ^ %).
  openers: (url, env) => [[system32(env, 'rundll32.exe'), 'url.dll,FileProtocolHandler', url]],
  // `cmd /d /s /c "<command>"`: no AutoRun, the outer quotes stripped, the rest as written (as Node's shell: true does).
  shell: (command, env) => ({
    file: comspec(env),
    args: ['/d', '/s', '/c', `"${command}"`],
    verbatim: true,
  }),
  loginShell: comspec,
  desktop: 'none', // no dialog program of the ones mfa-exec drives (docs/platforms.md)
  keyring: { name: 'the Windows Credential Manager' },
};
