/**
 * Where long-term AWS keys live when they are not in ~/.aws/credentials: the OS keyring or an
 * encrypted file. Both stores keep one entry per profile, under the profile's name.
 */

/** A user's long-term key pair (an `AKIA…` id and its secret). */
export interface LongTermKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

export type StoreKind = 'keyring' | 'file';

export interface KeyStore {
  readonly kind: StoreKind;
  /** Where the keys live, for messages and --debug ("the OS keyring", "the encrypted file …"). */
  describe(profile: string): string;
  /** The profile's keys, or undefined when the store has none for it. */
  get(profile: string): Promise<LongTermKeys | undefined>;
  /** Stores (or replaces) the profile's keys. */
  set(profile: string, keys: LongTermKeys): Promise<void>;
  /** Deletes the profile's keys; false when there were none. */
  remove(profile: string): Promise<boolean>;
  /** The profiles that have keys in this store, sorted; never opens a secret. */
  list(): Promise<string[]>;
}
