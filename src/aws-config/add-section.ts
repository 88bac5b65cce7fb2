/**
 * A `[profile NAME]` section appended to a config file's text, spelled so that botocore reads
 * back exactly NAME (its section names are split like shlex.split: a name with spaces needs
 * quotes). Pure; the caller writes the result with write-file.ts.
 */
import { parseIni } from './ini.ts';
import { profileName } from './load.ts';

/** The new text, or undefined when no header can name this profile (a line break in it). */
export function appendProfileSection(text: string | undefined, profile: string, file: string): string | undefined {
  const header = headerFor(profile);
  if (header === undefined) return undefined;
  const before = text ?? '';
  const separator = before === '' ? '' : before.endsWith('\n') || before.endsWith('\r') ? '\n' : '\n\n';
  const after = `${before}${separator}[${header}]\n`;
  // The new section must be read back as this profile, and the file must still parse.
  const sections = [...parseIni(after, file).keys()];
  return sections.at(-1) === header && profileName(header) === profile ? after : undefined;
}

function headerFor(profile: string): string | undefined {
  // Python's line boundaries (ini.ts): a name with one cannot be written on one header line.
  // eslint-disable-next-line no-control-regex
  if (/[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/.test(profile) || profile.length === 0) return undefined;
  if (profile === 'default') return 'default';
  if (/^[\w@%+=:,./-]+$/.test(profile)) return `profile ${profile}`;
  if (!profile.includes("'")) return `profile '${profile}'`;
  if (!/["\\]/.test(profile)) return `profile "${profile}"`;
  return undefined;
}
