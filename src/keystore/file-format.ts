/**
 * The encrypted key file, three lines of text:
 *
 *   mfa-exec encrypted keys v1
 *   {"profile":"dev","kdf":"scrypt","N":131072,"r":8,"p":1,"salt":"…","cipher":"aes-256-gcm","nonce":"…","check":"…"}
 *   <base64 of the AES-256-GCM ciphertext followed by its 16-byte tag>
 *
 * The first two lines, as bytes, are the GCM additional data: the profile name, the version and
 * every parameter are authenticated, so a file copied over another profile's, or edited, fails to
 * open. `check` is 16 bytes of the scrypt output (not the AES key): a wrong passphrase is told
 * apart from a damaged file without trying the decryption. Salt and nonce are new on every write.
 *
 * Parsing is pure and total: any input gives a header or a reason, never an exception.
 */
import { KDF_LIMITS, scryptParamsProblem, type ScryptParams } from './kdf.ts';

export const MAGIC = 'mfa-exec encrypted keys v1';
const MAGIC_PREFIX = 'mfa-exec encrypted keys v';
export const MAX_FILE_BYTES = 16 * 1024;
export const SALT_BYTES = 16;
export const NONCE_BYTES = 12;
export const CHECK_BYTES = 16;
const TAG_BYTES = 16;

export interface KeyFileHeader extends ScryptParams {
  profile: string;
  kdf: 'scrypt';
  salt: string;
  cipher: 'aes-256-gcm';
  nonce: string;
  check: string;
}

export interface ParsedKeyFile {
  header: KeyFileHeader;
  salt: Buffer;
  nonce: Buffer;
  check: Buffer;
  /** The authenticated additional data: the first two lines, newlines included. */
  aad: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export type ParseResult = { ok: true; file: ParsedKeyFile } | { ok: false; reason: string };

const HEADER_KEYS = ['profile', 'kdf', 'N', 'r', 'p', 'salt', 'cipher', 'nonce', 'check'] as const;

function headerLine(header: KeyFileHeader): string {
  // Fixed key order: what is written is what is authenticated, byte for byte.
  return JSON.stringify(Object.fromEntries(HEADER_KEYS.map((k) => [k, header[k]])));
}

export function aadOf(header: KeyFileHeader): Buffer {
  return Buffer.from(`${MAGIC}\n${headerLine(header)}\n`, 'utf8');
}

export function serializeKeyFile(header: KeyFileHeader, sealed: Buffer): string {
  return `${MAGIC}\n${headerLine(header)}\n${sealed.toString('base64')}\n`;
}

export function parseKeyFile(bytes: Buffer): ParseResult {
  const fail = (reason: string): ParseResult => ({ ok: false, reason });
  if (bytes.length > MAX_FILE_BYTES) return fail(`it is ${bytes.length} bytes long, far more than a key file`);
  if (bytes.length === 0) return fail('it is empty');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return fail('it is not text');
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  if (first !== MAGIC) {
    if (first.startsWith(MAGIC_PREFIX))
      return fail(`it is of format '${first}', which this version of mfa-exec cannot read (a newer mfa-exec wrote it?)`);
    return fail('it is not an mfa-exec key file');
  }
  if (lines.length < 4 || lines[3] !== '' || lines.length > 4) return fail('it is truncated or has extra lines');
  const headerText = lines[1] ?? '';
  const body = lines[2] ?? '';

  let value: unknown;
  try {
    value = JSON.parse(headerText);
  } catch {
    return fail('its header is not valid JSON');
  }
  const header = checkHeader(value);
  if (typeof header === 'string') return fail(`its header is invalid: ${header}`);
  if (headerLine(header) !== headerText) return fail('its header is not in the form mfa-exec writes');

  const salt = strictBase64(header.salt);
  const nonce = strictBase64(header.nonce);
  const check = strictBase64(header.check);
  const sealed = strictBase64(body);
  if (!salt || salt.length < SALT_BYTES || salt.length > 64) return fail('its salt is invalid');
  if (!nonce || nonce.length !== NONCE_BYTES) return fail('its nonce is invalid');
  if (!check || check.length !== CHECK_BYTES) return fail('its passphrase check is invalid');
  if (!sealed || sealed.length <= TAG_BYTES) return fail('its encrypted part is missing or truncated');

  return {
    ok: true,
    file: {
      header,
      salt,
      nonce,
      check,
      aad: Buffer.from(`${first}\n${headerText}\n`, 'utf8'),
      ciphertext: sealed.subarray(0, sealed.length - TAG_BYTES),
      tag: sealed.subarray(sealed.length - TAG_BYTES),
    },
  };
}

function checkHeader(value: unknown): KeyFileHeader | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length !== HEADER_KEYS.length || !HEADER_KEYS.every((k) => keys.includes(k))) return 'unexpected fields';
  if (typeof v.profile !== 'string' || v.profile.length === 0) return 'no profile name';
  if (v.kdf !== 'scrypt') return `unknown key derivation ${shown(v.kdf)}`;
  if (v.cipher !== 'aes-256-gcm') return `unknown cipher ${shown(v.cipher)}`;
  if (typeof v.N !== 'number' || typeof v.r !== 'number' || typeof v.p !== 'number') return 'scrypt parameters are not numbers';
  const problem = scryptParamsProblem({ N: v.N, r: v.r, p: v.p });
  if (problem) return `${problem} (accepted: N up to 2^${KDF_LIMITS.maxLogN})`;
  if (typeof v.salt !== 'string' || typeof v.nonce !== 'string' || typeof v.check !== 'string') return 'salt, nonce or check is not text';
  return {
    profile: v.profile,
    kdf: 'scrypt',
    N: v.N,
    r: v.r,
    p: v.p,
    salt: v.salt,
    cipher: 'aes-256-gcm',
    nonce: v.nonce,
    check: v.check,
  };
}

/**
 * A header value for a message, as JSON (what the file holds), cut at 40 characters. Never
 * String(value): an object from the file such as {"toString":0} makes that throw a TypeError.
 */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Canonical base64 only (Node's decoder skips junk silently); undefined otherwise. */
function strictBase64(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
