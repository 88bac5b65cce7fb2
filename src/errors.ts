/**
 * Typed errors. Every failure mfa-exec reports is one of these; only cli.ts turns them into
 * output and an exit code. Messages are one paragraph, name the profile / file / command
 * involved, say what to do next, and never contain a secret.
 */

/** Documented exit codes (README "Exit codes"). The child's own code passes through unchanged. */
export const ExitCode = {
  usage: 64, // bad command line
  mfaInput: 65, // MFA code malformed, already used, or mfa_process gave no usable code
  noTerminal: 66, // an MFA code is needed and there is no terminal and no token
  stsUnavailable: 69, // STS unreachable, timing out, throttling, or answering garbage
  software: 70, // a bug in mfa-exec
  cache: 73, // the cache directory or a cache file cannot be used safely
  lockTimeout: 75, // another mfa-exec process held the cache lock too long
  stsDenied: 77, // STS refused: wrong MFA code, access denied, invalid or expired keys
  config: 78, // a profile or config file problem
  status: 1, // `status`: no valid cached credentials (a prompt would be needed)
  cannotExecute: 126,
  notFound: 127,
  cancelled: 130, // the MFA prompt was cancelled (Ctrl-C / Esc)
} as const;

const BRAND = Symbol.for('mfa-exec.error');

export class MfaExecError extends Error {
  readonly [BRAND] = true;
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The warm path (dist/cli.js) and the slow path (dist/slow.js) are separate bundles, each with
 * its own copy of these classes; across them an error is recognised by its brand, not instanceof.
 */
export function isMfaExecError(error: unknown): error is MfaExecError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

export class UsageError extends MfaExecError {
  constructor(message: string) {
    super(`${message} Run 'mfa-exec --help' for usage.`, ExitCode.usage);
  }
}

export class ConfigError extends MfaExecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.config, options);
  }
}
