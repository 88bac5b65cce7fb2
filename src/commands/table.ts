/**
 * The subcommands: one entry each, in the order `--help` lists them. The parser (invocation.ts)
 * reads their names, the options and words each takes, cli.ts dispatches on them, `help` and
 * shell completion (`completion bash|zsh|fish`) read them. A command is its file in this folder
 * (exporting `run` and `help`) plus its entry here; only a command a cached run needs is warm
 * (its `run` imported here, so it is in the warm bundle), every other is loaded by its file name
 * on demand.
 */
import type { OptionName } from '../options.ts';
import { run as credentialProcess } from './credential-process.ts';
import { run as env } from './env.ts';
import { run as exec } from './exec.ts';
import { run as list } from './list.ts';
import { run as status } from './status.ts';
import type { CommandEntry } from './types.ts';

/** What every command that resolves a plan takes: the durations are part of a cache entry's identity. */
const PLAN: readonly OptionName[] = ['duration', 'session-duration', 'no-session'];
/** What every command that may fetch credentials takes. */
const CREDENTIALS: readonly OptionName[] = [...PLAN, 'mfa-token'];

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'exec', options: [...CREDENTIALS, 'region', 'server'], args: ['COMMAND…'], warm: exec },
  { name: 'env', aliases: ['export'], options: [...CREDENTIALS, 'region', 'format'], args: ['PROFILE'], warm: env },
  { name: 'credential-process', options: [...CREDENTIALS, 'region'], args: ['PROFILE'], warm: credentialProcess },
  { name: 'status', options: [...PLAN, 'json'], args: ['PROFILE'], warm: status },
  { name: 'login', options: [...CREDENTIALS, 'no-browser'], args: ['PROFILE'] },
  { name: 'list', options: ['json'], args: [], warm: list },
  { name: 'clear', options: [], args: ['PROFILE'] },
  { name: 'shim', options: ['dir'], args: ['ACTION', 'NAME…'], actions: ['install', 'list', 'remove'] },
  { name: 'doctor', options: [], args: [], file: 'doctor/doctor' },
  { name: 'add', options: ['backend', 'env'], args: ['PROFILE'] },
  { name: 'import', options: ['backend'], args: ['PROFILE…'] },
  { name: 'remove', options: ['backend', 'yes'], args: ['PROFILE'] },
  { name: 'rotate', options: ['mfa-token', 'backend'], args: ['PROFILE'] },
  { name: 'allow', options: [], args: ['PATH'] },
  { name: 'deny', options: [], args: ['PATH'] },
  { name: 'console', options: [...CREDENTIALS, 'region', 'stdout', 'path', 'service'], args: ['PROFILE'] },
  { name: 'help', options: [], args: ['SUBCOMMAND'] },
  { name: 'version', options: [], args: [] },
  { name: 'completion', options: [], args: ['ACTION', 'NAME…'], actions: ['bash', 'zsh', 'fish'] },
];

/** The entry named (or aliased) `word`. */
export function commandNamed(word: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === word || c.aliases?.includes(word));
}

/**
 * The warm commands, each a bit of the code cache's first byte (boot.ts keeps the code compiled
 * by each); undefined for a command loaded on demand.
 */
export function warmBit(entry: CommandEntry): number | undefined {
  const index = COMMANDS.filter((c) => c.warm).indexOf(entry);
  return index < 0 ? undefined : index;
}
