/**
 * The words shared by the credential sources that sign a person in (IAM Identity Center, `aws
 * login`: this folder, and their kinds in src/sources/sso.ts and login.ts): what their fetch is
 * given, and where a sign-in stands for list, status, doctor and --server. Types only.
 */
import type { Logger } from '../log.ts';
import type { Prompt } from '../prompt/types.ts';
import type { Settings } from '../settings.ts';

/** What a sign-in source's fetch uses of the run (sources/types.ts SourceFetchContext is one). */
export interface SignInContext {
  env: NodeJS.ProcessEnv;
  homedir: string;
  settings: Settings;
  logger: Logger;
  now: () => number;
  /** The run's prompt: what the person must be told goes through it, and whether anyone is there. */
  prompt: Prompt;
  /** Takes mfa-exec's lock named `name` (one per token: a refresh or a sign-in is made once for all callers). */
  lock(name: string): Promise<() => Promise<void>>;
  /** --no-browser: open no browser (IAM Identity Center: the device code, to be opened elsewhere). */
  noBrowser?: boolean;
}

/** What `state` reads: the files of the sign-in (never the network). */
export interface StateContext {
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  now: () => number;
}

/** Where a kind that signs a person in stands, from its files alone (list, status, doctor, --server). */
export interface SignInState {
  /** What is signed in, in a few words: "IAM Identity Center session 'corp' (https://…)". */
  what: string;
  /** When its token (or, for `aws login`, its credentials) expire, ISO 8601; undefined when there is none. */
  expiresAt?: string;
  /** What a run that needs new credentials does: use the token as it is, refresh it silently, or need a person to sign in. */
  next: 'use' | 'refresh' | 'sign-in';
  /** Near its end it is renewed without a person (a refresh token, while AWS accepts it). */
  renews: boolean;
  /** The command with which a person signs in: `mfa-exec login -p NAME`, `aws login --profile NAME`. */
  signIn: string;
}

/** An IAM Identity Center profile, as its settings name the sign-in and the role (src/sources/sso.ts detects it). */
export interface SsoSignIn {
  readonly profile: string;
  /** The sso-session it signs in with; undefined for the legacy form (sso_start_url on the profile). */
  readonly session?: string;
  readonly startUrl: string;
  /** sso_region: where the portal and SSO-OIDC are asked. */
  readonly region: string;
  readonly accountId: string;
  readonly roleName: string;
  /** sso_registration_scopes, as listed; undefined when the config names none. */
  readonly scopes?: readonly string[];
}

/** An `aws login` profile (src/sources/login.ts detects it). */
export interface LoginSignIn {
  readonly profile: string;
  /** login_session: the ARN `aws login` signed in as (its cache file's name is its SHA-256). */
  readonly session: string;
  /** The profile's region (the Sign-In service is regional), when it names one. */
  readonly region?: string;
}
