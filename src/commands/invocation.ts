/**
 * argv → what to do. Pure: takes the argument vector and the path we were invoked as.
 *
 * Invoked as `mfa-exec` (or as the bundle file itself) we parse options and a subcommand.
 * Invoked under any other name (a symlink such as shims/terraform) we are a shim: the target
 * is that name and every argument belongs to it untouched.
 */
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { isShimName } from '../own-names.ts';
import { COMMON_OPTIONS, defaultOptions, OPTIONS, type OptionName, type Options, type OptionSpec } from '../options.ts';
import { commandNamed } from './table.ts';
import type { CommandEntry } from './types.ts';

export type Invocation =
  | { kind: 'shim'; name: string; args: string[] }
  | {
      kind: 'command';
      /** The command's name in the table (commands/table.ts), also when it was given by an alias. */
      command: string;
      /** The command word was given (false: `exec` is meant because none was). */
      named: boolean;
      options: Options;
      args: string[];
      /**
       * aws-vault's `exec PROFILE -- cmd …` (or `exec PROFILE` alone): the first word may be a
       * profile rather than the command. Only the config files can tell; exec decides with them.
       */
      profileFirst?: { profile: string; command: string[] };
    };

export function parseInvocation(argv: readonly string[], invokedAs: string): Invocation {
  if (isShimName(invokedAs)) return { kind: 'shim', name: path.basename(invokedAs), args: [...argv] };
  return parseCommandLine(argv);
}

const BY_SHORT = new Map(
  Object.entries(OPTIONS).flatMap(([long, spec]: [string, OptionSpec]) =>
    [spec.short, spec.alsoShort].flatMap((short) => (short ? [[short, long as OptionName] as const] : [])),
  ),
);

/** Whether `command` takes the option (its own, or one every command takes). */
function takes(command: CommandEntry, option: OptionName): boolean {
  return COMMON_OPTIONS.includes(option) || command.options.includes(option);
}

/**
 * `mfa-exec [options] [command] [options] [--] [args…]`. Without a command word, `exec` is meant.
 * The command word may follow options (`mfa-exec -p prod status`); to run a program named like a
 * subcommand, put it after `--`. For exec, the first word that is not an option starts the target
 * command: everything from there on is the target's, so `mfa-exec -p prod terraform plan -out x`
 * works without `--`.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const at = commandWordIndex(argv);
  const entry = commandNamed(at < 0 ? 'exec' : argv[at]!)!;
  const command = entry.name;
  // exec: the first word that is not an option starts the target command (table.ts: COMMAND…).
  const takesCommand = entry.args[0] === 'COMMAND…';
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
      if (takesCommand) {
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
    const long = longName(flag);
    const spec = long && OPTIONS[long];
    if (!long || !spec || !takes(entry, long)) {
      throw new UsageError(`Unknown option '${flag}' for 'mfa-exec ${command}'.`);
    }
    if (!('value' in spec)) {
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
  if (!takesCommand && !options.help) takeWords(entry, args, options);
  const named = at >= 0;
  return profileFirst
    ? { kind: 'command', command, named, options, args, profileFirst }
    : { kind: 'command', command, named, options, args };
}

/**
 * The words after a command other than exec, checked against what its entry takes (table.ts
 * `args`): a word more than it takes is a usage error naming it, never silently ignored. A
 * PROFILE word is the command's profile, as if given with --profile (aws-vault's `status
 * PROFILE`, `clear PROFILE`); both, naming two profiles, is an error.
 */
function takeWords(entry: CommandEntry, args: string[], options: Options): void {
  let i = 0;
  for (const arg of entry.args) {
    if (arg.endsWith('…')) return; // takes every word left
    if (i >= args.length) return;
    i++;
  }
  if (i < args.length) {
    const extra = args.slice(i);
    const words = extra.map((w) => `'${w}'`).join(', ');
    throw new UsageError(
      entry.args.length === 0
        ? `'mfa-exec ${entry.name}' takes no arguments, and was given ${words}.`
        : `'mfa-exec ${entry.name}' takes ${entry.args.join(' ')} at most, and was given ${extra.length === 1 ? 'a word' : 'words'} more: ${words}.`,
    );
  }
  const at = entry.args.indexOf('PROFILE');
  if (at < 0 || args[at] === undefined) return;
  const [word] = args.splice(at, 1) as [string];
  if (word === '') throw new UsageError(`'mfa-exec ${entry.name}' was given an empty profile name.`);
  if (options.profile !== undefined && options.profile !== word) {
    throw new UsageError(`'mfa-exec ${entry.name}' was given two profiles: '${word}' and --profile '${options.profile}'; give one.`);
  }
  options.profile = word;
}

/**
 * Where the subcommand word is: the first word that is not an option or an option's value, if it
 * names a subcommand; -1 when there is none (exec) or when `--` or an unknown option comes first.
 */
function commandWordIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return -1;
    if (!word.startsWith('-') || word === '-') return commandNamed(word) ? i : -1;
    const [flag, inline] = splitFlag(word);
    const long = longName(flag);
    if (!long) return -1;
    if ('value' in OPTIONS[long] && inline === undefined) i++;
  }
  return -1;
}

/** The long name of `--name` or `-x`, if it is an option at all. */
function longName(flag: string): OptionName | undefined {
  const long = flag.startsWith('--') ? flag.slice(2) : BY_SHORT.get(flag.slice(1));
  return long !== undefined && Object.hasOwn(OPTIONS, long) ? (long as OptionName) : undefined;
}

function splitFlag(word: string): [string, string | undefined] {
  const eq = word.indexOf('=');
  return eq > 0 && word.startsWith('--') ? [word.slice(0, eq), word.slice(eq + 1)] : [word, undefined];
}
