// RFC 6238 TOTP as virtual MFA devices use it: HMAC-SHA1, 6 digits, 30-second steps.
import { createHmac } from 'node:crypto';

export const STEP_SECONDS = 30;

export function base32Decode(seed: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of seed.replace(/=+$/, '').toUpperCase()) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character '${ch}'`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The time-step counter for a moment (ms since epoch). */
export function counterAt(atMs: number): number {
  return Math.floor(atMs / 1000 / STEP_SECONDS);
}

export function totpForCounter(seed: string, counter: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(seed)).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 1_000_000).padStart(6, '0');
}

export function totp(seed: string, atMs = Date.now(), windowOffset = 0): string {
  return totpForCounter(seed, counterAt(atMs) + windowOffset);
}
