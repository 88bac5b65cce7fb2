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
 * A secret (the key store's passphrase, an AWS secret key) and the answer that may come with one
 * in the same paste (the access key id before the secret) are read in raw mode instead, set
 * through a tty.ReadStream's setRawMode (a tcsetattr: no child process, so nothing to wait for on
 * a busy machine) before the question is written: the kernel echoes nothing that arrives while it
 * is asked, line-editor.ts edits the line and the driver echoes a non-secret answer itself. One
 * byte is read at a time, so what follows the line stays in the terminal for the next question;
 * the mode is restored after the line, and on every other way out: Ctrl-C (a byte in raw mode),
 * signals, a hang-up, the process's exit.
 */
import fs from 'node:fs';
import tty from 'node:tty';
import { platform } from '../platform/index.ts';
import { printable } from '../printable.ts';
import { NoTerminalError, PromptCancelledError, unanswerable } from './errors.ts';
import { lineEditor } from './line-editor.ts';
import type { Prompt, QuestionKind } from './types.ts';

/** The opened terminal, shaped like a tty: what the driver below is made of. */
interface Terminal {
  write(text: string): void;
  /**
   * One line. `quiet`: in raw mode, entered before `prompt` is written: nothing the kernel
   * echoes, `echo` says whether the driver shows what is typed. Otherwise the kernel's canonical
   * mode (its echo and editing; what is typed ahead after the line stays for the target).
   */
  readLine(prompt: string, title: string, mode: { quiet: false } | { quiet: true; echo: boolean }): Promise<string>;
  close(): void;
}

/**
 * The kinds read in raw mode, with line-editor.ts: secrets, and plain text (add's access key id,
 * whose paste may hold the secret after it; the account ID a guardrail asks to be typed, echoed as
 * typed). An MFA code and a yes/no confirmation keep the kernel's own line editing and echo.
 */
const QUIET_KINDS: ReadonlySet<QuestionKind> = new Set(['text', 'secret', 'passphrase']);

export function terminalPrompt(): Prompt {
  let terminal: Terminal | undefined;
  const open = () => (terminal ??= openTerminal());
  const ask = async (kind: QuestionKind | 'confirm', message: string, secret: boolean, title: string, whenNone: string | undefined) => {
    const t = open();
    if (!t) throw unanswerable(whenNone, title);
    const quiet = secret || (kind !== 'confirm' && QUIET_KINDS.has(kind));
    return t.readLine(message, title, quiet ? { quiet: true, echo: !secret } : { quiet: false });
  };
  return {
    name: 'terminal',
    ask: (q) => ask(q.kind, q.message, q.secret, q.title, q.unanswerable),
    async confirm(message, options) {
      const answer = (await ask('confirm', message, false, 'Confirmation', options?.unanswerable)).trim().toLowerCase();
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
  let modes: tty.ReadStream | undefined;
  let closed = false;
  /** The last line read ended with a CR: a LF right after it is that line's end (a pasted CRLF). */
  let afterCR = false;
  const write = (text: string) => {
    // Serials and reasons come from config files: escape what a terminal would act on.
    fs.writeSync(writeFd, text.split('\n').map(printable).join('\n'));
  };
  const raw = (on: boolean) => {
    // A handle of its own for the terminal's modes (libuv opens the terminal again for it), never read from.
    modes ??= new tty.ReadStream(fs.openSync(platform.terminal.input, fs.constants.O_RDONLY | fs.constants.O_NOCTTY));
    modes.setRawMode(on);
  };
  const restore = () => {
    try {
      modes?.setRawMode(false);
    } catch {
      // the terminal hung up: no mode left to restore
    }
  };
  return {
    write,
    async readLine(prompt, title, mode) {
      if (!mode.quiet) {
        write(prompt);
        const line = await readCanonicalLine(readFd, title, afterCR);
        afterCR = false;
        return line;
      }
      try {
        raw(true);
      } catch (error) {
        throw new NoTerminalError(
          `Cannot turn off the terminal's echo to read ${title.toLowerCase()}: ${(error as Error).message}; nothing was read.`,
        );
      }
      process.on('exit', restore);
      try {
        write(prompt);
        const { line, cr } = await readRawLine(readFd, title, mode.echo, afterCR, write);
        afterCR = cr;
        return line;
      } finally {
        restore();
        process.off('exit', restore);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      restore();
      modes?.destroy();
      for (const fd of fds) fs.closeSync(fd);
    },
  };
}

/**
 * Polls `fd` (non-blocking) until `onData` says it is done; settles on a cancel signal too. The
 * signal handlers exist only while a line is read, so Ctrl-C at any other time is Node's own.
 */
function poll<T>(fd: number, size: number, title: string, onData: (chunk: Buffer) => { done: T } | 'more' | 'cancel'): Promise<T> {
  return new Promise((resolve, reject) => {
    const buffer = Buffer.alloc(size);
    let timer: NodeJS.Timeout | undefined;
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      for (const s of CANCEL_SIGNALS) process.off(s, onSignal);
      settle();
    };
    const onSignal = () => finish(() => reject(new PromptCancelledError(title)));
    for (const s of CANCEL_SIGNALS) process.on(s, onSignal);
    const step = () => {
      for (;;) {
        let bytes: number;
        try {
          bytes = fs.readSync(fd, buffer, 0, buffer.length, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
            timer = setTimeout(step, POLL_MS);
            return;
          }
          return finish(() => reject(new PromptCancelledError(title))); // EIO: the terminal hung up
        }
        // 0 bytes: end of file (Ctrl-D on an empty line in canonical mode).
        const result = bytes === 0 ? 'cancel' : onData(buffer.subarray(0, bytes));
        if (result === 'cancel') return finish(() => reject(new PromptCancelledError(title)));
        if (result !== 'more') return finish(() => resolve(result.done));
      }
    };
    step();
  });
}

/** One line in raw mode, a byte at a time (nothing after it is taken from the terminal). */
function readRawLine(
  fd: number,
  title: string,
  echo: boolean,
  afterCR: boolean,
  write: (text: string) => void,
): Promise<{ line: string; cr: boolean }> {
  const editor = lineEditor({ echo, afterCR });
  return poll(fd, 1, title, (chunk) => {
    const fed = editor.feed(chunk[0]!);
    if (fed.kind === 'cancel') {
      write('\n');
      return 'cancel';
    }
    if (fed.echo) write(fed.echo);
    return fed.kind === 'done' ? { done: { line: fed.line, cr: chunk[0] === 0x0d } } : 'more';
  });
}

/**
 * One line in canonical mode: the kernel echoes and edits, and one read() returns at most one
 * line. `afterCR`: a lone LF first is the end of the line read before (a pasted CRLF).
 */
function readCanonicalLine(fd: number, title: string, afterCR: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let skipLF = afterCR;
  return poll(fd, 1024, title, (chunk) => {
    if (skipLF && chunks.length === 0 && chunk.length === 1 && chunk[0] === 0x0a) {
      skipLF = false;
      return 'more';
    }
    skipLF = false;
    // ^C / ^D bytes: a terminal left in raw mode by someone else.
    if (chunk.includes(0x03) || chunk.includes(0x04)) return 'cancel';
    chunks.push(Buffer.from(chunk));
    if (!chunk.includes(0x0a) && !chunk.includes(0x0d)) return 'more'; // a line longer than the buffer: read on
    return {
      done: Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$|\r$/, ''),
    };
  });
}
