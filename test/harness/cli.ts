// Running the built CLI: a fully controlled environment, no terminal, bounded in time.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonTool } from './python-bin.ts';
import { killGroup, trackGroup, untrackGroup } from './reaper.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The mfa-exec the e2e tests run: dist/cli.js (on the Node running the tests), or the single
 * executable named by MFA_EXEC_TEST_BIN (scripts/build-exe.mjs; CI runs the suite both ways).
 * Run it as a file, link shims to it: both work the same way.
 */
export const CLI_PATH = process.env['MFA_EXEC_TEST_BIN'] ? resolve(process.env['MFA_EXEC_TEST_BIN']) : join(REPO_ROOT, 'dist', 'cli.js');
/** The suite runs against the single executable (MFA_EXEC_TEST_BIN). */
export const TESTING_EXECUTABLE = CLI_PATH !== join(REPO_ROOT, 'dist', 'cli.js');
/**
 * The command that runs mfa-exec whatever PATH holds: [node, dist/cli.js], or [the executable].
 * For a test that writes a command line (a credential_process, a shell command that names Node).
 */
export const CLI_COMMAND: readonly string[] = TESTING_EXECUTABLE ? [CLI_PATH] : [process.execPath, CLI_PATH];
/**
 * A test option (`test(name, nodePackageOnly, fn)`, or spread into a describe's options) for a
 * test of dist/'s files or of the npm package itself: skipped, saying why, against the executable.
 */
export const nodePackageOnly: { skip?: string } = TESTING_EXECUTABLE
  ? { skip: "tests dist/'s files or the npm package, which the single executable does not have" }
  : {};

/**
 * The whole environment a spawned CLI sees: nothing inherited from the developer's shell
 * (no AWS_* credentials, no NODE_EXTRA_CA_CERTS, no /usr/local/bin with its real terraform).
 * PATH holds node's dir, the system dirs and the real `aws` (python) CLI's dir. Node's dir comes
 * first: `#!/usr/bin/env node` must find the Node running the tests, not /usr/bin/node, when the
 * suite runs under another version (CI runs it on 20, 22 and 24).
 */
export function baseEnv(home: string, aws: { endpoint: string }): NodeJS.ProcessEnv {
  const path = [...new Set([dirname(process.execPath), '/usr/bin', '/bin', dirname(pythonTool('aws'))])];
  return {
    HOME: home,
    PATH: path.join(':'),
    LANG: 'C.UTF-8',
    AWS_ENDPOINT_URL_STS: aws.endpoint,
    AWS_ENDPOINT_URL_IAM: aws.endpoint, // targets like `aws iam ...` reach moto through the front too
    AWS_EC2_METADATA_DISABLED: 'true',
    XDG_CACHE_HOME: join(home, '.cache'),
    NO_COLOR: '1',
  };
}

export interface CliResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunCliOptions {
  env: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Default: the env's HOME (the temp home), so nothing in the repo is in reach. */
  cwd?: string;
  /** Run this path (e.g. a shim symlink to CLI_PATH) instead of CLI_PATH. */
  argv0Path?: string;
}

/**
 * Spawns the CLI in a new session (setsid via `detached`), so it has no controlling terminal
 * even when the test runner has one: opening /dev/tty fails with ENXIO, as under CI or cron.
 */
export function runCli(args: string[], opts: RunCliOptions): Promise<CliResult> {
  const file = opts.argv0Path ?? CLI_PATH;
  if (!existsSync(file)) throw new Error(`${file} does not exist; run \`npm run build\` first`);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const started = Date.now();
  const child = spawn(file, args, {
    env: opts.env,
    cwd: opts.cwd ?? opts.env['HOME'] ?? REPO_ROOT,
    detached: true,
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    return new Promise((_, reject) => child.once('error', reject));
  }
  const pgid = child.pid;
  trackGroup(pgid);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  child.stdin?.on('error', () => {}); // the CLI may exit without reading its input

  return new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(pgid, 'SIGKILL');
      untrackGroup(pgid);
      reject(
        new Error(
          `runCli: \`${file} ${args.join(' ')}\` still running after ${timeoutMs} ms (killed)\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      untrackGroup(pgid);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(pgid, 'SIGKILL'); // stragglers the CLI left behind in its group
      untrackGroup(pgid);
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}
