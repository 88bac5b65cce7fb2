/**
 * macOS: no /proc. The two process questions are answered by `ps`, which costs a process start
 * (10–30 ms), so it runs only where the answer is needed and nothing else is waiting: when a
 * terminal signal arrives while the target runs, and when a shim finds the marker of a target
 * that may have called it back. Nothing on the way to the target asks. The cache goes in
 * ~/Library/Caches, Apple's place for it, which Time Machine leaves out of its backups (its
 * standard exclusions): credentials valid for hours are not copied to a backup disk. Keys,
 * shims and approvals stay where Linux has them, ~/.local/share/mfa-exec: the shim directory goes
 * on PATH, and ~/Library/Application Support has a space that every rc file and PATH-splitting
 * tool would have to quote; one path serves the docs of both; encrypted keys and approvals are
 * meant to be backed up. An XDG variable the person set wins, as on Linux.
 */
import path from 'node:path';
import { below } from './proc.ts';
import { POSIX_SIGNALS, POSIX_TERMINAL, posixLoginShell, posixShell, terminalAttached, xdgOr, type Env } from './posix.ts';
import type { Tools } from './tools.ts';
import type { Platform } from './types.ts';

/** `ps -o <fields>= -p <pid>`'s numbers, or undefined when ps fails or says something else. */
function ps(tools: Tools, fields: string, pid: number): number[] | undefined {
  const stdout = tools.output('/bin/ps', ['-o', fields, '-p', String(pid)]);
  return stdout === undefined ? undefined : parsePsNumbers(stdout, fields.split(',').length);
}

/** The numbers of ps's one line with `count` fields (headers suppressed with `=`). */
export function parsePsNumbers(stdout: string, count: number): number[] | undefined {
  const words = stdout.trim().split(/\s+/);
  if (words.length !== count || !words.every((w) => /^-?\d+$/.test(w))) return undefined;
  return words.map(Number);
}

/** `ps -A -o pid=,ppid=`'s lines as [pid, parent]. */
export function parentLinks(stdout: string): [number, number][] {
  return stdout.split('\n').flatMap((line) => {
    const numbers = parsePsNumbers(line, 2);
    return numbers ? [numbers as [number, number]] : [];
  });
}

/**
 * The foreground answer, kept for a second per set of tools: resizing a window sends SIGWINCH many
 * times a second, and each answer costs a ps (tens of ms, synchronous). Job control (Ctrl-Z, fg,
 * bg) moves us between foreground and background far less often than that.
 */
const FOREGROUND_KEPT_MS = 1000;
const foreground = new WeakMap<Tools, { at: number; reaches: boolean }>();

export const darwin: Platform = {
  name: 'darwin',
  copyEnv: (env) => ({ ...env }),
  signals: POSIX_SIGNALS,
  terminalSignalsReachTarget(tools) {
    const now = Date.now();
    const kept = foreground.get(tools);
    if (kept && now - kept.at < FOREGROUND_KEPT_MS) return kept.reaches;
    const numbers = ps(tools, 'tpgid=,pgid=', process.pid);
    const reaches = numbers ? numbers[0]! > 0 && numbers[0] === numbers[1] : terminalAttached(tools);
    foreground.set(tools, { at: now, reaches });
    return reaches;
  },
  parentOf: (pid, tools) => ps(tools, 'ppid=', pid)?.[0],
  descendants(pid, tools) {
    // Only at a shell command's deadline: every process's parent, in one ps.
    const stdout = tools.output('/bin/ps', ['-A', '-o', 'pid=,ppid=']);
    return stdout === undefined ? [] : below(pid, parentLinks(stdout));
  },
  openedPath: () => undefined, // /dev/fd/N is the directory's descriptor, not a path into it
  terminal: POSIX_TERMINAL,
  path: path.posix,
  cacheDir: (env: Env, home: string) => xdgOr(env.XDG_CACHE_HOME, path.posix.join(home, 'Library', 'Caches', 'mfa-exec')),
  dataDir: (env: Env, home: string) => xdgOr(env.XDG_DATA_HOME, path.posix.join(home, '.local', 'share', 'mfa-exec')),
  modeBits: true,
  shim: { kind: 'symlink' },
  openers: (url) => [['open', url]],
  shell: posixShell,
  loginShell: posixLoginShell,
  desktop: 'macos',
  keyring: { name: 'the macOS Keychain' },
};
