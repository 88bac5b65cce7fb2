/**
 * One line typed at a terminal whose own line editing and echo are off (raw mode): the editing a
 * person expects (Backspace, Ctrl-U, Ctrl-W), arrow keys and other escape sequences ignored,
 * Ctrl-C and Ctrl-D a cancel, and the echo to write back (nothing for a secret). Pure: bytes in,
 * what to show and whether the line is done out; the terminal driver (terminal.ts) reads and writes.
 */

export type Fed =
  /** Not done: write `echo` (maybe empty) and feed the next byte. */
  | { kind: 'more'; echo: string }
  /** The line (without its end), and the echo that ends it. */
  | { kind: 'done'; line: string; echo: string }
  | { kind: 'cancel' };

export interface LineEditor {
  feed(byte: number): Fed;
}

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BACKSPACE = 0x08;
const LF = 0x0a;
const CR = 0x0d;
const CTRL_U = 0x15;
const CTRL_W = 0x17;
const ESC = 0x1b;
const DEL = 0x7f;
const ERASE = '\b \b';

/**
 * `echo`: show what is typed (false: a secret, nothing shown). `afterCR`: the previous line ended
 * with a CR, so a LF right at the start belongs to that line end (a pasted CRLF), not to this line.
 */
export function lineEditor(options: { echo: boolean; afterCR?: boolean }): LineEditor {
  const bytes: number[] = [];
  let skipLF = options.afterCR === true;
  /** 0 none, 1 after ESC, 2 inside a CSI/SS3 sequence (until its final byte). */
  let escape = 0;
  const shown = (count: number) => (options.echo ? ERASE.repeat(count) : '');

  /** Removes the last character (all its UTF-8 bytes); returns how many columns to erase. */
  const dropChar = (): number => {
    if (bytes.length === 0) return 0;
    while (bytes.length > 0 && (bytes[bytes.length - 1]! & 0xc0) === 0x80) bytes.pop();
    bytes.pop();
    return 1;
  };

  return {
    feed(byte) {
      const first = skipLF;
      skipLF = false;
      if (first && byte === LF) return { kind: 'more', echo: '' };
      if (escape === 1) {
        escape = byte === 0x5b || byte === 0x4f ? 2 : 0; // ESC [ or ESC O: a sequence follows; ESC x: Alt-x, dropped
        return { kind: 'more', echo: '' };
      }
      if (escape === 2) {
        if (byte >= 0x40 && byte <= 0x7e) escape = 0; // the sequence's final byte
        return { kind: 'more', echo: '' };
      }
      switch (byte) {
        case CR:
        case LF:
          return { kind: 'done', line: Buffer.from(bytes).toString('utf8'), echo: '\n' };
        case CTRL_C:
        case CTRL_D:
          return { kind: 'cancel' };
        case BACKSPACE:
        case DEL:
          return { kind: 'more', echo: shown(dropChar()) };
        case CTRL_U: {
          let erased = 0;
          while (bytes.length > 0) erased += dropChar();
          return { kind: 'more', echo: shown(erased) };
        }
        case CTRL_W: {
          let erased = 0;
          while (bytes.length > 0 && bytes[bytes.length - 1] === 0x20) erased += dropChar();
          while (bytes.length > 0 && bytes[bytes.length - 1] !== 0x20) erased += dropChar();
          return { kind: 'more', echo: shown(erased) };
        }
        case ESC:
          escape = 1;
          return { kind: 'more', echo: '' };
        default:
          if (byte < 0x20) return { kind: 'more', echo: '' }; // other control characters (Tab, Ctrl-Z, …) are not part of an answer
          bytes.push(byte);
          // A character's last byte completes it: echo it whole (UTF-8 continuation bytes wait).
          return { kind: 'more', echo: options.echo ? echoOf(bytes) : '' };
      }
    },
  };
}

/** The last character of `bytes` once it is complete, else nothing yet. */
function echoOf(bytes: readonly number[]): string {
  let start = bytes.length - 1;
  while (start > 0 && (bytes[start]! & 0xc0) === 0x80) start--;
  const lead = bytes[start]!;
  const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start === length ? Buffer.from(bytes.slice(start)).toString('utf8') : '';
}
