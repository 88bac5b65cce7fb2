/** A leaf (node:fs only): find-target.ts checks the interpreter before any MFA code, run.ts names it when spawn says ENOENT. */
import fs from 'node:fs';

/** The interpreter named on a script's #! line, if it has one. */
export function shebang(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(256);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n < 2 || head[0] !== 0x23 || head[1] !== 0x21) return undefined;
    const line = head.subarray(2, n).toString('utf8').split('\n')[0] ?? '';
    return line.trim().split(/\s+/)[0] || undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
