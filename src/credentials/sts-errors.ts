/**
 * SDK errors → one clear paragraph with an exit code. AWS's own message is kept where it helps
 * (it names ARNs, never secrets); network failures name the endpoint and what to check.
 */
import { ExitCode, MfaExecError } from '../errors.ts';
import { forDisplay } from '../printable.ts';
import type { StsContext } from './sts.ts';

/** AWS refused the MFA code (wrong, expired, or already used). The prompt may ask again. */
export class InvalidMfaCodeError extends MfaExecError {
  constructor(ctx: StsContext) {
    super(
      `AWS rejected the MFA code for profile '${ctx.profile}' (${ctx.what}): it is wrong, expired, or was already used. Wait for the next code and try again.`,
      ExitCode.stsDenied,
      { kind: 'mfa-rejected' },
    );
  }
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

export function describeStsError(error: unknown, ctx: StsContext): MfaExecError {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? '';
  // AWS's own sentence, without its final period (we add ours).
  const awsMessage = (e.message ?? '').trim().replace(/\s+/g, ' ').replace(/\.+$/, '');
  const endpoint = ctx.endpoint !== undefined ? forDisplay(ctx.endpoint) : `the STS endpoint for ${ctx.region}`;
  const at = `${ctx.what} for profile '${ctx.profile}'`;

  if (name === 'AccessDenied' && /MultiFactorAuthentication/i.test(awsMessage)) return new InvalidMfaCodeError(ctx);
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new MfaExecError(
      `AWS denied ${at}: ${awsMessage}. Check the role's trust policy, external_id and mfa_serial.`,
      ExitCode.stsDenied,
      { cause: error },
    );
  }
  if (['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'IncompleteSignature'].includes(name)) {
    return new MfaExecError(
      `AWS does not accept the source credentials of profile '${ctx.profile}' (${name}) during ${ctx.what}: the access key is wrong, deleted or inactive. Check aws_access_key_id / aws_secret_access_key.`,
      ExitCode.stsDenied,
      { cause: error },
    );
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || name === 'RequestExpired') {
    return new MfaExecError(
      `The credentials used for ${at} have expired (${name}). Run 'mfa-exec clear --profile ${ctx.profile}' and try again; if the source profile holds a session token, renew it.`,
      ExitCode.stsDenied,
      { cause: error },
    );
  }
  if (name === 'ValidationError' || name === 'InvalidParameterValue') {
    return new MfaExecError(
      `AWS rejected ${at} as invalid: ${awsMessage}. Check duration_seconds, role_arn and role_session_name.`,
      ExitCode.config,
      { cause: error },
    );
  }
  if (name === 'RegionDisabledException') {
    return new MfaExecError(
      `STS is not activated in region ${ctx.region} (${at}). Use another region or activate it in IAM.`,
      ExitCode.stsDenied,
      { cause: error },
    );
  }
  if (name === 'Throttling' || name === 'ThrottlingException' || name === 'TooManyRequestsException') {
    return new MfaExecError(
      `STS is throttling requests (${at}), even after retries. Wait a minute and try again.`,
      ExitCode.stsUnavailable,
      { cause: error },
    );
  }
  if (name === 'TimeoutError' || name === 'RequestTimeout' || /timed? ?out|exceeded the configured/i.test(awsMessage)) {
    return new MfaExecError(
      `STS at ${endpoint} did not answer in time during ${at} (MFA_EXEC_STS_TIMEOUT allows ${ctx.timeoutMs / 1000} s per attempt, 3 attempts). Check the network and try again.`,
      ExitCode.stsUnavailable,
      { cause: error },
    );
  }
  if (e.code && NETWORK_CODES.has(e.code)) {
    return new MfaExecError(
      `Cannot reach STS at ${endpoint} (${e.code}) during ${at}. Check the network, proxy settings and AWS_ENDPOINT_URL_STS.`,
      ExitCode.stsUnavailable,
      { cause: error },
    );
  }
  if (/Region not accepted|valid hostname component/i.test(awsMessage)) {
    return new MfaExecError(
      `The region '${ctx.region}' used for ${at} is not a valid AWS region name. Fix 'region' in the profile or --region.`,
      ExitCode.config,
      { cause: error },
    );
  }
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return new MfaExecError(
      `STS at ${endpoint} failed with HTTP ${status} during ${at}, even after retries. Try again later.`,
      ExitCode.stsUnavailable,
      { cause: error },
    );
  }
  if (name === 'IncompleteAnswer' || /Deserializ|XML|parse|Unexpected/i.test(`${name} ${awsMessage}`)) {
    return new MfaExecError(
      `STS at ${endpoint} sent an answer mfa-exec cannot read during ${at}. Check AWS_ENDPOINT_URL_STS points at STS.`,
      ExitCode.stsUnavailable,
      { cause: error },
    );
  }
  return new MfaExecError(`STS failed during ${at}: ${name || 'error'}${awsMessage ? `: ${awsMessage}` : ''}.`, ExitCode.stsUnavailable, {
    cause: error,
  });
}
