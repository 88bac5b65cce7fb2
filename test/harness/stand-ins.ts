// Stand-ins for programs mfa-exec runs that cannot be real here (test/fixtures/desktop/*.mjs):
// `ykman` (no YubiKey), `notify-send` (records instead of showing) and a `$BROWSER` that records
// the console URL it is handed. They live in a temp dir of their own, 0700, outside the test's
// HOME: put `bin` first on PATH and merge `env` into the CLI's environment. What they record
// (the login URL is a secret for 15 minutes) is in files there, mode 0600, that no secret-scan
// of the home, the CLI's output or its --debug lines includes; tests read it through these
// functions and must not print it.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.ts';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'desktop');

export interface YkmanOptions {
  /** Accounts on the fake key; mfa-exec's NAME must pick exactly one (exact, else substring). */
  accounts: string[];
  /** The key's serial (`--device` must match it when given). Default 12345678. */
  serial?: string;
  /** The account needs touch: "Touch your YubiKey..." on stderr, then this long before the code. */
  touchMs?: number;
  fail?: 'no-key' | 'touch-timeout';
}

export interface StandInOptions {
  ykman?: YkmanOptions;
  notifySend?: boolean | { exitCode: number };
  /** `$BROWSER`; fetch: also GET the URL without following, then the Location with the cookie. */
  browser?: boolean | { fetch: boolean };
}

export interface BrowserFetch {
  status: number;
  location: string;
  /** The page's text, tags stripped. */
  page: string;
}

export interface StandIns {
  dir: string;
  /** Holds only the stand-ins asked for: first on PATH. */
  bin: string;
  env: Record<string, string>;
  /** The code the ykman stand-in prints next (write a real TOTP from aws.freshTotp here). */
  setYkmanCode(code: string): void;
  ykmanCalls(): string[][];
  notifications(): string[][];
  /** Each browser call's argv. The login URL is a secret: assert on it, do not print it. */
  browserCalls(): string[][];
  browserFetches(): BrowserFetch[];
  cleanup(): void;
}

function jsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

export function makeStandIns(options: StandInOptions): StandIns {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-stand-ins-'));
  chmodSync(dir, 0o700);
  const bin = join(dir, 'bin');
  const logs = join(dir, 'logs');
  mkdirSync(bin);
  mkdirSync(logs, { mode: 0o700 });
  const env: Record<string, string> = {};
  const file = (name: string): string => {
    const path = join(logs, name);
    writeFileSync(path, '', { mode: 0o600 });
    return path;
  };

  if (options.ykman) {
    symlinkSync(join(FIXTURES, 'ykman.mjs'), join(bin, 'ykman'));
    const y = options.ykman;
    Object.assign(env, {
      STANDIN_YKMAN_ACCOUNTS: y.accounts.join('\n'),
      STANDIN_YKMAN_CODE_FILE: file('ykman-code'),
      STANDIN_YKMAN_LOG: file('ykman.jsonl'),
      ...(y.serial ? { STANDIN_YKMAN_SERIAL: y.serial } : {}),
      ...(y.touchMs ? { STANDIN_YKMAN_TOUCH_MS: String(y.touchMs) } : {}),
      ...(y.fail ? { STANDIN_YKMAN_FAIL: y.fail } : {}),
    });
  }
  if (options.notifySend) {
    symlinkSync(join(FIXTURES, 'notify-send.mjs'), join(bin, 'notify-send'));
    env['STANDIN_NOTIFY_LOG'] = file('notify-send.jsonl');
    if (typeof options.notifySend === 'object') env['STANDIN_NOTIFY_EXIT'] = String(options.notifySend.exitCode);
  }
  if (options.browser) {
    env['BROWSER'] = join(FIXTURES, 'browser.mjs');
    env['STANDIN_BROWSER_LOG'] = file('browser.jsonl');
    file('browser.jsonl.fetch');
    if (typeof options.browser === 'object' && options.browser.fetch) env['STANDIN_BROWSER_FETCH'] = '1';
  }

  return {
    dir,
    bin,
    env,
    setYkmanCode(code) {
      if (!env['STANDIN_YKMAN_CODE_FILE']) throw new Error('no ykman stand-in asked for');
      writeFileSync(env['STANDIN_YKMAN_CODE_FILE'], code + '\n', { mode: 0o600 });
    },
    ykmanCalls: () => jsonLines<{ argv: string[] }>(join(logs, 'ykman.jsonl')).map((c) => c.argv),
    notifications: () => jsonLines<string[]>(join(logs, 'notify-send.jsonl')),
    browserCalls: () => jsonLines<string[]>(join(logs, 'browser.jsonl')),
    browserFetches: () => jsonLines<BrowserFetch>(join(logs, 'browser.jsonl.fetch')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
