/**
 * Entry point: the only file that reads process.argv, process.env, the working and home
 * directories, writes the final error, or sets the exit code. It builds the Runtime once and
 * passes it down; only exec is part of this bundle, every other subcommand and everything a
 * cache miss needs is loaded on demand (dist/on-demand/*.js).
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { fileId } from './child/find-target.ts';
import { execCommand } from './commands/exec.ts';
import { ExitCode, isMfaExecError } from './errors.ts';
import { defaultOptions, parseInvocation } from './invocation.ts';
import { createLogger } from './log.ts';
import { forDisplay } from './printable.ts';
import type { Runtime } from './runtime.ts';
import { readSettings } from './settings.ts';

declare const __MFA_EXEC_VERSION__: string;

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const invocation = parseInvocation(argv.slice(2), argv[1] ?? 'mfa-exec');
  const options = invocation.kind === 'command' ? invocation.options : defaultOptions();
  const settings = readSettings(env);
  if (settings.server) options.server = true;
  // Us: the bundle, and the file we were started as (a shims/ launcher that imports the bundle).
  const selfPath = fileURLToPath(import.meta.url);
  const rt: Runtime = {
    env,
    settings,
    homedir: os.homedir(),
    cwd: process.cwd(),
    now: Date.now,
    logger: createLogger(options.debug || settings.debug),
    out: (text) => process.stdout.write(text),
    self: {
      path: selfPath,
      node: process.execPath,
      ids: new Set([fileId(selfPath), argv[1] ? fileId(argv[1]) : undefined].filter((id): id is string => !!id)),
    },
    onDemand: () => import('./on-demand/credentials.ts'),
  };

  if (invocation.kind === 'shim') {
    rt.logger.debug(`shim mode: invoked as '${invocation.name}'`);
    return execCommand({ name: invocation.name, args: invocation.args, options, shim: true }, rt);
  }
  if (options.version) {
    rt.out(`mfa-exec ${__MFA_EXEC_VERSION__}\n`);
    return 0;
  }
  const commands = () => import('./on-demand/commands.ts');
  if (options.help || argv.length <= 2) {
    rt.out((await commands()).HELP);
    return argv.length <= 2 ? ExitCode.usage : 0;
  }
  switch (invocation.command) {
    case 'exec': {
      const shell = env.SHELL || '/bin/sh';
      const [name, ...args] = invocation.args;
      const first = invocation.profileFirst;
      const profileFirst = first && { profile: first.profile, name: first.command[0] ?? shell, args: first.command.slice(1) };
      return execCommand({ name: name ?? shell, args, options, shim: false, profileFirst }, rt);
    }
    case 'env':
      return (await commands()).envCommand(options, rt);
    case 'credential-process':
      return (await commands()).credentialProcessCommand(options, rt);
    case 'status':
      return (await commands()).statusCommand(options, rt);
    case 'login':
      return (await commands()).loginCommand(options, rt);
    case 'list':
      return (await commands()).listCommand(options, rt);
    case 'clear':
      return (await commands()).clearCommand(options, rt);
    case 'shim':
      return (await commands()).shimCommand(invocation.args, options, rt);
    case 'doctor':
      return (await commands()).doctorCommand(rt);
    case 'add':
      return (await commands()).addCommand(invocation.args, options, rt);
    case 'import':
      return (await commands()).importCommand(invocation.args, options, rt);
    case 'remove':
      return (await commands()).removeCommand(invocation.args, options, rt);
    case 'rotate':
      return (await commands()).rotateCommand(invocation.args, options, rt);
  }
}

function report(error: unknown, debug: boolean): number {
  if (isMfaExecError(error)) {
    process.stderr.write(`mfa-exec: ${forDisplay(error.message)}\n`);
    if (debug && error.cause instanceof Error)
      process.stderr.write(`mfa-exec: cause: ${forDisplay(`${error.cause.name}: ${error.cause.message}`)}\n`);
    return error.exitCode;
  }
  const e = error as Error;
  process.stderr.write(
    `mfa-exec: internal error: ${forDisplay(`${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`)}. Please report this with the output of --debug.\n`,
  );
  if (debug && e?.stack) process.stderr.write(`${e.stack.split('\n').map(forDisplay).join('\n')}\n`);
  return ExitCode.software;
}

/**
 * Exit once what we wrote has left: to a pipe, stdout is written asynchronously, and
 * process.exit() would cut a long `list --json` at the pipe's 64 KiB.
 */
function exit(code: number): void {
  const done = () => process.exit(code);
  if (process.stdout.writableLength === 0) return done();
  process.stdout.write('', done);
  process.stdout.once('error', done); // the reader went away (EPIPE): nothing more to flush
}

const env = { ...process.env };
main(process.argv, env).then(exit, (error: unknown) => exit(report(error, env.MFA_EXEC_DEBUG === '1' || process.argv.includes('--debug'))));
