/** What the AWS CLI would read from ~/.aws/config and ~/.aws/credentials, merged. */

/** One profile: its settings, and for each setting the file it came from (for error messages). */
export interface Profile {
  readonly name: string;
  /** Keys lower-cased as botocore does; values as botocore returns them (strings, not trimmed of inline comments). */
  readonly values: Readonly<Record<string, string>>;
  /** key -> path of the file that supplied it (credentials file wins over config file). */
  readonly origin: Readonly<Record<string, string>>;
}

export interface AwsFiles {
  /** Absolute path of the config file consulted (it may not exist). */
  readonly configFile: string;
  /** Absolute path of the shared credentials file consulted (it may not exist). */
  readonly credentialsFile: string;
  readonly profiles: ReadonlyMap<string, Profile>;
  /**
   * The config file's `[sso-session NAME]` sections (botocore's `sso_sessions`: an IAM Identity
   * Center sign-in that sso_session profiles share); absent when parsed without them.
   */
  readonly ssoSessions?: ReadonlyMap<string, SsoSession>;
  /** Which of the two paths do not exist (for messages: a typo in AWS_CONFIG_FILE reads as no file). */
  readonly missing: readonly string[];
  /** The files' texts as read (undefined: no such file); the config view is made from them. */
  readonly texts?: { readonly config?: string; readonly credentials?: string };
  /**
   * The identities of the texts' files as read (read-file.ts's FileText; undefined: no such file,
   * or not a regular file): the config view is found by them instead of a hash of the texts.
   */
  readonly identities?: { readonly config?: string; readonly credentials?: string };
}

/** One `[sso-session NAME]` section of the config file: its settings as botocore reads them. */
export interface SsoSession {
  readonly name: string;
  readonly values: Readonly<Record<string, string>>;
  /** The config file it is in (for messages). */
  readonly file: string;
}
