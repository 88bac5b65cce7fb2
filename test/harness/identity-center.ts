// The state of the fake IAM Identity Center: client registrations, authorization codes (PKCE),
// device authorizations, access and refresh tokens, and the knobs tests turn. The HTTP shapes
// are in sso-oidc.ts and sso-portal.ts; this file decides.
//
// Rules taken from the service model (botocore data/sso-oidc/2019-06-10/service-2.json) and from
// what the AWS CLI v2 and the JS SDK send; where AWS's behaviour is not documented the choice is
// marked (inf) and is the strict one.
import { createHash, randomBytes, randomInt } from 'node:crypto';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_TYPES = ['authorization_code', 'refresh_token', DEVICE_GRANT] as const;
/** The scope `aws sso login` registers with when the config names none. */
export const DEFAULT_SCOPE = 'sso:account:access';

export interface Registration {
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes: string[];
  /** Absent: as botocore's device flow registers (AWS then allows device code and refresh). */
  grantTypes?: string[];
  redirectUris: string[];
  issuerUrl?: string;
  issuedAt: number; // ms
  expiresAt: number; // ms
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  expiresAt: number;
  intervalMs: number;
  lastPollAt?: number;
  /** When the user's approval takes effect (the user may take a while). */
  approvedAt?: number;
  denied: boolean;
  consumed: boolean;
}

interface AccessTokenState {
  clientId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

interface RefreshTokenState {
  clientId: string;
  scopes: string[];
  state: 'active' | 'used' | 'revoked';
}

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken?: string;
}

/** A refusal, in the words of the service model: the exception name and its OAuth `error`. */
export interface OidcRefusal {
  refused: string; // e.g. 'InvalidGrantException'
  error: string; // e.g. 'invalid_grant'
  description: string;
  status?: number;
}

export type TokenCheck = { ok: true; scopes: string[] } | { ok: false; reason: string };

const OAUTH_ERROR: Record<string, [string, number]> = {
  AccessDeniedException: ['access_denied', 400],
  AuthorizationPendingException: ['authorization_pending', 400],
  ExpiredTokenException: ['expired_token', 400],
  InvalidClientException: ['invalid_client', 401],
  InvalidClientMetadataException: ['invalid_client_metadata', 400],
  InvalidGrantException: ['invalid_grant', 400],
  InvalidRedirectUriException: ['invalid_redirect_uri', 400],
  InvalidRequestException: ['invalid_request', 400],
  InvalidScopeException: ['invalid_scope', 400],
  SlowDownException: ['slow_down', 400],
  UnauthorizedClientException: ['unauthorized_client', 400],
  UnsupportedGrantTypeException: ['unsupported_grant_type', 400],
};

export function refusal(exception: string, description: string): OidcRefusal {
  const [error, status] = OAUTH_ERROR[exception] ?? ['invalid_request', 400];
  return { refused: exception, error, description, status };
}

const token = (prefix: string, bytes: number): string => prefix + randomBytes(bytes).toString('base64url');

function userCode(): string {
  const letters = 'BCDFGHJKLMNPQRSTVWXZ';
  let s = '';
  for (let i = 0; i < 8; i++) s += (i === 4 ? '-' : '') + letters[randomInt(letters.length)];
  return s;
}

/** PKCE S256 (RFC 7636): base64url of SHA-256 of the verifier, no padding. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A redirect URI matches a registered one exactly, or (RFC 8252 §7.3) a registered loopback URI
 * without a port matches the same URI on any port: `aws sso login` registers
 * http://127.0.0.1/oauth/callback and then redirects to http://127.0.0.1:<port>/oauth/callback.
 */
export function redirectMatches(registered: string, actual: string): boolean {
  if (registered === actual) return true;
  let r: URL, a: URL;
  try {
    r = new URL(registered);
    a = new URL(actual);
  } catch {
    return false;
  }
  const samePlace = r.protocol === a.protocol && r.hostname === a.hostname && r.pathname === a.pathname && r.search === a.search;
  return samePlace && LOOPBACK.has(r.hostname) && r.port === '' && a.protocol === 'http:';
}

export interface IdentityCenterOptions {
  startUrl: string;
  /** The person who signs in at the browser (the role session name of their role credentials). */
  user: string;
  /** Access-token lifetime when the registration has scopes (refreshable). AWS: 1 h (inf). */
  accessTokenTtlSeconds?: number;
  /** Access-token lifetime without scopes (no refresh token): AWS's legacy 8 h. */
  legacyAccessTokenTtlSeconds?: number;
  /** Device flow: the interval StartDeviceAuthorization announces (AWS: 1 s) and its expiry. */
  deviceIntervalSeconds?: number;
  deviceExpiresInSeconds?: number;
  /** Added to the required interval on each SlowDownException (RFC 8628 §3.5: 5 s). */
  slowDownIncrementSeconds?: number;
  now?: () => number;
}

export class IdentityCenter {
  readonly registrations = new Map<string, Registration>();
  private readonly authCodes = new Map<string, AuthCode>();
  readonly devices = new Map<string, DeviceAuthorization>();
  private readonly accessTokens = new Map<string, AccessTokenState>();
  private readonly refreshTokens = new Map<string, RefreshTokenState>();
  private refreshRefusals: string[] = [];
  /** Knobs. */
  approvalDelayMs = 0;
  userDenies = false;
  readonly now: () => number;
  readonly startUrl: string;
  readonly user: string;
  private readonly ttl: number;
  private readonly legacyTtl: number;
  deviceIntervalSeconds: number;
  private readonly deviceExpiresIn: number;
  slowDownIncrementSeconds: number;

  constructor(opts: IdentityCenterOptions) {
    this.startUrl = opts.startUrl;
    this.user = opts.user;
    this.now = opts.now ?? Date.now;
    this.ttl = opts.accessTokenTtlSeconds ?? 3600;
    this.legacyTtl = opts.legacyAccessTokenTtlSeconds ?? 8 * 3600;
    this.deviceIntervalSeconds = opts.deviceIntervalSeconds ?? 1;
    this.deviceExpiresIn = opts.deviceExpiresInSeconds ?? 600;
    this.slowDownIncrementSeconds = opts.slowDownIncrementSeconds ?? 5;
  }

  // ---- RegisterClient ----------------------------------------------------------------------

  register(input: {
    clientName?: string;
    clientType?: string;
    scopes?: string[];
    grantTypes?: string[];
    redirectUris?: string[];
    issuerUrl?: string;
  }): Registration | OidcRefusal {
    if (!input.clientName || !input.clientType) return refusal('InvalidRequestException', 'clientName and clientType are required');
    if (input.clientType !== 'public') return refusal('InvalidClientMetadataException', 'Only public clients are supported');
    for (const g of input.grantTypes ?? [])
      if (!(GRANT_TYPES as readonly string[]).includes(g)) return refusal('UnsupportedGrantTypeException', `Unsupported grant type: ${g}`);
    for (const uri of input.redirectUris ?? []) {
      let u: URL | undefined;
      try {
        u = new URL(uri);
      } catch {
        u = undefined;
      }
      if (!u || u.protocol !== 'http:' || !LOOPBACK.has(u.hostname))
        return refusal('InvalidRedirectUriException', `Redirect URI must be a loopback http URI: ${uri}`);
    }
    if (input.grantTypes?.includes('authorization_code')) {
      // (inf) AWS needs both to send the user back; the CLI always sends them.
      if (!input.redirectUris?.length) return refusal('InvalidRequestException', 'redirectUris are required for authorization_code');
      if (!input.issuerUrl) return refusal('InvalidRequestException', 'issuerUrl is required for authorization_code');
    }
    if (input.issuerUrl !== undefined && input.issuerUrl !== this.startUrl)
      return refusal('InvalidRequestException', `issuerUrl ${input.issuerUrl} is not this instance's (${this.startUrl})`);
    const issuedAt = Math.floor(this.now() / 1000) * 1000;
    const reg: Registration = {
      clientId: token('', 16),
      clientSecret: 'eyJraWQiOiJrZXkiLCJhbGciOiJIUzM4NCJ9.' + randomBytes(96).toString('base64url'),
      clientName: input.clientName,
      scopes: input.scopes ?? [],
      ...(input.grantTypes ? { grantTypes: input.grantTypes } : {}),
      redirectUris: input.redirectUris ?? [],
      ...(input.issuerUrl ? { issuerUrl: input.issuerUrl } : {}),
      issuedAt,
      expiresAt: issuedAt + 90 * 86_400_000, // AWS: 90 days
    };
    this.registrations.set(reg.clientId, reg);
    return reg;
  }

  private client(clientId: string | undefined, clientSecret: string | undefined): Registration | OidcRefusal {
    const reg = clientId ? this.registrations.get(clientId) : undefined;
    if (!reg || reg.clientSecret !== clientSecret) return refusal('InvalidClientException', 'Invalid client credentials');
    if (reg.expiresAt <= this.now()) return refusal('InvalidClientException', 'Client registration has expired');
    return reg;
  }

  private allows(reg: Registration, grant: string): boolean {
    // Registered without grantTypes (botocore's device flow): device code and refresh, as AWS allows.
    return reg.grantTypes ? reg.grantTypes.includes(grant) : grant !== 'authorization_code';
  }

  // ---- Authorize (browser) -----------------------------------------------------------------

  /**
   * The user at the authorize page: a redirect back to the client with a code, or with an OAuth
   * error, or (client or redirect URI unknown) a page that must not redirect at all (RFC 6749 §4.1.2.1).
   */
  authorize(q: URLSearchParams): { redirect: string } | { page: string; status: number } {
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    const reg = this.registrations.get(clientId);
    if (!reg || reg.expiresAt <= this.now()) return { status: 400, page: 'Unknown or expired client_id' };
    if (!reg.redirectUris.some((r) => redirectMatches(r, redirectUri)))
      return { status: 400, page: `redirect_uri ${redirectUri} is not registered for this client` };
    const back = (params: Record<string, string>): { redirect: string } => {
      const u = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      const state = q.get('state');
      if (state !== null) u.searchParams.set('state', state);
      return { redirect: u.toString() };
    };
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    if (!this.allows(reg, 'authorization_code')) return back({ error: 'unauthorized_client' });
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return back({ error: 'invalid_request', error_description: 'PKCE with S256 is required' });
    const scopes = (q.get('scopes') ?? '').split(' ').filter(Boolean);
    if (scopes.some((s) => !reg.scopes.includes(s))) return back({ error: 'invalid_scope' });
    if (this.userDenies) return back({ error: 'access_denied' });
    const code = token('', 32);
    this.authCodes.set(code, {
      clientId,
      redirectUri,
      challenge,
      scopes: reg.scopes,
      expiresAt: this.now() + 10 * 60_000,
      used: false,
    });
    return back({ code });
  }

  // ---- StartDeviceAuthorization and the verification page ---------------------------------

  startDevice(
    clientId: string | undefined,
    clientSecret: string | undefined,
    startUrl: string | undefined,
    verificationUri: string,
  ):
    | OidcRefusal
    | {
        deviceCode: string;
        userCode: string;
        verificationUri: string;
        verificationUriComplete: string;
        expiresIn: number;
        interval: number;
      } {
    const reg = this.client(clientId, clientSecret);
    if ('refused' in reg) return reg;
    if (!this.allows(reg, DEVICE_GRANT))
      return refusal('UnauthorizedClientException', 'Client is not registered for the device code grant');
    if (startUrl !== this.startUrl) return refusal('InvalidRequestException', `Unknown start URL: ${startUrl}`);
    const auth: DeviceAuthorization = {
      deviceCode: token('', 48),
      userCode: userCode(),
      clientId: reg.clientId,
      expiresAt: this.now() + this.deviceExpiresIn * 1000,
      intervalMs: this.deviceIntervalSeconds * 1000,
      denied: false,
      consumed: false,
    };
    this.devices.set(auth.deviceCode, auth);
    return {
      deviceCode: auth.deviceCode,
      userCode: auth.userCode,
      verificationUri,
      verificationUriComplete: `${verificationUri}?user_code=${auth.userCode}`,
      expiresIn: this.deviceExpiresIn,
      interval: this.deviceIntervalSeconds,
    };
  }

  deviceByUserCode(code: string): DeviceAuthorization | undefined {
    for (const d of this.devices.values()) if (d.userCode === code) return d;
    return undefined;
  }

  /** The user confirms (or, with userDenies, refuses) the code; approval lands approvalDelayMs later. */
  approveUserCode(code: string): 'approved' | 'denied' | 'unknown' | 'expired' {
    const d = this.deviceByUserCode(code);
    if (!d || d.consumed) return 'unknown';
    if (d.expiresAt <= this.now()) return 'expired';
    if (this.userDenies) {
      d.denied = true;
      return 'denied';
    }
    d.approvedAt = this.now() + this.approvalDelayMs;
    return 'approved';
  }

  /** Every pending device code expires now (the user walked away). */
  expireDeviceCodes(): void {
    for (const d of this.devices.values()) d.expiresAt = this.now() - 1;
  }

  // ---- CreateToken -------------------------------------------------------------------------

  createToken(input: {
    clientId?: string;
    clientSecret?: string;
    grantType?: string;
    deviceCode?: string;
    code?: string;
    refreshToken?: string;
    redirectUri?: string;
    codeVerifier?: string;
  }): IssuedToken | OidcRefusal {
    const reg = this.client(input.clientId, input.clientSecret);
    if ('refused' in reg) return reg;
    const grant = input.grantType ?? '';
    if (!(GRANT_TYPES as readonly string[]).includes(grant))
      return refusal('UnsupportedGrantTypeException', `Unsupported grant type: ${grant}`);
    if (!this.allows(reg, grant)) return refusal('UnauthorizedClientException', `Client is not registered for ${grant}`);
    if (grant === 'authorization_code') return this.redeemCode(reg, input);
    if (grant === DEVICE_GRANT) return this.pollDevice(reg, input.deviceCode);
    return this.refresh(reg, input.refreshToken);
  }

  private redeemCode(reg: Registration, input: { code?: string; redirectUri?: string; codeVerifier?: string }): IssuedToken | OidcRefusal {
    if (!input.code || !input.redirectUri || !input.codeVerifier)
      return refusal('InvalidRequestException', 'code, redirectUri and codeVerifier are required');
    const c = this.authCodes.get(input.code);
    if (!c || c.clientId !== reg.clientId) return refusal('InvalidGrantException', 'Invalid authorization code');
    if (c.used) return refusal('InvalidGrantException', 'Authorization code has already been used');
    if (c.expiresAt <= this.now()) return refusal('InvalidGrantException', 'Authorization code has expired');
    c.used = true; // a wrong verifier burns the code too (RFC 6749 §10.5: single use)
    if (c.redirectUri !== input.redirectUri)
      return refusal('InvalidGrantException', 'redirectUri does not match the authorization request');
    if (s256(input.codeVerifier) !== c.challenge)
      return refusal('InvalidGrantException', 'PKCE code verifier does not match the challenge');
    return this.issue(reg);
  }

  private pollDevice(reg: Registration, deviceCode: string | undefined): IssuedToken | OidcRefusal {
    const d = deviceCode ? this.devices.get(deviceCode) : undefined;
    if (!d || d.clientId !== reg.clientId || d.consumed) return refusal('InvalidGrantException', 'Invalid device code');
    const now = this.now();
    if (d.expiresAt <= now) return refusal('ExpiredTokenException', 'Device code has expired');
    if (d.denied) return refusal('AccessDeniedException', 'The user denied the authorization request');
    if (d.approvedAt !== undefined && d.approvedAt <= now) {
      d.consumed = true;
      return this.issue(reg);
    }
    // Still pending. Polling faster than the interval earns a slow-down and a longer interval
    // (RFC 8628 §3.5). Only while pending (inf: AWS's own tolerance is not documented).
    const tooSoon = d.lastPollAt !== undefined && now - d.lastPollAt < d.intervalMs;
    d.lastPollAt = now;
    if (tooSoon) {
      d.intervalMs += this.slowDownIncrementSeconds * 1000;
      return refusal('SlowDownException', 'Client is polling too fast');
    }
    return refusal('AuthorizationPendingException', 'Authorization is still pending');
  }

  private refresh(reg: Registration, refreshToken: string | undefined): IssuedToken | OidcRefusal {
    const forced = this.refreshRefusals.shift();
    if (forced) return refusal(forced, 'Refresh refused (harness knob)');
    const r = refreshToken ? this.refreshTokens.get(refreshToken) : undefined;
    if (!r || r.clientId !== reg.clientId) return refusal('InvalidGrantException', 'Invalid refresh token');
    // (inf) AWS's handling of a rotated token's reuse is not documented; the fake refuses it.
    if (r.state === 'used') return refusal('InvalidGrantException', 'Refresh token has already been used');
    if (r.state === 'revoked') return refusal('InvalidGrantException', 'Refresh token has been revoked');
    r.state = 'used';
    return this.issue(reg);
  }

  /** An access token (and, when the registration has scopes, a refresh token) for the user. */
  issue(reg: Registration): IssuedToken {
    const refreshable = reg.scopes.length > 0;
    const expiresIn = refreshable ? this.ttl : this.legacyTtl;
    const accessToken = token('aoa', 96);
    this.accessTokens.set(accessToken, {
      clientId: reg.clientId,
      scopes: reg.scopes,
      expiresAt: this.now() + expiresIn * 1000,
      revoked: false,
    });
    const out: IssuedToken = { accessToken, tokenType: 'Bearer', expiresIn };
    if (refreshable) {
      const refreshToken = token('aor', 96);
      this.refreshTokens.set(refreshToken, { clientId: reg.clientId, scopes: reg.scopes, state: 'active' });
      out.refreshToken = refreshToken;
    }
    return out;
  }

  // ---- What the portal asks, and the knobs ---------------------------------------------------

  checkAccessToken(accessToken: string | undefined): TokenCheck {
    const t = accessToken ? this.accessTokens.get(accessToken) : undefined;
    if (!t) return { ok: false, reason: 'unknown access token' };
    if (t.revoked) return { ok: false, reason: 'access token was logged out' };
    if (t.expiresAt <= this.now()) return { ok: false, reason: 'access token expired' };
    return { ok: true, scopes: t.scopes };
  }

  logout(accessToken: string): boolean {
    const t = this.accessTokens.get(accessToken);
    if (!t) return false;
    t.revoked = true;
    return true;
  }

  /** The given access token (every one when omitted) is expired from now on. */
  expireAccessToken(accessToken?: string): void {
    for (const [k, t] of this.accessTokens) if (accessToken === undefined || k === accessToken) t.expiresAt = this.now() - 1;
  }

  /** The given refresh token (every one when omitted) is revoked. */
  revokeRefreshToken(refreshToken?: string): void {
    for (const [k, r] of this.refreshTokens) if (refreshToken === undefined || k === refreshToken) r.state = 'revoked';
  }

  /** The next n refresh grants fail with this exception, whatever the token. */
  refuseNextRefresh(n = 1, exception = 'InvalidGrantException'): void {
    for (let i = 0; i < n; i++) this.refreshRefusals.push(exception);
  }

  /** The given registration (every one when omitted) is expired from now on. */
  expireRegistration(clientId?: string): void {
    for (const [k, r] of this.registrations) if (clientId === undefined || k === clientId) r.expiresAt = this.now() - 1;
  }

  /** Whether this refresh token would be accepted now (tests check the one a client saved). */
  refreshTokenState(refreshToken: string): 'active' | 'used' | 'revoked' | 'unknown' {
    return this.refreshTokens.get(refreshToken)?.state ?? 'unknown';
  }
}
