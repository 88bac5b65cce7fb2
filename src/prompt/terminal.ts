/**
 * The terminal driver: asks on the controlling terminal (/dev/tty), never on stdin/stdout: those
 * belong to the target (`cat plan | terraform apply -`, `… | jq`) or are captured
 * (credential_process). The terminal is opened on the first question and held until close(),
 * which the caller runs before the target starts: a reader left open would steal what the user
 * types ahead for the target. "No terminal" is decided by whether /dev/tty opens (ENXIO), not by
 * stdin.isTTY: credential_process runs with stdio captured but still has a terminal.
 *
 * The terminal stays in canonical mode: the kernel echoes and edits the line (Backspace, Ctrl-U,
 * Ctrl-W), one read() returns at most one line and leaves anything typed after it in the
 * terminal for the target, and there is no mode to restore afterwards.
 *
 * The reading descriptor is non-blocking and polled. A blocking read() would sit in libuv's
 * thread pool, and Node cannot exit while it waits there: Ctrl-C would print "cancelled" and
 * then hang until Enter, and that Enter would be swallowed. Polling leaves nothing pending, so
 * Ctrl-C (SIGINT to the foreground group) or a hang-up ends the prompt at once.
 *
 * A secret (the key store's passphrase, an AWS secret key) is read the same way with the
 * terminal's echo turned off (`stty -echo`) for that one line and its settings restored on every
 * way out: the line, Ctrl-C and other signals, a hang-up, a failure.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { platform } from '../platform/index.ts';
import { printable } from '../printable.ts';
import { NoTerminalError, PromptCancelledError, unanswerable } from './errors.ts';
import type { Prompt } from './types.ts';

/** The opened terminal, shaped like a tty: what the driver below is made of. */
interface Terminal {
  write(text: string): void;
  /** One line; `title` names the question in the cancel message. */
  readLine(title: string): Promise<string>;
  /** One line that is not echoed (the Enter is written afterwards, so the next text starts on a new line). */
  readSecret(title: string): Promise<string>;
  close(): void;
}

export function terminalPrompt(): Prompt {
  let terminal: Terminal | undefined;
  const open = () => (terminal ??= openTerminal());
  const ask = async (message: string, secret: boolean, title: string, whenNone: string | undefined): Promise<string> => {
    const t = open();
    if (!t) throw unanswerable(whenNone, title);
    t.write(message);
    return secret ? t.readSecret(title) : t.readLine(title);
  };
  return {
    name: 'terminal',
    ask: (q) => ask(q.message, q.secret, q.title, q.unanswerable),
    async confirm(message, options) {
      const answer = (await ask(message, false, 'Confirmation', options?.unanswerable)).trim().toLowerCase();
      return answer === 'y' || answer === 'yes';
    },
    say(message) {
      open()?.write(`mfa-exec: ${message}\n`);
    },
    present: () => open() !== undefined,
    close() {
      terminal?.close();
      terminal = undefined;
    },
  };
}

const POLL_MS = 20;
const CANCEL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** Opens /dev/tty, or returns undefined when this process has no controlling terminal. */
function openTerminal(): Terminal | undefined {
  const fds: number[] = [];
  try {
    // Two open file descriptions: O_NONBLOCK on ours for reading touches no one else's.
    fds.push(fs.openSync(platform.terminal.output, fs.constants.O_WRONLY | fs.constants.O_NOCTTY));
    fds.push(fs.openSync(platform.terminal.input, fs.constants.O_RDONLY | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK));
  } catch {
    for (const fd of fds) fs.closeSync(fd);
    return undefined; // ENXIO (no controlling terminal), ENOENT, EACCES
  }
  const [writeFd, readFd] = fds as [number, number];
  let closed = false;
  return {
    write(text) {
      // Serials and reasons come from config files: escape what a terminal would act on.
      fs.writeSync(writeFd, text.split('\n').map(printable).join('\n'));
    },
    readLine(title) {
      return readOneLine(readFd, title);
    },
    async readSecret(title) {
      const restore = echoOff(writeFd);
      try {
        return await readOneLine(readFd, title);
      } finally {
        restore();
        try {
          fs.writeSync(writeFd, '\n');
        } catch {
          // the terminal hung up: nobody to show the line end to
        }
      }
    },
    close() {
      if (!closed) for (const fd of fds) fs.closeSync(fd);
      closed = true;
    },
  };
}

/**
 * Turns echo off on the terminal `fd` (stty reads its standard input) and returns the function
 * that puts the saved settings back; the process's exit puts them back too if nothing else did.
 * Throws when echo cannot be turned off: a secret is never read with echo on.
 */
function echoOff(fd: number): () => void {
  const stty = (args: string[]) => spawnSync('stty', args, { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 5_000 });
  const saved = stty(['-g']);
  const settings = saved.status === 0 ? saved.stdout.trim() : '';
  if (!settings || stty(['-echo']).status !== 0) {
    throw new NoTerminalError(
      `Cannot turn off the terminal's echo to read a secret (stty ${saved.error ? `failed: ${saved.error.message}` : 'refused'}); nothing was read.`,
    );
  }
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    stty([settings]);
  };
  process.on('exit', restore);
  return restore;
}

function readOneLine(fd: number, title: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(1024);
    let timer: NodeJS.Timeout | undefined;
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      for (const s of CANCEL_SIGNALS) process.off(s, onSignal);
      settle();
    };
    const onSignal = () => finish(() => reject(new PromptCancelledError(title)));
    for (const s of CANCEL_SIGNALS) process.on(s, onSignal);
    const poll = () => {
      let bytes: number;
      try {
        bytes = fs.readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          timer = setTimeout(poll, POLL_MS);
          return;
        }
        return finish(() => reject(new PromptCancelledError(title))); // EIO: the terminal hung up
      }
      const chunk = buffer.subarray(0, bytes);
      // 0 bytes: end of file (Ctrl-D on an empty line); ^C / ^D bytes: a terminal in raw mode.
      if (bytes === 0 || chunk.includes(0x03) || chunk.includes(0x04)) return finish(() => reject(new PromptCancelledError(title)));
      chunks.push(Buffer.from(chunk));
      if (chunk.includes(0x0a) || chunk.includes(0x0d)) {
        return finish(() =>
          resolve(
            Buffer.concat(chunks)
              .toString('utf8')
              .replace(/\r?\n$|\r$/, ''),
          ),
        );
      }
      timer = setTimeout(poll, 0); // a line longer than the buffer: read on
    };
    poll();
  });
}
