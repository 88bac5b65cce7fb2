/**
 * `mfa-exec env` output formats. Pure. Every value is quoted for its target so that eval'ing
 * the output can never run anything, whatever a profile name or region contains.
 */
import { UsageError } from '../errors.ts';
import { STALE_VARIABLES } from '../child/env.ts';
import { shQuote } from '../shell-quote.ts';

export const ENV_FORMATS = ['sh', 'fish', 'powershell', 'dotenv', 'json', 'terragrunt'] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

export function parseEnvFormat(text: string | undefined): EnvFormat {
  const format = text ?? 'sh';
  if (!(ENV_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown --format '${format}'; use one of ${ENV_FORMATS.join(', ')}.`);
  }
  return format as EnvFormat;
}

/** Variables the child env removes and `vars` does not set: unset them too, so the shell matches. */
function staleNames(vars: Record<string, string>): string[] {
  return STALE_VARIABLES.filter((name) => !(name in vars));
}

/** fish single quotes: only \\ and \' are special inside. */
function fishQuote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** PowerShell single-quoted (verbatim) string: ' doubles; curly single quotes count too. */
function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** dotenv double quotes, as direnv's and docker-compose's dotenv readers unescape them. */
function dotenvQuote(value: string): string {
  return `"${value
    .replace(/[\\"$`]/g, (c) => `\\${c}`)
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')}"`;
}

export function formatEnv(vars: Record<string, string>, format: EnvFormat): string {
  const entries = Object.entries(vars);
  const stale = staleNames(vars);
  switch (format) {
    case 'sh':
      return (
        [...(stale.length ? [`unset ${stale.join(' ')}`] : []), ...entries.map(([k, v]) => `export ${k}=${shQuote(v)}`)].join('\n') + '\n'
      );
    case 'fish':
      // fish's `set` keeps the previous status, and `set -e` of an unset variable fails: reset the
      // status after the unsets so `mfa-exec env --format fish | source; and aws …` works.
      return [...stale.map((k) => `set -e ${k};`), 'true;', ...entries.map(([k, v]) => `set -gx ${k} ${fishQuote(v)};`)].join('\n') + '\n';
    case 'powershell':
      return (
        [
          ...stale.map((k) => `Remove-Item Env:${k} -ErrorAction SilentlyContinue`),
          ...entries.map(([k, v]) => `$Env:${k} = ${powershellQuote(v)}`),
        ].join('\n') + '\n'
      );
    case 'dotenv':
      return entries.map(([k, v]) => `${k}=${dotenvQuote(v)}`).join('\n') + '\n';
    case 'json':
      return JSON.stringify(vars, null, 2) + '\n';
    case 'terragrunt': {
      // The schema of Terragrunt's --auth-provider-cmd: credentials plus extra variables.
      const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, ...envs } = vars;
      return (
        JSON.stringify(
          {
            awsCredentials: {
              ACCESS_KEY_ID: AWS_ACCESS_KEY_ID,
              SECRET_ACCESS_KEY: AWS_SECRET_ACCESS_KEY,
              SESSION_TOKEN: AWS_SESSION_TOKEN ?? '',
            },
            envs,
          },
          null,
          2,
        ) + '\n'
      );
    }
  }
}
