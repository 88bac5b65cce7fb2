/**
 * The subcommands that are not in the warm bundle, and `--help`: each command's file is loaded
 * by its name in the table (src/commands/table.ts, which cli.ts passes in: importing it here
 * would load every warm command again) with one import(). The build makes this the entry of
 * dist/on-demand/commands.js; esbuild makes each file under src/commands/ a chunk of its own (a
 * glob import), so `login` never parses `rotate` and its IAM SDK.
 */
import type { CommandEntry, CommandInput, CommandModule } from '../commands/types.ts';
import type { Runtime } from '../pipeline/runtime.ts';

function load(entry: CommandEntry): Promise<CommandModule> {
  return import(`../commands/${entry.file ?? entry.name}.ts`) as Promise<CommandModule>;
}

/** Runs `entry`; `commands` (the table) is handed on to the commands that describe the others (help, completion). */
export async function runCommand(
  entry: CommandEntry,
  input: CommandInput,
  rt: Runtime,
  commands: readonly CommandEntry[],
): Promise<number> {
  return (await load(entry)).run({ ...input, catalog: { commands, load } }, rt);
}
