/**
 * argv → what to do. Pure: takes the argument vector and the path we were invoked as.
 *
 * Invoked as `mfa-exec` (or as the bundle file itself) we parse options and a subcommand.
 * Invoked under any other name (a symlink such as shims/terraform) we are a shim: the target
 * is that name and every argument belongs to it untouched.
 */
import path from 'node:path';
import { parseDuration } from './duration.ts';
import { UsageError } from './errors.ts';

export const COMMANDS = ['exec', 'env', 'credential-process', 'status', 'login', 'list', 'clear', 'shim', 'doctor'] as const;
export type CommandName = (typeof COMMANDS)[number];

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
  help: boolean;
  version: boolean;
}

export type Invocation =
  { kind: 'shim'; name: string; args: string[] } | { kind: 'command'; command: CommandName; options: Options; args: string[] };

/** Names under which we are mfa-exec itself rather than a shim (the bin link, the bundle, the source). */
export const OWN_NAMES: ReadonlySet<string> = new Set(['mfa-exec', 'cli.js', 'cli.ts', 'mfa-exec.js']);

export function defaultOptions(): Options {
  return { noSession: false, debug: false, server: false, json: false, help: false, version: false };
}

export function parseInvocation(argv: readonly string[], invokedAs: string): Invocation {
  const name = path.basename(invokedAs);
  if (!OWN_NAMES.has(name)) return { kind: 'shim', name, args: [...argv] };
  return parseCommandLine(argv);
}

interface OptionSpec {
  key: keyof Options;
  short?: string;
  value?: (text: string, flag: string) => unknown;
  /** Commands that accept it; undefined means every command. */
  only?: readonly CommandName[];
}

const CREDENTIAL_COMMANDS: readonly CommandName[] = ['exec', 'env', 'credential-process', 'login'];

const OPTIONS: Record<string, OptionSpec> = {
  profile: { key: 'profile', short: 'p', value: (v) => v },
  duration: { key: 'duration', short: 'd', value: parseDuration, only: CREDENTIAL_COMMANDS },
  'session-duration': { key: 'sessionDuration', value: parseDuration, only: CREDENTIAL_COMMANDS },
  'mfa-token': { key: 'mfaToken', value: (v) => v, only: CREDENTIAL_COMMANDS },
  'no-session': { key: 'noSession', only: CREDENTIAL_COMMANDS },
  region: { key: 'region', value: (v) => v, only: ['exec', 'env', 'credential-process'] },
  server: { key: 'server', only: ['exec'] },
  format: { key: 'format', value: (v) => v, only: ['env'] },
  json: { key: 'json', only: ['status', 'list'] },
  dir: { key: 'dir', value: (v) => v, only: ['shim'] },
  debug: { key: 'debug' },
  help: { key: 'help', short: 'h' },
  version: { key: 'version', short: 'v' },
};

const BY_SHORT = new Map(Object.entries(OPTIONS).flatMap(([long, spec]) => (spec.short ? [[spec.short, long] as const] : [])));

/**
 * `mfa-exec [command] [options] [--] [args…]`. Without a command word, `exec` is meant.
 * For exec, the first word that is not an option starts the target command: everything from
 * there on is the target's, so `mfa-exec -p prod terraform plan -out x` works without `--`.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  let i = 0;
  let command: CommandName = 'exec';
  const first = argv[0];
  if (first !== undefined && (COMMANDS as readonly string[]).includes(first)) {
    command = first as CommandName;
    i = 1;
  }
  const options = defaultOptions();
  const args: string[] = [];
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      if (command === 'exec') {
        args.push(...argv.slice(i));
        break;
      }
      args.push(word);
      continue;
    }
    const [flag, inline] = splitFlag(word);
    const long = flag.startsWith('--') ? flag.slice(2) : BY_SHORT.get(flag.slice(1));
    const spec = long === undefined ? undefined : OPTIONS[long];
    if (!spec || (spec.only && !spec.only.includes(command))) {
      throw new UsageError(`Unknown option '${flag}' for 'mfa-exec ${command}'.`);
    }
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`Option '${flag}' takes no value.`);
      (options as unknown as Record<string, unknown>)[spec.key] = true;
      continue;
    }
    const text = inline ?? argv[++i];
    if (text === undefined || text === '' || (inline === undefined && text.startsWith('-') && text.length > 1)) {
      throw new UsageError(`Option '${flag}' needs a value.`);
    }
    (options as unknown as Record<string, unknown>)[spec.key] = spec.value(text, flag);
  }
  return { kind: 'command', command, options, args };
}

function splitFlag(word: string): [string, string | undefined] {
  const eq = word.indexOf('=');
  return eq > 0 && word.startsWith('--') ? [word.slice(0, eq), word.slice(eq + 1)] : [word, undefined];
}
