/**
 * Opening a URL in the person's browser: `$BROWSER` when set, else the platform's opener
 * (src/platform/: xdg-open, open, rundll32). Used for sign-in pages and the console; only on demand.
 *
 * The URL may be a secret (a console sign-in URL is a bearer token for 15 minutes): it is never
 * logged or put in an error here. It reaches the opener as an argument, which other local users
 * can read in /proc while the opener runs: docs/security.md says so.
 *
 * `$BROWSER` is read as xdg-open and Python's webbrowser read it: a colon-separated (Windows: semicolon) list of
 * commands tried in order; `%s` in a command stands for the URL, else the URL is the last
 * argument; a command is split into words at white space (no shell runs it).
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { platform as current, type Platform } from './platform/index.ts';
import { withoutSecretsOrCredentials } from './secret-variables.ts';

export interface OpenUrlOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Whose opener and $BROWSER separator (default: this system's). */
  platform?: Platform;
  /** How long an opener that has not exited yet is given to fail; after that it counts as opened (a browser that stays). */
  graceMs?: number;
  spawn?: (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

/** The commands to try, in order, each as [file, ...args] with the URL in place. */
export function openers(url: string, env: OpenUrlOptions['env'], system: Platform = current): string[][] {
  const browser = env.BROWSER?.trim();
  if (browser) {
    const commands = browser
      .split(system.path.delimiter) // ':', or ';' on Windows (Python's os.pathsep)
      .map((entry) => entry.trim().split(/\s+/).filter(Boolean))
      .filter((words) => words.length > 0);
    return commands.map((words) => (words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', url)) : [...words, url]));
  }
  return system.openers(url, env);
}

/**
 * Opens `url`; resolves with the opener's name (for a message), or undefined when none of them
 * could (the caller then shows the URL, or says how to open it, as fits its secrecy).
 */
export async function openUrl(url: string, options: OpenUrlOptions): Promise<string | undefined> {
  const spawn = options.spawn ?? nodeSpawn;
  for (const [file, ...args] of openers(url, options.env, options.platform)) {
    if (await tryOpener(file!, args, spawn, options)) return file;
  }
  return undefined;
}

function tryOpener(file: string, args: string[], spawn: NonNullable<OpenUrlOptions['spawn']>, options: OpenUrlOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      // Its own session and no stdio of ours: stdout belongs to the target, and a browser's chatter is not ours to show.
      child = spawn(file, args, { stdio: 'ignore', detached: true, env: withoutSecretsOrCredentials(options.env) });
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      child.unref();
      resolve(true);
    }, options.graceMs ?? 3000);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}
