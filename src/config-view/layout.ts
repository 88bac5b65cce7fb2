/**
 * The lines of an AWS config or credentials file grouped the way botocore reads them: sections,
 * and in each the settings with the lines that belong to them. The view is written from this,
 * so that a line is kept, dropped or added as a whole setting and never lands in another one.
 *
 * It follows configparser (see src/aws-config/ini.ts, which validates the same text first):
 * a comment line (first non-blank character '#' or ';') belongs to nothing and is left out;
 * a line indented deeper than the line that started the current setting continues it (blank
 * lines in between go with it); any other line is a [section] header or starts a setting.
 * The text must already have passed parseIni: lines that would be errors are not expected here.
 */
import { firstDelimiter, firstNonSpace, pyRstrip, pyStrip, sectionHeader, splitFileLines } from '../aws-config/ini.ts';

export interface Setting {
  /** Lower-cased, trimmed, as botocore keys it. */
  readonly key: string;
  /** The setting's own line, then its continuation lines (blank lines inside the value as ''). */
  readonly lines: readonly string[];
}

export interface Section {
  /** The name between '[' and the last ']', as botocore reads it. */
  readonly name: string;
  /** The header line as written. */
  readonly header: string;
  readonly settings: readonly Setting[];
}

export function layoutOf(text: string): Section[] {
  const sections: { name: string; header: string; settings: { key: string; lines: string[] }[] }[] = [];
  let current: { key: string; lines: string[] } | undefined; // the setting indented lines continue
  let indentLevel = 0;
  let blanks = 0;
  for (const line of splitFileLines(text)) {
    const stripped = pyStrip(line);
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;
    if (stripped === '') {
      blanks++;
      continue;
    }
    const indent = firstNonSpace(line);
    if (current !== undefined && indent > indentLevel) {
      for (; blanks > 0; blanks--) current.lines.push('');
      current.lines.push(line);
      continue;
    }
    blanks = 0;
    indentLevel = indent;
    const name = sectionHeader(stripped);
    if (name !== undefined) {
      sections.push({ name, header: line, settings: [] });
      current = undefined;
      continue;
    }
    const section = sections[sections.length - 1];
    if (section === undefined) continue; // parseIni refuses this; nothing to keep
    const delimiter = firstDelimiter(stripped);
    const key = pyRstrip(delimiter < 0 ? stripped : stripped.slice(0, delimiter)).toLowerCase();
    current = { key, lines: [line] };
    section.settings.push(current);
  }
  return sections;
}
