import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsNoCredentials } from '../../src/child/needs-credentials.ts';

/** [shim name, args, cannot use credentials?] — the whole list of docs/commands.md ("Shims stay out of the way"), and its near misses. */
const CASES: [string, string[], boolean][] = [
  // terraform and tofu: the same words
  ...(['terraform', 'tofu'] as const).flatMap((tf): [string, string[], boolean][] => [
    [tf, [], true],
    [tf, ['version'], true],
    [tf, ['version', '-json'], true],
    [tf, ['-version'], true],
    [tf, ['-v'], true],
    [tf, ['--version'], true],
    [tf, ['fmt'], true],
    [tf, ['fmt', '-recursive', '-check'], true],
    [tf, ['validate'], true],
    [tf, ['validate', '-json'], true],
    [tf, ['help'], true],
    [tf, ['help', 'plan'], true],
    [tf, ['-help'], true],
    [tf, ['-h'], true],
    [tf, ['--help'], true],
    [tf, ['-chdir=infra'], true],
    [tf, ['-chdir=infra', 'version'], true],
    [tf, ['-chdir=a', '-chdir=b', 'fmt'], true],
    [tf, ['-chdir=infra', 'validate'], true],
    [tf, ['plan'], false],
    [tf, ['apply', '-auto-approve'], false],
    [tf, ['init'], false],
    [tf, ['-chdir=infra', 'plan'], false],
    [tf, ['plan', '-help'], false],
    [tf, ['plan', 'version'], false],
    [tf, ['providers'], false],
    [tf, ['-chdir', 'infra', 'version'], false],
    [tf, ['Version'], false],
  ]),
  // aws
  ['aws', ['--version'], true],
  ['aws', ['help'], true],
  ['aws', ['help', 'topics'], true],
  ['aws', ['s3', 'help'], true],
  ['aws', ['sts', 'help'], true],
  ['aws', ['configure', 'get', 'region'], true],
  ['aws', ['configure', 'set', 'region', 'eu-west-1'], true],
  ['aws', ['configure', 'list'], true],
  ['aws', ['configure', 'list-profiles'], true],
  ['aws', ['configure'], true],
  ['aws', ['configure', 'sso'], true],
  ['aws', ['configure', 'import', '--csv', 'file://k.csv'], true],
  ['aws', ['configure', '--profile', 'x'], true],
  ['aws', ['sso', 'login'], true],
  ['aws', ['sso', 'login', '--profile', 'dev'], true],
  ['aws', ['sso', 'logout'], true],
  ['aws', ['login'], true],
  ['aws', ['login', '--profile', 'dev'], true],
  ['aws', ['logout'], true],
  ['aws', [], false],
  ['aws', ['configure', 'export-credentials'], false],
  ['aws', ['sso', 'list-accounts'], false],
  ['aws', ['sso'], false],
  ['aws', ['--profile', 'dev', 'sso', 'login'], false],
  ['aws', ['s3', 'ls'], false],
  ['aws', ['s3', 'cp', 's3://b/k', 'help'], false],
  ['aws', ['sts', 'get-caller-identity'], false],
  ['aws', ['--debug', 'help'], false],
  ['aws', ['--profile', 'help'], false],
  ['aws', ['--region', 'eu-west-1', 'configure', 'get', 'region'], false],
  // terragrunt
  ['terragrunt', ['--version'], true],
  ['terragrunt', ['--help'], true],
  ['terragrunt', ['hclfmt'], true],
  ['terragrunt', ['hcl', 'format'], true],
  ['terragrunt', [], false],
  ['terragrunt', ['plan'], false],
  ['terragrunt', ['run-all', 'plan'], false],
  ['terragrunt', ['hcl', 'validate'], false],
  ['terragrunt', ['version'], false],
  // any other program: always today's behaviour
  ['kubectl', ['version'], false],
  ['make', [], false],
  ['terraform1.5', ['version'], false],
  ['constructor', [], false],
  ['__proto__', ['version'], false],
];

describe('needsNoCredentials: the small fixed list of shim invocations that never cost an MFA code', () => {
  for (const [name, args, want] of CASES) {
    test(`${name} ${JSON.stringify(args)} → ${want ? 'no credentials' : 'credentials'}`, () => {
      const reason = needsNoCredentials(name, args);
      assert.equal(reason !== undefined, want, String(reason));
      if (reason) assert.match(reason, new RegExp(`^'${name} .*' cannot use AWS credentials$`));
    });
  }

  test('the reason never repeats an argument after the matched words (it may be a secret)', () => {
    const reason = needsNoCredentials('aws', ['configure', 'set', 'aws_secret_access_key', 'wJalrXUtnFEMI/K7MDENG']);
    assert.equal(reason, "'aws configure set' cannot use AWS credentials");
    assert.equal(needsNoCredentials('terraform', ['-chdir=/secret/path', 'fmt']), "'terraform -chdir=… fmt' cannot use AWS credentials");
  });
});
