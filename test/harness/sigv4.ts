// SigV4 for the front: parse a request's Authorization header, check its signature with a
// secret we know, and sign a fresh request (to re-sign session-key calls with a user's key).
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AuthHeader {
  accessKeyId: string;
  date: string; // yyyymmdd from the credential scope
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(value: string | undefined): AuthHeader | undefined {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(
      value?.trim() ?? '',
    );
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

export interface RawRequest {
  method: string;
  url: string; // path + query as received
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function splitUrl(url: string): { path: string; query: Record<string, string | string[]> } {
  const u = new URL(url, 'http://placeholder');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of u.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return { path: u.pathname, query };
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function signer(accessKeyId: string, secretAccessKey: string, region: string, service: string): SignatureV4 {
  // applyChecksum false: never add an x-amz-content-sha256 header the client did not sign.
  return new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region, service, sha256: Sha256, applyChecksum: false });
}

/** Recomputes the signature over exactly the headers the client signed. */
export async function verifySignature(req: RawRequest, auth: AuthHeader, secretAccessKey: string): Promise<boolean> {
  const amzDate = req.headers['x-amz-date'];
  const signingDate = typeof amzDate === 'string' ? parseAmzDate(amzDate) : undefined;
  if (!signingDate) return false;
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const v = req.headers[name];
    if (v === undefined) return false;
    headers[name] = Array.isArray(v) ? v.join(',') : v;
  }
  const { path, query } = splitUrl(req.url);
  const request = new HttpRequest({ method: req.method, hostname: 'unused', path, query, headers, body: req.body });
  const signed = await signer(auth.accessKeyId, secretAccessKey, auth.region, auth.service).sign(request, {
    signingDate,
    signableHeaders: new Set(auth.signedHeaders),
  });
  const got = parseAuthorization(signed.headers['authorization']);
  return got?.signature === auth.signature;
}

/** Signs method/url/body anew with long-term keys; returns the headers to send. */
export async function signRequest(opts: {
  method: string;
  url: string;
  host: string;
  contentType?: string;
  body: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
}): Promise<Record<string, string>> {
  const { path, query } = splitUrl(opts.url);
  const headers: Record<string, string> = { host: opts.host };
  if (opts.contentType) headers['content-type'] = opts.contentType;
  const request = new HttpRequest({ method: opts.method, hostname: opts.host, path, query, headers, body: opts.body });
  const signed = await signer(opts.accessKeyId, opts.secretAccessKey, opts.region, opts.service).sign(request);
  return signed.headers;
}
