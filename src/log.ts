/**
 * Diagnostics go to stderr only: stdout belongs to the target or to a command's machine-readable
 * output. Nothing logged here may contain a secret; callers pass identifiers through `mask`.
 * Every line goes through forDisplay (printable.ts): control characters from config files, the
 * environment or the network are escaped, URL userinfo redacted.
 */
import { forDisplay } from './printable.ts';

export interface Logger {
  readonly debugEnabled: boolean;
  debug(message: string): void;
  /** A line the user asked for (what `clear` removed, that `login` is done). */
  info(message: string): void;
  warn(message: string): void;
}

export function createLogger(debugEnabled: boolean, write: (line: string) => void = writeStderr): Logger {
  return {
    debugEnabled,
    debug(message) {
      if (debugEnabled) write(`mfa-exec: ${forDisplay(message)}\n`);
    },
    info(message) {
      write(`mfa-exec: ${forDisplay(message)}\n`);
    },
    warn(message) {
      write(`mfa-exec: warning: ${forDisplay(message)}\n`);
    },
  };
}

function writeStderr(line: string): void {
  try {
    process.stderr.write(line);
  } catch {
    // stderr closed: diagnostics are best effort.
  }
}

export const silentLogger: Logger = createLogger(false, () => {});

/** An access key id shown as `ASIA…WXYZ`: enough to tell keys apart, not enough to use one. */
export function mask(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : '…';
}
