/**
 * Text that came from outside (config files, the environment, file names, the network) and is
 * about to be shown on a terminal. Two dangers, one place:
 * - control characters: C0 (ESC starts a terminal escape sequence, CR rewrites the line), DEL,
 *   C1 (0x9b is a one-byte CSI on many terminals), line and paragraph separators, and the
 *   invisible bidirectional controls that make text read differently than it is. Each becomes a
 *   visible `\uXXXX`.
 * - URLs with user:password@: the userinfo is replaced by `***`.
 * The logger and cli.ts's error report pass every line through `forDisplay`, so no call site
 * can forget it; the other writers of human-readable text (doctor, list, status, the prompt) do
 * the same.
 */

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Control and invisible characters made visible as `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// scheme "://" userinfo "@": userinfo has no '/', '?', '#', '@' or whitespace (RFC 3986 3.2.1).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

/** Every `scheme://user:password@` in the text becomes `scheme://***@`. */
export function redactUrls(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}

/** What every diagnostic line goes through before it reaches a terminal. */
export function forDisplay(text: string): string {
  return printable(redactUrls(text));
}
