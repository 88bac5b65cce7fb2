// The fake AWS Sign-In service (`aws login`): console sessions the test creates, as `aws login`
// leaves them, and CreateOAuth2Token's refresh grant (POST /v1/token, restJson, noAuth, the body
// is the tokenInput member itself: {clientId, grantType, refreshToken}) with a DPoP proof that
// is really verified and bound to the refresh token (cnf.jkt, as the service model describes).
// Credentials are minted through the front: GetSessionToken as the IAM user (15 min), or
// AssumeRole for a federated console session. Errors and statuses follow the model
// (botocore data/signin/2023-01-01/service-2.json): AccessDeniedException with `error`
// TOKEN_EXPIRED (401), USER_CREDENTIALS_CHANGED or INSUFFICIENT_PERMISSIONS (403).
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { verifyDpopProof, jwkThumbprint, publicJwk } from './dpop.ts';
import { jsonError, type Reply, type Route } from './json-service.ts';
import type { MintedCredentials } from './sts-mint.ts';
import { isoSeconds } from './sts-xml.ts';

export const SAME_DEVICE = 'arn:aws:signin:::devtools/same-device';
export const CROSS_DEVICE = 'arn:aws:signin:::devtools/cross-device';
export type LoginError = 'TOKEN_EXPIRED' | 'USER_CREDENTIALS_CHANGED' | 'INSUFFICIENT_PERMISSIONS';

/** What `aws login` leaves behind for one session: everything its cache file holds. */
export interface LoginSession {
  /** The login_session value (the idToken's sub): arn:aws:iam::<acct>:user/<name> or an assumed-role ARN. */
  loginSession: string;
  accessToken: { accessKeyId: string; secretAccessKey: string; sessionToken: string; accountId: string; expiresAt: string };
  tokenType: 'aws_sigv4';
  clientId: string;
  refreshToken: string;
  idToken: string;
  /** SEC1 PEM of the session's P-256 key, as the CLI writes it. */
  dpopKey: string;
}

interface SessionState {
  mint(): Promise<MintedCredentials>;
  accountId: string;
  endedWith?: LoginError;
}

interface RefreshState {
  loginSession: string;
  clientId: string;
  jkt: string;
  state: 'active' | 'used';
  /** What the first use answered: replayed for a reuse while its credentials last. */
  answer?: { body: Record<string, unknown>; expiresAt: number };
}

const STATUS: Record<LoginError, number> = { TOKEN_EXPIRED: 401, USER_CREDENTIALS_CHANGED: 403, INSUFFICIENT_PERMISSIONS: 403 };
const MESSAGE: Record<LoginError, string> = {
  TOKEN_EXPIRED: 'The refresh token has expired or was revoked',
  USER_CREDENTIALS_CHANGED: 'The user credentials have changed since the session began',
  INSUFFICIENT_PERMISSIONS: 'The principal is not authorized to perform signin:CreateOAuth2Token',
};

function denied(error: LoginError, reason: string): Reply {
  return jsonError(STATUS[error], 'AccessDeniedException', { error, message: MESSAGE[error] }, { reason, grantType: 'refresh_token' });
}

function invalid(reason: string, grantType?: string): Reply {
  return jsonError(
    400,
    'ValidationException',
    { error: 'INVALID_REQUEST', message: reason },
    { reason, ...(grantType ? { grantType } : {}) },
  );
}

export class SigninService {
  private readonly sessions = new Map<string, SessionState>();
  private readonly refreshTokens = new Map<string, RefreshState>();
  private readonly seenJti = new Set<string>();
  private readonly forced: LoginError[] = [];
  private readonly idKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  /**
   * A refresh token used a second time. The model documents the refresh grant as idempotent
   * ("multiple calls with same refresh_token return consistent results within validity window"):
   * 'replay' answers the first answer again while its credentials last; 'refuse' (default,
   * the strict choice) answers TOKEN_EXPIRED, so a client that loses the rotated token fails.
   */
  reuse: 'replay' | 'refuse' = 'refuse';
  readonly now: () => number;

  constructor(
    private readonly endpoint: () => string,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  /**
   * A console session as `aws login` leaves it: credentials (minted now), a refresh token bound
   * to a new P-256 key, an idToken whose sub is the login_session.
   */
  async createSession(
    loginSession: string,
    accountId: string,
    mint: () => Promise<MintedCredentials>,
    clientId = SAME_DEVICE,
  ): Promise<LoginSession> {
    const state: SessionState = { mint, accountId };
    this.sessions.set(loginSession, state);
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const c = await mint();
    return {
      loginSession,
      accessToken: {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        accountId,
        expiresAt: isoSeconds(c.expiresAt),
      },
      tokenType: 'aws_sigv4',
      clientId,
      refreshToken: this.newRefreshToken(loginSession, clientId, jwkThumbprint(publicJwk(key))),
      idToken: this.idToken(loginSession, clientId),
      dpopKey: key.export({ format: 'pem', type: 'sec1' }).toString(),
    };
  }

  /** Every later refresh of this session fails with `error` (expired, password changed, logged out). */
  endSession(loginSession: string, error: LoginError = 'TOKEN_EXPIRED'): void {
    const s = this.sessions.get(loginSession);
    if (!s) throw new Error(`no login session ${loginSession}`);
    s.endedWith = error;
  }

  /** The next n refreshes (any session) fail with `error`. */
  failNextRefresh(error: LoginError = 'TOKEN_EXPIRED', n = 1): void {
    for (let i = 0; i < n; i++) this.forced.push(error);
  }

  refreshTokenState(refreshToken: string): 'active' | 'used' | 'unknown' {
    return this.refreshTokens.get(refreshToken)?.state ?? 'unknown';
  }

  routes(): Route[] {
    return [
      {
        method: 'POST',
        path: '/v1/token',
        op: 'CreateOAuth2Token',
        handle: (req) => this.createToken(req.body, req.headers['dpop'], req.publicUrl),
      },
    ];
  }

  private async createToken(rawBody: string, dpop: string | string[] | undefined, url: string): Promise<Reply> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      return invalid('Body is not JSON');
    }
    const grantType = typeof body['grantType'] === 'string' ? body['grantType'] : undefined;
    if (grantType !== 'refresh_token')
      return invalid(`grantType ${String(grantType)} is not supported by the harness (refresh_token only)`, grantType);
    const clientId = body['clientId'];
    if (clientId !== SAME_DEVICE && clientId !== CROSS_DEVICE) return invalid(`Unknown clientId ${String(clientId)}`, grantType);
    // (inf) How AWS answers a bad proof is not in the model; RFC 9449 says 400 invalid_dpop_proof.
    const proof = verifyDpopProof(typeof dpop === 'string' ? dpop : undefined, {
      htm: 'POST',
      htu: url,
      now: this.now(),
      seenJti: this.seenJti,
    });
    if (!proof.ok) return invalid(`Invalid DPoP proof: ${proof.reason}`, grantType);
    const token = typeof body['refreshToken'] === 'string' ? this.refreshTokens.get(body['refreshToken']) : undefined;
    if (!token) return denied('TOKEN_EXPIRED', 'unknown refresh token');
    if (token.clientId !== clientId) return invalid('clientId does not match the refresh token', grantType);
    if (token.jkt !== proof.jkt) return invalid('DPoP key does not match the refresh token (cnf.jkt)', grantType);
    const session = this.sessions.get(token.loginSession)!;
    if (session.endedWith) return denied(session.endedWith, 'session ended (harness knob)');
    const forced = this.forced.shift();
    if (forced) return denied(forced, 'refresh refused (harness knob)');
    if (token.state === 'used') {
      if (this.reuse === 'replay' && token.answer && token.answer.expiresAt > this.now())
        return { status: 200, body: token.answer.body, note: { grantType, reason: 'reused refresh token: first answer replayed' } };
      return denied('TOKEN_EXPIRED', 'refresh token was already used');
    }
    const c = await session.mint();
    const answer = {
      accessToken: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
      tokenType: 'aws_sigv4',
      expiresIn: Math.max(1, Math.min(900, Math.round((c.expiresAt - this.now()) / 1000))),
      refreshToken: this.newRefreshToken(token.loginSession, token.clientId, token.jkt),
    };
    token.state = 'used';
    token.answer = { body: answer, expiresAt: c.expiresAt };
    return { status: 200, body: answer, note: { grantType } };
  }

  private newRefreshToken(loginSession: string, clientId: string, jkt: string): string {
    const t = randomBytes(96).toString('base64url');
    this.refreshTokens.set(t, { loginSession, clientId, jkt, state: 'active' });
    return t;
  }

  /** An ES256 JWT whose sub is the login_session (what the CLI reads it from). */
  private idToken(loginSession: string, clientId: string): string {
    const now = Math.floor(this.now() / 1000);
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: 'harness' })}.${b64({ iss: this.endpoint(), sub: loginSession, aud: clientId, iat: now, exp: now + 900 })}`;
    const sig = sign('sha256', Buffer.from(input), { key: this.idKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  }
}
