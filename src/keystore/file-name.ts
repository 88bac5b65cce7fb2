/**
 * Profile name <-> key file name. Profile names are case-sensitive and may hold almost any
 * character, file systems are often case-insensitive (macOS) and refuse '/', so: lower-case
 * letters, digits, '_' and '-' (and '.' after the first character) stay; every other byte of
 * the UTF-8 name, upper-case letters included, becomes %XX. Reversible, so listing the profiles
 * needs no passphrase; 'Dev' and 'dev' never share a file.
 */
const KEY_FILE_SUFFIX = '.keys';
const NAME_MAX = 255;

export function fileNameOf(profile: string): string | undefined {
  if (profile.length === 0) return undefined;
  let out = '';
  for (const byte of Buffer.from(profile, 'utf8')) {
    const ch = String.fromCharCode(byte);
    const plain = /[a-z0-9_-]/.test(ch) || (ch === '.' && out.length > 0);
    out += plain ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  const name = out + KEY_FILE_SUFFIX;
  return Buffer.byteLength(name) <= NAME_MAX ? name : undefined;
}

/** The profile a key file name stands for, or undefined for any other file. */
export function profileOf(fileName: string): string | undefined {
  if (!fileName.endsWith(KEY_FILE_SUFFIX)) return undefined;
  const encoded = fileName.slice(0, -KEY_FILE_SUFFIX.length);
  if (!/^(?:[a-z0-9_-]|%[0-9A-F]{2})(?:[a-z0-9._-]|%[0-9A-F]{2})*$/.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '%') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(encoded.charCodeAt(i));
  }
  const profile = Buffer.from(bytes).toString('utf8');
  return fileNameOf(profile) === fileName ? profile : undefined; // only the canonical spelling
}
