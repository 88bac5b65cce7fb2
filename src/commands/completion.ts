/**
 * `mfa-exec completion bash|zsh|fish`: a completion script for the shell. Each script is a small
 * adapter that asks `mfa-exec completion words -- WORD…` for the candidates (completion-words.ts
 * decides them from the commands' table, the profiles in the AWS files and the prompts' names), so it never goes
 * stale when mfa-exec is updated. The answer's first line says what it is: `:words` (the
 * candidates follow, one a line), or `:files`, `:dirs`, `:commands` for the shell to complete
 * itself (exec's target and its arguments, --dir, shim names).
 */
import { loadAwsFiles } from '../aws-config/load.ts';
import { UsageError } from '../errors.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { DRIVERS } from '../prompt/drivers.ts';
import { completeWords } from './completion-words.ts';
import type { CommandHelp, CommandInput } from './types.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec completion bash|zsh|fish             a shell completion script (docs/commands.md: where)'],
  more: [
    'bash: eval "$(mfa-exec completion bash)" in ~/.bashrc; zsh: eval "$(mfa-exec completion zsh)"',
    'in ~/.zshrc after compinit; fish: mfa-exec completion fish > ~/.config/fish/completions/mfa-exec.fish.',
    'The scripts ask `mfa-exec completion words -- WORD…` for the candidates: subcommands, options,',
    'and profile names from the AWS config files.',
  ],
};

const SCRIPTS: Readonly<Record<string, string>> = {
  bash: `# mfa-exec completion for bash: eval "$(mfa-exec completion bash)" in ~/.bashrc
_mfa_exec() {
  local cur=\${COMP_WORDS[COMP_CWORD]} kind IFS=$'\\n'
  local -a out
  out=($("\${COMP_WORDS[0]}" completion words -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)) || return 0
  kind=\${out[0]}
  case $kind in
    :files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    :dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    :commands) COMPREPLY=($(compgen -c -- "$cur")) ;;
    *) COMPREPLY=("\${out[@]:1}") ;;
  esac
}
complete -F _mfa_exec mfa-exec
`,
  zsh: `#compdef mfa-exec
# mfa-exec completion for zsh: eval "$(mfa-exec completion zsh)" in ~/.zshrc (after compinit),
# or save it as _mfa-exec in a directory of $fpath.
_mfa_exec() {
  local -a out
  out=("\${(@f)$("\${words[1]}" completion words -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  case \${out[1]} in
    :files) _files ;;
    :dirs) _files -/ ;;
    :commands) _command_names -e ;;
    :words) (( \${#out} > 1 )) && compadd -- "\${(@)out[2,-1]}" ;;
  esac
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _mfa_exec "$@"
else
  compdef _mfa_exec mfa-exec
fi
`,
  fish: `# mfa-exec completion for fish: mfa-exec completion fish > ~/.config/fish/completions/mfa-exec.fish
function __mfa_exec_complete
    set -l typed (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($typed[1] completion words -- $typed[2..-1] "$current" 2>/dev/null)
    switch "$out[1]"
        case :files
            __fish_complete_path "$current"
        case :dirs
            __fish_complete_directories "$current"
        case :commands
            __fish_complete_command "$current"
        case :words
            printf '%s\\n' $out[2..-1]
    end
end
complete -c mfa-exec -f -a '(__mfa_exec_complete)'
`,
};

export function run({ args, catalog }: CommandInput, rt: Runtime): number {
  const [action, ...words] = args;
  if (action === 'words') {
    if (!catalog) throw new Error('completion needs the command table');
    const profiles = () => [...loadAwsFiles(rt.env, rt.homedir, rt.cwd).profiles.keys()].sort();
    let names: string[] | undefined;
    const answer = completeWords(words, catalog.commands, () => (names ??= profiles()), Object.keys(DRIVERS));
    rt.out(answer.kind === 'words' ? [':words', ...answer.words].join('\n') + '\n' : `:${answer.kind}\n`);
    return 0;
  }
  const script = action === undefined ? undefined : Object.hasOwn(SCRIPTS, action) ? SCRIPTS[action] : undefined;
  if (script === undefined) {
    throw new UsageError(`'mfa-exec completion' takes bash, zsh or fish${action === undefined ? '' : `, not '${action}'`}.`);
  }
  if (words.length > 0) throw new UsageError(`'mfa-exec completion ${action}' takes no more words, and was given '${words.join("', '")}'.`);
  rt.out(script);
  return 0;
}
