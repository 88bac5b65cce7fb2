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
}

/** Reads with readFileSync: UTF-8 (as Python reads under a UTF-8 locale), BOM kept as text. */
export const nodeFileSystem: FileSystemLike = {
  readFile(path: string): string | undefined {
    let bytes: Buffer;
    try {
      bytes = readBounded(path);
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
    if (!isUtf8(bytes)) {
      throw new ConfigError(
        `${path} is not valid UTF-8 text. Save it as UTF-8 (without a byte order mark); the AWS CLI refuses this file too.`,
      );
    }
    return bytes.toString('utf8');
  },
};

const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
const PIPE_WAIT_MS = 5_000;

/**
 * A regular file is read whole. Anything else (a pipe from `AWS_CONFIG_FILE=<(…)`, a FIFO,
 * /dev/null, /dev/zero) is opened without blocking and read with bounds: a FIFO nobody writes
 * to reads as empty instead of hanging, a writer that stays silent for 5 s and a source that never
 * ends are errors.
 */
function readBounded(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    if (stat.isFile()) return readFileSync(fd);
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    let total = 0;
    let deadline = Date.now() + PIPE_WAIT_MS;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        if (Date.now() > deadline)
          throw new ConfigError(
            `${path} is a pipe that gave nothing to read for ${PIPE_WAIT_MS / 1000} s; point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a regular file.`,
          );
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (n === 0) return Buffer.concat(chunks);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      total += n;
      deadline = Date.now() + PIPE_WAIT_MS;
      if (total > MAX_CONFIG_BYTES)
        throw new ConfigError(
          `${path} is not a regular file and gave over ${MAX_CONFIG_BYTES / 1024 / 1024} MiB without ending; point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a regular file.`,
        );
    }
  } finally {
    closeSync(fd);
  }
}
