/**
 * What Linux and macOS share: a controlling terminal at /dev/tty, POSIX signals and process
 * groups, mode bits, symbolic links, /bin/sh, and the XDG variables when the person set them.
 */
import path from 'node:path';
import type { Tools } from './tools.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** SIGTERM is never sent by a terminal, so it is always forwarded; the others a terminal sends to its whole foreground group. */
export const POSIX_SIGNALS = {
  listened: ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGWINCH'] as NodeJS.Signals[],
  terminal: new Set<NodeJS.Signals>(['SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGWINCH']),
};

export const POSIX_TERMINAL = { input: '/dev/tty', output: '/dev/tty' };

/** `${variable}/mfa-exec` when the variable is an absolute path (XDG: unset, empty or relative counts as unset), else `fallback`. */
export function xdgOr(value: string | undefined, fallback: string): string {
  return value && path.posix.isAbsolute(value) ? path.posix.join(value, 'mfa-exec') : fallback;
}

export const posixShell = (command: string) => ({ file: '/bin/sh', args: ['-c', command] });
export const posixLoginShell = (env: Env): string => env.SHELL || '/bin/sh';

/** The guess where the system cannot say which group the terminal signals: a terminal on stdin or stderr is taken as ours. */
export const terminalAttached = (tools: Tools): boolean => tools.isatty(0) || tools.isatty(2);

export type { Env };
