/**
 * Asks a question on the controlling terminal (/dev/tty), never on stdin/stdout: those belong to
 * the target (`cat plan | terraform apply -`, `… | jq`) or are captured (credential_process).
 *
 * The terminal stays in canonical mode: the kernel echoes and edits the line (Backspace, Ctrl-U,
 * Ctrl-W), one read() returns one line and leaves anything typed after it in the terminal for
 * the target, and there is no raw mode to restore afterwards. Ctrl-C raises SIGINT in the
 * foreground process group, which we turn into a cancel. Only one read is ever in flight, and
 * the descriptor is closed before we return, so nothing of ours is left reading the terminal.
 */
import fs from 'node:fs';
import { ExitCode, MfaExecError } from '../errors.ts';

export class NoTerminalError extends MfaExecError {
  constructor(message: string) {
    super(message, ExitCode.noTerminal, { kind: 'no-terminal' });
  }
}

export class PromptCancelledError extends MfaExecError {
  constructor() {
    super('MFA prompt cancelled.', ExitCode.cancelled, { kind: 'cancelled' });
  }
}

export interface Terminal {
  write(text: string): void;
  readLine(): Promise<string>;
  close(): void;
}

/** Opens /dev/tty, or returns undefined when this process has no controlling terminal. */
export function openTerminal(): Terminal | undefined {
  let fd: number;
  try {
    fd = fs.openSync('/dev/tty', fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  } catch {
    return undefined; // ENXIO (no controlling terminal), ENOENT, EACCES
  }
  let closed = false;
  return {
    write(text) {
      fs.writeSync(fd, text);
    },
    readLine() {
      return readOneLine(fd);
    },
    close() {
      if (!closed) fs.closeSync(fd);
      closed = true;
    },
  };
}

function readOneLine(fd: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const onSignal = () => finish(() => reject(new PromptCancelledError()));
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      for (const s of signals) process.off(s, onSignal);
      settle();
    };
    for (const s of signals) process.on(s, onSignal);
    const buffer = Buffer.alloc(1024);
    fs.read(fd, buffer, 0, buffer.length, null, (error, bytes) => {
      if (error) return finish(() => reject(new PromptCancelledError()));
      const text = buffer.subarray(0, bytes).toString('utf8');
      // bytes === 0: end of file (Ctrl-D on an empty line).
      if (bytes === 0 || text.includes('\x03') || text.includes('\x04')) return finish(() => reject(new PromptCancelledError()));
      finish(() => resolve(text.replace(/\r?\n$/, '')));
    });
  });
}
