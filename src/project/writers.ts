/**
 * Whether a user other than this one (or root, who can change any file anyway) can change a
 * project file: such a file is ignored, restrictions included, whatever was approved.
 *
 * A group-writable file is common where the umask is 002 (Debian and Ubuntu give each user a
 * group of their own, and `git clone` then writes 664 files): it counts as safe when the group
 * is that user's private group — no one else has it as primary group (/etc/passwd) or is listed
 * in it (/etc/group). A group those files do not describe (LDAP) counts as shared. Those two
 * files are read only for a group-writable project file.
 */
import fs from 'node:fs';

export interface Me {
  uid: number;
}

/** Reads /etc/passwd and /etc/group (undefined when unreadable). */
export interface AccountFiles {
  passwd(): string | undefined;
  group(): string | undefined;
}

const readQuietly = (file: string) => () => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

export const systemAccountFiles: AccountFiles = { passwd: readQuietly('/etc/passwd'), group: readQuietly('/etc/group') };

/** Why another user could write the file, or undefined when no one but its owner, us or root can. */
export function otherWriters(
  stat: { uid: number; gid: number; mode: number },
  me: Me,
  files: AccountFiles = systemAccountFiles,
): string | undefined {
  const mode = (stat.mode & 0o777).toString(8);
  if (stat.uid !== me.uid && stat.uid !== 0) return `it belongs to another user (uid ${stat.uid})`;
  if (stat.mode & 0o002) return `every user can write it (mode ${mode})`;
  if (stat.mode & 0o020 && !isPrivateGroup(stat.gid, me.uid, files)) {
    return `its group (gid ${stat.gid}) can write it (mode ${mode}) and is not yours alone`;
  }
  return undefined;
}

/** The group `gid` is this user's alone: nobody else's primary group, no other member listed. Pure over the two files' texts. */
export function isPrivateGroup(gid: number, uid: number, files: AccountFiles): boolean {
  const passwd = files.passwd();
  const group = files.group();
  if (passwd === undefined || group === undefined) return false;
  let myName: string | undefined;
  for (const line of passwd.split('\n')) {
    const [name, , u, g] = line.split(':');
    if (name === undefined || u === undefined || g === undefined) continue;
    if (Number(u) === uid) myName ??= name;
    else if (Number(g) === gid) return false; // someone else's primary group
  }
  for (const line of group.split('\n')) {
    const [, , g, members] = line.split(':');
    if (g === undefined || Number(g) !== gid || g.trim() === '') continue;
    const others = (members ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '' && m !== myName);
    return others.length === 0;
  }
  return false; // not described here (a directory service): shared, as far as we can tell
}
