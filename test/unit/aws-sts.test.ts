// Expiry under clock skew, the bounded STS request options, and (issue 17) what GetSessionToken
// and AssumeRole put on the wire, read by a loopback server standing in for STS.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { requestHandlerOptions } from '../../src/aws/client.ts';
import { awsSts, safeExpiry } from '../../src/aws/sts.ts';
import { readSettings } from '../../src/settings.ts';

const MIN = 60_000;
const local = Date.parse('2026-11-23T12:00:00Z');

describe('safeExpiry: never later than our request time + the duration asked for', () => {
  const cases: [string, number, number][] = [
    // [what, STS clock minus ours (ms), expected minutes left on our clock]
    ['clocks agree', 0, 60],
    ['our clock 10 min behind STS: STS says 70 min from our now, we keep 60', 10 * MIN, 60],
    ['our clock 10 min ahead of STS: STS says 50 min from our now, we keep 50', -10 * MIN, 50],
    ['STS granted less than asked (e.g. capped): its word wins', 0, 60],
  ];
  for (const [what, skew, minutesLeft] of cases) {
    test(what, () => {
      const stated = new Date(local + skew + 60 * MIN);
      assert.equal((safeExpiry(stated, local, 3600).getTime() - local) / MIN, minutesLeft);
    });
  }
  test('a shorter grant than requested is kept', () => {
    assert.equal(safeExpiry(new Date(local + 15 * MIN), local, 3600).getTime(), local + 15 * MIN);
  });
});

describe('requestHandlerOptions: every attempt is bounded and a timeout is an error', () => {
  const table: [NodeJS.ProcessEnv, number, number][] = [
    [{}, 10_000, 5_000],
    [{ MFA_EXEC_STS_TIMEOUT: '2' }, 2_000, 2_000],
    [{ MFA_EXEC_STS_TIMEOUT: '30' }, 30_000, 5_000],
    [{ MFA_EXEC_STS_TIMEOUT: 'abc' }, 10_000, 5_000],
    [{ MFA_EXEC_STS_TIMEOUT: '-1' }, 10_000, 5_000],
  ];
  for (const [env, request, connect] of table) {
    test(JSON.stringify(env), () => {
      assert.deepEqual(requestHandlerOptions(readSettings(env).stsTimeoutMs), {
        requestTimeout: request,
        connectionTimeout: connect,
        throwOnRequestTimeout: true,
      });
    });
  }
});

describe('awsSts: the parameters on the wire (a loopback STS reads the request)', () => {
  const requests: URLSearchParams[] = [];
  let server: http.Server;
  let saved: string | undefined;
  const credentialsXml = (action: string) =>
    `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>` +
    (action === 'AssumeRole'
      ? '<AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/R/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>'
      : '') +
    '<Credentials><AccessKeyId>ASIAWIRE000000000000</AccessKeyId><SecretAccessKey>wire-secret</SecretAccessKey><SessionToken>wire-token</SessionToken>' +
    `<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`;
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        const params = new URLSearchParams(body);
        requests.push(params);
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(credentialsXml(params.get('Action') ?? ''));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    saved = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = saved;
    server.close();
  });
  const creds = { accessKeyId: 'AKIAWIRE000000000000', secretAccessKey: 'long-term' };
  const ctx = { region: 'us-east-1', timeoutMs: 5_000, what: 'a test call', profile: 'p', endpoint: undefined };
  const sent = (params: URLSearchParams) => Object.fromEntries([...params].filter(([k]) => k !== 'Version'));

  test('GetSessionToken with MFA: DurationSeconds, SerialNumber and TokenCode', async () => {
    const got = await awsSts.getSessionToken(
      creds,
      { durationSeconds: 43200, serialNumber: 'arn:aws:iam::1:mfa/me', tokenCode: '123456' },
      ctx,
    );
    assert.equal(got.accessKeyId, 'ASIAWIRE000000000000');
    assert.deepEqual(sent(requests.at(-1)!), {
      Action: 'GetSessionToken',
      DurationSeconds: '43200',
      SerialNumber: 'arn:aws:iam::1:mfa/me',
      TokenCode: '123456',
    });
  });

  test('GetSessionToken without a device: neither SerialNumber nor TokenCode', async () => {
    await awsSts.getSessionToken(creds, { durationSeconds: 900 }, ctx);
    assert.deepEqual(sent(requests.at(-1)!), { Action: 'GetSessionToken', DurationSeconds: '900' });
  });

  test('AssumeRole: RoleArn, RoleSessionName, DurationSeconds, ExternalId, SerialNumber, TokenCode', async () => {
    await awsSts.assumeRole(
      creds,
      {
        roleArn: 'arn:aws:iam::2:role/R',
        sessionName: 'me',
        durationSeconds: 3600,
        externalId: 'ext-1',
        serialNumber: 'arn:aws:iam::1:mfa/me',
        tokenCode: '654321',
      },
      ctx,
    );
    assert.deepEqual(sent(requests.at(-1)!), {
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::2:role/R',
      RoleSessionName: 'me',
      DurationSeconds: '3600',
      ExternalId: 'ext-1',
      SerialNumber: 'arn:aws:iam::1:mfa/me',
      TokenCode: '654321',
    });
  });
});
