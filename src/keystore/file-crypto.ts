/**
 * Sealing and opening one profile's key file: scrypt (kdf.ts) then AES-256-GCM with the header as
 * additional data (file-format.ts). Returns outcomes, not exceptions; file-store.ts words them.
 */
import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { decodeKeys, encodeKeys } from './keys-json.ts';
import { deriveKey, type ScryptParams } from './kdf.ts';
import { aadOf, CHECK_BYTES, NONCE_BYTES, parseKeyFile, SALT_BYTES, serializeKeyFile, type KeyFileHeader } from './file-format.ts';
import type { LongTermKeys } from './types.ts';

export type OpenResult =
  | { ok: true; keys: LongTermKeys }
  | { ok: false; problem: 'passphrase' }
  | { ok: false; problem: 'corrupt'; reason: string }
  | { ok: false; problem: 'other-profile'; owner: string };

export async function sealKeys(
  profile: string,
  keys: LongTermKeys,
  passphrase: string,
  params: ScryptParams,
  randomBytes: (n: number) => Buffer = nodeRandomBytes,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const derived = await deriveKey(passphrase, salt, params);
  try {
    const header: KeyFileHeader = {
      profile,
      kdf: 'scrypt',
      ...params,
      salt: salt.toString('base64'),
      cipher: 'aes-256-gcm',
      nonce: nonce.toString('base64'),
      check: derived.subarray(32, 32 + CHECK_BYTES).toString('base64'),
    };
    const cipher = createCipheriv('aes-256-gcm', derived.subarray(0, 32), nonce);
    cipher.setAAD(aadOf(header));
    const plaintext = Buffer.from(encodeKeys(keys), 'utf8');
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    plaintext.fill(0);
    return serializeKeyFile(header, sealed);
  } finally {
    derived.fill(0);
  }
}

export async function openKeys(profile: string, bytes: Buffer, passphrase: string): Promise<OpenResult> {
  const parsed = parseKeyFile(bytes);
  if (!parsed.ok) return { ok: false, problem: 'corrupt', reason: parsed.reason };
  const file = parsed.file;
  if (file.header.profile !== profile) return { ok: false, problem: 'other-profile', owner: file.header.profile };
  const derived = await deriveKey(passphrase, file.salt, file.header);
  try {
    if (!timingSafeEqual(derived.subarray(32, 32 + CHECK_BYTES), file.check)) return { ok: false, problem: 'passphrase' };
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', derived.subarray(0, 32), file.nonce);
      decipher.setAAD(file.aad);
      decipher.setAuthTag(file.tag);
      plaintext = Buffer.concat([decipher.update(file.ciphertext), decipher.final()]);
    } catch {
      return { ok: false, problem: 'corrupt', reason: 'its contents do not match their authentication tag (damaged or modified)' };
    }
    const keys = decodeKeys(plaintext.toString('utf8'));
    plaintext.fill(0);
    return keys ? { ok: true, keys } : { ok: false, problem: 'corrupt', reason: 'it decrypts to something that is not a key pair' };
  } finally {
    derived.fill(0);
  }
}
