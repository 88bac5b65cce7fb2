/**
 * Python's text rules as botocore's INI reader applies them (configparser under Python 3):
 * universal newlines, str.isspace(), str.strip().
 *
 * The same rules live privately in src/aws-config/ini.ts; they are repeated here only until
 * that module exports them (the view must cut lines exactly where the parser does).
 */

/** Python's str.isspace() — differs from JS \s (it includes \x1c-\x1f and \x85, not U+FEFF). */
export function isPySpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s.charCodeAt(start))) start++;
  while (end > start && isPySpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** Width of the leading whitespace, as configparser measures indentation. */
export function indentOf(s: string): number {
  let i = 0;
  while (i < s.length && isPySpace(s.charCodeAt(i))) i++;
  return i;
}

/** Lines as Python's text-mode file iteration yields them: split at \n, \r\n and a lone \r. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // the text ended with a line break
  return lines;
}
