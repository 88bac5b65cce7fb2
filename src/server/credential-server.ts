/**
 * --server: a credential endpoint for the child's lifetime, speaking the container-credentials
 * protocol every AWS SDK, the AWS CLI and Terraform already use (AWS_CONTAINER_CREDENTIALS_FULL_URI
 * + AWS_CONTAINER_AUTHORIZATION_TOKEN). The child's SDK asks again before its credentials expire,
 * and each answer is resolved afresh: refreshed from the MFA session silently, or after a prompt
 * on the terminal when the session itself runs out. That is what lets a long `terraform apply`
 * outlive a one-hour role session.
 *
 * Security: loopback only, random port; a 256-bit token from the CSPRNG compared in constant
 * time; only GET on one path; the Host header must name the loopback address and our port
 * (a DNS-rebinding page in a browser cannot forge that).
 */
import http from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Credentials } from '../aws/credentials.ts';
import { isMfaExecError } from '../errors.ts';
import type { Logger } from '../log.ts';

const CREDENTIALS_PATH = '/mfa-exec/credentials';

export interface CredentialServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

export async function startCredentialServer(getCredentials: () => Promise<Credentials>, logger: Logger): Promise<CredentialServer> {
  const token = randomBytes(32).toString('base64url');
  const tokenDigest = digest(token);
  let port = 0;
  // One resolution at a time: concurrent SDK clients share it instead of racing to refresh.
  let inFlight: Promise<Credentials> | undefined;
  const resolveOnce = () => (inFlight ??= getCredentials().finally(() => (inFlight = undefined)));

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      logger.debug(`credential server: refused a request with Host '${host.slice(0, 80)}'`);
      return reply(403, { code: 'Forbidden', message: 'mfa-exec credential server: unexpected Host header' });
    }
    if ((req.url ?? '').split('?')[0] !== CREDENTIALS_PATH)
      return reply(404, { code: 'NotFound', message: 'mfa-exec credential server: unknown path' });
    if (req.method !== 'GET') return reply(405, { code: 'MethodNotAllowed', message: 'mfa-exec credential server: GET only' });
    const given = req.headers.authorization;
    if (!given) return reply(401, { code: 'Unauthorized', message: 'mfa-exec credential server: missing authorization token' });
    if (!timingSafeEqual(digest(given), tokenDigest)) {
      logger.debug('credential server: refused a request with a wrong token');
      return reply(403, { code: 'Forbidden', message: 'mfa-exec credential server: wrong authorization token' });
    }
    resolveOnce().then(
      (creds) => {
        logger.debug(`credential server: served credentials valid until ${creds.expiration?.toISOString() ?? 'unknown'}`);
        reply(200, {
          AccessKeyId: creds.accessKeyId,
          SecretAccessKey: creds.secretAccessKey,
          Token: creds.sessionToken,
          Expiration: creds.expiration?.toISOString(),
        });
      },
      (error: unknown) => {
        const message = isMfaExecError(error) ? error.message : 'internal error';
        logger.warn(`credential server: ${message}`);
        reply(500, { code: 'CredentialsUnavailable', message: `mfa-exec: ${message}` });
      },
    );
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${CREDENTIALS_PATH}`;
  logger.debug(`credential server listening on ${url}`);
  return {
    url,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Fixed-length digests, so timingSafeEqual never sees inputs of different lengths. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
