/**
 * The one test every private read applies: a regular file (or a directory) of this user that
 * nobody else may read or write. No imports beyond node:fs types, so boot.ts can use it too.
 */
import type { Stats } from 'node:fs';

export function isOwnPrivate(stat: Stats, type: 'file' | 'directory' = 'file'): boolean {
  const uid = process.getuid?.();
  const kind = type === 'file' ? stat.isFile() : stat.isDirectory();
  return kind && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
}
