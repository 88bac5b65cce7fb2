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
import { defaultOptions, type Options } from './options.ts';

export { defaultOptions, type Options };

export const COMMANDS = [
  'exec',
  'env',
  'credential-process',
  'status',
  'login',
  'list',
  'clear',
  'shim',
  'doctor',
  'add',
  'import',
  'remove',
  'rotate',
] as const;
export type CommandName = (typeof COMMANDS)[number];

export type Invocation =
  | { kind: 'shim'; name: string; args: string[] }
  | {
      kind: 'command';
      command: CommandName;
      options: Options;
      args: string[];
      /**
       * aws-vault's `exec PROFILE -- cmd …` (or `exec PROFILE` alone): the first word may be a
       * profile rather than the command. Only the config files can tell; exec decides with them.
       */
      profileFirst?: { profile: string; command: string[] };
    };

/** Names under which we are mfa-exec itself rather than a shim (the bin link, the bundle, the source). */
export const OWN_NAMES: ReadonlySet<string> = new Set(['mfa-exec', 'cli.js', 'cli.ts', 'mfa-exec.js']);

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
/** The durations are part of a cache entry's identity: status can look at the entries of any. */
const PLAN_COMMANDS: readonly CommandName[] = [...CREDENTIAL_COMMANDS, 'status'];

const OPTIONS: Record<string, OptionSpec> = {
  profile: { key: 'profile', short: 'p', value: (v) => v },
  duration: { key: 'duration', short: 'd', value: parseDuration, only: PLAN_COMMANDS },
  'session-duration': { key: 'sessionDuration', value: parseDuration, only: PLAN_COMMANDS },
  'mfa-token': { key: 'mfaToken', value: (v) => v, only: [...CREDENTIAL_COMMANDS, 'rotate'] },
  'no-session': { key: 'noSession', only: PLAN_COMMANDS },
  region: { key: 'region', value: (v) => v, only: ['exec', 'env', 'credential-process'] },
  server: { key: 'server', only: ['exec'] },
  format: { key: 'format', value: (v) => v, only: ['env'] },
  json: { key: 'json', only: ['status', 'list'] },
  dir: { key: 'dir', value: (v) => v, only: ['shim'] },
  backend: { key: 'backend', value: (v) => v, only: ['add', 'import', 'remove', 'rotate'] },
  env: { key: 'fromEnv', only: ['add'] },
  yes: { key: 'yes', only: ['remove'] },
  debug: { key: 'debug' },
  help: { key: 'help', short: 'h' },
  version: { key: 'version', short: 'v' },
};

const BY_SHORT = new Map(Object.entries(OPTIONS).flatMap(([long, spec]) => (spec.short ? [[spec.short, long] as const] : [])));

/**
 * `mfa-exec [options] [command] [options] [--] [args…]`. Without a command word, `exec` is meant.
 * The command word may follow options (`mfa-exec -p prod status`); to run a program named like a
 * subcommand, put it after `--`. For exec, the first word that is not an option starts the target
 * command: everything from there on is the target's, so `mfa-exec -p prod terraform plan -out x`
 * works without `--`.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const at = commandWordIndex(argv);
  const command: CommandName = at < 0 ? 'exec' : (argv[at] as CommandName);
  const words = at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)];
  const options = defaultOptions();
  const args: string[] = [];
  let profileFirst: { profile: string; command: string[] } | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      args.push(...words.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      if (command === 'exec') {
        if (at >= 0 && options.profile === undefined && (i === words.length - 1 || words[i + 1] === '--')) {
          profileFirst = { profile: word, command: words.slice(i + 2) };
        }
        args.push(...words.slice(i));
        break;
      }
      args.push(word);
      continue;
    }
    const [flag, inline] = splitFlag(word);
    const spec = specFor(flag);
    if (!spec || (spec.only && !spec.only.includes(command))) {
      throw new UsageError(`Unknown option '${flag}' for 'mfa-exec ${command}'.`);
    }
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`Option '${flag}' takes no value.`);
      (options as unknown as Record<string, unknown>)[spec.key] = true;
      continue;
    }
    const text = inline ?? words[++i];
    if (text === undefined || text === '' || (inline === undefined && text.startsWith('-') && text.length > 1)) {
      throw new UsageError(`Option '${flag}' needs a value.`);
    }
    (options as unknown as Record<string, unknown>)[spec.key] = spec.value(text, flag);
  }
  return profileFirst ? { kind: 'command', command, options, args, profileFirst } : { kind: 'command', command, options, args };
}

/**
 * Where the subcommand word is: the first word that is not an option or an option's value, if it
 * names a subcommand; -1 when there is none (exec) or when `--` or an unknown option comes first.
 */
function commandWordIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return -1;
    if (!word.startsWith('-') || word === '-') return (COMMANDS as readonly string[]).includes(word) ? i : -1;
    const [flag, inline] = splitFlag(word);
    const spec = specFor(flag);
    if (!spec) return -1;
    if (spec.value && inline === undefined) i++;
  }
  return -1;
}

function specFor(flag: string): OptionSpec | undefined {
  const long = flag.startsWith('--') ? flag.slice(2) : BY_SHORT.get(flag.slice(1));
  return long === undefined || !Object.hasOwn(OPTIONS, long) ? undefined : OPTIONS[long];
}

function splitFlag(word: string): [string, string | undefined] {
  const eq = word.indexOf('=');
  return eq > 0 && word.startsWith('--') ? [word.slice(0, eq), word.slice(eq + 1)] : [word, undefined];
}
