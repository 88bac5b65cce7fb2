/**
 * Reading a config or credentials file the way the AWS CLI can use it: UTF-8 text, a missing file
 * is no file, and anything that is not a regular file (a pipe, a FIFO, /dev/zero) is read with
 * bounds instead of hanging.
 *
 * Deliberate difference from botocore: a path that exists but cannot be read (a directory, no
 * permission) is a ConfigError here, where botocore silently reads nothing.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { ConfigError, isMfaExecError } from '../errors.ts';

export interface FileSystemLike {
  /** The file's text, or undefined when it does not exist (ENOENT/ENOTDIR). */
  readFile(path: string): string | undefined;
  /** The same, with the identity of a regular file as read (see FileText). */
  readFileWithIdentity?(path: string): FileText | undefined;
}

export interface FileText {
  text: string;
  /**
   * A regular file's device, inode, size, modification and change times, from the open file it
   * was read from: a file written since (in place or replaced) has another one. None for a pipe.
   */
  identity?: string;
}

/** Reads with readFileSync: UTF-8 (as Python reads under a UTF-8 locale), BOM kept as text. */
export const nodeFileSystem: FileSystemLike = {
  readFile: (path) => readText(path)?.text,
  readFileWithIdentity: readText,
};

function readText(path: string): FileText | undefined {
  let read: { bytes: Buffer; identity?: string };
  try {
    read = readBounded(path);
  } catch (error) {
    if (isMfaExecError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    const problem =
      code === 'EISDIR'
        ? 'is a directory, not a file. Remove or rename it'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read: permission denied. Give your user read access to it (for example chmod 600)'
          : `cannot be read (${code ?? 'unknown error'}). Fix the file`;
    throw new ConfigError(`${path} ${problem}, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the file you mean.`, {
      cause: error,
    });
  }
  const { bytes, identity } = read;
  if (!isUtf8(bytes)) {
    throw new ConfigError(
      `${path} is not valid UTF-8 text. Save it as UTF-8 (without a byte order mark); the AWS CLI refuses this file too.`,
    );
  }
  const text = bytes.toString('utf8');
  return identity === undefined ? { text } : { text, identity };
}

/**
 * The largest config or credentials file mfa-exec reads: 16 MiB. A real one is kilobytes; an
 * organisation's generated config with ten thousand profiles is about 1.5 MB. 16 MiB (some
 * 100,000 profiles) parses in under a second; anything bigger is not an AWS config but a mistake
 * or an attack (a 100 MB file cost 11 s and 2 GB per run, a 600 MB one could not be read at all),
 * and is refused before it is read.
 */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** A pipe may stay silent this long between two reads... */
const PIPE_IDLE_MS = 5_000;
/** ...and must end within this long in all (a writer that sends a byte every few seconds never times out on idleness). */
const PIPE_TOTAL_MS = 10_000;

const VARIABLES = 'AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE';

/**
 * A regular file is read whole, if it is not over MAX_CONFIG_BYTES. Anything else (a pipe from
 * `AWS_CONFIG_FILE=<(…)`, a FIFO, /dev/null, /dev/zero) is opened without blocking and read with
 * bounds: a FIFO nobody writes to reads as empty instead of hanging; a writer silent for 5 s, one
 * that has not finished after 10 s, and a source that gives more than MAX_CONFIG_BYTES are errors.
 */
function readBounded(path: string, now: () => number = Date.now): { bytes: Buffer; identity?: string } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    if (stat.isFile()) {
      if (stat.size > MAX_CONFIG_BYTES) throw tooBig(path, `is ${stat.size} bytes long`);
      return { bytes: readFileSync(fd), identity: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` };
    }
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    let total = 0;
    const started = now();
    let idleSince = started;
    for (;;) {
      if (now() - started > PIPE_TOTAL_MS) {
        throw new ConfigError(
          `${path} is a pipe that had not finished after ${PIPE_TOTAL_MS / 1000} s (${total} bytes so far); point ${VARIABLES} at a regular file.`,
        );
      }
      let n: number;
      try {
        n = readSync(fd, buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        if (now() - idleSince > PIPE_IDLE_MS)
          throw new ConfigError(
            `${path} is a pipe that gave nothing to read for ${PIPE_IDLE_MS / 1000} s; point ${VARIABLES} at a regular file.`,
          );
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (n === 0) return { bytes: Buffer.concat(chunks) };
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      total += n;
      idleSince = now();
      if (total > MAX_CONFIG_BYTES) throw tooBig(path, `is not a regular file and gave over ${mebibytes(MAX_CONFIG_BYTES)} without ending`);
    }
  } finally {
    closeSync(fd);
  }
}

function tooBig(path: string, what: string): ConfigError {
  return new ConfigError(
    `${path} ${what}; mfa-exec reads config and credentials files of up to ${mebibytes(MAX_CONFIG_BYTES)} (a real one is a few kilobytes). Point ${VARIABLES} at the right file.`,
  );
}

function mebibytes(bytes: number): string {
  return `${bytes / 1024 / 1024} MiB`;
}
