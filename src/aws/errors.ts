/**
 * An AWS SDK error → what it means for mfa-exec, decided once for every service (STS, IAM, and
 * the SSO clients to come): the class of failure and its exit code. Each call site words its own
 * message around it (sts.ts one paragraph per class; rotate its own steps); AWS's own message is
 * kept where it helps (it names ARNs, never secrets).
 *
 * Exit codes: 77 AWS refused (the code, the keys, the access), 78 the request is invalid (a
 * setting of the profile: duration_seconds, role_arn, the region), 69 AWS could not be reached or
 * answered garbage. A ValidationError is 78 from every service: it says a value the user
 * configured is wrong, which retrying cannot fix (IAM's used to be 69).
 */
import { ExitCode, MfaExecError } from '../errors.ts';

export type AwsFailure =
  /** AWS refused the MFA code (wrong, expired or already used): the prompt may ask again. */
  | 'mfa-rejected'
  /** Access denied, or a limit or missing entity the caller must fix (IAM: two keys per user). */
  | 'denied'
  /** The credentials themselves are not accepted: wrong, deleted or inactive keys. */
  | 'bad-keys'
  | 'expired'
  /** A parameter AWS rejects (duration, role ARN, session name). */
  | 'invalid'
  | 'region-disabled'
  | 'bad-region'
  | 'throttled'
  | 'timeout'
  | 'network'
  /** HTTP 5xx after retries. */
  | 'server'
  /** An answer that cannot be read (not the service, or incomplete). */
  | 'garbled'
  | 'other';

export interface AwsErrorInfo {
  failure: AwsFailure;
  exitCode: number;
  /** The SDK's error name ('' when none). */
  name: string;
  /** AWS's own sentence, whitespace folded, without its final period. */
  awsMessage: string;
  /** A Node network error code (ECONNREFUSED, …), when that is what it is. */
  code?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

const EXIT: Record<AwsFailure, number> = {
  'mfa-rejected': ExitCode.stsDenied,
  denied: ExitCode.stsDenied,
  'bad-keys': ExitCode.stsDenied,
  expired: ExitCode.stsDenied,
  'region-disabled': ExitCode.stsDenied,
  invalid: ExitCode.config,
  'bad-region': ExitCode.config,
  throttled: ExitCode.stsUnavailable,
  timeout: ExitCode.stsUnavailable,
  network: ExitCode.stsUnavailable,
  server: ExitCode.stsUnavailable,
  garbled: ExitCode.stsUnavailable,
  other: ExitCode.stsUnavailable,
};

export function classifyAwsError(error: unknown): AwsErrorInfo {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? '';
  const awsMessage = (e.message ?? '').trim().replace(/\s+/g, ' ').replace(/\.+$/, '');
  const info = (failure: AwsFailure): AwsErrorInfo => ({ failure, exitCode: EXIT[failure], name, awsMessage, code: e.code });
  if (name === 'AccessDenied' && /MultiFactorAuthentication/i.test(awsMessage)) return info('mfa-rejected');
  if (/^(AccessDenied(Exception)?|LimitExceeded(Exception)?|NoSuchEntity(Exception)?)$/.test(name)) return info('denied');
  if (['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'IncompleteSignature'].includes(name)) {
    return info('bad-keys');
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || name === 'RequestExpired') return info('expired');
  if (name === 'ValidationError' || name === 'InvalidParameterValue') return info('invalid');
  if (name === 'RegionDisabledException') return info('region-disabled');
  if (name === 'Throttling' || name === 'ThrottlingException' || name === 'TooManyRequestsException') return info('throttled');
  if (name === 'TimeoutError' || name === 'RequestTimeout' || /timed? ?out|exceeded the configured/i.test(awsMessage))
    return info('timeout');
  if (e.code && NETWORK_CODES.has(e.code)) return info('network');
  if (/Region not accepted|valid hostname component/i.test(awsMessage)) return info('bad-region');
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return info('server');
  if (name === 'IncompleteAnswer' || /Deserializ|XML|parse|Unexpected/i.test(`${name} ${awsMessage}`)) return info('garbled');
  return info('other');
}

/** An IAM or STS error in one sentence: its name and AWS's own message. */
export function describeAwsError(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  const message = (e.message ?? String(error)).trim().replace(/\s+/g, ' ').replace(/\.+$/, '');
  return `${e.name ?? e.code ?? 'Error'}: ${message}`;
}

/** AWS refused the MFA code (wrong, expired, or already used). The prompt may ask again. */
export class InvalidMfaCodeError extends MfaExecError {
  constructor(ctx: { profile: string; what: string }) {
    super(
      `AWS rejected the MFA code for profile '${ctx.profile}' (${ctx.what}): it is wrong, expired, or was already used. Wait for the next code and try again.`,
      ExitCode.stsDenied,
      { kind: 'mfa-rejected' },
    );
  }
}
