// Reading what botocore reads, end to end against moto: temporary credentials written under the
// older name aws_security_token (as some tools still write them) are used as a session token,
// both directly and as the source of a role.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { baseEnv, makeHome, runCli, startFakeAws, writeAwsFiles, type FakeAws } from '../harness/index.ts';

describe('aws_security_token is the session token, as botocore reads it', { timeout: 60_000 }, () => {
  let aws: FakeAws;
  before(async () => {
    aws = await startFakeAws({ users: [{ name: 'carol' }], roles: [{ name: 'reader', trustedUsers: ['carol'] }] });
  });
  after(() => aws?.close());

  test('a profile holding temporary keys under aws_security_token: used as they are, and as the source of a role', async () => {
    const { home, cleanup } = await makeHome();
    try {
      const carol = aws.users.carol!;
      await writeAwsFiles(home, {
        config: '[profile carol]\n',
        credentials: `[carol]\naws_access_key_id = ${carol.accessKeyId}\naws_secret_access_key = ${carol.secretAccessKey}\n`,
      });
      const env = baseEnv(home, aws);
      // Temporary credentials, as a tool that writes the older name would have them.
      const minted = await runCli(['env', '-p', 'carol', '--format', 'json'], { env });
      assert.equal(minted.code, 0, minted.stderr);
      const temp = JSON.parse(minted.stdout) as Record<string, string>;
      assert.match(temp.AWS_ACCESS_KEY_ID!, /^ASIA/);
      await writeAwsFiles(home, {
        config: `[profile carol]\n\n[profile legacy]\nregion = us-east-1\n\n[profile legacy-reader]\nregion = us-east-1\nsource_profile = legacy\nrole_arn = ${aws.roles.reader!.arn}\n`,
        credentials:
          `[carol]\naws_access_key_id = ${carol.accessKeyId}\naws_secret_access_key = ${carol.secretAccessKey}\n\n` +
          `[legacy]\naws_access_key_id = ${temp.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${temp.AWS_SECRET_ACCESS_KEY}\naws_security_token = ${temp.AWS_SESSION_TOKEN}\n`,
      });
      aws.resetCalls();

      const direct = await runCli(
        ['-p', 'legacy', '--debug', '--', 'sh', '-c', 'echo "$AWS_SESSION_TOKEN"; aws sts get-caller-identity --output json'],
        {
          env,
        },
      );
      assert.equal(direct.code, 0, direct.stderr);
      assert.equal(direct.stdout.split('\n')[0], temp.AWS_SESSION_TOKEN, 'the child gets the token from aws_security_token');
      assert.match(direct.stdout, /"Arn": "arn:aws:iam::\d+:user\/carol"/);
      assert.match(direct.stderr, /already holds temporary credentials/);
      assert.equal(aws.calls.GetSessionToken ?? 0, 0, 'no GetSessionToken with session credentials');

      const role = await runCli(['-p', 'legacy-reader', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env });
      assert.equal(role.code, 0, role.stderr);
      assert.match(role.stdout, /"Arn": "arn:aws:sts::\d+:assumed-role\/reader\//);
      assert.ok(!(direct.stderr + role.stderr).includes(temp.AWS_SECRET_ACCESS_KEY!), 'no secret in diagnostics');
    } finally {
      await cleanup();
    }
  });
});
