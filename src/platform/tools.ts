/**
 * The two effects a platform's process answers may need: a program's output (macOS asks `ps`) and
 * whether a descriptor is a terminal. Passed in by the callers (child/run.ts, child/recursion.ts,
 * shell-command.ts) rather than imported by the platform files, so that boot.ts, which needs only
 * the directories, loads neither node:child_process nor node:tty; and so that tests can fake them.
 */
import { spawnSync } from 'node:child_process';
import tty from 'node:tty';

export interface Tools {
  /** The program's standard output when it exits 0 within 2 s, else undefined. */
  output(file: string, args: readonly string[]): string | undefined;
  isatty(fd: number): boolean;
}

export const systemTools: Tools = {
  output(file, args) {
    const r = spawnSync(file, args, { encoding: 'utf8', timeout: 2_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return r.status === 0 ? r.stdout : undefined;
  },
  isatty: (fd) => tty.isatty(fd),
};
