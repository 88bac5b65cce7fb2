/**
 * Which invocations are destructive: the one list (docs/guardrails.md shows it as a table), plus
 * the patterns a project file adds (`confirm = terragrunt apply, …`). Pure: the program's name
 * and its arguments in, the words that matched out (shown in the question and in --debug; never
 * a later argument, which may be a secret).
 *
 * Built in:
 *   terraform, tofu   apply (a saved plan too: Terraform then asks nothing itself), destroy,
 *                     import, taint, force-unlock, state rm|mv|push, workspace delete — after any
 *                     -chdir=DIR; not with -help
 *   aws               an operation named delete-*, terminate-*, remove-*, or put-bucket-policy;
 *                     s3 rm, s3 rb — after any global options; not with --dry-run / --dryrun,
 *                     not `help`
 * Everything else is not (plan, show, output, init, describe-*, list-*, get-*, …): never asked.
 *
 * A pattern is the program's name and words (`*` matches any run of characters within a word)
 * that must appear in this order among the arguments, other arguments allowed in between:
 * `terragrunt apply` matches `terragrunt run-all --terragrunt-non-interactive apply`.
 */
import path from 'node:path';

export interface Invocation {
  /** The program as invoked: a shim's name, or the first word of wrapper mode (a path is reduced to its name). */
  name: string;
  args: readonly string[];
}

type Rule = (args: readonly string[]) => string | undefined;

/** terraform/tofu subcommands that change infrastructure or state; a second word where the first is a group. */
const TERRAFORM_SUBCOMMANDS: ReadonlyMap<string, ReadonlySet<string> | true> = new Map<string, ReadonlySet<string> | true>([
  ['apply', true],
  ['destroy', true],
  ['import', true],
  ['taint', true],
  ['force-unlock', true],
  ['state', new Set(['rm', 'mv', 'push'])],
  ['workspace', new Set(['delete'])],
]);

const TERRAFORM_HELP = new Set(['-help', '--help', '-h']);

const terraform: Rule = (args) => {
  let i = 0;
  while (args[i]?.startsWith('-chdir=')) i++;
  const word = args[i];
  const rest = args.slice(i + 1);
  if (word === undefined || rest.some((a) => TERRAFORM_HELP.has(a))) return undefined;
  const group = TERRAFORM_SUBCOMMANDS.get(word);
  if (group === true) return word;
  const next = rest[0];
  return group && next !== undefined && group.has(next) ? `${word} ${next}` : undefined;
};

/** The aws CLI's global options that take a value (awscli/data/cli.json, v1 and v2). */
const AWS_VALUE_OPTIONS = new Set([
  '--endpoint-url',
  '--output',
  '--query',
  '--profile',
  '--region',
  '--color',
  '--ca-bundle',
  '--cli-read-timeout',
  '--cli-connect-timeout',
  '--cli-binary-format',
]);

const AWS_DESTRUCTIVE_OPERATION = /^(delete|terminate|remove)-/;

const aws: Rule = (args) => {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 3; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && AWS_VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  if (args.includes('--dry-run') || args.includes('--dryrun')) return undefined;
  const [service, operation, third] = words;
  if (service === undefined || operation === undefined || operation === 'help' || third === 'help') return undefined;
  if (service === 's3' && (operation === 'rm' || operation === 'rb')) return `s3 ${operation}`;
  if (AWS_DESTRUCTIVE_OPERATION.test(operation) || operation === 'put-bucket-policy') return `${service} ${operation}`;
  return undefined;
};

const RULES: ReadonlyMap<string, Rule> = new Map([
  ['terraform', terraform],
  ['tofu', terraform],
  ['aws', aws],
]);

/** The program's name as the rules and patterns see it. */
export function programName(name: string): string {
  return path.basename(name);
}

/** `terraform destroy`, `aws s3 rb`, `terragrunt apply` (a pattern's words as matched), or undefined. */
export function destructive(invocation: Invocation, patterns: readonly string[] = []): string | undefined {
  const program = programName(invocation.name);
  const builtIn = RULES.get(program)?.(invocation.args);
  if (builtIn !== undefined) return `${program} ${builtIn}`;
  for (const pattern of patterns) if (matchesPattern(pattern, program, invocation.args)) return pattern;
  return undefined;
}

/** Whether `program args…` matches the pattern (`PROGRAM WORD…`, `*` within a word). */
export function matchesPattern(pattern: string, program: string, args: readonly string[]): boolean {
  const [first, ...words] = pattern.split(/\s+/).filter((w) => w !== '');
  if (first === undefined || !glob(first).test(program)) return false;
  let at = 0;
  for (const word of words) {
    const re = glob(word);
    while (at < args.length && !re.test(args[at]!)) at++;
    if (at === args.length) return false;
    at++;
  }
  return true;
}

/** A word with `*` as a regular expression of the whole word (everything else literal). */
function glob(word: string): RegExp {
  const source = word
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}

/** Where min_lifetime's default (15 min) applies: terraform/tofu apply and destroy, which may run long. */
export function isLongRunning(invocation: Invocation): boolean {
  const program = programName(invocation.name);
  if (program !== 'terraform' && program !== 'tofu') return false;
  let i = 0;
  while (invocation.args[i]?.startsWith('-chdir=')) i++;
  const word = invocation.args[i];
  return word === 'apply' || word === 'destroy';
}
