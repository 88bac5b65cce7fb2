// `mfa-exec console`'s pure parts: the partition of a region, the federation endpoint, the page
// to land on (aws/console-url.ts); the sign-in token exchange against a fake fetch and the login
// URL (aws/federation.ts); the federated user's name (commands/console.ts). End to end, against
// the harness's federation fake and a browser: test/e2e/console.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { consoleDestination, federationUrl, partitionOf, type DestinationInput } from '../../src/aws/console-url.ts';
import { getSigninToken, loginUrl } from '../../src/aws/federation.ts';
import { federatedName } from '../../src/commands/console.ts';
import { isMfaExecError } from '../../src/errors.ts';

describe('partitions', () => {
  const cases: Array<[string | undefined, string, string]> = [
    [undefined, 'aws', 'https://signin.aws.amazon.com/federation'],
    ['us-east-1', 'aws', 'https://signin.aws.amazon.com/federation'],
    ['eu-central-1', 'aws', 'https://signin.aws.amazon.com/federation'],
    ['cn-north-1', 'aws-cn', 'https://signin.amazonaws.cn/federation'],
    ['cn-northwest-1', 'aws-cn', 'https://signin.amazonaws.cn/federation'],
    ['us-gov-west-1', 'aws-us-gov', 'https://signin.amazonaws-us-gov.com/federation'],
    ['us-gov-east-1', 'aws-us-gov', 'https://signin.amazonaws-us-gov.com/federation'],
  ];
  for (const [region, partition, url] of cases) {
    test(`${region ?? 'no region'}: ${partition}`, () => {
      assert.equal(partitionOf(region), partition);
      assert.equal(federationUrl(partitionOf(region)), url);
    });
  }
  test('isolated and sovereign partitions: a config error saying what to set', () => {
    for (const region of ['us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'eusc-de-east-1']) {
      assert.throws(
        () => partitionOf(region),
        (e: unknown) =>
          isMfaExecError(e, 'config') && /partition whose console mfa-exec does not know\. Set MFA_EXEC_FEDERATION_URL/.test(e.message),
      );
    }
  });
});

describe('the page to land on', () => {
  const d = (input: Partial<DestinationInput>) => consoleDestination({ partition: 'aws', region: 'eu-west-1', ...input });
  const cases: Array<[string, Partial<DestinationInput>, string]> = [
    ['the home page in the region', {}, 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'],
    ['no region: the global console', { region: undefined }, 'https://console.aws.amazon.com/console/home'],
    ['--path', { path: 's3/home' }, 'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1'],
    ['--path with a leading /', { path: '/s3/home' }, 'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1'],
    [
      '--path with a query',
      { path: 's3/buckets/b?tab=objects' },
      'https://eu-west-1.console.aws.amazon.com/s3/buckets/b?tab=objects&region=eu-west-1',
    ],
    [
      '--path with a fragment',
      { path: 'ec2/home#Instances:' },
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:',
    ],
    [
      '--path with no region: honoured on the global host',
      { path: 's3/home', region: undefined },
      'https://console.aws.amazon.com/s3/home',
    ],
    ['--service by its name', { service: 's3' }, 'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1'],
    ['--service with a short name', { service: 'ddb' }, 'https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1'],
    ['--service ec2', { service: 'ec2' }, 'https://eu-west-1.console.aws.amazon.com/ec2/v2/home?region=eu-west-1'],
    ['a global service: the global host, no region', { service: 'iam' }, 'https://console.aws.amazon.com/iam/home'],
    ['route53 by its short name is global too', { service: 'r53' }, 'https://console.aws.amazon.com/route53/v2/home'],
    ['aws-cn', { partition: 'aws-cn', region: 'cn-north-1' }, 'https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1'],
    [
      'aws-us-gov',
      { partition: 'aws-us-gov', region: 'us-gov-west-1', service: 'lambda' },
      'https://us-gov-west-1.console.amazonaws-us-gov.com/lambda/home?region=us-gov-west-1',
    ],
  ];
  for (const [name, input, url] of cases) test(name, () => assert.equal(d(input), url));
  test('bad input is a usage error (64) before anything is asked', () => {
    for (const input of [
      { path: 'https://evil.example/' },
      { path: 'javascript:alert(1)' },
      { path: 's3/home', service: 's3' },
      { service: 'S3 home' },
    ]) {
      assert.throws(
        () => d(input),
        (e: unknown) => isMfaExecError(e, 'usage'),
        JSON.stringify(input),
      );
    }
  });
});

describe('the sign-in token', () => {
  const creds = { accessKeyId: 'ASIAROLE000000000001', secretAccessKey: 'secret/key+with=chars', sessionToken: 'FwoGZXIvYXdzEtoken' };
  const ctx = { url: 'https://signin.aws.amazon.com/federation', timeoutMs: 1000, profile: 'dev', refusedHint: 'Try X.' };
  const answering = (status: number, body: string, seen: Array<{ url: string; init: RequestInit }> = []) =>
    ((url: string, init: RequestInit) => {
      seen.push({ url, init });
      return Promise.resolve(new Response(body, { status }));
    }) as unknown as typeof fetch;

  test('POSTs Action and the Session JSON in a form body, never in the URL', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    assert.equal(await getSigninToken(creds, { ...ctx, fetch: answering(200, '{"SigninToken":"tok"}', seen) }), 'tok');
    assert.equal(seen[0]!.url, ctx.url);
    assert.equal(seen[0]!.init.method, 'POST');
    const form = new URLSearchParams(String(seen[0]!.init.body));
    assert.equal(form.get('Action'), 'getSigninToken');
    assert.deepEqual(JSON.parse(form.get('Session')!), {
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    });
    assert.equal(form.get('SessionDuration'), null, 'never sent');
  });

  test('a refusal: 77 with the endpoint’s words when they hold no secret; 5xx and garbage: 69', async () => {
    const refused = await getSigninToken(creds, {
      ...ctx,
      fetch: answering(400, 'Only federation tokens or assume role tokens may be used for federated login.'),
    }).catch((e: unknown) => e);
    assert.ok(isMfaExecError(refused));
    assert.equal(refused.exitCode, 77);
    assert.equal(
      refused.message,
      "The AWS sign-in endpoint https://signin.aws.amazon.com/federation refused the credentials of profile 'dev' for the console (HTTP 400: Only federation tokens or assume role tokens may be used for federated login.). Try X.",
    );
    const echoing = await getSigninToken(creds, { ...ctx, fetch: answering(400, `bad session ${creds.sessionToken}`) }).catch(
      (e: unknown) => e,
    );
    assert.ok(isMfaExecError(echoing) && !echoing.message.includes(creds.sessionToken) && /HTTP 400\)/.test(echoing.message));
    const server = await getSigninToken(creds, { ...ctx, fetch: answering(503, '') }).catch((e: unknown) => e);
    assert.ok(isMfaExecError(server) && server.exitCode === 69);
    const garbage = await getSigninToken(creds, { ...ctx, fetch: answering(200, '<html>') }).catch((e: unknown) => e);
    assert.ok(isMfaExecError(garbage) && garbage.exitCode === 69 && /without a sign-in token/.test(garbage.message));
  });

  test('unreachable or silent: 69, never a hang', async () => {
    const down = (() =>
      Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))) as unknown as typeof fetch;
    const e = await getSigninToken(creds, { ...ctx, fetch: down }).catch((x: unknown) => x);
    assert.ok(isMfaExecError(e) && e.exitCode === 69 && /Cannot reach .* \(ECONNREFUSED\)/.test(e.message));
  });

  test('the login URL: the same endpoint, Action=login, the destination and the token, form-encoded', () => {
    const url = new URL(
      loginUrl('https://signin.aws.amazon.com/federation', 'a+b/c=', 'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1'),
    );
    assert.equal(url.origin + url.pathname, 'https://signin.aws.amazon.com/federation');
    assert.deepEqual(
      [...url.searchParams],
      [
        ['Action', 'login'],
        ['Destination', 'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1'],
        ['SigninToken', 'a+b/c='],
      ],
    );
  });
});

test('the federated user’s name: the IAM user’s, in the characters STS takes, 2 to 32 of them', () => {
  assert.equal(federatedName('arn:aws:iam::123456789012:user/alice'), 'alice');
  assert.equal(federatedName('arn:aws:iam::123456789012:user/ops/team/bob.smith@corp'), 'bob.smith@corp');
  assert.equal(federatedName('arn:aws:iam::123456789012:user/a b'), 'a-b');
  assert.equal(federatedName(`arn:aws:iam::123456789012:user/${'x'.repeat(40)}`), 'x'.repeat(32));
  assert.equal(federatedName('arn:aws:iam::123456789012:root'), 'root');
  assert.equal(federatedName('arn:aws:iam::123456789012:user/z'), 'mfa-exec');
});
