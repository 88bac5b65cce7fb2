/**
 * The OS keyring store (macOS Keychain, Windows Credential Manager, Linux Secret Service) through
 * @napi-rs/keyring, one entry per profile: service 'mfa-exec', account = profile name, secret =
 * keys-json.ts's JSON. Every call runs in a bounded child process (keyring-process.ts), so the
 * native module is never loaded into mfa-exec itself and a bus that never answers costs a
 * deadline, not a hang.
 */
import { silentLogger, type Logger } from '../log.ts';
import { platform as current, type Platform } from '../platform/index.ts';
import { KeyStoreError } from './errors.ts';
import { readKeyringIndex, updateKeyringIndex } from './keyring-index.ts';
import { decodeKeys, encodeKeys, isKeyText } from './keys-json.ts';
import { runKeyringChild, type KeyringAnswer, type KeyringProcessOptions, type KeyringRequest } from './keyring-process.ts';
import type { KeyStore, LongTermKeys } from './types.ts';

const KEYRING_SERVICE = 'mfa-exec';
/** "Does a keyring answer?": a healthy one answers in tens of milliseconds. */
const PROBE_TIMEOUT_MS = 3_000;
/** A real call may wait for the user to unlock the keyring in a desktop dialog. */
const CALL_TIMEOUT_MS = 20_000;

export type RunKeyring = (request: KeyringRequest, options: KeyringProcessOptions) => Promise<KeyringAnswer>;

export interface KeyringStoreOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Which keyring, and how the library opens it (default: this system's). */
  platform?: Platform;
  service?: string;
  timeoutMs?: number;
  probeTimeoutMs?: number;
  run?: RunKeyring;
  /** The index of profiles mfa-exec put in the keyring (keyring-index.ts); none when absent. */
  indexFile?: string;
  logger?: Logger;
}

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export class KeyringKeyStore implements KeyStore {
  readonly kind = 'keyring' as const;
  readonly service: string;
  readonly name: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #timeoutMs: number;
  readonly #probeTimeoutMs: number;
  readonly #run: RunKeyring;
  readonly #indexFile: string | undefined;
  readonly #logger: Logger;

  constructor(options: KeyringStoreOptions) {
    this.#env = options.env;
    const { name, entry } = (options.platform ?? current).keyring;
    this.name = name;
    this.service = options.service ?? KEYRING_SERVICE;
    this.#timeoutMs = options.timeoutMs ?? CALL_TIMEOUT_MS;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
    const run = options.run ?? runKeyringChild;
    this.#run = entry ? (request, opts) => run({ ...request, entry }, opts) : run;
    this.#indexFile = options.indexFile;
    this.#logger = options.logger ?? silentLogger;
  }

  describe(profile: string): string {
    return `${this.name} (service '${this.service}', account '${profile}')`;
  }

  /** Whether a keyring answers, within a short deadline; never throws. */
  async probe(): Promise<ProbeResult> {
    const answer = await this.#run({ op: 'probe', service: this.service }, { env: this.#env, timeoutMs: this.#probeTimeoutMs });
    return answer.ok ? { ok: true } : { ok: false, reason: describeFailure(answer) };
  }

  async get(profile: string): Promise<LongTermKeys | undefined> {
    const answer = await this.#call(profile, { op: 'get', service: this.service, account: profile }, 'read the keys of');
    if (answer.value === null || answer.value === undefined) return undefined;
    const keys = decodeKeys(answer.value);
    if (!keys) {
      throw new KeyStoreError(
        'keystore-corrupt',
        `The entry for profile '${profile}' in ${this.describe(profile)} is not a key pair that mfa-exec stored. ` +
          `mfa-exec did not change it; remove it (mfa-exec remove ${profile}) and add the keys again.`,
      );
    }
    return keys;
  }

  async set(profile: string, keys: LongTermKeys): Promise<void> {
    if (!isKeyText(keys.accessKeyId) || !isKeyText(keys.secretAccessKey)) {
      throw new KeyStoreError(
        'keystore-io',
        `The keys given for profile '${profile}' are not an access key id and a secret (empty, too long, or with spaces); nothing was stored.`,
      );
    }
    await this.#call(profile, { op: 'set', service: this.service, account: profile, value: encodeKeys(keys) }, 'store the keys of', [
      keys.secretAccessKey,
      keys.accessKeyId,
    ]);
    if (this.#indexFile) updateKeyringIndex(this.#indexFile, profile, true, this.#logger);
  }

  async remove(profile: string): Promise<boolean> {
    const answer = await this.#call(profile, { op: 'remove', service: this.service, account: profile }, 'remove the keys of');
    if (this.#indexFile) updateKeyringIndex(this.#indexFile, profile, false, this.#logger);
    return answer.removed === true;
  }

  /** The profiles mfa-exec stored here, from the index: no child process, no secret. */
  indexed(): ReadonlySet<string> {
    return this.#indexFile ? readKeyringIndex(this.#indexFile) : new Set();
  }

  async list(): Promise<string[]> {
    const answer = await this.#call(undefined, { op: 'list', service: this.service }, 'list the profiles in');
    return [...new Set(answer.accounts ?? [])].sort();
  }

  async #call(
    profile: string | undefined,
    request: KeyringRequest,
    doing: string,
    secrets: string[] = [],
  ): Promise<Extract<KeyringAnswer, { ok: true }>> {
    const answer = await this.#run(request, { env: this.#env, timeoutMs: this.#timeoutMs });
    if (answer.ok) return answer;
    const what = profile === undefined ? this.name : `profile '${profile}' in ${this.name}`;
    const reason = redact(describeFailure(answer), [request.value ?? '', ...secrets]);
    const locked = answer.stage === 'call' && /locked|prompt|dismissed/i.test(answer.message);
    const unavailable = locked || answer.stage !== 'call' || /platform storage|NoStorageAccess/i.test(answer.message);
    const instead = 'use the encrypted file instead (--backend file or MFA_EXEC_BACKEND=file)';
    throw new KeyStoreError(
      unavailable ? 'keystore-unavailable' : 'keystore-io',
      `Cannot ${doing} ${what}: ${reason}. ` +
        (locked
          ? `Unlock the keyring, or ${instead}.`
          : unavailable
            ? `Start a keyring (a desktop session's Secret Service), or ${instead}.`
            : 'Nothing else was changed.'),
    );
  }
}

/** One sentence about why the keyring did not answer, for messages and --debug. */
function describeFailure(answer: Extract<KeyringAnswer, { ok: false }>): string {
  const message = answer.message.replace(/\s+/g, ' ').trim().slice(0, 300);
  switch (answer.stage) {
    case 'load':
      return `the keyring library cannot be loaded here (${message})`;
    case 'open':
      return `no keyring answers (${message})`;
    case 'timeout':
      return `the keyring did not answer (${message}); is the D-Bus session bus hung?`;
    case 'crash':
      return `the keyring helper failed (${message})`;
    case 'call':
      return `the keyring refused (${message})`;
  }
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
