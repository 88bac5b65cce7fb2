/**
 * Everything a run takes from the outside world, gathered once by cli.ts and passed down: the
 * environment (a copy taken at start-up), our settings, home, working and cache directories, the
 * clock, stdout and the logger, our own identity, and the loader of the code that is off the
 * warm path. Nothing below cli.ts reads process.env, process.cwd() or os.homedir() itself.
 */
import type { refuseOwnFiles } from '../config-view/fallback.ts';
import type { makeView } from '../config-view/write.ts';
import type { fetchOnMiss } from '../credentials/miss.ts';
import type { Logger } from '../log.ts';
import type { startCredentialServer } from '../server/credential-server.ts';
import type { createRefresher } from '../server/refresher.ts';
import type { Settings } from '../settings.ts';

/**
 * What the on-demand bundle's credentials entry gives (cli.ts loads src/on-demand/credentials.ts,
 * which the type checker holds to this): a cache miss, a config view to make, --server.
 */
export interface OnDemand {
  fetchOnMiss: typeof fetchOnMiss;
  makeView: typeof makeView;
  refuseOwnFiles: typeof refuseOwnFiles;
  startCredentialServer: typeof startCredentialServer;
  createRefresher: typeof createRefresher;
}

export interface Runtime {
  readonly env: NodeJS.ProcessEnv;
  readonly settings: Settings;
  readonly homedir: string;
  readonly cwd: string;
  /** ${XDG_CACHE_HOME:-~/.cache}/mfa-exec (dirs.ts), computed once: credentials, views, used codes. */
  readonly cacheDir: string;
  readonly now: () => number;
  readonly logger: Logger;
  /** stdout: a command's machine-readable output (the target's stdout is its own). */
  readonly out: (text: string) => void;
  /**
   * Our entry point, the identities (dev:ino) of every file that is us (never a target), and the
   * Node running us (with `path`, what a child's credential_process runs to reach us).
   */
  readonly self: { readonly path: string; readonly ids: ReadonlySet<string>; readonly node: string };
  /** STS, the lock, the prompt, the view writer and --server: loaded on the first need. */
  readonly onDemand: () => Promise<OnDemand>;
}
