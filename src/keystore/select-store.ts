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
 * askPassphrase function given (the /dev/tty prompt). It is asked for only when a secret is
 * opened or sealed.
 *
 * chooseBackend and passphraseSource are pure; selectStore takes its effects as parameters.
 */
import { ConfigError, UsageError } from '../errors.ts';
import { KeyStoreError } from './errors.ts';
import { FileKeyStore } from './file-store.ts';
import { keysDir } from './keys-dir.ts';
import { KeyringKeyStore, type ProbeResult } from './keyring-store.ts';
import type { KeyStore, StoreKind } from './types.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface BackendChoice {
  backend: StoreKind | 'auto';
  /** Why, for --debug: "--backend file", "MFA_EXEC_BACKEND=keyring", "default". */
  source: string;
  notes: string[];
}

const AWS_VAULT_KEYRINGS = new Set(['keychain', 'secret-service', 'wincred']);

export function chooseBackend(flag: string | undefined, env: Env): BackendChoice {
  const notes: string[] = [];
  if (flag !== undefined) {
    if (flag !== 'keyring' && flag !== 'file') throw new UsageError(`--backend ${JSON.stringify(flag)} is not a key store: use --backend keyring or --backend file.`);
    return { backend: flag, source: `--backend ${flag}`, notes };
  }
  const own = env.MFA_EXEC_BACKEND;
  if (own) {
    if (own !== 'keyring' && own !== 'file') throw new ConfigError(`MFA_EXEC_BACKEND=${JSON.stringify(own)} is not a key store: set it to keyring or file, or unset it to use the keyring when one answers.`);
    return { backend: own, source: `MFA_EXEC_BACKEND=${own}`, notes };
  }
  const vault = env.AWS_VAULT_BACKEND;
  if (vault === 'file') return { backend: 'file', source: 'AWS_VAULT_BACKEND=file', notes };
  if (vault && AWS_VAULT_KEYRINGS.has(vault)) return { backend: 'keyring', source: `AWS_VAULT_BACKEND=${vault}`, notes };
  if (vault) notes.push(`AWS_VAULT_BACKEND=${vault} is an aws-vault backend mfa-exec does not have; ignoring it`);
  return { backend: 'auto', source: 'default', notes };
}

export interface PassphraseSource {
  get: () => Promise<string>;
  /** "MFA_EXEC_FILE_PASSPHRASE", "AWS_VAULT_FILE_PASSPHRASE", "prompt", "none". */
  source: string;
}

export function passphraseSource(env: Env, askPassphrase: (() => Promise<string>) | undefined, dir: string): PassphraseSource {
  for (const name of ['MFA_EXEC_FILE_PASSPHRASE', 'AWS_VAULT_FILE_PASSPHRASE'] as const) {
    const value = env[name];
    if (value) return { get: () => Promise.resolve(value), source: name };
  }
  if (askPassphrase) return { get: askPassphrase, source: 'prompt' };
  return {
    get: () =>
      Promise.reject(
        new KeyStoreError(
          'keystore-no-passphrase',
          `The encrypted key files in ${dir} need a passphrase, and nothing can ask for it here: set MFA_EXEC_FILE_PASSPHRASE, or run mfa-exec from a terminal.`,
        ),
      ),
    source: 'none',
  };
}

/** A keyring store that can also say whether it answers. */
export type ProbedKeyStore = KeyStore & { probe(): Promise<ProbeResult> };

export interface SelectStoreInput {
  /** The --backend value, if given. */
  flag?: string;
  env: Env;
  homedir: string;
  /** The profile the store is wanted for: an existing key file of it decides "auto". */
  profile?: string;
  /** The no-echo terminal prompt (absent: no terminal). */
  askPassphrase?: () => Promise<string>;
  makeKeyring?: (env: Env) => ProbedKeyStore;
  makeFile?: (dir: string, passphrase: () => Promise<string>) => FileKeyStore;
}

export interface SelectedStore {
  store: KeyStore;
  /** What was decided and why, one line each, for --debug. Never a secret. */
  notes: string[];
}

export async function selectStore(input: SelectStoreInput): Promise<SelectedStore> {
  const choice = chooseBackend(input.flag, input.env);
  const notes = [...choice.notes];
  const makeKeyring = input.makeKeyring ?? ((env: Env) => new KeyringKeyStore({ env }));
  const makeFile = input.makeFile ?? ((dir: string, passphrase: () => Promise<string>) => new FileKeyStore({ dir, passphrase }));
  const dir = keysDir(input.env, input.homedir);
  const passphrase = passphraseSource(input.env, input.askPassphrase, dir);
  const file = makeFile(dir, passphrase.get);
  const fileNote = (why: string): string =>
    `key store: encrypted files in ${dir}, ${why} (passphrase from ${passphrase.source === 'none' ? 'nowhere: no terminal and no MFA_EXEC_FILE_PASSPHRASE' : passphrase.source})`;

  switch (choice.backend) {
    case 'file':
      return { store: file, notes: [...notes, fileNote(`chosen by ${choice.source}`)] };
    case 'keyring':
      return { store: makeKeyring(input.env), notes: [...notes, `key store: the OS keyring, chosen by ${choice.source}`] };
    case 'auto':
      break;
  }
  if (input.profile !== undefined && file.has(input.profile)) {
    return { store: file, notes: [...notes, fileNote(`because profile '${input.profile}' has a key file there`)] };
  }
  const keyring = makeKeyring(input.env);
  const probe = await keyring.probe();
  if (probe.ok) {
    return { store: keyring, notes: [...notes, 'key store: the OS keyring, because it answered (--backend file or MFA_EXEC_BACKEND=file chooses the encrypted file)'] };
  }
  return { store: file, notes: [...notes, fileNote(`because ${probe.reason}`)] };
}
