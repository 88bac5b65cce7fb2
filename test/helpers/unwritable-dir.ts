// A directory in which no file can be made, even by root (the tests run as root on some
// machines, where mode 0500 stops nothing): mode 0500, and where that does not hold, the
// immutable attribute (chattr +i, ext4 and most Linux file systems). Returns the undo, or
// undefined when neither holds (the caller skips, saying so).
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function writable(dir: string): boolean {
  const probe = join(dir, '.probe');
  try {
    writeFileSync(probe, '');
    rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

export function makeUnwritable(dir: string): (() => void) | undefined {
  chmodSync(dir, 0o500);
  if (!writable(dir)) return () => chmodSync(dir, 0o700);
  chmodSync(dir, 0o700);
  if (spawnSync('chattr', ['+i', dir]).status === 0 && !writable(dir)) return () => void spawnSync('chattr', ['-i', dir]);
  spawnSync('chattr', ['-i', dir]);
  return undefined;
}
