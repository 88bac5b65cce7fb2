/** A leaf (node:fs only): cli.ts's `out`, and a replayed run's (src/memo/replay.ts). */
import fs from 'node:fs';

/** The reader of stdout went away (EPIPE): what is left to write is dropped, as a stream would. */
let stdoutGone = false;

/**
 * A command's output, written to fd 1 synchronously rather than through process.stdout: making
 * that stream costs a few ms, and what is written this way has left when the process exits (a
 * stream to a pipe would still hold it, and process.exit() cut `list --json | …` at 64 KiB). A
 * non-blocking pipe that is full is waited for.
 */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length && !stdoutGone;) {
    try {
      offset += fs.writeSync(1, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') stdoutGone = true;
      else if (code === 'EAGAIN') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      else throw error;
    }
  }
}
