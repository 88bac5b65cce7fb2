/**
 * What a credential source kind is made of. One file per kind in this folder, named after the
 * kind (static.ts, environment.ts, process.ts, sso.ts, login.ts, store.ts, unserved.ts), exports:
 *   - a SourceKind (the warm half: detect, id, describe; in the warm bundle through table.ts),
 *   - `fetch` (and optionally `beforeLock`, and `state` for a kind that signs a person in): the
 *     on-demand half, found by fetch.ts through the
 *     kind's file name on a cache miss. Whatever fetch needs that is heavy (execa, the key store,
 *     an SDK) it imports inside itself with import(), so that the warm bundle, which holds the
 *     file for its warm half, drops fetch and all it loads (esbuild removes what is never called).
 * A new kind (IAM Identity Center, `aws login`) is one such file and one entry in table.ts.
 */
import type { AwsFiles, Profile } from '../aws-config/types.ts';
import type { Credentials } from '../aws/credentials.ts';
import type { Logger } from '../log.ts';
import type { Prompt } from '../prompt/types.ts';
import type { Settings } from '../settings.ts';
import type { SignInState, StateContext } from '../sign-in/types.ts';

export type { SignInState, StateContext };

/** What every source names: its kind and the profile whose settings it came from. */
export interface SourceBase {
  readonly kind: string;
  /** The profile where the walk ended (for credential_source: the role profile itself). */
  readonly profile: string;
}

export interface DetectContext {
  files: AwsFiles;
  /** The environment the credentials are resolved in (credential_source = Environment reads it). */
  env: Readonly<Record<string, string | undefined>>;
  /** The profile asked for, walked first: its role_arn wins over its own keys (botocore). */
  isTarget: boolean;
  /**
   * The profile is a role (role_arn, and no web_identity_token_file): a kind that does not claim
   * it leaves it to be assumed with its source_profile's credentials.
   */
  role: boolean;
}

export interface DescribeContext {
  files: AwsFiles;
  /** Which store holds a profile's keys, from their names only (list: keystore/locate.ts). */
  storedIn(profile: string): 'keyring' | 'file' | undefined;
}

export interface SourceKind<S extends SourceBase> {
  readonly kind: S['kind'];
  /**
   * The settings by which this kind may claim a role profile (DetectContext.role). A role is asked
   * only of such kinds, and only when it has one of these settings: a chain of thousands of roles
   * then costs a few property reads per hop.
   */
  readonly onRole?: readonly string[];
  /**
   * The profile where this kind is found is a role assumed with these credentials
   * (credential_source), not a profile whose credentials they are.
   */
  readonly roleSource?: true;
  /**
   * The source of `profile`'s credentials when it is of this kind (table.ts asks each kind in
   * turn); undefined when it is not. Throws ConfigError for a profile of this kind that is wrong.
   * Pure: reads nothing but the files and the environment given.
   */
  detect(profile: Profile, ctx: DetectContext): S | undefined;
  /** What identifies the source in every cache request (never a secret): see credentials/cache-key.ts. */
  id(source: S): string;
  /** Where the credentials come from, in a word or two: list's KEYS column, --debug. */
  describe(source: S, ctx: DescribeContext): string;
  /** Why the plan reads from this source, when that needs saying (--debug). */
  note?(source: S, files: AwsFiles): string;
  /** The credentials the profile holds itself (keys in the files or the environment), known without a fetch. */
  held?(source: S): Credentials;
  /**
   * The longest its credentials last, in seconds, for a kind whose fetch gives temporary
   * credentials of its own (IAM Identity Center, `aws login`): the cache keeps them as a step of
   * their own (kind 'source'), and no GetSessionToken is made from them (STS refuses session
   * credentials there); a role assumed from them takes its MFA code directly.
   */
  readonly lifetime?: number;
  /**
   * The kind signs a person in (a browser, `aws login`): its on-demand half has `state`, which
   * list, status, doctor and --server ask (files only, no network call).
   */
  readonly signsIn?: true;
}

/** What a source's fetch gets: the run around it, and the prompt for a passphrase or a sign-in. */
export interface SourceFetchContext {
  env: NodeJS.ProcessEnv;
  homedir: string;
  settings: Settings;
  cacheDir: string;
  logger: Logger;
  now: () => number;
  /** The run's prompt (the `none` driver where nobody may be asked). */
  prompt: Prompt;
  /** The lock of the chain being fetched (held while fetch runs). */
  lockKey: string;
  /**
   * Takes mfa-exec's lock named `name` in the cache directory (credentials/lock.ts), and gives the
   * function that lets it go: a sign-in or a token refresh that every chain using the same token
   * shares. Never the chain's own lock (held already).
   */
  lock(name: string): Promise<() => Promise<void>>;
  /** --no-browser: a sign-in opens no browser (IAM Identity Center's device code, shown to be opened elsewhere). */
  noBrowser?: boolean;
}

/** The on-demand half of a kind's file. */
export interface SourceFetcher<S extends SourceBase> {
  /** Checked before the chain's lock is taken: a fetch that could only wait for that lock forever is refused at once. */
  beforeLock?(source: S, ctx: SourceFetchContext): void;
  /** The source credentials; throws (ConfigError, KeyStoreError, …) naming the profile and the next step. */
  fetch(source: S, ctx: SourceFetchContext): Promise<Credentials>;
  /** A kind that signs a person in (SourceKind.signsIn): where its sign-in stands, from its files. */
  state?(source: S, ctx: StateContext): Promise<SignInState>;
}
