/**
 * The view of the user's AWS files that the child gets: the same text, section by section and
 * line by line, except that
 * - a served profile's section loses every setting by which an SDK would find credentials on its
 *   own (keys.ts) and ends with `credential_process = <mfa-exec> credential-process --profile=NAME`;
 * - with `deferDefault` (--server), the default profile's sections lose the same settings and get
 *   nothing instead, so that every SDK falls through to the container endpoint;
 * - no section keeps a secret (SECRET_KEYS, also behind a byte order mark, which the JS SDK
 *   trims), and no comment is kept (a commented-out key is a key all the same), nor a secret
 *   setting inside a value (`region = x ;aws_secret_access_key = …`: botocore reads it as part
 *   of the value, the JS SDK as an inline comment): the value is cut where it starts;
 * - settings of [DEFAULT] that a served section would inherit (configparser copies [DEFAULT]
 *   into every section of the file) move into the other sections that inherit them;
 * - headers are written as `[name]` from column 0, line ends are "\n".
 *
 * Why the user's text and not a regenerated file: each SDK maps a header to a profile name its
 * own way (botocore shlex-splits "profile …" in the config file; the JS SDK accepts only
 * [\w-@+.%:/] names there; Go takes the raw rest of the line), so only the header as written
 * gives every SDK the same names it finds in the user's files. Keeping the other lines as they
 * are keeps nested blocks, continuation lines and values byte for byte, whatever each parser
 * makes of them.
 *
 * Pure. The texts must have passed parseIni (loadAwsFiles): this module does not re-validate.
 */
import { firstDelimiter, firstNonSpace, pyStrip } from '../aws-config/ini.ts';
import { profileName } from '../aws-config/load.ts';
import { VIEW_FILE_FIRST_WORDS } from '../aws-config/paths.ts';
import { isCredentialKey, isSecretKey, secretInValue } from './keys.ts';
import { layoutOf, type Section, type Setting } from './layout.ts';

export interface ViewSources {
  /** Texts of the user's files; undefined when the file does not exist. */
  config?: string;
  credentials?: string;
  /** Their paths, named in the view's first line. */
  configFile: string;
  credentialsFile: string;
}

export interface ViewOptions {
  /** Served profiles: name → the credential_process command for it (see quote.ts). */
  commands: ReadonlyMap<string, string>;
  /** --server: the default profile holds no credential source, so SDKs ask the endpoint. */
  deferDefault?: boolean;
}

export interface RenderedView {
  config: string;
  credentials: string;
  /** What was changed beyond the served sections, for --debug. */
  notes: string[];
}

/** How one section is written. */
type Treatment = { kind: 'served'; command: string } | { kind: 'deferred' } | { kind: 'as-written' };

const DEFAULT_SECTION = 'DEFAULT'; // configparser's: inherited by every other section of the file

export function renderView(sources: ViewSources, options: ViewOptions): RenderedView {
  const notes: string[] = [];
  const treat = (profile: string | undefined): Treatment => {
    if (profile === undefined) return { kind: 'as-written' };
    if (options.deferDefault && profile === 'default') return { kind: 'deferred' };
    const command = options.commands.get(profile);
    return command === undefined ? { kind: 'as-written' } : { kind: 'served', command };
  };
  const config = renderFile(sources.config, sources.configFile, (s) => treat(profileName(s)), notes);
  const credentials = renderFile(sources.credentials, sources.credentialsFile, (s) => treat(s), notes);
  return { config, credentials, notes };
}

function renderFile(text: string | undefined, file: string, treat: (section: string) => Treatment, notes: string[]): string {
  const out = [`${VIEW_FILE_FIRST_WORDS}${shownPath(file)}; edit that file, not this one.`];
  if (text === undefined) return `${out[0]}\n`;
  const sections = layoutOf(text);
  const moved = inheritedCredentialSettings(sections);
  if (moved.length > 0) {
    notes.push(
      `[${DEFAULT_SECTION}] in ${file}: ${moved.map((s) => s.key).join(', ')} written into the sections that inherit ${moved.length === 1 ? 'it' : 'them'} and not into served ones`,
    );
  }
  for (const section of sections) {
    const isDefaults = section.name === DEFAULT_SECTION;
    const treatment = isDefaults ? ({ kind: 'as-written' } as const) : treat(section.name);
    const own = new Set(section.settings.map((s) => s.key));
    out.push('', `[${section.name}]`);
    const strict = treatment.kind !== 'as-written';
    for (const setting of section.settings) {
      if (isSecretKey(setting.key)) continue;
      if ((strict || isDefaults) && isCredentialKey(setting.key)) continue; // [DEFAULT]'s: moved, below
      out.push(...keptLines(setting, strict));
    }
    if (treatment.kind === 'served') out.push(`credential_process = ${treatment.command}`);
    if (treatment.kind === 'as-written' && !isDefaults) {
      for (const setting of moved) if (!own.has(setting.key)) out.push(...dedented(setting));
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * A setting's lines, less continuation lines that read as a secret setting (or, in a served
 * section, as any credential setting outside a nested block). botocore reads such a line as
 * part of the value above it, but the JS and Go SDKs read an indented "key = value" line as a
 * setting of its own: left in, it would put a secret (or a role) in front of those readers.
 */
function keptLines(setting: Setting, strict: boolean): readonly string[] {
  const [line = '', ...rest] = setting.lines;
  const valueFrom = firstDelimiter(line) + 1;
  const first = withoutHiddenSecret(line, valueFrom);
  if (first === undefined) return []; // nothing but a secret: the setting goes
  const nested = pyStrip(first.slice(valueFrom)) === '';
  const kept = [first];
  for (const line of rest) {
    const key = settingKey(line);
    if (key !== undefined && (isSecretKey(key) || (strict && !nested && isCredentialKey(key)))) continue;
    const cut = line === '' ? line : withoutHiddenSecret(line, 0);
    if (cut !== undefined) kept.push(cut);
  }
  return kept;
}

/**
 * The line cut where a secret setting starts inside its value (from `valueFrom` on), or
 * undefined when no value is left.
 */
function withoutHiddenSecret(line: string, valueFrom: number): string | undefined {
  const at = secretInValue(line.slice(valueFrom));
  if (at < 0) return line;
  const kept = line.slice(0, valueFrom + at); // secretInValue's index is after the value's last blank
  return pyStrip(kept.slice(valueFrom)) === '' ? undefined : kept;
}

/** The key a line would set if it started a setting ("  Key = v" → "key"), or undefined. */
export function settingKey(line: string): string | undefined {
  const stripped = pyStrip(line);
  const delimiter = firstDelimiter(stripped);
  return delimiter > 0 ? pyStrip(stripped.slice(0, delimiter)).toLowerCase() : undefined;
}

/** The credential settings of [DEFAULT] (secrets excepted: those go nowhere), last one wins. */
function inheritedCredentialSettings(sections: readonly Section[]): Setting[] {
  const byKey = new Map<string, Setting>();
  for (const section of sections) {
    if (section.name !== DEFAULT_SECTION) continue;
    for (const setting of section.settings) {
      if (isCredentialKey(setting.key) && !isSecretKey(setting.key)) byKey.set(setting.key, setting);
    }
  }
  return [...byKey.values()];
}

/**
 * A setting moved to the end of another section starts at column 0, so that it can never
 * continue the value before it; its continuation lines stay indented, so they still continue it.
 */
function dedented(setting: Setting): string[] {
  const [first, ...rest] = keptLines(setting, false);
  return first === undefined ? [] : [first.slice(firstNonSpace(first)), ...rest];
}

function shownPath(file: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(file) ? JSON.stringify(file) : file;
}
