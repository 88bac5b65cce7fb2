/**
 * Everything a run takes from the outside world, gathered once by cli.ts and passed down: the
 * environment (a copy taken at start-up), our settings, home and working directories, the
 * clock, stdout and the logger, our own identity, and the loader of the code that is off the
 * warm path. Nothing below cli.ts reads process.env, process.cwd() or os.homedir() itself.
 */
import type { Logger } from './log.ts';
import type { Settings } from './settings.ts';
import type * as OnDemandCredentials from './on-demand/credentials.ts';

export type { OnDemandCredentials };

export interface Runtime {
  readonly env: NodeJS.ProcessEnv;
  readonly settings: Settings;
  readonly homedir: string;
  readonly cwd: string;
  readonly now: () => number;
  readonly logger: Logger;
  /** stdout: a command's machine-readable output (the target's stdout is its own). */
  readonly out: (text: string) => void;
  /**
   * Our entry point, the identities (dev:ino) of every file that is us (never a target), and the
   * Node running us (with `path`, what a child's credential_process runs to reach us).
   */
  readonly self: { readonly path: string; readonly ids: ReadonlySet<string>; readonly node: string };
  /** STS, the lock, the prompt and --server: loaded on the first cache miss. */
  readonly onDemand: () => Promise<typeof OnDemandCredentials>;
}
