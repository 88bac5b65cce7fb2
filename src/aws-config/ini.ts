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
import { printable as shown } from '../printable.ts';

/** Sections in file order; each maps lower-cased keys to values as botocore returns them. */
export type IniSections = Map<string, Map<string, string>>;

export interface ParseOptions {
  /** The credentials file: error messages quote nothing of its text (see Quoting). */
  secretFile?: boolean;
  /**
   * A file without section headers (a project file: src/project/parse.ts): every setting belongs
   * to the section of this name, and a header line is an error. Otherwise a setting before the
   * first header is an error, as in botocore.
   */
  headerless?: string;
}

const DEFAULT_SECTION = 'DEFAULT';

/** A value that spans several lines (kept aside: most values are one line). */
interface MultiLine {
  readonly values: Map<string, string>; // the section it belongs to
  readonly key: string;
  readonly first: string; // the value on the setting's own line
  readonly more: string[]; // the non-blank continuation lines...
  readonly moreLines: number[]; // ...their line numbers...
  readonly blanksBefore: number[]; // ...and how many blank lines precede each
}

/**
 * Parse the text of an AWS config or credentials file into its sections, like botocore's
 * raw_config_parse. `file` is used only in error messages. Throws ConfigError, with the file
 * path and line number, for anything the AWS CLI would refuse.
 */
export function parseIni(text: string, file: string, options: ParseOptions = {}): IniSections {
  const quote = options.secretFile ? QUOTE_NOTHING : QUOTE_SAFE_TEXT;
  const sections: IniSections = new Map();
  const sectionLines: number[] = []; // header line of each section, in order
  const defaults = new Map<string, string>();
  const defaultKeyLines = new Map<string, number>(); // [DEFAULT] may be reopened, its keys not repeated
  const keyLines = new Map<string, number>(); // keys of the section being read (cleared per header)
  const multiLines: MultiLine[] = [];

  let cursect: Map<string, string> | undefined;
  let cursectKeyLines = keyLines;
  let sectname = '';
  if (options.headerless !== undefined) {
    sectname = options.headerless;
    cursect = new Map();
    sections.set(sectname, cursect);
    sectionLines.push(0);
  }
  let currentKey: string | undefined; // the setting that indented lines would continue
  let multi: MultiLine | undefined; // ...once it has a continuation line
  let blanks = 0; // blank lines since the last piece of the current setting
  let indentLevel = 0;
  let lineno = 0;
  let pos = 0;
  const length = text.length;
  const anyCarriageReturn = text.includes('\r');

  // Lines as Python's text-mode file iteration yields them: universal newlines (\n, \r\n, \r).
  while (pos < length) {
    let end: number;
    if (anyCarriageReturn) {
      end = pos;
      for (let c = text.charCodeAt(end); end < length && c !== 0x0a && c !== 0x0d; c = text.charCodeAt(++end));
    } else {
      end = text.indexOf('\n', pos); // the native search: most files have no \r
      if (end < 0) end = length;
    }
    const line = text.slice(pos, end);
    pos = end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);
    lineno++;

    const stripped = pyStrip(line);
    const first = stripped.charCodeAt(0);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) continue; // comments are skipped entirely
    if (stripped === '') {
      blanks++; // a blank line belongs to the value being read, if any
      continue;
    }
    const indent = firstNonSpace(line);
    if (currentKey !== undefined && indent > indentLevel) {
      if (multi === undefined) {
        const values = cursect as Map<string, string>;
        multi = { values, key: currentKey, first: values.get(currentKey) as string, more: [], moreLines: [], blanksBefore: [] };
        multiLines.push(multi);
      }
      multi.more.push(stripped);
      multi.moreLines.push(lineno);
      multi.blanksBefore.push(blanks);
      blanks = 0;
      continue;
    }
    indentLevel = indent;
    const header = sectionHeader(stripped);
    if (header !== undefined && options.headerless !== undefined) {
      throw new ConfigError(
        `${file} line ${lineno}: ${quote.line(stripped)} is a section header; this file has none. Write its settings on lines of their own.`,
      );
    }
    if (header !== undefined) {
      if (sections.has(header)) {
        const existing = sectionLines[[...sections.keys()].indexOf(header)];
        throw new ConfigError(
          `${file} line ${lineno}: ${quote.section(header)} appears a second time (first at line ${existing}). ` +
            `Merge the two sections into one; the AWS CLI refuses this file too.`,
        );
      }
      if (header === DEFAULT_SECTION) {
        cursect = defaults;
        cursectKeyLines = defaultKeyLines;
      } else {
        cursect = new Map();
        sections.set(header, cursect);
        sectionLines.push(lineno);
        keyLines.clear(); // a section cannot reappear, so only its own keys can collide
        cursectKeyLines = keyLines;
      }
      sectname = header;
      currentKey = undefined;
      multi = undefined;
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
        `${file} line ${lineno}: ${quote.line(stripped)} comes before the first [section] header. ` +
          `Move it under a [default] or [profile NAME] header, or remove it; the AWS CLI refuses this file too.`,
      );
    }
    const delimiter = firstDelimiter(stripped);
    if (delimiter < 0) {
      throw new ConfigError(
        `${file} line ${lineno}: ${quote.line(stripped)} is neither a [section] header nor a 'key = value' setting. ` +
          `Fix or remove the line; the AWS CLI refuses this file too.`,
      );
    }
    if (delimiter === 0) {
      throw new ConfigError(
        `${file} line ${lineno}: ${quote.line(stripped)} has no setting name before the '${stripped[0]}'. ` +
          `Fix or remove the line; the AWS CLI refuses this file too.`,
      );
    }
    const key = pyRstrip(stripped.slice(0, delimiter)).toLowerCase();
    const previous = cursectKeyLines.get(key);
    if (previous !== undefined) {
      throw new ConfigError(
        `${file} line ${lineno}: ${quote.key(key)} is set twice in ${quote.section(sectname)} ` +
          `(first at line ${previous}). Keep only one of the two lines; the AWS CLI refuses this file too.`,
      );
    }
    cursectKeyLines.set(key, lineno);
    cursect.set(key, pyStrip(stripped.slice(delimiter + 1)));
    currentKey = key;
    multi = undefined;
    blanks = 0;
  }

  return finish(sections, defaults, multiLines, file, quote);
}

/** Join multi-line values, validate nested blocks, apply [DEFAULT] inheritance. */
function finish(sections: IniSections, defaults: Map<string, string>, multiLines: MultiLine[], file: string, quote: Quoting): IniSections {
  const nestedDefaults: MultiLine[] = [];
  for (const multi of multiLines) {
    const value = joinValue(multi);
    multi.values.set(multi.key, value); // same key: keeps its place
    if (value.charCodeAt(0) !== 0x0a) continue;
    if (multi.values === defaults) nestedDefaults.push(multi);
    else checkNested(multi, file, quote);
  }
  if (defaults.size === 0) return sections;
  for (const values of sections.values()) {
    // Like configparser's options() + get(): the section's own keys, then the inherited ones.
    for (const [key, value] of defaults) if (!values.has(key)) values.set(key, value);
  }
  // botocore checks an inherited nested block in every section that does not override it.
  for (const multi of nestedDefaults) {
    for (const values of sections.values()) {
      if (values.get(multi.key) === multi.values.get(multi.key)) {
        checkNested(multi, file, quote);
        break;
      }
    }
  }
  return sections;
}

/**
 * configparser joins a value's lines (blank ones included) with "\n" and strips trailing
 * whitespace, which drops exactly the trailing blank lines: each line is already stripped.
 */
function joinValue(multi: MultiLine): string {
  const parts = [multi.first];
  for (let i = 0; i < multi.more.length; i++) {
    parts.push('\n'.repeat((multi.blanksBefore[i] as number) + 1), multi.more[i] as string);
  }
  return parts.join('');
}

/** botocore's _parse_nested raises ValueError on a non-blank line without '='. */
function checkNested(multi: MultiLine, file: string, quote: Quoting): void {
  const key = multi.key;
  for (let i = 0; i < multi.more.length; i++) {
    for (const sub of pySplitlines(multi.more[i] as string)) {
      const line = pyStrip(sub);
      if (line !== '' && !line.includes('=')) {
        throw new ConfigError(
          `${file} line ${multi.moreLines[i]}: the setting ${quote.key(key)} has nothing after its delimiter and ` +
            `indented lines below it, which the AWS CLI reads as a nested block of 'name = value' lines, but ` +
            `${isSecretKey(key) ? 'one of them' : quote.line(line)} has no '='. Put the value on the same line as ` +
            `the setting's name, or fix the indented line; the AWS CLI refuses this file too.`,
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
// Error message quoting. Values must never reach an error message when they may be secrets, so a
// line is echoed only when it cannot hold one: never a line whose key looks secret
// (aws_secret_access_key, aws_session_token, passwords...), never a line with a long key-like run
// of characters (a pasted secret or session token without "key ="), never a very long line.
// Key names are echoed (they are not secrets) unless they look like such a run themselves.

const SECRET_WORDS = /secret|token|passw|credential|private|session|key/i;
/** 20+ characters of base64 / access-key alphabet: AKIA..., secret keys, session tokens. */
const KEY_LIKE_RUN = /[A-Za-z0-9+/=]{20}/;

function isSecretKey(key: string): boolean {
  return SECRET_WORDS.test(key);
}

function isSafeToShow(text: string): boolean {
  if (text.length > 100 || KEY_LIKE_RUN.test(text)) return false;
  const delimiter = firstDelimiter(text);
  return !isSecretKey(delimiter < 0 ? text : text.slice(0, delimiter));
}

/**
 * How a file's text may appear in its error messages. The credentials file holds long-term keys:
 * nothing of it is quoted, not even a key or section name (a malformed line can be a fragment of
 * a secret whatever it looks like); line numbers say where. The config file is quoted where the
 * text cannot hold a secret.
 */
interface Quoting {
  line(line: string): string;
  key(key: string): string;
  section(name: string): string;
}

const QUOTE_SAFE_TEXT: Quoting = {
  line: (line) => (isSafeToShow(line) ? `'${shown(line)}'` : 'the line (not shown: it may hold a secret)'),
  key: (key) => (key.length <= 100 && !KEY_LIKE_RUN.test(key) ? `'${shown(key)}'` : 'a setting (name not shown)'),
  section: (name) => `the section [${shown(name)}]`,
};

const QUOTE_NOTHING: Quoting = {
  line: () => 'the line (not shown: nothing from the credentials file is)',
  key: () => 'a setting',
  section: () => 'a section',
};

// ---------------------------------------------------------------------------------------------
// Python string semantics, exported for the code that must cut a file's text exactly where this
// parser does (src/config-view/layout.ts).

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

export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s.charCodeAt(start))) start++;
  while (end > start && isPySpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

export function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length && isPySpace(s.charCodeAt(i))) i++;
  return i;
}

/** Index of the first '=' or ':' (configparser's delimiters), or -1. */
export function firstDelimiter(s: string): number {
  const equals = s.indexOf('=');
  const colon = s.indexOf(':');
  return equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
}

/** configparser's SECTCRE `\[(?P<header>.+)\]` with match(): '[' first, header up to the last ']'. */
export function sectionHeader(stripped: string): string | undefined {
  if (stripped.charCodeAt(0) !== 0x5b) return undefined;
  const close = stripped.lastIndexOf(']');
  return close >= 2 ? stripped.slice(1, close) : undefined;
}

/** Lines as Python's text-mode file iteration yields them (as parseIni reads them): \n, \r\n, a lone \r. */
export function splitFileLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // the text ended with a line break
  return lines;
}

// Python's line boundaries include the control characters \x1c-\x1e (file, group, record separators).
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python's str.splitlines() boundaries (more than file iteration: \v, \f, \x1c-\x1e, \x85, U+2028/9). */
function pySplitlines(s: string): string[] {
  if (!LINE_BREAK.test(s)) return [s];
  // eslint-disable-next-line no-control-regex
  return s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
}
