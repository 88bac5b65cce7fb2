/**
 * Shim invocations that cannot use AWS credentials: asking for an MFA code for them would make
 * the shim worse than no shim. Pure: the shim name and its arguments in, a reason or nothing out.
 *
 * The list is deliberately small and exact (README "Shims stay out of the way"); anything not
 * on it gets credentials as usual. A global option placed before the subcommand is understood
 * only where listed (Terraform's -chdir=DIR).
 */

/** terraform / tofu: the first word after any -chdir=DIR, or no word at all. */
const TERRAFORM_WORDS: ReadonlySet<string> = new Set([
  'version',
  '-version',
  '-v',
  '--version',
  'fmt',
  'validate',
  'help',
  '-help',
  '-h',
  '--help',
]);

/**
 * aws sso login|logout and aws login|logout sign in and out themselves (and write their own
 * caches): credentials injected, or a profile mfa-exec served, would only be in their way.
 */
const AWS_SIGN_IN: ReadonlySet<string> = new Set(['sso login', 'sso logout', 'login', 'logout']);

const TERRAGRUNT_WORDS: ReadonlySet<string> = new Set(['--version', '--help', 'hclfmt']);

/** The words that matched (shown under --debug; never a later argument, which may be a secret). */
type Rule = (args: readonly string[]) => string | undefined;

const terraform: Rule = (args) => {
  let i = 0;
  while (args[i]?.startsWith('-chdir=')) i++;
  const word = args[i];
  if (word === undefined) return i === 0 ? '(no arguments)' : '-chdir=… (no subcommand)';
  return TERRAFORM_WORDS.has(word) ? (i === 0 ? word : `-chdir=… ${word}`) : undefined;
};

const aws: Rule = ([first, second]) => {
  if (first === '--version' || first === 'help') return first;
  if (first !== undefined && !first.startsWith('-') && second === 'help') return `${first} help`;
  // Every `aws configure …` reads or writes the user's own files (configure, sso, import, set, …),
  // but export-credentials, which prints the credentials it is given: those of the shim.
  if (first === 'configure' && second !== 'export-credentials') return second === undefined ? 'configure' : `configure ${second}`;
  if (first !== undefined && AWS_SIGN_IN.has(first)) return first;
  if (first === 'sso' && second !== undefined && AWS_SIGN_IN.has(`sso ${second}`)) return `sso ${second}`;
  return undefined;
};

const terragrunt: Rule = ([first, second]) => {
  if (first !== undefined && TERRAGRUNT_WORDS.has(first)) return first;
  return first === 'hcl' && second === 'format' ? 'hcl format' : undefined;
};

const RULES: ReadonlyMap<string, Rule> = new Map([
  ['terraform', terraform],
  ['tofu', terraform],
  ['aws', aws],
  ['terragrunt', terragrunt],
]);

/** Why `name args…` cannot use credentials (for --debug), or undefined when it may use them. */
export function needsNoCredentials(name: string, args: readonly string[]): string | undefined {
  const matched = RULES.get(name)?.(args);
  return matched === undefined ? undefined : `'${name} ${matched}' cannot use AWS credentials`;
}
