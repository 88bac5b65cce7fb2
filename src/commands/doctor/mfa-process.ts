/**
 * doctor: an mfa_process that puts a secret on a command line. A process's arguments are public
 * on Linux (any local user reads /proc/<pid>/cmdline), so `oathtool --totp -b "$(pass aws/seed)"`
 * shows the TOTP seed to everyone on the machine while it runs. Two signs, checked as the shell
 * reads the command (single quotes make `$(` literal):
 *   - command substitution, `$(…)` or backticks: its output becomes part of a command line;
 *   - a literal that looks like a base32 TOTP seed (16+ of A-Z and 2-7, with a digit).
 * Safe forms: the seed on stdin (`pass show aws/seed | oathtool --totp -b -`), in a file
 * (`oathtool --totp -b @FILE`), or the password manager's own OTP command (`pass otp`, `op … --otp`,
 * `ykman oath accounts code`).
 */
import type { Runtime } from '../../pipeline/runtime.ts';
import type { Finding, LoadedFiles } from './finding.ts';

const SAFE_FORMS =
  "pass it on stdin (`pass show aws/totp-seed | oathtool --totp -b -`), read it from a private file (`oathtool --totp -b @FILE`), or use the password manager's own OTP command (`pass otp …`, `op item get … --otp`, `ykman oath accounts code …`)";

export function checkMfaProcesses(_rt: Runtime, loaded: LoadedFiles): Finding[] {
  if (!('files' in loaded)) return []; // config-files.ts reports it
  const { profiles } = loaded.files;
  const findings: Finding[] = [];
  for (const profile of profiles.values()) {
    const command = profile.values.mfa_process;
    if (command === undefined) continue;
    const where = `profile '${profile.name}' (${profile.origin.mfa_process})`;
    const problem = argvLeak(command);
    if (problem === 'substitution') {
      findings.push([
        'warn',
        `${where}: mfa_process uses command substitution ($(…) or backticks), whose output becomes part of a command line that every local user can read in /proc while it runs. If it yields a secret such as a TOTP seed, ${SAFE_FORMS}.`,
      ]);
    } else if (problem === 'literal') {
      findings.push([
        'warn',
        `${where}: mfa_process passes what looks like a TOTP seed as an argument, which every local user can read in /proc while it runs (and it sits in the config file). Instead, ${SAFE_FORMS}.`,
      ]);
    }
  }
  return findings;
}

/** How `command` (a /bin/sh command line) may put a secret in argv, if it does. Pure. */
export function argvLeak(command: string): 'substitution' | 'literal' | undefined {
  let word = '';
  let literal = false;
  const endWord = () => {
    if (/^[A-Z2-7]{16,}=*$/.test(word) && /[2-7]/.test(word)) literal = true;
    word = '';
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === '\\') {
      word += command[++i] ?? '';
      continue;
    }
    if (c === "'") {
      const close = command.indexOf("'", i + 1);
      const end = close < 0 ? command.length : close;
      word += command.slice(i + 1, end);
      i = end;
      continue;
    }
    if (c === '`' || (c === '$' && command[i + 1] === '(' && command[i + 2] !== '(')) return 'substitution';
    if (c === '"') continue; // double quotes: substitution still happens inside, the word goes on
    if (/\s|[|;&<>()]/.test(c)) endWord();
    else word += c;
  }
  endWord();
  return literal ? 'literal' : undefined;
}
