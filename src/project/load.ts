/**
 * The project file that applies to the working directory, read and judged: found by the walk
 * (find.ts), opened without blocking (a FIFO planted there must not hang a shim), refused when
 * another user can change it (writers.ts), parsed (parse.ts), and weighed against its trust
 * record (trust-store.ts, trust.ts). What is said about it is said here, once per run: a file
 * that is new or changed, or ignored, is one warning line; everything else is --debug.
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { trustDir } from '../dirs.ts';
import { ConfigError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { sha256Hex } from '../sha256.ts';
import { findProjectFile } from './find.ts';
import { parseProjectFile } from './parse.ts';
import { readRecord } from './trust-store.ts';
import { describeApplied } from './describe.ts';
import { appliedSettings, trustState } from './trust.ts';
import type { Project, ProjectSettings } from './types.ts';
import { otherWriters, type AccountFiles } from './writers.ts';

export interface ProjectContext {
  cwd: string;
  homedir: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** For tests: /etc/passwd and /etc/group. */
  accountFiles?: AccountFiles;
}

/** A project file is a few lines; a big one is a mistake. */
const MAX_PROJECT_FILE_BYTES = 64 * 1024;

/** The project file for `ctx.cwd`, or undefined when there is none; said once (see above). Throws ConfigError when it does not parse. */
export function loadProject(ctx: ProjectContext): Project | undefined {
  const file = findProjectFile(ctx.cwd, ctx.homedir);
  if (file === undefined) {
    ctx.logger.debug(`project file: none in ${ctx.cwd} or above`);
    return undefined;
  }
  const project = inspectProject(file, ctx);
  report(project, ctx.logger);
  return project;
}

/** The project file at `file`, judged, nothing said (allow, deny, doctor say it their way). Throws ConfigError when it does not parse. */
export function inspectProject(file: string, ctx: ProjectContext): Project {
  const read = readProjectText(file, ctx);
  if ('why' in read) return { file, state: 'ignored', why: read.why };
  const settings: ProjectSettings = parseProjectFile(read.text, file);
  const sha256 = sha256Hex(read.text);
  const record = readRecord(trustDir(ctx.env, ctx.homedir), file, ctx.logger);
  const state = trustState(record, sha256);
  const applied = appliedSettings(settings, state, record);
  return record ? { file, state, settings, sha256, record, applied } : { file, state, settings, sha256, applied };
}

function report(project: Project, logger: Logger): void {
  const { file } = project;
  if (project.state === 'ignored') {
    logger.warn(`ignoring the project file ${file}: ${project.why}`);
    return;
  }
  const { state, record } = project;
  const changes = describeApplied(project.applied);
  const effect = changes.length ? changes.join('; ') : 'nothing';
  if (state === 'approved' || state === 'denied') {
    logger.debug(`project file ${file} (${state}${record ? ` ${record.at}` : ''}): ${effect}`);
    return;
  }
  const what = state === 'new' ? 'is new' : `changed since you ${record?.decision === 'deny' ? 'denied' : 'approved'} it`;
  const meanwhile = changes.length ? `until then only its restrictions apply: ${effect}` : 'until then it is not used';
  logger.warn(`the project file ${file} ${what}: review it, then run 'mfa-exec allow' to use it; ${meanwhile}`);
}

type Read = { text: string } | { why: string };

function readProjectText(file: string, ctx: ProjectContext): Read {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { why: `it cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { why: 'it is not a regular file' };
    const uid = process.getuid?.();
    const writers = uid === undefined ? undefined : otherWriters(stat, { uid }, ctx.accountFiles);
    if (writers) return { why: `${writers}; make it yours and writable by you alone (chmod go-w), then review it` };
    if (stat.size > MAX_PROJECT_FILE_BYTES) {
      throw new ConfigError(`${file} is ${stat.size} bytes long; a project file is a few lines. Fix or remove it.`);
    }
    const bytes = fs.readFileSync(fd);
    if (!isUtf8(bytes)) throw new ConfigError(`${file} is not valid UTF-8 text. Save it as UTF-8.`);
    return { text: bytes.toString('utf8') };
  } finally {
    fs.closeSync(fd);
  }
}
