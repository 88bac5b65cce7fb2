/**
 * Edits the key lines of one section of a credentials (or config) file and leaves every other
 * byte as it was: comments, blank lines, order, other sections, line endings. Pure. The lines are
 * recognised by the rules ini.ts follows (botocore's): comments, continuation lines by indent,
 * a header up to the last ']', a setting split at the first '=' or ':', keys case-insensitive.
 *
 * The caller checks the result by parsing it again (checkEdit) before writing anything.
 */
import { ConfigError } from '../errors.ts';
import { firstDelimiter, firstNonSpace, parseIni, pyStrip, sectionHeader } from './ini.ts';

/** What to do with one key of the section: drop its line, or give it a new value. */
export type KeyEdit = { drop: true } | { value: string };

export interface EditResult {
  text: string;
  /** The keys that were found and edited (lower-cased). */
  edited: string[];
}

/**
 * Applies `edits` (lower-cased key -> edit) to the settings of section `section`. A value that
 * continues on indented lines is not something mfa-exec edits: ConfigError.
 */
export function editSectionKeys(text: string, section: string, edits: ReadonlyMap<string, KeyEdit>, file: string): EditResult {
  const out: string[] = [];
  const edited: string[] = [];
  let current: string | undefined; // the section being read
  let currentKey: string | undefined; // the setting indented lines would continue
  let currentEdit: KeyEdit | undefined; // ...and what was done to it
  let indentLevel = 0;
  let lineno = 0;
  for (const [line, ending] of linesOf(text)) {
    lineno++;
    const stripped = pyStrip(line);
    const first = stripped.charCodeAt(0);
    if (stripped === '' || first === 0x23 /* # */ || first === 0x3b /* ; */) {
      out.push(line + ending);
      continue;
    }
    const indent = firstNonSpace(line);
    if (currentKey !== undefined && indent > indentLevel) {
      if (currentEdit) {
        throw new ConfigError(
          `${file} line ${lineno}: the value of ${currentKey} in [${section}] continues on an indented line; mfa-exec edits only one-line keys. Put the key on one line and try again; nothing was changed.`,
        );
      }
      out.push(line + ending);
      continue;
    }
    indentLevel = indent;
    const header = sectionHeader(stripped);
    if (header !== undefined) {
      current = header;
      currentKey = undefined;
      currentEdit = undefined;
      out.push(line + ending);
      continue;
    }
    const delimiter = firstDelimiter(stripped);
    const key = delimiter > 0 ? pyStrip(stripped.slice(0, delimiter)).toLowerCase() : undefined;
    currentKey = key;
    currentEdit = current === section && key !== undefined ? edits.get(key) : undefined;
    if (!currentEdit || key === undefined) {
      out.push(line + ending);
      continue;
    }
    edited.push(key);
    if ('drop' in currentEdit) continue;
    // Keep everything up to the value (indent, key, spacing, delimiter), replace the value.
    const at = indent + delimiter + 1;
    const rest = line.slice(at);
    const spacing = rest.slice(0, rest.length - rest.trimStart().length);
    out.push(line.slice(0, at) + spacing + currentEdit.value + ending);
  }
  return { text: out.join(''), edited };
}

/**
 * The edited text must parse, and differ from the original only in `section`'s edited keys:
 * every other section and setting is what it was. Throws ConfigError otherwise (nothing is written).
 */
export function checkEdit(before: string, after: string, section: string, edits: ReadonlyMap<string, KeyEdit>, file: string): void {
  const a = parseIni(before, file);
  const b = parseIni(after, file);
  const problem = (() => {
    if ([...a.keys()].join('\0') !== [...b.keys()].join('\0')) return 'the sections changed';
    for (const [name, values] of a) {
      const now = b.get(name)!;
      for (const [key, value] of values) {
        const edit = name === section ? edits.get(key) : undefined;
        if (edit === undefined ? now.get(key) !== value : 'drop' in edit ? now.has(key) : now.get(key) !== edit.value)
          return `${key} in [${name}]`;
      }
      for (const key of now.keys()) if (!values.has(key)) return `a new ${key} in [${name}]`;
    }
    return undefined;
  })();
  if (problem) {
    throw new ConfigError(
      `Editing ${file} would have changed more than the keys of [${section}] (${problem}); nothing was changed. Please report this.`,
    );
  }
}

/** [line, its line ending] pairs, universal newlines (\n, \r\n, \r), the last line possibly without one. */
function* linesOf(text: string): Generator<[string, string]> {
  let pos = 0;
  while (pos < text.length) {
    let end = pos;
    while (end < text.length && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
    const ending = text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? '\r\n' : text.slice(end, end + 1);
    yield [text.slice(pos, end), ending];
    pos = end + ending.length;
  }
}
