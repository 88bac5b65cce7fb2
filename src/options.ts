/** The options of the command line, as parsed (invocation.ts): one object every command reads. */

export interface Options {
  profile?: string;
  /** Role credential lifetime in seconds (-d/--duration). */
  duration?: number;
  /** MFA session lifetime in seconds (--session-duration). */
  sessionDuration?: number;
  mfaToken?: string;
  noSession: boolean;
  region?: string;
  debug: boolean;
  server: boolean;
  format?: string;
  json: boolean;
  dir?: string;
  /** --backend keyring|file: the key store (add, import, remove, rotate). */
  backend?: string;
  /** add --env: the keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  fromEnv: boolean;
  /** remove --yes: no confirmation. */
  yes: boolean;
  help: boolean;
  version: boolean;
}

export function defaultOptions(): Options {
  return { noSession: false, debug: false, server: false, json: false, fromEnv: false, yes: false, help: false, version: false };
}
