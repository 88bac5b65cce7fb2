/**
 * The single executable (src/exe.ts, compiled with Bun by scripts/build-exe.mjs) and the npm
 * package (dist/cli.js on Node) run the same code; the few places where they must differ ask
 * this. Bun runs nothing of ours but the executable: the package's bin is dist/cli.js on Node.
 *
 * In the executable, process.argv[1] is the bundle's virtual path ('/$bunfs/root/…'), so the name
 * we were invoked as is process.argv0, and our own file is process.execPath (the executable, links
 * resolved); it is Node and the program at once, so it cannot run `node -e`: the keyring helper
 * is the executable run again with KEYRING_CHILD.arg and KEYRING_CHILD.env set.
 */
import fs from 'node:fs';

export const IN_EXECUTABLE: boolean = process.versions.bun !== undefined;

/**
 * The name the executable counts as invoked by, for the mode (commands/invocation.ts): its argv0,
 * unless that is the executable's own file name (symlinks resolved) and the file has no other
 * name: a file renamed (`mfa`, say) is still mfa-exec, not a shim of `mfa` (and the config view's
 * credential_process line, which runs it by its path, still reaches mfa-exec). A symlink to it
 * under another name (shims/terraform) is a shim; so is a hard link (its name is the file's own,
 * but the file has two: `links`, its link count). Windows: names compared without `.exe`, in any
 * case.
 */
export function executableInvokedAs(
  argv0: string,
  execPath: string,
  links: number = linkCount(execPath),
  windows: boolean = process.platform === 'win32',
): string {
  const name = (file: string) => {
    const base = file.slice(Math.max(file.lastIndexOf('/'), windows ? file.lastIndexOf('\\') : -1) + 1);
    return windows ? base.toLowerCase().replace(/\.exe$/, '') : base;
  };
  return links === 1 && name(argv0) === name(execPath) ? 'mfa-exec' : argv0;
}

function linkCount(file: string): number {
  try {
    return fs.statSync(file).nlink;
  } catch {
    return 0;
  }
}

/** `<executable> __keyring-child` with MFA_EXEC_KEYRING_CHILD=1: the keyring helper (keyring-process.ts). */
export const KEYRING_CHILD = { arg: '__keyring-child', env: 'MFA_EXEC_KEYRING_CHILD' } as const;
