// The AWS console's federation endpoint and a fake console, served by the front on its own
// origin (`${front}/federation`, what MFA_EXEC_FEDERATION_URL points at):
//   GET|POST /federation?Action=getSigninToken&Session=<json>[&SessionDuration=N] → {"SigninToken":"…"}
//   GET|POST /federation?Action=login&Issuer=&Destination=&SigninToken=        → 302 to the console
//   GET /console/…, /fake-console/<host>/…                                       → who is signed in
// It checks the Session JSON against the keys the front knows, by the rules AWS documents
// (IAM user guide, "Enable custom identity broker access to the AWS console"): role and
// federation credentials are accepted; GetSessionToken and long-term keys are not; no
// SessionDuration with federation credentials (nor, as seen by aws-vault #77 and aws-sso-cli
// #1247, with role-chained ones), and 900–43200 otherwise; a sign-in token is good for 15 min.
// A browser is never sent off this machine: a Destination that is not on loopback is rewritten
// to this fake console (`/fake-console/<host><path>?<query>`); the log keeps it as it came.
// No secret (secret key, session token, sign-in token) is ever logged.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { KeyRing, KnownKey } from './keyring.ts';

export const SIGNIN_TOKEN_LIFETIME_MS = 15 * 60_000;
/** What AWS showed for GetSessionToken credentials (aws-vault #1191). */
export const ONLY_FEDERATION_OR_ROLE = 'Only federation tokens or assume role tokens may be used for federated login.';

export interface FederationLogEntry {
  /** 'getSigninToken' | 'login' | 'console' | anything else an Action said */
  action: string;
  method: string;
  status: number;
  accessKeyId?: string;
  keyKind?: KnownKey['kind'] | 'unknown';
  sessionDuration?: string;
  issuer?: string;
  /** The Destination as the client sent it (before any rewrite to loopback). */
  destination?: string;
  /** Where the 302 sent the browser. */
  location?: string;
  /** For a refusal: why, in the words the body used. */
  reason?: string;
  /** The console page: who it said is signed in ('' when nobody). */
  signedInAs?: string;
  path?: string;
  userAgent?: string;
}

interface IssuedToken {
  accessKeyId: string;
  arn: string;
  issuedAt: number;
  consoleUntil: number;
  /** Set when the token was issued but the login is to be refused (see sessionTokenRefusal). */
  refusal?: string;
}

interface ConsoleSession {
  arn: string;
  until: number;
}

type Reply = { status: number; type: string; body: string; headers?: Record<string, string> };

const text = (status: number, body: string): Reply => ({ status, type: 'text/plain; charset=utf-8', body: body + '\n' });

function escHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export class ConsoleFederation {
  readonly calls: Record<string, number> = {};
  readonly log: FederationLogEntry[] = [];
  /**
   * Where GetSessionToken credentials are refused. The docs' table says they cannot be used for
   * console sign-in; aws-vault #1191 (2023) shows AWS then issued a token and refused the login
   * page with ONLY_FEDERATION_OR_ROLE. Default 'getSigninToken' (the stricter); 'login' models #1191.
   */
  sessionTokenRefusal: 'getSigninToken' | 'login' = 'getSigninToken';
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly keys: KeyRing,
    private readonly now: () => number = Date.now,
  ) {}

  /** The front hands over every request whose path is ours; false: not ours. */
  handles(pathname: string): boolean {
    return pathname === '/federation' || pathname.startsWith('/console/') || pathname.startsWith('/fake-console/');
  }

  /** Every sign-in token issued so far counts as older than 15 minutes from now on. */
  expireSigninTokens(): void {
    for (const t of this.tokens.values()) t.issuedAt = this.now() - SIGNIN_TOKEN_LIFETIME_MS - 1;
  }

  /** Console sessions started so far (who, until when), for tests. */
  consoleSessions(): ConsoleSession[] {
    return [...this.sessions.values()].map((s) => ({ ...s }));
  }

  handle(req: http.IncomingMessage, body: string, res: http.ServerResponse, origin: string): void {
    const url = new URL(req.url ?? '/', origin);
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST' && String(req.headers['content-type']).includes('application/x-www-form-urlencoded'))
      for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
    const entry: FederationLogEntry = { action: 'console', method: req.method ?? 'GET', status: 0, path: url.pathname };
    if (req.headers['user-agent']) entry.userAgent = String(req.headers['user-agent']);

    let reply: Reply;
    if (url.pathname === '/federation') {
      entry.action = params.get('Action') ?? '(none)';
      delete entry.path;
      if (req.method !== 'GET' && req.method !== 'POST') reply = text(405, 'GET or POST');
      else if (entry.action === 'getSigninToken') reply = this.getSigninToken(params, entry);
      else if (entry.action === 'login') reply = this.login(params, entry, origin);
      else reply = text(400, `unknown Action ${entry.action}`);
    } else {
      reply = this.consolePage(req, url, entry);
    }
    this.calls[entry.action] = (this.calls[entry.action] ?? 0) + 1;
    entry.status = reply.status;
    if (reply.status >= 400 && !entry.reason) entry.reason = reply.body.trim();
    this.log.push(entry);
    res.writeHead(reply.status, { 'content-type': reply.type, 'cache-control': 'no-store', ...reply.headers }).end(reply.body);
  }

  private getSigninToken(params: URLSearchParams, entry: FederationLogEntry): Reply {
    const raw = params.get('Session');
    const duration = params.get('SessionDuration');
    if (duration !== null) entry.sessionDuration = duration;
    if (raw === null) return text(400, 'Session parameter is missing');
    let session: unknown;
    try {
      session = JSON.parse(raw);
    } catch {
      return text(400, 'Invalid credentials parameter: Session is not JSON');
    }
    const s = session as Record<string, unknown>;
    const { sessionId, sessionKey, sessionToken } = s;
    if (typeof sessionId !== 'string' || typeof sessionKey !== 'string' || typeof sessionToken !== 'string')
      return text(400, 'Invalid credentials parameter: Session needs sessionId, sessionKey and sessionToken (strings)');
    entry.accessKeyId = sessionId;
    const key = this.keys.get(sessionId);
    entry.keyKind = key?.kind ?? 'unknown';
    if (!key || key.kind === 'user') return text(400, 'Invalid credentials parameter: not temporary credentials this endpoint knows');
    if (key.secretAccessKey !== sessionKey || key.sessionToken !== sessionToken)
      return text(400, 'Invalid credentials parameter: the secret key or the session token does not match');
    if (key.expiresAt <= this.now()) return text(400, 'Invalid credentials parameter: the credentials have expired');
    let refusal: string | undefined;
    if (key.kind === 'session') {
      if (this.sessionTokenRefusal === 'getSigninToken') return text(400, ONLY_FEDERATION_OR_ROLE);
      refusal = ONLY_FEDERATION_OR_ROLE;
    }

    let consoleUntil = key.expiresAt;
    if (duration !== null) {
      if (key.kind === 'federation') return text(400, 'Invalid credentials parameter: SessionDuration with GetFederationToken credentials');
      if (key.kind === 'role' && key.chained)
        return text(400, 'Invalid credentials parameter: SessionDuration with role-chained credentials');
      const d = Number(duration);
      if (!Number.isInteger(d) || d < 900 || d > 43_200) return text(400, 'Invalid SessionDuration: an integer from 900 to 43200');
      consoleUntil = this.now() + d * 1000;
    }
    const token = randomBytes(240).toString('base64url');
    this.tokens.set(token, {
      accessKeyId: key.accessKeyId,
      arn: key.arn,
      issuedAt: this.now(),
      consoleUntil,
      ...(refusal ? { refusal } : {}),
    });
    return { status: 200, type: 'application/json', body: JSON.stringify({ SigninToken: token }) };
  }

  private login(params: URLSearchParams, entry: FederationLogEntry, origin: string): Reply {
    const destination = params.get('Destination');
    const issuer = params.get('Issuer');
    if (issuer !== null) entry.issuer = issuer;
    if (destination !== null) entry.destination = destination;
    const token = this.tokens.get(params.get('SigninToken') ?? '');
    if (!token) return text(400, 'SigninToken is missing or unknown');
    entry.accessKeyId = token.accessKeyId;
    entry.keyKind = this.keys.get(token.accessKeyId)?.kind ?? 'unknown';
    if (token.issuedAt + SIGNIN_TOKEN_LIFETIME_MS <= this.now()) return text(400, 'SigninToken has expired (15 minutes)');
    if (token.refusal) return text(400, token.refusal);
    let target: URL;
    try {
      target = new URL(destination ?? '');
    } catch {
      return text(400, 'Destination is missing or not a URL');
    }
    if (target.protocol !== 'https:' && !(target.protocol === 'http:' && isLoopback(target.hostname)))
      return text(400, 'Destination must be an https URL');
    const location = isLoopback(target.hostname) ? target.href : `${origin}/fake-console/${target.host}${target.pathname}${target.search}`;
    entry.location = location;
    const id = randomBytes(18).toString('base64url');
    this.sessions.set(id, { arn: token.arn, until: token.consoleUntil });
    return {
      status: 302,
      type: 'text/plain; charset=utf-8',
      body: '',
      headers: { location, 'set-cookie': `fake-console-session=${id}; Path=/; HttpOnly; SameSite=Lax` },
    };
  }

  private consolePage(req: http.IncomingMessage, url: URL, entry: FederationLogEntry): Reply {
    const cookie = /(?:^|;\s*)fake-console-session=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
    const session = cookie ? this.sessions.get(cookie) : undefined;
    const live = session && session.until > this.now() ? session : undefined;
    entry.signedInAs = live?.arn ?? '';
    const region = url.searchParams.get('region') ?? '';
    const where = url.pathname.startsWith('/fake-console/') ? url.pathname.slice('/fake-console/'.length) : url.pathname.slice(1);
    const body = live
      ? `<p id="who">signed in as ${escHtml(live.arn)}</p><p id="where">${escHtml(where)}; region=${escHtml(region)}</p>` +
        `<p id="until">session until ${new Date(live.until).toISOString()}</p>`
      : `<p id="who">not signed in</p>`;
    return {
      status: live ? 200 : 401,
      type: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><title>AWS Management Console (fake)</title></head><body>${body}</body></html>\n`,
    };
  }
}
