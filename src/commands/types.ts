/** What a subcommand is to the table (table.ts), the parser (invocation.ts) and the dispatcher (cli.ts). */
import type { OptionName, Options } from '../options.ts';
import type { Runtime } from '../pipeline/runtime.ts';

/** What the command line gave a command. */
export interface CommandInput {
  options: Options;
  /** The words after the command word that are not options (exec: the target command and its arguments). */
  args: string[];
  /**
   * exec only: aws-vault's `exec PROFILE -- cmd …` (or `exec PROFILE` alone): the first word may be
   * a profile rather than the command. Only the config files can tell; exec decides with them.
   */
  profileFirst?: { profile: string; command: string[] };
  /**
   * The commands' table and a way to load any command's file, for the commands that describe the
   * others (help, completion): given by the dispatcher, since importing table.ts below the entry
   * would load every warm command again.
   */
  catalog?: Catalog;
}

export interface Catalog {
  commands: readonly CommandEntry[];
  load(entry: CommandEntry): Promise<CommandModule>;
}

/** A command's work; the number is the exit code. */
export type CommandRun = (input: CommandInput, rt: Runtime) => number | Promise<number>;

/** What `--help` shows of a command, and `COMMAND --help` / `help COMMAND`. */
export interface CommandHelp {
  /** Its lines of the Usage block, as shown (aligned descriptions included), without the indent. */
  usage: readonly string[];
  /** More about it, shown by `help COMMAND` only (lines without the indent). */
  more?: readonly string[];
}

/** What a command's file exports (the dispatcher and the help load it by its file name). */
export interface CommandModule {
  run: CommandRun;
  help: CommandHelp;
}

/**
 * A word a command takes after its options, as usage shows it: PROFILE (a profile name: shell
 * completion offers the config's; the parser makes it the command's --profile), PATH (a file or
 * directory), NAME (anything),
 * ACTION (one of the entry's `actions`), SUBCOMMAND (a name in the table: help's), COMMAND (exec:
 * the first word that is not an option starts the target command, and every word after it is
 * the target's); a trailing … means any number. Each word without … is optional and taken once:
 * a word more is a usage error (64) naming it.
 */
export type ArgName = 'PROFILE' | 'PROFILE…' | 'PATH' | 'ACTION' | 'NAME…' | 'SUBCOMMAND' | 'COMMAND…';

export interface CommandEntry {
  name: string;
  /** Other names for it (aws-vault's `export` for env, issue #18). */
  aliases?: readonly string[];
  /** The options it takes besides the common ones (options.ts COMMON_OPTIONS). */
  options: readonly OptionName[];
  args: readonly ArgName[];
  /** The verbs its ACTION may be (shell completion offers them; the command checks them). */
  actions?: readonly string[];
  /** Its file under src/commands/, without .ts (default: its name): it exports `run` and `help` (CommandModule). */
  file?: string;
  /**
   * Its `run`, when the command is in the warm bundle (a cached run must not load anything more);
   * absent: the file is loaded on demand (src/on-demand/commands.ts), its code and help never
   * in the warm bundle.
   */
  warm?: CommandRun;
}
