// One classifier for every AWS error (src/aws/errors.ts): the same error gives the same exit code
// whether STS (a cache miss) or IAM (rotate) returned it. Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyAwsError, type AwsFailure } from '../../src/aws/errors.ts';
import { iamError } from '../../src/aws/iam.ts';
import { describeStsError } from '../../src/aws/sts.ts';
import { ExitCode, isMfaExecError } from '../../src/errors.ts';

const sdkError = (name: string, message = 'x', extra: object = {}) => Object.assign(new Error(message), { name, ...extra });

describe('classifyAwsError', () => {
  const table: [string, Error, AwsFailure, number][] = [
    [
      'a rejected MFA code',
      sdkError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.'),
      'mfa-rejected',
      77,
    ],
    ['access denied', sdkError('AccessDenied', 'User: arn:aws:iam::1:user/u is not authorized'), 'denied', 77],
    ['IAM: two keys already', sdkError('LimitExceededException'), 'denied', 77],
    ['IAM: no such user', sdkError('NoSuchEntityException'), 'denied', 77],
    ['wrong keys', sdkError('InvalidClientTokenId'), 'bad-keys', 77],
    ['an expired token', sdkError('ExpiredToken'), 'expired', 77],
    ['a value AWS refuses', sdkError('ValidationError', '1 validation error detected'), 'invalid', 78],
    ['throttling', sdkError('ThrottlingException'), 'throttled', 69],
    ['no network', sdkError('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' }), 'network', 69],
    ['HTTP 503', sdkError('ServiceUnavailable', 'x', { $metadata: { httpStatusCode: 503 } }), 'server', 69],
    ['an answer that is not XML', sdkError('Error', 'Deserialization error'), 'garbled', 69],
    ['anything else', sdkError('SomethingNew'), 'other', 69],
  ];
  for (const [what, error, failure, exitCode] of table) {
    test(`${what}: ${failure}, exit ${exitCode}`, () => {
      const info = classifyAwsError(error);
      assert.equal(info.failure, failure);
      assert.equal(info.exitCode, exitCode);
    });
  }
});

test('a ValidationError is a configuration error (78) from STS and from IAM alike', () => {
  const error = sdkError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  const place = { region: 'us-east-1', timeoutMs: 1000, endpoint: undefined, what: 'AssumeRole', profile: 'p' };
  const sts = describeStsError(error, place);
  const iam = iamError('IAM CreateAccessKey for user u', error, 'Nothing was changed.');
  assert.equal(sts.exitCode, ExitCode.config);
  assert.equal(iam.exitCode, ExitCode.config);
  assert.match(iam.message, /^IAM CreateAccessKey for user u failed \(ValidationError: The requested DurationSeconds/);
});

test('a rejected MFA code is the kind the prompt retries on', () => {
  const error = describeStsError(sdkError('AccessDenied', 'MultiFactorAuthentication failed'), {
    region: 'us-east-1',
    timeoutMs: 1000,
    endpoint: undefined,
    what: 'GetSessionToken with MFA',
    profile: 'p',
  });
  assert.ok(isMfaExecError(error, 'mfa-rejected'));
  assert.equal(error.exitCode, 77);
});
