// The --server endpoint alone (src/server/credential-server.ts), with a fake source of
// credentials: what it answers and what it refuses. (Issue 17: without the Host check only a
// slow end-to-end test failed.)
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Credentials } from '../../src/aws/credentials.ts';
import { ConfigError } from '../../src/errors.ts';
import { startCredentialServer, type CredentialServer } from '../../src/server/credential-server.ts';
import { createLogger } from '../../src/log.ts';

const CREDS: Credentials = {
  accessKeyId: 'ASIASERVED0000000000',
  secretAccessKey: 'served-secret',
  sessionToken: 'served-token',
  expiration: new Date('2030-01-01T00:00:00.000Z'),
};

interface Answer {
  status: number;
  body: Record<string, string>;
}

/** One raw request: the Host header and the method as given (fetch would set Host itself). */
function request(url: string, headers: Record<string, string>, method = 'GET', path?: string): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: u.port, path: path ?? u.pathname, method, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, string> }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the credential endpoint', () => {
  let server: CredentialServer;
  let served = 0;
  let fail: Error | undefined;
  const lines: string[] = [];
  before(async () => {
    server = await startCredentialServer(
      async () => {
        served++;
        if (fail) throw fail;
        return CREDS;
      },
      createLogger(true, (l) => lines.push(l)),
    );
  });
  after(() => server.close());
  const host = () => `127.0.0.1:${new URL(server.url).port}`;

  test('loopback only, a path of its own, a 256-bit token', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mfa-exec\/credentials$/);
    assert.match(server.token, /^[A-Za-z0-9_-]{43}$/);
  });

  test('the right Host, path, method and token: the credentials in the container-credentials format', async () => {
    for (const name of [host(), `localhost:${new URL(server.url).port}`]) {
      const answer = await request(server.url, { Host: name, Authorization: server.token });
      assert.equal(answer.status, 200, name);
      assert.deepEqual(answer.body, {
        AccessKeyId: CREDS.accessKeyId,
        SecretAccessKey: CREDS.secretAccessKey,
        Token: CREDS.sessionToken,
        Expiration: '2030-01-01T00:00:00.000Z',
      });
    }
  });

  test('another Host (a DNS-rebinding page names its own) is refused before the token is even looked at: 403', async () => {
    const before = served;
    const port = new URL(server.url).port;
    for (const name of ['evil.example', `evil.example:${port}`, '127.0.0.1', `127.0.0.1:${Number(port) + 1}`, `[::1]:${port}`, '']) {
      const answer = await request(server.url, { Host: name, Authorization: server.token });
      assert.equal(answer.status, 403, `Host '${name}'`);
      assert.match(answer.body.message!, /unexpected Host header/);
    }
    assert.equal(served, before, 'nothing was served');
    assert.match(lines.join(''), /refused a request with Host 'evil\.example'/);
  });

  test('no token 401, a wrong one 403, another path 404, another method 405; nothing served', async () => {
    const before = served;
    assert.equal((await request(server.url, { Host: host() })).status, 401);
    assert.equal((await request(server.url, { Host: host(), Authorization: `${server.token}x` })).status, 403);
    assert.equal((await request(server.url, { Host: host(), Authorization: server.token }, 'GET', '/other')).status, 404);
    assert.equal((await request(server.url, { Host: host(), Authorization: server.token }, 'POST')).status, 405);
    assert.equal(served, before);
  });

  test('credentials that cannot be had: 500 with our message, never a stack', async () => {
    fail = new ConfigError("Profile 'p' needs an MFA code; run 'mfa-exec login --profile p'.");
    try {
      const answer = await request(server.url, { Host: host(), Authorization: server.token });
      assert.equal(answer.status, 500);
      assert.deepEqual(answer.body, { code: 'CredentialsUnavailable', message: `mfa-exec: ${fail.message}` });
    } finally {
      fail = undefined;
    }
  });
});
