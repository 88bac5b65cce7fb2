/**
 * What `allow` and `deny` share: which project file they mean (the one that applies here, or the
 * file or directory named), judged without a word (project/load.ts), and the record they leave
 * (project/trust-store.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { trustDir } from '../dirs.ts';
import { ConfigError, UsageError } from '../errors.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { findProjectFile } from '../project/find.ts';
import { inspectProject } from '../project/load.ts';
import { PROJECT_FILE_NAME } from '../project/parse.ts';
import { writeRecord } from '../project/trust-store.ts';
import { restrictionsOf } from '../project/trust.ts';
import type { Project } from '../project/types.ts';

/** The project file `allow`/`deny` act on: `PATH` (a .mfa-exec file or a directory holding one), else the one that applies here. */
export function namedProjectFile(command: string, args: readonly string[], rt: Runtime): string {
  if (args.length > 1) throw new UsageError(`'mfa-exec ${command}' takes at most one path (a ${PROJECT_FILE_NAME} file or its directory).`);
  const [given] = args;
  if (given === undefined) {
    const found = findProjectFile(rt.cwd, rt.homedir);
    if (found === undefined) {
      throw new ConfigError(
        `There is no ${PROJECT_FILE_NAME} in ${rt.cwd} or any directory above it${rt.cwd.startsWith(rt.homedir) ? ` up to ${rt.homedir}` : ''}; nothing to ${command}.`,
      );
    }
    return found;
  }
  const absolute = path.resolve(rt.cwd, given);
  const isDir = fs.statSync(absolute, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const file = isDir ? path.join(absolute, PROJECT_FILE_NAME) : absolute;
  if (path.basename(file) !== PROJECT_FILE_NAME) {
    throw new UsageError(`'${given}' is not a ${PROJECT_FILE_NAME} file: mfa-exec reads project settings only from files of that name.`);
  }
  let dir: string;
  try {
    dir = fs.realpathSync(path.dirname(file)); // the path the walk finds it by
  } catch {
    throw new ConfigError(`The directory of ${file} does not exist; nothing to ${command}.`);
  }
  return path.join(dir, PROJECT_FILE_NAME);
}

/** The file, judged; a file that is not there is an error. */
export function projectToDecide(file: string, command: string, rt: Runtime): Project {
  if (!fs.existsSync(file)) throw new ConfigError(`${file} does not exist; nothing to ${command}.`);
  return inspectProject(file, { cwd: rt.cwd, homedir: rt.homedir, env: rt.env, logger: rt.logger });
}

/** Records the decision on the file's content as it is now. */
export function recordDecision(project: Project & { sha256: string }, decision: 'allow' | 'deny', rt: Runtime): void {
  if (project.state === 'ignored') return;
  writeRecord(
    trustDir(rt.env, rt.homedir),
    {
      path: project.file,
      sha256: project.sha256,
      decision,
      at: new Date(rt.now()).toISOString(),
      restrictions: restrictionsOf(project.settings),
    },
    rt.logger,
  );
}
