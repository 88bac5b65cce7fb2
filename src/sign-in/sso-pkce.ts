/**
 * The IAM Identity Center sign-in the AWS CLI v2 makes by default for an sso-session profile:
 * OAuth 2.0 authorization code with PKCE (RFC 7636, S256) and a loopback redirect (RFC 8252).
 * A server on 127.0.0.1 (a port the system picks; only this machine can reach it) waits for the
 * browser to come back to /oauth/callback with the code and the state it was sent with; the code
 * and the verifier then buy the token (CreateToken, grant authorization_code).
 *
 * Pure parts (the verifier, the challenge, the authorize URL) are exported for tests; the wait
 * ends with the callback, after WAIT_MS, or when the person presses Ctrl-C (exit 130).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { ExitCode, MfaExecError } from '../errors.ts';
import { NoTerminalError, PromptCancelledError } from '../prompt/errors.ts';

/** The AWS CLI waits 600 s for the browser to come back. */
export const WAIT_MS = 10 * 60 * 1000;
const CALLBACK_PATH = '/oauth/callback';
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
const CANCEL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A code verifier of 64 unreserved characters (as the CLI's). */
export function codeVerifier(): string {
  const bytes = randomBytes(64);
  let out = '';
  for (const b of bytes) out += UNRESERVED[b % UNRESERVED.length];
  return out;
}

/** S256: base64url(SHA-256(verifier)), without padding. */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The browser's page: `<base>/authorize?…` with the parameters the CLI sends (`scopes`, not `scope`). */
export function authorizeUrl(
  base: string,
  p: { clientId: string; redirectUri: string; state: string; challenge: string; scopes: readonly string[] },
): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    state: p.state,
    code_challenge_method: 'S256',
    scopes: p.scopes.join(' '),
    code_challenge: p.challenge,
  });
  return `${base}/authorize?${query.toString()}`;
}

export interface Callback {
  /** http://127.0.0.1:<port>/oauth/callback */
  redirectUri: string;
  state: string;
  /** The code the browser brings back; rejects on an error, a wrong state, a timeout or Ctrl-C. */
  code: Promise<string>;
  close(): void;
}

const PAGE = (title: string, text: string) =>
  `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`;

/** Starts the loopback server the browser comes back to. */
export async function listenForCallback(waitMs = WAIT_MS): Promise<Callback> {
  const state = randomUUID();
  let settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  code.catch(() => {}); // the caller awaits it; a rejection before then is not unhandled
  let done = false;
  const finish = (outcome: { code: string } | { error: Error }) => {
    if (done) return;
    done = true;
    if ('code' in outcome) settle.resolve(outcome.code);
    else settle.reject(outcome.error);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const q = url.searchParams;
    const error = q.get('error');
    if (q.get('state') !== state) {
      // Not the answer to this sign-in (another tab, another local program): the wait goes on.
      res
        .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
        .end(PAGE('Sign-in failed', 'The answer does not belong to this sign-in.'));
      return;
    }
    if (error !== null) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE('Sign-in failed', 'You can close this tab.'));
      finish({ error: failed(`IAM Identity Center answered ${error}`) });
      return;
    }
    const got = q.get('code');
    if (!got) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('no code\n');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(PAGE('Signed in', 'mfa-exec has what it needs. You can close this tab.'));
    finish({ code: got });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  const timer = setTimeout(
    () =>
      finish({
        error: new NoTerminalError(`Nobody completed the IAM Identity Center sign-in in the browser within ${WAIT_MS / 60_000} minutes.`),
      }),
    waitMs,
  );
  const onSignal = () => finish({ error: new PromptCancelledError('IAM Identity Center sign-in') });
  for (const s of CANCEL_SIGNALS) process.on(s, onSignal);
  const close = () => {
    clearTimeout(timer);
    for (const s of CANCEL_SIGNALS) process.off(s, onSignal);
    server.closeAllConnections();
    server.close();
  };
  void code.then(close, close);
  return { redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`, state, code, close };
}

function failed(why: string): MfaExecError {
  return new MfaExecError(`The IAM Identity Center sign-in failed: ${why}. Run the command again to sign in anew.`, ExitCode.stsDenied);
}
