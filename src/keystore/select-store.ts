/**
 * Which store holds the long-term keys, and where the file store's passphrase comes from.
 *
 * Backend, first that is set: --backend, MFA_EXEC_BACKEND, then aws-vault's AWS_VAULT_BACKEND
 * (file -> file; keychain, secret-service, wincred -> keyring; its other backends are ignored).
 * Otherwise "auto": a profile that already has a key file stays in the file (so a keyring that
 * appears later does not hide keys stored before it); else the OS keyring if one answers within
 * the probe's deadline; else the encrypted file.
 *
 * Passphrase, first that is set: MFA_EXEC_FILE_PASSPHRASE, AWS_VAULT_FILE_PASSPHRASE, the
 * askPassphrase function given (through the run's prompt). It is asked for only when a secret is
 * opened or sealed.
 *
 * Reading a profile's keys (a cache miss) in "auto": its key file if it has one, else the keyring
 * (one call: a keyring that does not answer counts as holding nothing). Where keys are, for `list`
 * and `doctor`, is known without a secret and without a child process: the key files' names and
 * the keyring index (keyring-index.ts).
 *
 * chooseBackend and passphraseSource are pure; the rest takes its effects as parameters.
 */
import { passphraseNeedsTerminal } from './ask-passphrase.ts';
import { chooseBackend, type BackendChoice } from './backend.ts';
import type { Logger } from '../log.ts';
import type { KeyStoreSettings } from '../settings.ts';
import { isKeyStoreError, KeyStoreError } from './errors.ts';
import { FileKeyStore } from './file-store.ts';
import { keyringIndexFile } from './keyring-index.ts';
import { keysDir } from '../dirs.ts';
import { KeyringKeyStore, type ProbeResult } from './keyring-store.ts';
import type { KeyStore, LongTermKeys } from './types.ts';

export { chooseBackend, type BackendChoice };

type Env = Readonly<Record<string, string | undefined>>;

export interface PassphraseSource {
  /** The passphrase; `wrong`: the last one did not open the store (a variable's is refused, a prompt asks again). */
  get: (wrong?: KeyStoreError) => Promise<string>;
  /** "MFA_EXEC_FILE_PASSPHRASE", "AWS_VAULT_FILE_PASSPHRASE", "prompt", "none". */
  source: string;
}

export function passphraseSource(
  settings: KeyStoreSettings,
  askPassphrase: ((wrong?: KeyStoreError) => Promise<string>) | undefined,
  dir: string,
): PassphraseSource {
  const given = settings.filePassphrase;
  if (given) return { get: (wrong) => (wrong ? Promise.reject(wrong) : Promise.resolve(given.value)), source: given.from };
  if (askPassphrase) return { get: askPassphrase, source: 'prompt' };
  return {
    get: () => Promise.reject(passphraseNeedsTerminal(dir)),
    source: 'none',
  };
}

/** A keyring store that can also say whether it answers, and which profiles it was given. */
export type ProbedKeyStore = KeyStore & { probe(): Promise<ProbeResult>; indexed(): ReadonlySet<string> };

export interface StoreContext {
  /** The --backend value, if given. */
  flag?: string;
  /** MFA_EXEC_BACKEND, AWS_VAULT_BACKEND and the passphrase variables (settings.ts). */
  settings: KeyStoreSettings;
  /** The environment the keyring is found through (D-Bus address, HOME) and XDG_DATA_HOME. */
  env: Env;
  homedir: string;
  /** The no-echo terminal prompt (absent: no terminal); `wrong`: the last answer did not open the store. */
  askPassphrase?: (wrong?: KeyStoreError) => Promise<string>;
  logger?: Logger;
  makeKeyring?: (env: Env, indexFile: string) => ProbedKeyStore;
  makeFile?: (dir: string, passphrase: (wrong?: KeyStoreError) => Promise<string>) => FileKeyStore;
}

/** Both stores of one run, the backend choice and the passphrase's source; nothing is opened yet. */
export interface Stores {
  choice: BackendChoice;
  dir: string;
  file: FileKeyStore;
  /** Made on first use (a keyring store costs nothing until it is called). */
  keyring(): ProbedKeyStore;
  passphrase: PassphraseSource;
  fileNote(why: string): string;
}

export function openStores(ctx: StoreContext): Stores {
  const choice = chooseBackend(ctx.flag, ctx.settings);
  const dir = keysDir(ctx.env, ctx.homedir);
  const passphrase = passphraseSource(ctx.settings, ctx.askPassphrase, dir);
  const makeFile =
    ctx.makeFile ??
    ((d: string, get: (wrong?: KeyStoreError) => Promise<string>) => new FileKeyStore({ dir: d, passphrase: get, logger: ctx.logger }));
  const makeKeyring = ctx.makeKeyring ?? ((env: Env, indexFile: string) => new KeyringKeyStore({ env, indexFile, logger: ctx.logger }));
  let keyring: ProbedKeyStore | undefined;
  return {
    choice,
    dir,
    file: makeFile(dir, passphrase.get),
    keyring: () => (keyring ??= makeKeyring(ctx.env, keyringIndexFile(dir))),
    passphrase,
    fileNote: (why) =>
      `key store: encrypted files in ${dir}, ${why} (passphrase from ${passphrase.source === 'none' ? 'nowhere: no terminal and no MFA_EXEC_FILE_PASSPHRASE' : passphrase.source})`,
  };
}

export interface SelectedStore {
  store: KeyStore;
  /** What was decided and why, one line each, for --debug. Never a secret. */
  notes: string[];
}

/**
 * The store that new keys of `profile` go to (add, import). A keyring chosen by name that does not
 * answer is refused here (74), before anything is asked or read.
 */
export async function selectStore(ctx: StoreContext & { profile?: string }): Promise<SelectedStore> {
  const stores = openStores(ctx);
  const { choice, file } = stores;
  const notes = [...choice.notes];
  switch (choice.backend) {
    case 'file':
      return { store: file, notes: [...notes, stores.fileNote(`chosen by ${choice.source}`)] };
    case 'keyring': {
      const keyring = stores.keyring();
      const probe = await keyring.probe();
      if (!probe.ok) {
        throw new KeyStoreError(
          'keystore-unavailable',
          `${choice.source} chooses the OS keyring, and none can be used here: ${probe.reason}. Nothing was asked or stored. Start a keyring (a desktop session's Secret Service), or keep the keys in the encrypted files: --backend file (or MFA_EXEC_BACKEND=file).`,
        );
      }
      return { store: keyring, notes: [...notes, `key store: the OS keyring, chosen by ${choice.source}`] };
    }
    case 'auto':
      break;
  }
  if (ctx.profile !== undefined && file.has(ctx.profile)) {
    return { store: file, notes: [...notes, stores.fileNote(`because profile '${ctx.profile}' has a key file there`)] };
  }
  const keyring = stores.keyring();
  const probe = await keyring.probe();
  if (probe.ok) {
    return {
      store: keyring,
      notes: [
        ...notes,
        'key store: the OS keyring, because it answered (--backend file or MFA_EXEC_BACKEND=file chooses the encrypted file)',
      ],
    };
  }
  return { store: file, notes: [...notes, stores.fileNote(`because ${probe.reason}`)] };
}

export type FoundKeys =
  | { keys: LongTermKeys; store: KeyStore; notes: string[] }
  | {
      keys: undefined;
      /** Where we looked, for the error: "the encrypted file …", "the Secret Service keyring (…)". */ looked: string[];
      notes: string[];
    };

/** The stored keys of `profile` (a cache miss): one store read, or two in "auto" when there is no key file. */
export async function readStoredKeys(ctx: StoreContext, profile: string): Promise<FoundKeys> {
  const stores = openStores(ctx);
  const { choice, file } = stores;
  const notes = [...choice.notes];
  const fromFile = async (why: string): Promise<FoundKeys> => {
    notes.push(stores.fileNote(why));
    const keys = await file.get(profile);
    return keys ? { keys, store: file, notes } : { keys: undefined, looked: [file.describe(profile)], notes };
  };
  if (choice.backend === 'file') return fromFile(`chosen by ${choice.source}`);
  if (choice.backend === 'auto' && file.has(profile)) return fromFile(`because profile '${profile}' has a key file there`);
  const keyring = stores.keyring();
  notes.push(
    `key store: the OS keyring (${choice.backend === 'keyring' ? `chosen by ${choice.source}` : `profile '${profile}' has no key file in ${stores.dir}`})`,
  );
  try {
    const keys = await keyring.get(profile);
    if (keys) return { keys, store: keyring, notes };
    const looked = [keyring.describe(profile)];
    return { keys: undefined, looked: choice.backend === 'auto' ? [file.describe(profile), ...looked] : looked, notes };
  } catch (error) {
    // In "auto", a keyring that does not answer holds nothing, unless mfa-exec put this
    // profile's keys there (its index says so): then the user must hear why they cannot be read.
    if (choice.backend === 'keyring' || !isKeyStoreError(error, 'keystore-unavailable') || keyring.indexed().has(profile)) throw error;
    notes.push(`key store: ${error.message}`);
    return { keys: undefined, looked: [file.describe(profile), `the OS keyring (it does not answer here)`], notes };
  }
}
