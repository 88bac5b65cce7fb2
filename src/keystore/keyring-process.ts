/**
 * One keyring call in a child process with a deadline (see keyring-child-source.ts for why).
 * Resolves with the child's answer or a failure saying what went wrong; never rejects, never
 * waits past the deadline: a child that has not answered by then is killed.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { IN_EXECUTABLE, KEYRING_CHILD } from '../executable.ts';
import { withoutSecretsOrCredentials } from '../secret-variables.ts';
import { KEYRING_CHILD_SOURCE } from './keyring-child-source.ts';

export type KeyringOp = 'probe' | 'get' | 'set' | 'remove' | 'list';

export interface KeyringRequest {
  op: KeyringOp;
  service: string;
  account?: string;
  value?: string;
  /** The options the library's Entry is opened with: the platform's (Platform.keyring.entry). */
  entry?: Readonly<Record<string, unknown>>;
}

export type KeyringAnswer =
  | { ok: true; value?: string | null; removed?: boolean; accounts?: string[] }
  | { ok: false; stage: 'load' | 'open' | 'call' | 'timeout' | 'crash'; message: string };

export interface KeyringProcessOptions {
  /** The environment the keyring is found through (DBUS_SESSION_BUS_ADDRESS, HOME, …). */
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
  /** The library's entry file; by default resolved from this package's node_modules. */
  modulePath?: string;
  execPath?: string;
}

/** The library's entry file, or undefined when it is not installed (no prebuilt for this platform?). */
function resolveKeyringModule(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@napi-rs/keyring');
  } catch {
    return undefined;
  }
}

/**
 * Besides the secrets and keys no helper gets (the keys `add --env` reads, the passphrase, an MFA
 * code): variables that only slow the child down or load code into it. Nothing else is changed.
 */
const NODE_ONLY = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];

/**
 * The helper's command: `node -e <source>` under Node; in the single executable, the executable
 * itself, which carries the library (src/exe.ts).
 */
function helperCommand(
  options: KeyringProcessOptions,
  env: Record<string, string>,
): { file: string; args: string[]; env: Record<string, string> } {
  if (IN_EXECUTABLE && !options.execPath)
    return { file: process.execPath, args: [KEYRING_CHILD.arg], env: { ...env, [KEYRING_CHILD.env]: '1' } };
  return { file: options.execPath ?? process.execPath, args: ['-e', KEYRING_CHILD_SOURCE], env };
}

export function runKeyringChild(request: KeyringRequest, options: KeyringProcessOptions): Promise<KeyringAnswer> {
  const modulePath = options.modulePath ?? (IN_EXECUTABLE ? '@napi-rs/keyring' : resolveKeyringModule());
  if (!modulePath) return Promise.resolve({ ok: false, stage: 'load', message: 'the @napi-rs/keyring package is not installed' });
  const env = withoutSecretsOrCredentials(options.env);
  for (const name of NODE_ONLY) delete env[name];

  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: KeyringAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const helper = helperCommand(options, env);
    const child = spawn(helper.file, helper.args, { env: helper.env, stdio: ['pipe', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, stage: 'timeout', message: `no answer within ${(options.timeoutMs / 1000).toFixed(1)} s` });
    }, options.timeoutMs);
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.once('error', (error) => finish({ ok: false, stage: 'crash', message: `cannot start ${helper.file}: ${error.message}` }));
    child.once('close', (code, signal) => {
      const text = Buffer.concat(out).toString('utf8');
      const answer = parseAnswer(text);
      if (answer) finish(answer);
      else
        finish({ ok: false, stage: 'crash', message: `the keyring helper process ended (${signal ?? `exit ${code}`}) without an answer` });
    });
    child.stdin.on('error', () => {}); // a child that died early: 'close' reports it
    child.stdin.end(JSON.stringify({ module: modulePath, ...request }));
  });
}

function parseAnswer(text: string): KeyringAnswer | undefined {
  try {
    const value = JSON.parse(text) as KeyringAnswer;
    if (typeof value !== 'object' || value === null || typeof value.ok !== 'boolean') return undefined;
    if (!value.ok && (typeof value.message !== 'string' || typeof value.stage !== 'string')) return undefined;
    return value;
  } catch {
    return undefined;
  }
}
