/**
 * An INI reader that accepts exactly what the AWS CLI accepts.
 *
 * It mirrors botocore.configloader.raw_config_parse(path), i.e. Python 3.11's
 * configparser.RawConfigParser() with its defaults (strict, delimiters '=' and ':', full-line
 * comments only, empty lines allowed inside values, a [DEFAULT] section inherited by every
 * section), read as UTF-8 with universal newlines. The `ini` package is not used: it strips
 * inline comments, turns "true" into a boolean and splits section names on dots, so it would read
 * something the AWS CLI does not.
 *
 * Behaviours worth knowing (each pinned by a test against botocore):
 * - Lines end at \n, \r\n or a lone \r. "Whitespace" is Python's str.isspace() set (it includes
 *   \v, \f, \x1c-\x1f, \x85, NBSP and the other Unicode spaces, but not U+FEFF). A UTF-8 byte
 *   order mark is kept as text, so a file that starts with one has no section header: the AWS
 *   CLI refuses it, and so do we.
 * - A line whose first non-whitespace character is '#' or ';' is a comment, even indented.
 *   There are no inline comments: "region = x # y" has the value "x # y".
 * - A line indented deeper than the line that started the current setting continues that
 *   setting's value (joined with "\n"), even if it looks like "[section]" or "key = value";
 *   blank lines inside a value are kept, trailing ones dropped. Comment lines are skipped.
 * - "[name]anything": the header is everything up to the LAST ']' on the line; text after it is
 *   ignored; the name is not trimmed ("[ default ]" is not "default").
 * - A setting is split at the first '=' or ':'; the key is trimmed and lower-cased, the value
 *   trimmed. A key without a delimiter, an empty key, a line before the first header, a repeated
 *   section or a repeated key (after lower-casing) in one file are errors. [DEFAULT] may be
 *   repeated; its settings are inherited by every other section, which can override them.
 * - A value that starts with a newline ("s3 =" followed by indented lines) is a nested block that
 *   botocore splits into "name = value" lines; every non-blank line of it must contain '='.
 *   Such values are validated here but kept as their raw string (see parseNestedValue).
 *
 * Linear time on any input: no backtracking regular expressions, one pass over the lines.
 */
import { ConfigError } from '../errors.ts';

/** Sections in file order; each maps lower-cased keys to values as botocore returns them. */
export type IniSections = Map<string, Map<string, string>>;

const DEFAULT_SECTION = 'DEFAULT';

interface Entry {
  /** The value on the setting's own line. */
  readonly first: string;
  /** Non-blank continuation lines, with their line numbers and the blank lines before each. */
  readonly more: string[];
  readonly moreLines: number[];
  readonly blanksBefore: number[];
  /** Blank lines seen since the last piece (kept only if another continuation line follows). */
  blanks: number;
  readonly line: number;
}

interface Section {
  readonly line: number;
  readonly entries: Map<string, Entry>;
}

/**
 * Parse the text of an AWS config or credentials file into its sections, like botocore's
 * raw_config_parse. `file` is used only in error messages. Throws ConfigError, with the file
 * path and line number, for anything the AWS CLI would refuse.
 */
export function parseIni(text: string, file: string): IniSections {
  const sections = new Map<string, Section>();
  const defaults: Section = { line: 0, entries: new Map() };

  let cursect: Section | undefined;
  let sectname = '';
  let current: Entry | undefined; // the setting that indented lines would continue
  let indentLevel = 0;
  let lineno = 0;
  let pos = 0;
  const length = text.length;

  // Lines as Python's text-mode file iteration yields them: universal newlines (\n, \r\n, \r).
  while (pos < length) {
    let end = pos;
    for (let c = text.charCodeAt(end); end < length && c !== 0x0a && c !== 0x0d; c = text.charCodeAt(++end));
    const line = text.slice(pos, end);
    pos = end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);
    lineno++;

    const stripped = pyStrip(line);
    const first = stripped.charCodeAt(0);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) continue; // comments are skipped entirely
    if (stripped === '') {
      if (current !== undefined) current.blanks++; // a blank line belongs to the value being read
      continue;
    }
    const indent = firstNonSpace(line);
    if (current !== undefined && indent > indentLevel) {
      current.more.push(stripped);
      current.moreLines.push(lineno);
      current.blanksBefore.push(current.blanks);
      current.blanks = 0;
      continue;
    }
    indentLevel = indent;
    const header = sectionHeader(stripped);
    if (header !== undefined) {
      const existing = sections.get(header);
      if (existing !== undefined) {
        throw new ConfigError(
          `${file} line ${lineno}: the section [${shown(header)}] appears a second time (first at line ${existing.line}). ` +
            `Merge the two sections into one; the AWS CLI refuses this file too.`,
        );
      }
      if (header === DEFAULT_SECTION) {
        cursect = defaults;
      } else {
        cursect = { line: lineno, entries: new Map() };
        sections.set(header, cursect);
      }
      sectname = header;
      current = undefined;
      continue;
    }
    if (cursect === undefined) {
      if (lineno === 1 && line.charCodeAt(0) === 0xfeff) {
        throw new ConfigError(
          `${file} starts with a UTF-8 byte order mark (BOM), which the AWS CLI reads as text before the first ` +
            `[section] header. Save the file as UTF-8 without a BOM; the AWS CLI refuses this file too.`,
        );
      }
      throw new ConfigError(
        `${file} line ${lineno}: ${quoteLine(stripped)} comes before the first [section] header. ` +
          `Move it under a [default] or [profile NAME] header, or remove it; the AWS CLI refuses this file too.`,
      );
    }
    const delimiter = firstDelimiter(stripped);
    if (delimiter < 0) {
      throw new ConfigError(
        `${file} line ${lineno}: ${quoteLine(stripped)} is neither a [section] header nor a 'key = value' setting. ` +
          `Fix or remove the line; the AWS CLI refuses this file too.`,
      );
    }
    if (delimiter === 0) {
      throw new ConfigError(
        `${file} line ${lineno}: ${quoteLine(stripped)} has no setting name before the '${stripped[0]}'. ` +
          `Fix or remove the line; the AWS CLI refuses this file too.`,
      );
    }
    const key = pyRstrip(stripped.slice(0, delimiter)).toLowerCase();
    const previous = cursect.entries.get(key);
    if (previous !== undefined) {
      throw new ConfigError(
        `${file} line ${lineno}: ${quoteKey(key)} is set twice in the section [${shown(sectname)}] ` +
          `(first at line ${previous.line}). Keep only one of the two lines; the AWS CLI refuses this file too.`,
      );
    }
    const value = pyStrip(stripped.slice(delimiter + 1));
    current = { first: value, more: [], moreLines: [], blanksBefore: [], blanks: 0, line: lineno };
    cursect.entries.set(key, current);
  }

  return finish(sections, defaults, file);
}

/** Join multi-line values, apply [DEFAULT] inheritance, validate nested blocks. */
function finish(sections: Map<string, Section>, defaults: Section, file: string): IniSections {
  const defaultValues = new Map<string, string>();
  for (const [key, entry] of defaults.entries) defaultValues.set(key, joinValue(entry));

  const result: IniSections = new Map();
  for (const [name, section] of sections) {
    const values = new Map<string, string>();
    for (const [key, entry] of section.entries) {
      const value = joinValue(entry);
      if (value.charCodeAt(0) === 0x0a) checkNested(entry, key, file);
      values.set(key, value);
    }
    // Like configparser's options() + get(): the section's own keys, then inherited ones.
    for (const [key, value] of defaultValues) {
      if (values.has(key)) continue;
      if (value.charCodeAt(0) === 0x0a) checkNested(defaults.entries.get(key) as Entry, key, file);
      values.set(key, value);
    }
    result.set(name, values);
  }
  return result;
}

/**
 * configparser joins a value's lines (blank ones included) with "\n" and strips trailing
 * whitespace, which drops exactly the trailing blank lines: each piece is already stripped.
 */
function joinValue(entry: Entry): string {
  if (entry.more.length === 0) return entry.first;
  const parts = [entry.first];
  for (let i = 0; i < entry.more.length; i++) {
    parts.push('\n'.repeat((entry.blanksBefore[i] as number) + 1), entry.more[i] as string);
  }
  return parts.join('');
}

/** botocore's _parse_nested raises ValueError on a non-blank line without '='. */
function checkNested(entry: Entry, key: string, file: string): void {
  for (let i = 0; i < entry.more.length; i++) {
    for (const sub of pySplitlines(entry.more[i] as string)) {
      const line = pyStrip(sub);
      if (line !== '' && !line.includes('=')) {
        throw new ConfigError(
          `${file} line ${entry.moreLines[i]}: the indented lines under ${quoteKey(key)} form a nested block ` +
            `('${key} =' with nothing after it), so each must be 'name = value', but ` +
            `${isSecretKey(key) ? 'this one' : quoteLine(line)} has no '='. Put the value on the '${key} =' line ` +
            `or fix the indented line; the AWS CLI refuses this file too.`,
        );
      }
    }
  }
}

/**
 * The settings of a nested block ("s3 =" followed by indented "name = value" lines), as botocore's
 * _parse_nested returns them: keys and values trimmed, keys NOT lower-cased, the last one wins.
 * Returns undefined when the value is not a nested block (does not start with a newline) or a
 * non-blank line lacks '=' (parseIni has already refused such files).
 */
export function parseNestedValue(value: string): Map<string, string> | undefined {
  if (!value.startsWith('\n')) return undefined;
  const parsed = new Map<string, string>();
  for (const raw of pySplitlines(value)) {
    const line = pyStrip(raw);
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) return undefined;
    parsed.set(pyStrip(line.slice(0, eq)), pyStrip(line.slice(eq + 1)));
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Error message quoting. A line is echoed only when it cannot hold a secret: never a line whose
// key looks secret (aws_secret_access_key, aws_session_token, passwords...), never a line with a
// long key-like run of characters (a pasted secret without "key ="), never a very long line.

const SECRET_WORDS = /secret|token|passw|credential|private|session|key/i;
const KEY_LIKE_RUN = /[A-Za-z0-9+/=_-]{20}/;

function isSecretKey(key: string): boolean {
  return SECRET_WORDS.test(key);
}

function isSafeToShow(text: string): boolean {
  if (text.length > 100 || KEY_LIKE_RUN.test(text)) return false;
  const delimiter = firstDelimiter(text);
  return !SECRET_WORDS.test(delimiter < 0 ? text : text.slice(0, delimiter));
}

function quoteLine(line: string): string {
  return isSafeToShow(line) ? `'${shown(line)}'` : 'the line (not shown: it may hold a secret)';
}

function quoteKey(key: string): string {
  return key.length <= 100 ? `'${shown(key)}'` : 'a setting';
}

/** Make control and invisible characters visible. */
function shown(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

// ---------------------------------------------------------------------------------------------
// Python string semantics.

/** Python's str.isspace() (and re's \s for str patterns) — differs from JS \s. */
function isPySpace(c: number): boolean {
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

function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s.charCodeAt(start))) start++;
  while (end > start && isPySpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length && isPySpace(s.charCodeAt(i))) i++;
  return i;
}

/** Index of the first '=' or ':' (configparser's delimiters), or -1. */
function firstDelimiter(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d || c === 0x3a) return i;
  }
  return -1;
}

/** configparser's SECTCRE `\[(?P<header>.+)\]` with match(): '[' first, header up to the last ']'. */
function sectionHeader(stripped: string): string | undefined {
  if (stripped.charCodeAt(0) !== 0x5b) return undefined;
  const close = stripped.lastIndexOf(']');
  return close >= 2 ? stripped.slice(1, close) : undefined;
}

/** Python's str.splitlines() boundaries (more than file iteration: \v, \f, \x1c-\x1e, \x85, U+2028/9). */
function pySplitlines(s: string): string[] {
  return s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
}
