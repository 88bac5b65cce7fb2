/**
 * `mfa-exec help [COMMAND]`, `mfa-exec --help` and `mfa-exec COMMAND --help`. The whole help is
 * every command's Usage lines (its file's `help`, in the order of table.ts) around what every
 * command shares: the options, the environment, the exit codes. One command's help is its lines
 * and the options it takes (its entry in the table), nothing else. Loaded on demand (with the
 * commands' files): none of it is in the warm bundle.
 */
import { UsageError } from '../errors.ts';
import type { OptionName } from '../options.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandEntry, CommandHelp, CommandInput } from './types.ts';

export const help: CommandHelp = {
  usage: ["mfa-exec help [COMMAND]                       this help, or one command's (also: COMMAND --help)"],
};

export async function run({ args, catalog }: CommandInput, rt: Runtime): Promise<number> {
  if (!catalog) throw new Error('help needs the command table');
  const [name] = args;
  if (name === undefined) {
    const modules = await Promise.all(catalog.commands.map(catalog.load));
    rt.out(helpText(modules.flatMap((m, i) => [...m.help.usage, ...aliasLines(catalog.commands[i]!)])));
    return 0;
  }
  const entry = catalog.commands.find((c) => c.name === name || c.aliases?.includes(name));
  if (!entry) {
    throw new UsageError(`'${name}' is not an mfa-exec command; the commands are ${catalog.commands.map((c) => c.name).join(', ')}.`);
  }
  rt.out(commandHelpText(entry, (await catalog.load(entry)).help));
  return 0;
}

/**
 * The Options block, one entry per option in the order shown (every option in options.ts must
 * have one: the type says so); a command's help shows those it takes.
 */
const OPTION_LINES = {
  profile: `-p, --profile NAME        profile from ~/.aws/config (default: $MFA_EXEC_PROFILE, $AWS_PROFILE,
                            $AWS_DEFAULT_PROFILE, then 'default')`,
  duration: `-d, --duration DUR        role credential lifetime: 3600, 15m, 1h (default: $AWS_ASSUME_ROLE_TTL,
                            duration_seconds, then 1h)`,
  'session-duration': `    --session-duration DUR  MFA session lifetime (default: $MFA_EXEC_SESSION_DURATION, aws-vault's
                            $AWS_CHAINED_SESSION_TOKEN_TTL / $AWS_SESSION_TOKEN_TTL, then 8h)`,
  'mfa-token': '    --mfa-token CODE      MFA code to use instead of prompting',
  'no-session': '    --no-session          call AssumeRole with the MFA code directly, without an MFA session',
  region: '    --region REGION       set AWS_REGION / AWS_DEFAULT_REGION for the command',
  server: '    --server              serve refreshing credentials to the command (container protocol)',
  format: '    --format F            env: sh (default), fish, powershell, dotenv, json, terragrunt',
  json: '    --json                status, list: machine-readable output',
  dir: '    --dir DIR             shim: the shim directory (default ~/.local/share/mfa-exec/shims)',
  backend: `    --backend keyring|file  key store for add/import/remove/rotate (default: the OS keyring
                            when one answers, else encrypted files)`,
  env: '    --env                 add: take the keys from the environment',
  yes: '    --yes                 remove: do not ask to confirm',
  'no-browser': '    --no-browser          login: sign in with a device code instead of opening a browser here',
  prompt: `    --prompt NAME         who is asked: auto (default: the terminal, else a desktop dialog),
                            terminal, desktop, zenity, kdialog, osascript, ykman, none (never)`,
  stdout: '-s, --stdout              console: print the sign-in URL instead of opening it',
  path: '    --path PATH           console: the page to open (s3/home)',
  service: '    --service NAME        console: the service to open (s3, ec2, iam, …)',
  debug: '    --debug               explain each resolution step on stderr (never secrets)',
  help: '-h, --help                show this help',
  version: '-v, -V, --version         show the version',
} as const satisfies Record<OptionName, string>;

function optionsBlock(names: readonly OptionName[]): string {
  return (Object.entries(OPTION_LINES) as [OptionName, string][])
    .filter(([name]) => names.includes(name))
    .map(([, text]) => `  ${text}\n`)
    .join('');
}

/** A command's other names, under its usage lines in the whole help. */
function aliasLines(entry: CommandEntry): string[] {
  return entry.aliases?.length ? [`${' '.repeat(46)}(also: ${entry.aliases.map((a) => `mfa-exec ${a}`).join(', ')})`] : [];
}

/** `COMMAND --help`: its usage lines and the options it takes. */
export function commandHelpText(entry: CommandEntry, commandHelp: CommandHelp): string {
  const aliases = entry.aliases?.length ? `\n(also: ${entry.aliases.map((a) => `mfa-exec ${a}`).join(', ')})\n` : '';
  const more = commandHelp.more ? `\n${commandHelp.more.join('\n')}\n` : '';
  // -p only where a profile is used (a PROFILE word, or exec's); every command takes it, most ignore it.
  const profile = entry.args.some((a) => a.startsWith('PROFILE') || a === 'COMMAND…');
  const options: OptionName[] = [...(profile ? (['profile', 'prompt'] as const) : []), ...entry.options, 'debug', 'help'];
  return `Usage:
${commandHelp.usage.map((line) => `  ${line}\n`).join('')}${aliases}${more}
Options:
${optionsBlock(options)}
The environment and the exit codes: mfa-exec help. More: docs/commands.md.
`;
}

/** The whole help text around `usage`, the commands' Usage lines in order. */
export function helpText(usage: readonly string[]): string {
  return `mfa-exec — run commands with MFA-backed AWS role credentials

Usage:
${usage.map((line) => `  ${line}\n`).join('')}
Options may also come before the subcommand (mfa-exec -p prod status); a program named like a
subcommand goes after -- (mfa-exec -p prod -- env). One command's usage: mfa-exec help COMMAND.

Options:
${optionsBlock(Object.keys(OPTION_LINES) as OptionName[])}

Environment:
  MFA_EXEC_PROFILE, AWS_PROFILE, AWS_DEFAULT_PROFILE   profile for shims
  MFA_EXEC_MFA_TOKEN        MFA code for automation (after --mfa-token)
  MFA_EXEC_MFA_DIGITS       code length, 6 (default) to 8
  MFA_EXEC_SESSION_DURATION MFA session lifetime
  MFA_EXEC_SERVER=1         same as --server (for shims)
  MFA_EXEC_DISABLE=1        shims run the real program straight through, nothing injected
  MFA_EXEC_STS_TIMEOUT      seconds per STS attempt (default 10)
  MFA_EXEC_MFA_PROCESS_TIMEOUT  seconds mfa_process may take (default 60)
  MFA_EXEC_DEBUG=1          same as --debug
  MFA_EXEC_CONFIRMED        an account ID: its destructive commands run without the question
                            (a job without a terminal; see docs/guardrails.md)
  MFA_EXEC_PROMPT           same as --prompt (for shims, IDEs, agents: none)
  MFA_EXEC_PROMPT_TIMEOUT   how long a dialog or a YubiKey may take to answer (default 2m)
  MFA_EXEC_FEDERATION_URL   console: the federation endpoint (default: the partition's)
  MFA_EXEC_BACKEND          key store: keyring or file (else AWS_VAULT_BACKEND=file|keychain|
                            secret-service|wincred, else the keyring when one answers)
  MFA_EXEC_FILE_PASSPHRASE  passphrase of the encrypted key files (else AWS_VAULT_FILE_PASSPHRASE,
                            else asked through the prompt, not shown)
  AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM,
  XDG_CACHE_HOME, XDG_DATA_HOME
  AWS_ASSUME_ROLE_TTL, AWS_SESSION_TOKEN_TTL, AWS_CHAINED_SESSION_TOKEN_TTL   aws-vault's lifetimes
  AWS_VAULT_BACKEND, AWS_VAULT_FILE_PASSPHRASE   aws-vault's key store settings (see MFA_EXEC_BACKEND)
  AWS_VAULT_PROMPT          aws-vault's --prompt: terminal, zenity, kdialog, osascript, ykman
                            honoured (after MFA_EXEC_PROMPT); other names: a warning line
  AWS_VAULT                 set in the command mfa-exec runs: its profile; with no profile
                            selected, status, env and the others use it

Exit codes: the command's own; 128+N if a signal N killed it; 64 usage, 65 bad MFA code,
66 nobody to ask (or no answer in time), 69 STS or the sign-in endpoint unreachable,
73 cache unusable, 74 key store unusable, 75 lock timeout, 77 AWS refused, 78 config error,
79 wrong key store passphrase, 80 refused by a guardrail (an account not allowed here, a
destructive command not confirmed), 126 cannot execute, 127 not found, 130 prompt cancelled
(Ctrl-C, a dialog's Cancel).
Shell completion: mfa-exec completion bash|zsh|fish (docs/commands.md says where to put it).
`;
}
