// DPoP proofs (RFC 9449) as `aws login` refreshes use them: an ES256 JWT with typ dpop+jwt, the
// public key as a JWK in the header, and htm/htu/iat/jti in the payload. The Signin fake verifies
// them with node:crypto; tests build good and bad ones with makeDpopProof.
import { createHash, createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

export interface EcJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

export type DpopResult = { ok: true; jkt: string; jti: string } | { ok: false; reason: string };

/** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: EcJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

export function publicJwk(key: KeyObject): EcJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('not a P-256 key');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `scheme://host[:port]/path`, lower-cased scheme and host, default port dropped, no query. */
function normalizeHtu(u: string): string | undefined {
  try {
    const url = new URL(u);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

export interface DpopExpectation {
  htm: string;
  /** The URL the request was sent to (query and fragment are ignored, RFC 9449 §4.3). */
  htu: string;
  now: number; // ms
  /** jti values seen before: a proof is good once. */
  seenJti: Set<string>;
  /** Accepted age and clock skew of iat, seconds. */
  maxAgeSeconds?: number;
  maxSkewSeconds?: number;
}

export function verifyDpopProof(proof: string | undefined, expect: DpopExpectation): DpopResult {
  if (!proof) return { ok: false, reason: 'no DPoP header' };
  const parts = proof.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'DPoP proof is not a compact JWS' };
  const header = decodePart(parts[0]);
  const payload = decodePart(parts[1]);
  if (!header || !payload) return { ok: false, reason: 'DPoP header or payload is not base64url JSON' };
  if (header['typ'] !== 'dpop+jwt') return { ok: false, reason: `typ is ${String(header['typ'])}, not dpop+jwt` };
  if (header['alg'] !== 'ES256') return { ok: false, reason: `alg is ${String(header['alg'])}, not ES256` };
  const jwk = header['jwk'] as Record<string, unknown> | undefined;
  if (!jwk || jwk['kty'] !== 'EC' || jwk['crv'] !== 'P-256' || typeof jwk['x'] !== 'string' || typeof jwk['y'] !== 'string')
    return { ok: false, reason: 'jwk is not a P-256 public key' };
  if ('d' in jwk) return { ok: false, reason: 'jwk carries a private key' };
  const pub: EcJwk = { kty: 'EC', crv: 'P-256', x: jwk['x'], y: jwk['y'] };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { ...pub }, format: 'jwk' });
  } catch {
    return { ok: false, reason: 'jwk is not a point on P-256' };
  }
  const signature = Buffer.from(parts[2]!, 'base64url');
  // JWS ES256 signatures are r||s, 64 bytes (IEEE P1363), not DER.
  if (signature.length !== 64) return { ok: false, reason: `signature is ${signature.length} bytes, not 64 (r||s)` };
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (!verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature)) return { ok: false, reason: 'signature does not verify' };
  if (payload['htm'] !== expect.htm) return { ok: false, reason: `htm is ${String(payload['htm'])}, not ${expect.htm}` };
  const htu = typeof payload['htu'] === 'string' ? normalizeHtu(payload['htu']) : undefined;
  if (!htu || htu !== normalizeHtu(expect.htu)) return { ok: false, reason: `htu is ${String(payload['htu'])}, not ${expect.htu}` };
  const iat = payload['iat'];
  if (typeof iat !== 'number' || !Number.isInteger(iat)) return { ok: false, reason: 'iat is not an integer' };
  const nowS = expect.now / 1000;
  if (iat < nowS - (expect.maxAgeSeconds ?? 300)) return { ok: false, reason: 'iat is too old' };
  if (iat > nowS + (expect.maxSkewSeconds ?? 60)) return { ok: false, reason: 'iat is in the future' };
  const jti = payload['jti'];
  if (typeof jti !== 'string' || jti.length === 0) return { ok: false, reason: 'no jti' };
  if (expect.seenJti.has(jti)) return { ok: false, reason: 'jti was used before (replay)' };
  expect.seenJti.add(jti);
  return { ok: true, jkt: jwkThumbprint(pub), jti };
}

/** A DPoP proof as a client builds it; the overrides make bad ones for tests. */
export function makeDpopProof(
  privateKey: KeyObject,
  htu: string,
  over: { htm?: string; iat?: number; jti?: string; typ?: string; jwk?: EcJwk; corruptSignature?: boolean } = {},
): string {
  const header = { typ: over.typ ?? 'dpop+jwt', alg: 'ES256', jwk: over.jwk ?? publicJwk(privateKey) };
  const payload = { htm: over.htm ?? 'POST', htu, iat: over.iat ?? Math.floor(Date.now() / 1000), jti: over.jti ?? randomUUID() };
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (over.corruptSignature) sig[10] = sig[10]! ^ 0xff;
  return `${input}.${sig.toString('base64url')}`;
}
