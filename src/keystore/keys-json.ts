/**
 * The stored form of a key pair, the same in both stores: a small JSON object with a version, so
 * that a later mfa-exec can add fields and still read what an earlier one wrote.
 */
import type { LongTermKeys } from './types.ts';

const KEYS_JSON_VERSION = 1;

export function encodeKeys(keys: LongTermKeys): string {
  return JSON.stringify({ version: KEYS_JSON_VERSION, accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey });
}

/** The keys, or undefined when the text is not a key pair that mfa-exec wrote. Never throws. */
export function decodeKeys(text: string): LongTermKeys | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.version !== KEYS_JSON_VERSION) return undefined;
  if (!isKeyText(v.accessKeyId) || !isKeyText(v.secretAccessKey)) return undefined;
  return { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
}

/** Non-empty, printable, no whitespace: what an access key id or secret can be. */
export function isKeyText(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,256}$/.test(value);
}
