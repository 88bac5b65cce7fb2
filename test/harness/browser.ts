// makeBrowser(): a temp directory with an executable `browser` for $BROWSER, which runs
// browser-standin.mjs on the Node running the tests, and readers for what it recorded.
// The directory is outside any temp HOME, so the URLs it records (authorize URLs with state and
// PKCE challenge, device URLs with the user code) never meet a secrets scan of HOME.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BROWSER_STANDIN = fileURLToPath(new URL('./browser-standin.mjs', import.meta.url));

export type BrowserMode = 'complete' | 'ignore' | 'fail';

export interface BrowserOpen {
  pid: number;
  at: number;
  url: string;
}

export interface BrowserOutcome {
  pid: number;
  at: number;
  kind: 'authorize' | 'device' | 'other';
  steps: Array<{ method: string; host: string; path: string; status: number }>;
  error?: string;
}

export interface FakeBrowser {
  /** The executable to put in $BROWSER. */
  path: string;
  dir: string;
  env: { BROWSER: string };
  opens(): Promise<BrowserOpen[]>;
  outcomes(): Promise<BrowserOutcome[]>;
  /** Resolves when n visits have finished (each open in 'complete' mode ends in one). */
  waitForOutcomes(n: number, timeoutMs?: number): Promise<BrowserOutcome[]>;
  setMode(mode: BrowserMode): Promise<void>;
  cleanup(): Promise<void>;
}

const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

async function lines<T>(file: string): Promise<T[]> {
  try {
    return (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function makeBrowser(mode: BrowserMode = 'complete'): Promise<FakeBrowser> {
  const dir = await mkdtemp(join(tmpdir(), 'mfa-exec-browser-'));
  const path = join(dir, 'browser');
  await writeFile(path, `#!/bin/sh\nexec ${sh(process.execPath)} ${sh(BROWSER_STANDIN)} --state ${sh(dir)} "$@"\n`);
  await chmod(path, 0o755);
  const setMode = (m: BrowserMode): Promise<void> => writeFile(join(dir, 'mode'), m);
  await setMode(mode);
  const outcomes = (): Promise<BrowserOutcome[]> => lines<BrowserOutcome>(join(dir, 'outcomes.jsonl'));
  return {
    path,
    dir,
    env: { BROWSER: path },
    opens: () => lines<BrowserOpen>(join(dir, 'opens.jsonl')),
    outcomes,
    async waitForOutcomes(n, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const got = await outcomes();
        if (got.length >= n) return got;
        if (Date.now() > until) throw new Error(`browser stand-in: ${got.length} of ${n} visits finished after ${timeoutMs} ms (${dir})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    setMode,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
