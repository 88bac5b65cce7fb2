/**
 * What the shell completion offers for the word under the cursor. Pure: the words typed after
 * `mfa-exec` (the last one is the word being completed, maybe empty), the commands' table and
 * the profile names in; the candidates out, or what the shell should complete itself (files,
 * directories, program names). The scripts that `mfa-exec completion bash|zsh|fish` prints ask
 * this through `mfa-exec completion words -- WORD…`, so the table is the one source of the
 * subcommands, the options each takes and the words after them, as for the parser and help.
 */
import { COMMON_OPTIONS, OPTIONS, type OptionName, type OptionSpec } from '../options.ts';
import { ENV_FORMATS } from './env-format.ts';
import type { CommandEntry } from './types.ts';

export type Completion =
  | { kind: 'words'; words: string[] }
  /** The shell completes these itself (exec's target command and its arguments, shim names, --dir). */
  | { kind: 'files' | 'dirs' | 'commands' };

/** What only the caller can know: the profiles in the AWS files (read when asked for), the prompts' names. */
export interface Known {
  profiles: () => string[];
  prompts: readonly string[];
}

/** The values an option's word may take, where they are known. */
function optionValues(option: OptionName, known: Known): Completion | undefined {
  switch (option) {
    case 'profile':
      return { kind: 'words', words: known.profiles() };
    case 'prompt':
      return { kind: 'words', words: [...known.prompts] };
    case 'format':
      return { kind: 'words', words: [...ENV_FORMATS] };
    case 'backend':
      return { kind: 'words', words: ['keyring', 'file'] };
    case 'dir':
      return { kind: 'dirs' };
    default:
      return undefined; // a duration, a code, a region: nothing to offer
  }
}

const SPECS = OPTIONS as Readonly<Record<OptionName, OptionSpec>>;
const takesValue = (option: OptionName) => 'value' in SPECS[option];

function optionNamed(word: string): OptionName | undefined {
  const flag = word.startsWith('--') ? word.slice(2) : undefined;
  if (flag !== undefined) return Object.hasOwn(OPTIONS, flag) ? (flag as OptionName) : undefined;
  const short = word.slice(1);
  return (Object.keys(OPTIONS) as OptionName[]).find((o) => SPECS[o].short === short || SPECS[o].alsoShort === short);
}

/** Every way to write the options `command` takes (all but exec's when no command word came yet). */
function optionWords(command: CommandEntry): string[] {
  return [...COMMON_OPTIONS, ...command.options].flatMap((o) => {
    const spec = SPECS[o];
    return [`--${o}`, ...[spec.short, spec.alsoShort].filter((s): s is string => !!s).map((s) => `-${s}`)];
  });
}

export function completeWords(
  typed: readonly string[],
  commands: readonly CommandEntry[],
  profiles: () => string[],
  prompts: readonly string[] = [],
): Completion {
  const known: Known = { profiles, prompts };
  const current = typed.at(-1) ?? '';
  const before = typed.slice(0, -1);
  const named = (word: string) => commands.find((c) => c.name === word || c.aliases?.includes(word));
  const exec = named('exec')!;

  // Options, then the command word (or exec's target, or `--`).
  let i = skipOptions(before, 0);
  if (typeof i !== 'number') return only(optionValues(i.option, known) ?? NOTHING, current);
  const first = before[i];
  if (first === undefined) {
    if (current.startsWith('-')) return only({ kind: 'words', words: optionWords(exec) }, current);
    return orElse(only({ kind: 'words', words: commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]) }, current), { kind: 'commands' });
  }
  const command = first === '--' ? undefined : named(first);
  if (command === undefined) return first === '--' ? afterDashes(before.slice(i + 1)) : { kind: 'files' }; // `mfa-exec terraform …`
  i++;

  if (command === exec) {
    // `exec [options] PROFILE [-- command…]` (aws-vault's form), or `exec [options] [--] command…`
    const at = skipOptions(before, i);
    if (typeof at !== 'number') return only(optionValues(at.option, known) ?? NOTHING, current);
    const rest = before.slice(at);
    if (rest.length === 0) {
      if (current.startsWith('-')) return only({ kind: 'words', words: optionWords(exec) }, current);
      return orElse(only({ kind: 'words', words: profiles() }, current), { kind: 'commands' });
    }
    if (rest[0] === '--') return afterDashes(rest.slice(1));
    if (profiles().includes(rest[0]!) && (rest.length === 1 || rest[1] === '--')) {
      return rest.length === 1 ? only({ kind: 'words', words: ['--'] }, current) : afterDashes(rest.slice(2));
    }
    return { kind: 'files' }; // the target's arguments
  }

  // Any other command: options anywhere, its words as its entry says.
  const positional: string[] = [];
  let dashes = false;
  for (; i < before.length; i++) {
    const word = before[i]!;
    if (!dashes && word === '--') dashes = true;
    else if (!dashes && word.startsWith('-') && word !== '-') {
      const option = optionNamed(word);
      if (option && takesValue(option) && !word.includes('=')) {
        if (i === before.length - 1) return only(optionValues(option, known) ?? NOTHING, current);
        i++;
      }
    } else positional.push(word);
  }
  if (current.startsWith('-') && !dashes) return only({ kind: 'words', words: optionWords(command) }, current);
  const args = command.args;
  const arg = positional.length < args.length ? args[positional.length] : args.at(-1)?.endsWith('…') ? args.at(-1) : undefined;
  switch (arg) {
    case 'PROFILE':
      return only({ kind: 'words', words: profiles() }, current);
    case 'PROFILE…':
      return only({ kind: 'words', words: profiles().filter((p) => !positional.includes(p)) }, current);
    case 'ACTION':
      return only({ kind: 'words', words: [...(command.actions ?? [])] }, current);
    case 'SUBCOMMAND':
      return only({ kind: 'words', words: commands.map((c) => c.name) }, current);
    case 'PATH':
      return { kind: 'files' };
    case 'NAME…':
      return command.name === 'shim' ? { kind: 'commands' } : NOTHING;
    default:
      return NOTHING;
  }
}

const NOTHING: Completion = { kind: 'words', words: [] };

/** After exec's `--`: the command's name, then its arguments. */
function afterDashes(target: readonly string[]): Completion {
  return target.length === 0 ? { kind: 'commands' } : { kind: 'files' };
}

/**
 * The index of the first word at or after `from` that is not an option or an option's value, or
 * the option whose value is the word being completed.
 */
function skipOptions(words: readonly string[], from: number): number | { option: OptionName } {
  let i = from;
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--' || !word.startsWith('-') || word === '-') return i;
    const option = word.includes('=') ? undefined : optionNamed(word);
    if (option && takesValue(option)) {
      if (i === words.length - 1) return { option };
      i++;
    }
  }
  return i;
}

function orElse(completion: Completion, fallback: Completion): Completion {
  return completion.kind === 'words' && completion.words.length === 0 ? fallback : completion;
}

/** The candidates that start with what was typed. */
function only(completion: Completion, current: string): Completion {
  return completion.kind === 'words' ? { kind: 'words', words: completion.words.filter((w) => w.startsWith(current)) } : completion;
}
