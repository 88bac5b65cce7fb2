// Which invocations are destructive (src/guardrails/destructive.ts): the built-in list, never a
// read-only invocation, and the patterns a project file adds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { destructive, isLongRunning, matchesPattern } from '../../src/guardrails/destructive.ts';

const cases: [string, string[], string | undefined][] = [
  // terraform / tofu
  ['terraform', ['apply'], 'terraform apply'],
  ['terraform', ['apply', '-auto-approve'], 'terraform apply'],
  ['terraform', ['apply', 'tfplan'], 'terraform apply'], // a saved plan: Terraform asks nothing itself
  ['terraform', ['apply', '-destroy'], 'terraform apply'],
  ['terraform', ['-chdir=prod', 'apply'], 'terraform apply'],
  ['terraform', ['-chdir=a', '-chdir=b', 'destroy'], 'terraform destroy'],
  ['terraform', ['destroy', '-auto-approve'], 'terraform destroy'],
  ['terraform', ['import', 'aws_s3_bucket.b', 'b'], 'terraform import'],
  ['terraform', ['taint', 'aws_instance.x'], 'terraform taint'],
  ['terraform', ['force-unlock', '1234'], 'terraform force-unlock'],
  ['terraform', ['state', 'rm', 'aws_instance.x'], 'terraform state rm'],
  ['terraform', ['state', 'mv', 'a', 'b'], 'terraform state mv'],
  ['terraform', ['state', 'push', 'x.tfstate'], 'terraform state push'],
  ['terraform', ['workspace', 'delete', 'dev'], 'terraform workspace delete'],
  ['tofu', ['destroy'], 'tofu destroy'],
  ['/usr/local/bin/terraform', ['apply'], 'terraform apply'], // wrapper mode with a path
  ['terraform', ['plan'], undefined],
  ['terraform', ['plan', '-destroy'], undefined],
  ['terraform', ['show'], undefined],
  ['terraform', ['output'], undefined],
  ['terraform', ['init'], undefined],
  ['terraform', ['state', 'list'], undefined],
  ['terraform', ['state', 'show', 'x'], undefined],
  ['terraform', ['state', 'pull'], undefined],
  ['terraform', ['workspace', 'new', 'dev'], undefined],
  ['terraform', ['workspace', 'select', 'dev'], undefined],
  ['terraform', ['untaint', 'x'], undefined],
  ['terraform', ['apply', '-help'], undefined],
  ['terraform', ['destroy', '--help'], undefined],
  ['terraform', [], undefined],
  ['terraform', ['-chdir=x'], undefined],
  ['terraform', ['applied'], undefined],
  // aws
  ['aws', ['s3', 'rm', 's3://b/k'], 'aws s3 rm'],
  ['aws', ['s3', 'rb', 's3://b', '--force'], 'aws s3 rb'],
  ['aws', ['s3api', 'delete-bucket', '--bucket', 'b'], 'aws s3api delete-bucket'],
  ['aws', ['s3api', 'put-bucket-policy', '--bucket', 'b', '--policy', '{}'], 'aws s3api put-bucket-policy'],
  ['aws', ['ec2', 'terminate-instances', '--instance-ids', 'i-1'], 'aws ec2 terminate-instances'],
  ['aws', ['iam', 'remove-user-from-group', '--user-name', 'u', '--group-name', 'g'], 'aws iam remove-user-from-group'],
  ['aws', ['cloudformation', 'delete-stack', '--stack-name', 's'], 'aws cloudformation delete-stack'],
  ['aws', ['--region', 'eu-west-1', 'iam', 'delete-user', '--user-name', 'u'], 'aws iam delete-user'],
  ['aws', ['--profile', 'x', '--output=json', 'iam', 'delete-role', '--role-name', 'r'], 'aws iam delete-role'],
  ['aws', ['--debug', 'ec2', 'terminate-instances'], 'aws ec2 terminate-instances'],
  ['aws', ['iam', 'delete-user', '--user-name', 'u', '--region', 'us-east-1'], 'aws iam delete-user'],
  ['aws', ['ec2', 'terminate-instances', '--dry-run', '--instance-ids', 'i-1'], undefined],
  ['aws', ['s3', 'rm', 's3://b/k', '--dryrun'], undefined],
  ['aws', ['iam', 'delete-user', 'help'], undefined],
  ['aws', ['s3', 'help'], undefined],
  ['aws', ['s3', 'ls'], undefined],
  ['aws', ['s3', 'cp', 'a', 's3://b/a'], undefined],
  ['aws', ['ec2', 'describe-instances'], undefined],
  ['aws', ['iam', 'list-users'], undefined],
  ['aws', ['iam', 'get-user'], undefined],
  ['aws', ['sts', 'get-caller-identity'], undefined],
  ['aws', ['s3api', 'put-object', '--bucket', 'b'], undefined],
  ['aws', ['--region', 'delete-me', 'sts', 'get-caller-identity'], undefined], // an option's value is not the operation
  ['aws', ['--version'], undefined],
  ['aws', [], undefined],
  // other programs: never, without a pattern
  ['terragrunt', ['apply'], undefined],
  ['kubectl', ['delete', 'pod', 'x'], undefined],
];

describe('destructive: the built-in list', () => {
  for (const [name, args, want] of cases) {
    test(`${name} ${args.join(' ')} → ${want ?? 'not destructive'}`, () => assert.equal(destructive({ name, args }), want));
  }
});

describe('destructive: patterns from a project file', () => {
  const patterns = ['terragrunt apply', 'terragrunt destroy', 'make deploy*', 'aws s3 sync * --delete'];
  const pcases: [string, string[], string | undefined][] = [
    ['terragrunt', ['apply'], 'terragrunt apply'],
    ['terragrunt', ['run-all', '--terragrunt-non-interactive', 'apply'], 'terragrunt apply'],
    ['terragrunt', ['plan'], undefined],
    ['make', ['deploy-prod'], 'make deploy*'],
    ['make', ['test'], undefined],
    ['aws', ['s3', 'sync', '.', 's3://b', '--delete'], 'aws s3 sync * --delete'],
    ['aws', ['s3', 'sync', '.', 's3://b'], undefined],
    ['terraform', ['destroy'], 'terraform destroy'], // the built-in list still holds
  ];
  for (const [name, args, want] of pcases) {
    test(`${name} ${args.join(' ')} → ${want ?? 'not destructive'}`, () => assert.equal(destructive({ name, args }, patterns), want));
  }
  test('a pattern is literal but for *', () => {
    assert.equal(matchesPattern('make dep.oy', 'make', ['deploy']), false);
    assert.equal(matchesPattern('make (x|y)', 'make', ['x']), false);
    assert.equal(matchesPattern('./deploy.sh', 'deploy.sh', []), false);
    assert.equal(matchesPattern('deploy.sh', 'deploy.sh', ['--prod']), true);
  });
});

describe('isLongRunning: where min_lifetime defaults to 15 minutes', () => {
  const lcases: [string, string[], boolean][] = [
    ['terraform', ['apply'], true],
    ['terraform', ['-chdir=x', 'destroy'], true],
    ['tofu', ['apply', 'plan.out'], true],
    ['terraform', ['plan'], false],
    ['terraform', ['import', 'a', 'b'], false],
    ['aws', ['s3', 'rb', 's3://b'], false],
  ];
  for (const [name, args, want] of lcases) test(`${name} ${args.join(' ')}`, () => assert.equal(isLongRunning({ name, args }), want));
});
