/**
 * A DPoP proof (RFC 9449) for Sign-In's token endpoint, as botocore and the JS SDK make it: a
 * compact JWS, ES256 (the r‖s signature, not DER), header `{typ: "dpop+jwt", alg: "ES256", jwk:
 * {kty, x, y, crv}}` with the public half of the session's P-256 key, payload `{jti, htm, htu,
 * iat}` for the URL the request goes to. The private key (the cache file's dpopKey, SEC1 PEM)
 * never leaves this function.
 */
import { createPrivateKey, createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';

/** The session's key; throws when the PEM is not a P-256 private key. */
export function dpopKey(pem: string): KeyObject {
  const key = createPrivateKey({ key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not a P-256 key');
  return key;
}

export function dpopProof(key: KeyObject, htu: string, nowMs: number): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', x: jwk.x, y: jwk.y, crv: 'P-256' } };
  const payload = { jti: randomUUID(), htm: 'POST', htu, iat: Math.floor(nowMs / 1000) };
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part(header)}.${part(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
