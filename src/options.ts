/**
 * The options of the command line: every option once (its field, short form, how its value is
 * read), and the object the parser (commands/invocation.ts) fills and every command reads.
 */
import { parseDuration } from './duration.ts';

export interface Options {
  profile?: string;
  /** Role credential lifetime in seconds (-d/--duration). */
  duration?: number;
  /** MFA session lifetime in seconds (--session-duration). */
  sessionDuration?: number;
  mfaToken?: string;
  noSession: boolean;
  region?: string;
  debug: boolean;
  server: boolean;
  format?: string;
  json: boolean;
  dir?: string;
  /** --backend keyring|file: the key store (add, import, remove, rotate). */
  backend?: string;
  /** add --env: the keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  fromEnv: boolean;
  /** remove --yes: no confirmation. */
  yes: boolean;
  help: boolean;
  version: boolean;
}

export function defaultOptions(): Options {
  return { noSession: false, debug: false, server: false, json: false, fromEnv: false, yes: false, help: false, version: false };
}

/** One option: the field it sets, its one-letter form, and how its value is read (none: a flag). */
export interface OptionSpec {
  key: keyof Options;
  short?: string;
  /** Another one-letter form (`-V` for --version, as many tools spell it). */
  alsoShort?: string;
  value?: (text: string, flag: string) => unknown;
}

const text = (v: string) => v;

/** Every option, by its long name. Which commands take which: src/commands/table.ts. */
export const OPTIONS = {
  profile: { key: 'profile', short: 'p', value: text },
  duration: { key: 'duration', short: 'd', value: parseDuration },
  'session-duration': { key: 'sessionDuration', value: parseDuration },
  'mfa-token': { key: 'mfaToken', value: text },
  'no-session': { key: 'noSession' },
  region: { key: 'region', value: text },
  server: { key: 'server' },
  format: { key: 'format', value: text },
  json: { key: 'json' },
  dir: { key: 'dir', value: text },
  backend: { key: 'backend', value: text },
  env: { key: 'fromEnv' },
  yes: { key: 'yes' },
  debug: { key: 'debug' },
  help: { key: 'help', short: 'h' },
  version: { key: 'version', short: 'v', alsoShort: 'V' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** The options every command takes, besides its own. */
export const COMMON_OPTIONS: readonly OptionName[] = ['profile', 'debug', 'help', 'version'];
