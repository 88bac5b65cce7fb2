/**
 * Typed errors. Every failure mfa-exec reports is one of these; only cli.ts turns them into
 * output and an exit code. Messages are one paragraph, name the profile / file / command
 * involved, say what to do next, and never contain a secret.
 */

/** Documented exit codes (README "Exit codes"). The child's own code passes through unchanged. */
export const ExitCode = {
  status: 1, // `status`: a prompt would be needed; `doctor`: something needs attention
  usage: 64, // bad command line
  mfaInput: 65, // MFA code malformed, already used, or mfa_process gave no usable code
  noTerminal: 66, // an MFA code is needed and there is no terminal and no token
  stsUnavailable: 69, // STS unreachable, timing out, throttling, or answering garbage
  software: 70, // a bug in mfa-exec
  cantCreate: 73, // the cache directory or a cache file cannot be used safely, or a shim path is taken
  keyStore: 74, // the key store cannot be used: key file damaged or not private, keyring not answering, I/O error
  lockTimeout: 75, // another mfa-exec process held the cache lock too long
  stsDenied: 77, // STS refused: wrong MFA code, access denied, invalid or expired keys
  config: 78, // a profile or config file problem
  keyStorePassphrase: 79, // wrong passphrase for the encrypted key files: nothing changed, no AWS call made
  refused: 80, // refused by a guardrail: an account the project file does not allow, a destructive command not confirmed
  cannotExecute: 126,
  notFound: 127,
  cancelled: 130, // the MFA prompt was cancelled (Ctrl-C / Ctrl-D)
} as const;

/**
 * What went wrong, for the code that must tell errors apart (retry a rejected code, fall back
 * when there is no terminal, go on without a cache). The warm bundle (dist/cli.js) and the
 * on-demand bundle each hold a copy of this module, so errors are recognised by a brand and a
 * kind, never by `instanceof`.
 */
export type ErrorKind =
  | 'error'
  | 'usage'
  | 'config'
  /** A profile of a kind mfa-exec does not serve (src/sources/unserved.ts): exit 78 like 'config'. */
  | 'unserved'
  | 'cache'
  | 'no-terminal'
  | 'cancelled'
  | 'mfa-input'
  | 'mfa-rejected'
  | 'target'
  /** Refused by a guardrail (src/guardrails/): exit 80. */
  | 'guardrail'
  | KeyStoreErrorKind;

/** The key stores' failures (src/keystore/errors.ts words them). */
export type KeyStoreErrorKind =
  | 'keystore-corrupt' // a key file or keyring entry that mfa-exec cannot read as its own
  | 'keystore-unavailable' // the keyring does not answer (no bus, no Secret Service, locked, hung)
  | 'keystore-io' // reading or writing the store failed (permissions, disk full, …)
  | 'keystore-passphrase'; // the passphrase does not open the encrypted file

const BRAND = Symbol.for('mfa-exec.error');

export class MfaExecError extends Error {
  readonly [BRAND] = true;
  readonly kind: ErrorKind;
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown; kind?: ErrorKind },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options?.kind ?? 'error';
    this.name = 'MfaExecError';
  }
}

/** Whether `error` is one of ours (of the given kind, if one is named), from either bundle. */
export function isMfaExecError(error: unknown, kind?: ErrorKind): error is MfaExecError {
  if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[BRAND] !== true) return false;
  return kind === undefined || (error as MfaExecError).kind === kind;
}

export class UsageError extends MfaExecError {
  constructor(message: string) {
    super(`${message} Run 'mfa-exec --help' for usage.`, ExitCode.usage, { kind: 'usage' });
  }
}

export class ConfigError extends MfaExecError {
  /** `kind` 'unserved': a profile of a kind mfa-exec does not serve (src/sources/unserved.ts). */
  constructor(message: string, options?: { cause?: unknown; kind?: 'config' | 'unserved' }) {
    super(message, ExitCode.config, { kind: 'config', ...options });
  }
}

export class CacheError extends MfaExecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.cantCreate, { ...options, kind: 'cache' });
  }
}
