/**
 * Where the project file is: `.mfa-exec` in the working directory or the nearest directory above
 * it, up to the home directory (included) or, outside it, the filesystem root. Only the nearest
 * file counts (as direnv's .envrc). On every run a few stat calls, one per directory, and nothing
 * else when there is no file: this is on the warm path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_FILE_NAME } from './parse.ts';

/** The directories looked in, nearest first. Pure. `cwd` and `home` are absolute. */
export function searchDirs(cwd: string, home: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.resolve(cwd); ;) {
    dirs.push(dir);
    const parent = path.dirname(dir);
    if (dir === home || parent === dir) return dirs;
    dir = parent;
  }
}

export type Stat = (file: string) => fs.Stats | undefined;

const statQuietly: Stat = (file) => {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // EACCES, ENOTDIR, ELOOP: nothing usable there
  }
};

/** The nearest `.mfa-exec` that is not a directory (a symlink is followed), or undefined. */
export function findProjectFile(cwd: string, home: string, stat: Stat = statQuietly): string | undefined {
  for (const dir of searchDirs(cwd, home)) {
    const file = path.join(dir, PROJECT_FILE_NAME);
    const found = stat(file);
    if (found && !found.isDirectory()) return file;
  }
  return undefined;
}
