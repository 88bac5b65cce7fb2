/**
 * Everything a run takes from the outside world, gathered once by cli.ts and passed down: the
 * environment (a copy taken at start-up), our settings, home, working and cache directories, the
 * clock, stdout and the logger, our own identity, the loader of the code that is off the warm
 * path, and the start of the target. Nothing below cli.ts reads process.env, process.cwd() or os.homedir() itself.
 */
import type { refuseOwnFiles } from '../config-view/fallback.ts';
import type { makeView } from '../config-view/write.ts';
import type { fetchOnMiss } from '../credentials/miss.ts';
import type { confirmDestructive } from '../guardrails/confirm.ts';
import type { callerAccount } from '../guardrails/identity.ts';
import type { Logger } from '../log.ts';
import type { runTarget } from '../child/run.ts';
import type { startCredentialServer } from '../server/credential-server.ts';
import type { createRefresher } from '../server/refresher.ts';
import type { Settings } from '../settings.ts';
import type { signInDebugLine, signInReports } from '../sources/fetch.ts';

/**
 * What the on-demand bundle's credentials entry gives (cli.ts loads src/on-demand/credentials.ts,
 * which the type checker holds to this): a cache miss, a config view to make, --server, a
 * guardrail's question or STS call.
 */
export interface OnDemand {
  fetchOnMiss: typeof fetchOnMiss;
  makeView: typeof makeView;
  refuseOwnFiles: typeof refuseOwnFiles;
  startCredentialServer: typeof startCredentialServer;
  createRefresher: typeof createRefresher;
  /** A guardrail's question before a destructive command (src/guardrails/confirm.ts). */
  confirmDestructive: typeof confirmDestructive;
  /** GetCallerIdentity's account, for a guardrail when the AWS files do not tell it (src/guardrails/identity.ts). */
  callerAccount: typeof callerAccount;
  /** Where the sign-ins of sources stand (IAM Identity Center, `aws login`), worded: list, status, login; files only. */
  signInReports: typeof signInReports;
  /** --debug's line about a source's sign-in. */
  signInDebugLine: typeof signInDebugLine;
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
   * Our entry point, the identities (dev:ino) of every file that is us (never a target), and
   * `command`, what a child's credential_process runs to reach us: `[node, dist/cli.js]`, or the
   * single executable alone (src/executable.ts).
   */
  readonly self: { readonly path: string; readonly ids: ReadonlySet<string>; readonly command: readonly string[] };
  /** STS, the lock, the prompt, the view writer and --server: loaded on the first need. */
  readonly onDemand: () => Promise<OnDemand>;
  /** Starts the target and waits for it (child/run.ts): exec's one effect, which src/memo/ records. */
  readonly runTarget: typeof runTarget;
}
