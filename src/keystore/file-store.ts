/**
 * The encrypted file store: one file per profile in the keys directory (dirs.ts; 0700), each sealed
 * with the store's one passphrase (file-crypto.ts), written 0600 through a fresh O_EXCL temporary
 * file, fsync and rename.
 *
 * One file per profile: writers of different profiles never touch the same file, and two writers
 * of the same profile each replace the whole file, so the last rename wins and a reader sees one
 * complete file or the other: no lock, no read-modify-write, nothing to lose or tear.
 *
 * The passphrase is asked for only when a secret is opened or sealed (not to list, to find a
 * profile's file, or to remove it), and at most once per store object. Before sealing, it is
 * checked against a file already in the store, so a mistyped passphrase cannot leave one profile
 * sealed with a passphrase the user does not know.
 */
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger, type Logger } from '../log.ts';
import { describeErrno, writeFileAtomic } from '../private-file.ts';
import { readPrivate } from '../private-io.ts';
import { isKeyStoreError, KeyStoreError } from './errors.ts';
import { openKeys, sealKeys } from './file-crypto.ts';
import { MAX_FILE_BYTES } from './file-format.ts';
import { fileNameOf, profileOf } from './file-name.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from './kdf.ts';
import { ensureKeysDir } from './keys-dir.ts';
import { isKeyText } from './keys-json.ts';
import type { KeyStore, LongTermKeys } from './types.ts';

export interface FileStoreOptions {
  dir: string;
  /**
   * Where the passphrase comes from (environment or a prompt); called once, and again with the
   * error after a passphrase that does not open the store: it gives another (a prompt's next
   * try) or rejects (a variable's value; the last try).
   */
  passphrase: (wrong?: KeyStoreError) => Promise<string>;
  scrypt?: ScryptParams;
  randomBytes?: (n: number) => Buffer;
  /** Told when the key directory had to be made private. */
  logger?: Logger;
}

/** Passphrases tried before a wrong one is final (the prompt's own count is the same: ask-passphrase.ts). */
const PASSPHRASE_TRIES = 3;

export class FileKeyStore implements KeyStore {
  readonly kind = 'file' as const;
  readonly dir: string;
  readonly #askPassphrase: (wrong?: KeyStoreError) => Promise<string>;
  #passphrase: Promise<string> | undefined;
  /** The passphrase has opened a key file of this store (so a write need not prove it again). */
  #proven = false;
  readonly #scrypt: ScryptParams;
  readonly #randomBytes: ((n: number) => Buffer) | undefined;
  readonly #logger: Logger;
  #dirUsable: boolean | undefined;

  constructor(options: FileStoreOptions) {
    this.dir = options.dir;
    this.#askPassphrase = options.passphrase;
    this.#scrypt = options.scrypt ?? DEFAULT_SCRYPT;
    this.#randomBytes = options.randomBytes;
    this.#logger = options.logger ?? silentLogger;
  }

  describe(_profile: string): string {
    // The store, not the file: a file's name is the profile's, %-encoded (file-name.ts), which no message should show.
    return `the encrypted key files in ${this.dir}`;
  }

  /** The profile's key file (whether or not it exists). */
  fileOf(profile: string): string {
    const name = fileNameOf(profile);
    if (!name)
      throw new KeyStoreError('keystore-io', `The profile name '${profile.slice(0, 60)}…' is too long to name a key file in ${this.dir}.`);
    return path.join(this.dir, name);
  }

  /**
   * Whether the profile has a key file; asks for no passphrase. Throws KeyStoreError (74) when
   * the key directory cannot be used (see #usable): then no one can tell.
   */
  has(profile: string): boolean {
    let file: string;
    try {
      file = this.fileOf(profile);
    } catch {
      return false; // a name too long for a key file has none
    }
    if (!this.#usable()) return false;
    try {
      return fs.lstatSync(file).isFile();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw new KeyStoreError('keystore-io', `Cannot look for the key file ${file} of profile '${profile}': ${describeErrno(error)}.`, {
        cause: error,
      });
    }
  }

  async get(profile: string): Promise<LongTermKeys | undefined> {
    const file = this.fileOf(profile);
    if (!this.#usable()) return undefined;
    const bytes = readKeyFile(file, profile);
    if (!bytes) return undefined;
    return this.#withPassphrase((passphrase) => this.#open(profile, file, bytes, passphrase));
  }

  async set(profile: string, keys: LongTermKeys): Promise<void> {
    if (!isKeyText(keys.accessKeyId) || !isKeyText(keys.secretAccessKey)) {
      throw new KeyStoreError(
        'keystore-io',
        `The keys given for profile '${profile}' are not an access key id and a secret (empty, too long, or with spaces); nothing was stored.`,
      );
    }
    const file = this.fileOf(profile);
    this.#dirUsable = ensureKeysDir(this.dir, this.#logger);
    const text = await this.#withPassphrase(async (passphrase) => {
      await this.#checkPassphraseAgainstStore(profile, passphrase);
      return sealKeys(profile, keys, passphrase, this.#scrypt, this.#randomBytes);
    });
    try {
      writeFileAtomic(file, text);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      throw new KeyStoreError(
        'keystore-io',
        `Cannot write the key file ${file} for profile '${profile}': ${describeErrno(cause)}. Nothing was changed.`,
        { cause },
      );
    }
  }

  async remove(profile: string): Promise<boolean> {
    const file = this.fileOf(profile);
    if (!this.#usable()) return false;
    try {
      fs.unlinkSync(file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new KeyStoreError('keystore-io', `Cannot remove the key file ${file} of profile '${profile}': ${describeErrno(error)}.`, {
        cause: error,
      });
    }
  }

  async list(): Promise<string[]> {
    return this.listSync();
  }

  /** The profiles that have a key file, from the file names alone. */
  listSync(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new KeyStoreError('keystore-io', `Cannot list the key directory ${this.dir}: ${describeErrno(error)}.`, { cause: error });
    }
    return names
      .map(profileOf)
      .filter((p): p is string => p !== undefined)
      .sort();
  }

  /**
   * The key directory checked before its files are used (once per store object): made 0700 if it
   * is too open (said), refused (74) if it is a symlink, someone else's, or cannot be reached.
   * False when it does not exist (no keys).
   */
  #usable(): boolean {
    this.#dirUsable ??= ensureKeysDir(this.dir, this.#logger, { create: false });
    return this.#dirUsable;
  }

  #getPassphrase(wrong?: KeyStoreError): Promise<string> {
    if (wrong === undefined && this.#passphrase) return this.#passphrase;
    this.#passphrase = this.#askPassphrase(wrong).then((passphrase) => {
      if (passphrase.length === 0) {
        throw new KeyStoreError(
          'keystore-passphrase',
          `The passphrase for the encrypted key files in ${this.dir} is empty; an empty passphrase is never accepted.`,
        );
      }
      return passphrase;
    });
    return this.#passphrase;
  }

  /**
   * `use` with the passphrase; one that does not open the store is asked again while its source
   * gives another, three tries at most whatever the source.
   */
  async #withPassphrase<T>(use: (passphrase: string) => Promise<T>): Promise<T> {
    let wrong: KeyStoreError | undefined;
    for (let tries = 1; ; tries++) {
      const passphrase = await this.#getPassphrase(wrong);
      try {
        return await use(passphrase);
      } catch (error) {
        if (!isKeyStoreError(error, 'keystore-passphrase')) throw error;
        if (tries >= PASSPHRASE_TRIES) {
          throw new KeyStoreError(
            'keystore-passphrase',
            `No passphrase of ${tries} tries opened the encrypted key files in ${this.dir}. ${error.message}`,
          );
        }
        wrong = error;
      }
    }
  }

  async #open(profile: string, file: string, bytes: Buffer, passphrase: string): Promise<LongTermKeys> {
    const result = await openKeys(profile, bytes, passphrase);
    if (result.ok) {
      this.#proven = true;
      return result.keys;
    }
    switch (result.problem) {
      case 'passphrase':
        throw new KeyStoreError(
          'keystore-passphrase',
          `Wrong passphrase for the encrypted key files in ${this.dir} (the keys of profile '${profile}'). Nothing was changed and no AWS call was made. ` +
            'Check MFA_EXEC_FILE_PASSPHRASE (or AWS_VAULT_FILE_PASSPHRASE) or type it again.',
        );
      case 'other-profile':
        throw new KeyStoreError(
          'keystore-corrupt',
          `The key file ${file} holds the keys of profile '${result.owner}', not of '${profile}': it was copied or renamed. ` +
            `mfa-exec will not use it; remove it and add the keys of '${profile}' again.`,
        );
      case 'corrupt':
        throw corrupt(profile, file, result.reason);
    }
  }

  /**
   * The passphrase must open the store's existing files: the profile's own if it has one, else
   * any other. A file that is damaged or of another format proves nothing and is skipped.
   */
  async #checkPassphraseAgainstStore(profile: string, passphrase: string): Promise<void> {
    if (this.#proven) return; // it opened a file of this store already (rotate reads, then writes)
    const others = (await this.list()).filter((p) => p !== profile);
    for (const candidate of [profile, ...others]) {
      let bytes: Buffer | undefined;
      try {
        bytes = readKeyFile(this.fileOf(candidate), candidate);
      } catch {
        continue;
      }
      if (!bytes) continue;
      const result = await openKeys(candidate, bytes, passphrase);
      if (result.ok) {
        this.#proven = true;
        return;
      }
      if (result.problem === 'passphrase') {
        throw new KeyStoreError(
          'keystore-passphrase',
          `That passphrase does not open the keys of profile '${candidate}' in ${this.dir}; all key files there share one passphrase. ` +
            `Nothing was stored for '${profile}'.`,
        );
      }
    }
  }
}

function corrupt(profile: string, file: string, reason: string): KeyStoreError {
  return new KeyStoreError(
    'keystore-corrupt',
    `The key file ${file} of profile '${profile}' cannot be used: ${reason}. mfa-exec did not change it. ` +
      `Restore it from a backup, or remove it and add the keys of '${profile}' again.`,
  );
}

/**
 * The file's bytes, or undefined if there is none. Refuses (KeyStoreError) a symlink, a FIFO or
 * other non-file, a file of another user or readable by others, and anything larger than a key
 * file can be; never blocks (private-io.ts reads it).
 */
function readKeyFile(file: string, profile: string): Buffer | undefined {
  const read = readPrivate(file, { maxBytes: MAX_FILE_BYTES });
  if (read.ok) return read.data;
  const { problem, stat, error } = read;
  switch (problem) {
    case 'missing':
      return undefined;
    case 'symlink':
      throw corrupt(profile, file, 'it is a symbolic link, which mfa-exec never writes');
    case 'not-file':
      throw corrupt(profile, file, 'it is not a regular file');
    case 'foreign':
      throw corrupt(profile, file, `it belongs to uid ${stat!.uid}, not to you`);
    case 'open-to-others':
      throw new KeyStoreError(
        'keystore-io',
        `The key file ${file} of profile '${profile}' has mode ${(stat!.mode & 0o777).toString(8)}: others can read it. ` +
          `mfa-exec writes key files 600; if you made this change, run 'chmod 600 ${file}'.`,
      );
    case 'too-large':
      throw corrupt(profile, file, stat ? `it is ${stat.size} bytes long, far more than a key file` : 'it is far larger than a key file');
    case 'unopenable':
    case 'unreadable':
      throw new KeyStoreError('keystore-io', `Cannot read the key file ${file} of profile '${profile}': ${describeErrno(error)}.`, {
        cause: error,
      });
  }
}
