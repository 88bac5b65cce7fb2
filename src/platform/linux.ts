/**
 * Linux: everything is tested here end to end. /proc answers the process questions cheaply (one
 * small file read, only when a signal arrives or a shim is called back); directories by XDG.
 */
import path from 'node:path';
import { descendants, procStat } from './proc.ts';
import { POSIX_SIGNALS, POSIX_TERMINAL, posixLoginShell, posixShell, terminalAttached, xdgOr, type Env } from './posix.ts';
import type { Platform } from './types.ts';

export const linux: Platform = {
  name: 'linux',
  copyEnv: (env) => ({ ...env }),
  signals: POSIX_SIGNALS,
  terminalSignalsReachTarget(tools) {
    const stat = procStat('self');
    if (!stat) return terminalAttached(tools); // no /proc mounted
    return stat.ttyNr !== 0 && stat.tpgid === stat.pgrp; // the terminal's foreground group is ours
  },
  parentOf: (pid) => procStat(pid)?.ppid,
  descendants,
  openedPath: (fd) => `/proc/self/fd/${fd}`,
  terminal: POSIX_TERMINAL,
  path: path.posix,
  cacheDir: (env: Env, home: string) => xdgOr(env.XDG_CACHE_HOME, path.posix.join(home, '.cache', 'mfa-exec')),
  dataDir: (env: Env, home: string) => xdgOr(env.XDG_DATA_HOME, path.posix.join(home, '.local', 'share', 'mfa-exec')),
  modeBits: true,
  shim: { kind: 'symlink' },
  openers: (url) => [['xdg-open', url]],
  shell: posixShell,
  loginShell: posixLoginShell,
  desktop: 'freedesktop',
  // Pinned to the Secret Service: the library's default falls back to the kernel keyring
  // (keyutils), which forgets everything at logout or reboot, so keys stored there would vanish.
  keyring: { name: 'the Secret Service keyring', entry: { linux: { store: 'secret-service' } } },
};
