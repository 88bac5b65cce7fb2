/**
 * A project file's text → its settings. Pure. Read with botocore's INI rules (aws-config/ini.ts:
 * `=` or `:`, full-line `#`/`;` comments, indented continuation lines, a repeated key is an
 * error), with one difference: the file has no section headers, its settings stand on their own.
 *
 *   profile = prod                              the profile when none is chosen explicitly
 *   allowed_account_ids = 111111111111, 2222…   any other account is refused (exit 80)
 *   confirm = true                              destructive commands ask first (the built-in list)
 *   confirm = terragrunt apply, make deploy*    …and these too (patterns: src/guardrails/destructive.ts)
 *   min_lifetime = 30m                          credentials get at least this long before a command starts
 *   server = true                               terraform/tofu apply and destroy run under --server
 *
 * Anything else (an unknown setting, a section, a value that does not parse) is a ConfigError
 * naming the file: a misspelt `allowed_account_ids` must not read as no restriction at all.
 */
import { parseIni } from '../aws-config/ini.ts';
import { parseDuration } from '../duration.ts';
import { ConfigError, isMfaExecError } from '../errors.ts';
import { printable } from '../printable.ts';
import type { ConfirmSetting, ProjectSettings } from './types.ts';

/** The file's name, in every directory the walk looks in. */
export const PROJECT_FILE_NAME = '.mfa-exec';

export const SETTINGS = ['profile', 'allowed_account_ids', 'confirm', 'min_lifetime', 'server'] as const;

/** Where the settings live in parseIni's answer: a name no header line can produce. */
const TOP = '\n';

/** The longest min_lifetime: AWS gives role credentials at most 12 h. */
const MAX_MIN_LIFETIME_SECONDS = 12 * 3600;

export function parseProjectFile(text: string, file: string): ProjectSettings {
  if (text.charCodeAt(0) === 0xfeff) {
    throw new ConfigError(`${file} starts with a UTF-8 byte order mark (BOM). Save it as UTF-8 without a BOM.`);
  }
  let sections;
  try {
    sections = parseIni(text, file, { headerless: TOP });
  } catch (error) {
    if (!isMfaExecError(error, 'config')) throw error;
    // Its wording is for the AWS files; this one is read by mfa-exec alone.
    throw new ConfigError(error.message.replace(/; the AWS CLI refuses this file too\.$/, '.'), { cause: error });
  }
  const values = sections.get(TOP)!;
  const settings: ProjectSettings = {};
  for (const [key, value] of values) {
    const bad = (what: string) => new ConfigError(`${file}: ${key} = '${printable(value)}' ${what}`);
    switch (key) {
      case 'profile':
        if (value === '') throw bad('names no profile. Name one, or remove the line.');
        settings.profile = value;
        break;
      case 'allowed_account_ids':
        settings.allowedAccountIds = accountIds(value, bad);
        break;
      case 'confirm':
        settings.confirm = confirmSetting(value, bad);
        break;
      case 'min_lifetime':
        settings.minLifetimeSeconds = minLifetime(value, bad);
        break;
      case 'server': {
        const flag = boolean(value);
        if (flag === undefined) throw bad('is neither true nor false.');
        settings.server = flag;
        break;
      }
      default:
        throw new ConfigError(
          `${file}: '${printable(key)}' is not a setting of a project file (they are: ${SETTINGS.join(', ')}). Fix or remove the line.`,
        );
    }
  }
  return settings;
}

/** `true` / `false` as botocore reads a boolean setting (any case); undefined for anything else. */
export function boolean(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** Items separated by commas or line breaks, trimmed, empty ones dropped. */
function items(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function accountIds(value: string, bad: (what: string) => ConfigError): string[] {
  const ids = value.split(/[\s,]+/).filter((id) => id !== '');
  if (ids.length === 0) throw bad('lists no account. List the 12-digit IDs allowed here, or remove the line.');
  const wrong = ids.find((id) => !/^\d{12}$/.test(id));
  if (wrong !== undefined) throw bad(`holds '${printable(wrong)}', which is not a 12-digit AWS account ID.`);
  return [...new Set(ids)];
}

function confirmSetting(value: string, bad: (what: string) => ConfigError): ConfirmSetting {
  const list = items(value);
  if (list.length === 0) throw bad('says nothing: write true, false, or the commands to confirm (terragrunt apply, …).');
  const flag = list.length === 1 ? boolean(list[0]!) : undefined;
  if (flag !== undefined) return { on: flag, patterns: [] };
  // `confirm = no` must not read as a command named `no` (and so as confirmation on).
  if (list.length === 1 && /^(yes|no|on|off|1|0)$/i.test(list[0]!))
    throw bad('is not true or false (botocore booleans are those two words).');
  const flagAmong = list.find((item) => boolean(item) !== undefined);
  if (flagAmong !== undefined && flagAmong.toLowerCase() === 'false') {
    throw bad('mixes false with commands to confirm. Write false alone, or the commands.');
  }
  // `true, terragrunt apply`: the built-in list is on with commands too; `true` says nothing more.
  return { on: true, patterns: list.filter((item) => boolean(item) === undefined).map((p) => p.split(/\s+/).join(' ')) };
}

function minLifetime(value: string, bad: (what: string) => ConfigError): number {
  if (/^0+$/.test(value.trim())) return 0;
  let seconds: number;
  try {
    seconds = parseDuration(value, 'min_lifetime');
  } catch {
    throw bad('is not a duration: write seconds (1800) or units (30m, 1h), or 0 for none.');
  }
  if (seconds > MAX_MIN_LIFETIME_SECONDS) throw bad('is longer than the 12 h AWS gives role credentials at most.');
  return seconds;
}
