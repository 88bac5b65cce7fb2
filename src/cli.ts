/**
 * Entry point: the only file that reads process.argv, writes the final error, or sets the exit
 * code. Everything else receives what it needs as parameters.
 */
import { fileURLToPath } from 'node:url';
import { fileId } from './child/find-target.ts';
import { execCommand } from './commands/exec.ts';
import { ExitCode, isMfaExecError } from './errors.ts';
import { parseInvocation, type Options } from './invocation.ts';
import { createLogger } from './log.ts';

declare const __MFA_EXEC_VERSION__: string;

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const invocation = parseInvocation(argv.slice(2), argv[1] ?? 'mfa-exec');
  const options: Options =
    invocation.kind === 'command'
      ? invocation.options
      : { noSession: false, debug: false, server: false, json: false, help: false, version: false };
  if (env.MFA_EXEC_SERVER === '1') options.server = true;
  const logger = createLogger(options.debug || env.MFA_EXEC_DEBUG === '1');
  const rt = { env, logger, now: Date.now };
  // Us: the bundle, and the file we were started as (a shims/ launcher that imports the bundle).
  const selfPath = fileURLToPath(import.meta.url);
  const selfIds = new Set([fileId(selfPath), argv[1] ? fileId(argv[1]) : undefined].filter((id): id is string => !!id));
  const out = (text: string) => process.stdout.write(text);

  if (invocation.kind === 'shim') {
    logger.debug(`shim mode: invoked as '${invocation.name}'`);
    return execCommand({ name: invocation.name, args: invocation.args, options, selfIds }, rt);
  }
  if (options.version) {
    process.stdout.write(`mfa-exec ${__MFA_EXEC_VERSION__}\n`);
    return 0;
  }
  if (options.help || argv.length <= 2) {
    const { HELP } = await import('./slow.ts');
    process.stdout.write(HELP);
    return argv.length <= 2 ? ExitCode.usage : 0;
  }
  // Only exec is on the hot path (shims); every other subcommand is loaded when asked for.
  switch (invocation.command) {
    case 'exec': {
      const [name, ...args] = invocation.args;
      const command = name ?? env.SHELL ?? '/bin/sh';
      return execCommand({ name: command, args, options, selfIds }, rt);
    }
    case 'env':
      return (await import('./slow.ts')).envCommand(options, rt, out);
    case 'credential-process':
      return (await import('./slow.ts')).credentialProcessCommand(options, rt, out);
    case 'status':
      return (await import('./slow.ts')).statusCommand(options, rt, out);
    case 'login':
      return (await import('./slow.ts')).loginCommand(options, rt);
    case 'list':
      return (await import('./slow.ts')).listCommand(options, rt, out);
    case 'clear':
      return (await import('./slow.ts')).clearCommand(options, rt);
    case 'shim':
      return (await import('./slow.ts')).shimCommand(invocation.args, options, rt, selfPath, out);
    case 'doctor':
      return (await import('./slow.ts')).doctorCommand(rt, selfPath, out);
  }
}

function report(error: unknown, debug: boolean): number {
  if (isMfaExecError(error)) {
    process.stderr.write(`mfa-exec: ${error.message}\n`);
    if (debug && error.cause instanceof Error) process.stderr.write(`mfa-exec: cause: ${error.cause.name}: ${error.cause.message}\n`);
    return error.exitCode;
  }
  const e = error as Error;
  process.stderr.write(`mfa-exec: internal error: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}. Please report this with the output of --debug.\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  return ExitCode.software;
}

const env = { ...process.env };
main(process.argv, env).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(report(error, env.MFA_EXEC_DEBUG === '1' || process.argv.includes('--debug'))),
);
