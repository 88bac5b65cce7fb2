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
  /** login --no-browser: an IAM Identity Center sign-in opens no browser (the device code, shown to open elsewhere). */
  noBrowser?: boolean;
  help: boolean;
  version: boolean;
  /** --prompt NAME: the prompt driver (settings.ts: wins over MFA_EXEC_PROMPT). */
  prompt?: string;
  /** console --stdout: print the sign-in URL instead of opening it. */
  stdout?: boolean;
  /** console --path: a console path (`s3/home`). */
  consolePath?: string;
  /** console --service: a console service by name (`s3`, `ec2`). */
  service?: string;
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
  'no-browser': { key: 'noBrowser' },
  debug: { key: 'debug' },
  help: { key: 'help', short: 'h' },
  version: { key: 'version', short: 'v', alsoShort: 'V' },
  prompt: { key: 'prompt', value: text },
  stdout: { key: 'stdout', short: 's' },
  path: { key: 'consolePath', value: text },
  service: { key: 'service', value: text },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** The options every command takes, besides its own. */
export const COMMON_OPTIONS: readonly OptionName[] = ['profile', 'debug', 'help', 'version', 'prompt'];
