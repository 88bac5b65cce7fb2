/**
 * Passphrase -> key, with scrypt from node:crypto (memory-hard, no native dependency).
 *
 * Default N=2^17, r=8, p=1: 128 MiB and about 0.35-0.55 s on the 2-core reference machine (N=2^16
 * took 0.17-0.19 s, 2^18 0.8-1.1 s), the minimum OWASP gives for scrypt. The cost is paid once per
 * cache miss that needs the long-term keys, and by add/import/rotate; never on the warm path.
 * The parameters are stored in each file, so they can be raised later without breaking old files;
 * a reader accepts only parameters inside KDF_LIMITS, so a crafted header cannot make it allocate
 * gigabytes or spin for minutes.
 */
import { scrypt } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

export const KDF_LIMITS = { minLogN: 10, maxLogN: 20, maxR: 32, maxP: 16, maxMemory: 256 * 2 ** 20 } as const;

/** 32 bytes of AES-256 key, then 16 bytes stored in the file to recognise a wrong passphrase. */
const DERIVED_LENGTH = 48;

export function scryptParamsProblem(params: ScryptParams): string | undefined {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 2 ** KDF_LIMITS.minLogN || N > 2 ** KDF_LIMITS.maxLogN || (N & (N - 1)) !== 0) {
    return `scrypt N=${N} is not a power of two from 2^${KDF_LIMITS.minLogN} to 2^${KDF_LIMITS.maxLogN}`;
  }
  if (!Number.isInteger(r) || r < 1 || r > KDF_LIMITS.maxR) return `scrypt r=${r} is out of range`;
  if (!Number.isInteger(p) || p < 1 || p > KDF_LIMITS.maxP) return `scrypt p=${p} is out of range`;
  if (memoryOf(params) > KDF_LIMITS.maxMemory) return `scrypt N=${N}, r=${r} needs more than ${KDF_LIMITS.maxMemory / 2 ** 20} MiB`;
  return undefined;
}

function memoryOf({ N, r }: ScryptParams): number {
  return 128 * N * r;
}

export function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { N, r, p } = params;
    scrypt(passphrase.normalize('NFC'), salt, DERIVED_LENGTH, { N, r, p, maxmem: memoryOf(params) + 2 ** 20 }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}
