/**
 * `mfa-exec --help`: the Usage block is each command's own lines (its file's `help`, in the
 * order of table.ts), around what every command shares: the options, the environment, the exit
 * codes. Loaded on demand (with the commands' files): none of it is in the warm bundle.
 */

/** The whole help text around `usage`, the commands' Usage lines in order. */
export function helpText(usage: readonly string[]): string {
  return `mfa-exec — run commands with MFA-backed AWS role credentials

Usage:
${usage.map((line) => `  ${line}\n`).join('')}
Options may also come before the subcommand (mfa-exec -p prod status); a program named like a
subcommand goes after -- (mfa-exec -p prod -- env).

Options:
  -p, --profile NAME        profile from ~/.aws/config (default: $MFA_EXEC_PROFILE, $AWS_PROFILE,
                            $AWS_DEFAULT_PROFILE, then 'default')
  -d, --duration DUR        role credential lifetime: 3600, 15m, 1h (default: $AWS_ASSUME_ROLE_TTL,
                            duration_seconds, then 1h)
      --session-duration DUR  MFA session lifetime (default: $MFA_EXEC_SESSION_DURATION, aws-vault's
                            $AWS_CHAINED_SESSION_TOKEN_TTL / $AWS_SESSION_TOKEN_TTL, then 8h)
      --mfa-token CODE      MFA code to use instead of prompting
      --no-session          call AssumeRole with the MFA code directly, without an MFA session
      --region REGION       set AWS_REGION / AWS_DEFAULT_REGION for the command
      --server              serve refreshing credentials to the command (container protocol)
      --backend keyring|file  key store for add/import/remove/rotate (default: the OS keyring
                            when one answers, else encrypted files)
      --env                 add: take the keys from the environment
      --yes                 remove: do not ask to confirm
      --prompt NAME         who is asked: auto (default: the terminal, else a desktop dialog),
                            terminal, desktop, zenity, kdialog, osascript, ykman, none (never)
  -s, --stdout              console: print the sign-in URL instead of opening it
      --path PATH, --service NAME   console: the page to open (s3/home; s3, ec2, iam, …)
      --debug               explain each resolution step on stderr (never secrets)
  -h, --help                show this help
  -v, --version             show the version

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

Exit codes: the command's own; 128+N if a signal N killed it; 64 usage, 65 bad MFA code,
66 nobody to ask (or no answer in time), 69 STS or the sign-in endpoint unreachable,
73 cache unusable, 74 key store unusable, 75 lock timeout, 77 AWS refused, 78 config error,
79 wrong key store passphrase, 80 refused by a guardrail (an account not allowed here, a
destructive command not confirmed), 126 cannot execute, 127 not found, 130 prompt cancelled
(Ctrl-C, a dialog's Cancel).
See README.md for details.
`;
}
