/**
 * Finds the real binary for a name, further down PATH, never ourselves.
 *
 * Candidates are compared by identity (device + inode after following links), so a shim is
 * recognised however it is reached: through a symlink, a symlinked shim directory, a PATH that
 * lists the shim directory twice, or a hard link. `which` supplies the executables in PATH order.
 */
import fs from 'node:fs';
import path from 'node:path';
import which from 'which';
import { ExitCode, MfaExecError } from '../errors.ts';
import { platform as current, type Platform } from '../platform/index.ts';
import { shebang } from './shebang.ts';

export class TargetError extends MfaExecError {
  constructor(message: string, exitCode: number) {
    super(message, exitCode, { kind: 'target' });
  }
}

export interface LookupOptions {
  pathEnv: string;
  /** Windows: the extensions that make a file a program (`which` reads them; elsewhere unused). */
  pathExt?: string;
  cwd: string;
  /** Files that are us (the entry point): skipped wherever they appear. */
  selfIds: ReadonlySet<string>;
  /**
   * We were started by this target calling our name again (see recursion.ts): take the first
   * program after it in PATH order. When nothing comes after it, it was the real program
   * calling itself (`terraform` → `sh -c terraform`), and it is found again as usual.
   */
  calledBackFrom?: string;
}

export interface Target {
  path: string;
  id: string;
}

export function fileId(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

export function findTarget(name: string, options: LookupOptions, platform: Platform = current): Target {
  if (name.includes('/') || name.includes(platform.path.sep)) return checkPath(path.resolve(options.cwd, name), name, options.cwd);
  const seen = new Set<string>();
  const candidates: Target[] = [];
  const listed = platform.name === 'win32' ? inPath(options.pathEnv, options.cwd) : undefined;
  for (const candidate of which.sync(name, { all: true, nothrow: true, path: options.pathEnv, pathExt: options.pathExt }) ?? []) {
    // On Windows `which` looks in the working directory first, as cmd.exe does: a repository could plant terraform.exe there.
    if (listed && !listed.has(path.dirname(path.resolve(options.cwd, candidate)).toLowerCase())) continue;
    const id = fileId(candidate);
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    if (!options.selfIds.has(id)) candidates.push({ path: path.resolve(options.cwd, candidate), id });
  }
  const caller = options.calledBackFrom === undefined ? -1 : candidates.findIndex((c) => c.id === options.calledBackFrom);
  const chosen = candidates[caller + 1] ?? candidates[0];
  if (chosen) return checkInterpreter(chosen, name, options.cwd);
  // Nothing executable: say whether there is something by that name that cannot be run.
  for (const dir of options.pathEnv.split(path.delimiter)) {
    const candidate = path.join(dir || '.', name);
    const id = fileId(candidate);
    if (id === undefined || options.selfIds.has(id)) continue;
    return checkPath(candidate, name, options.cwd);
  }
  const shimmed = seen.size > 0 ? ' (only mfa-exec shims by that name were found; the real program must be further down PATH)' : '';
  throw new TargetError(`Command not found: '${name}' is not in PATH${shimmed}.`, ExitCode.notFound);
}

/** The PATH entries as absolute directories, lower-cased (Windows compares names without case). */
function inPath(pathEnv: string, cwd: string): Set<string> {
  return new Set(
    pathEnv
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.resolve(cwd, dir.replace(/^"(.*)"$/, '$1')).toLowerCase()),
  );
}

function checkPath(file: string, name: string, cwd: string): Target {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new TargetError(`Command not found: '${name}' (${file} does not exist).`, ExitCode.notFound);
  }
  if (stat.isDirectory()) throw new TargetError(`Cannot execute '${name}': ${file} is a directory.`, ExitCode.cannotExecute);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new TargetError(`Cannot execute '${name}': ${file} is not executable (chmod +x it, or fix PATH).`, ExitCode.cannotExecute);
  }
  if (!stat.isFile()) throw new TargetError(`Cannot execute '${name}': ${file} is not a regular file.`, ExitCode.cannotExecute);
  return checkInterpreter({ path: file, id: `${stat.dev}:${stat.ino}` }, name, cwd);
}

/**
 * A script whose #! interpreter is missing passes every check above and fails only at spawn
 * (ENOENT). Look now, so that it costs no MFA code: 126, as a shell says "bad interpreter".
 */
function checkInterpreter(target: Target, name: string, cwd: string): Target {
  const interpreter = shebang(target.path);
  if (interpreter === undefined) return target;
  const file = path.resolve(cwd, interpreter);
  let ok = false;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    ok = fs.statSync(file).isFile();
  } catch {
    // missing or not executable
  }
  if (!ok) {
    throw new TargetError(
      `Cannot execute '${name}': its interpreter '${interpreter}' (the #! line of ${target.path}) was not found or is not executable.`,
      ExitCode.cannotExecute,
    );
  }
  return target;
}
