/**
 * The warm bundle's entry (dist/warm.js, which dist/cli.js, src/boot.ts, compiles and runs): the
 * only file past boot.ts that reads process.argv, process.env, the working and home directories,
 * writes the final error, or sets the exit code. It builds the Runtime once and passes it down.
 * This bundle holds the commands that run on a warm cache (exec and shims, credential-process,
 * status, env, list); every other subcommand and everything a cache miss needs is loaded on
 * demand (dist/on-demand/*.js).
 */
import os from 'node:os';
import { fileId } from './child/find-target.ts';
import { cacheDir } from './dirs.ts';
import { execCommand } from './commands/exec.ts';
import { parseInvocation } from './commands/invocation.ts';
import { COMMANDS, commandNamed, warmBit } from './commands/table.ts';
import { ExitCode, isMfaExecError } from './errors.ts';
import { executableInvokedAs, IN_EXECUTABLE } from './executable.ts';
import { createLogger } from './log.ts';
import { platform } from './platform/index.ts';
import { forDisplay } from './printable.ts';
import type { Boot } from './boot.ts';
import type { Runtime } from './pipeline/runtime.ts';
import { defaultOptions } from './options.ts';
import { readSettings } from './settings.ts';
import { writeStdout } from './stdout.ts';
import { recordingFor } from './memo/record.ts';
import { runTarget } from './child/run.ts';

declare const __MFA_EXEC_VERSION__: string;
/** Given by src/boot.ts, which compiles this bundle (dist/warm.js) and loads it from dist/cli.js. */
declare const __mfaBoot: Boot;

async function main(argv: string[], given: NodeJS.ProcessEnv): Promise<number> {
  let env = given;
  // Windows: a shim is a .cmd launcher that names itself in MFA_EXEC_SHIM (platform/win32.ts); the variable is not the target's.
  const launcher = platform.shim.kind === 'cmd' ? env.MFA_EXEC_SHIM : undefined;
  if (platform.shim.kind === 'cmd') delete env.MFA_EXEC_SHIM;
  // The single executable (executable.ts): argv[1] is its bundle's virtual path; argv0 the name it was invoked as.
  const invokedAs = launcher
    ? launcher.replace(/\.cmd$/i, '')
    : IN_EXECUTABLE
      ? executableInvokedAs(process.argv0, process.execPath)
      : argv[1];
  const invocation = parseInvocation(argv.slice(2), invokedAs ?? 'mfa-exec');
  const options = invocation.kind === 'command' ? invocation.options : defaultOptions();
  const homedir = os.homedir();
  // A memo of this run's decision for the next identical one (src/memo/): recorded from here on.
  const recording = !IN_EXECUTABLE && !launcher ? recordingFor(invocation, argv, env, homedir, __mfaBoot.bundle) : undefined;
  if (recording) env = recording.env;
  const settings = readSettings(env, { prompt: options.prompt });
  if (settings.debug || settings.server) recording?.stop();
  if (settings.server) options.server = true;
  // Us: dist/cli.js (boot.ts gives its own __filename), and the file we were started as (a shims/ launcher that loads it);
  // or the single executable, which is also the program a child runs to reach us.
  const selfPath = IN_EXECUTABLE ? process.execPath : __filename;
  const rt: Runtime = {
    env,
    settings,
    homedir,
    cwd: process.cwd(),
    cacheDir: cacheDir(env, homedir),
    now: Date.now,
    logger: createLogger(options.debug || settings.debug),
    out: writeStdout,
    self: {
      path: selfPath,
      command: IN_EXECUTABLE ? [selfPath] : [process.execPath, selfPath],
      ids: new Set(
        [fileId(selfPath), argv[1] && !IN_EXECUTABLE ? fileId(argv[1]) : undefined, launcher && fileId(launcher)].filter(
          (id): id is string => !!id,
        ),
      ),
    },
    onDemand: () => import('./on-demand/credentials.ts'),
    runTarget,
  };

  if (invocation.kind === 'shim') {
    __mfaBoot.warm(warmBit(commandNamed('exec')!)!); // boot.ts keeps the code compiled by runs of warm commands
    rt.logger.debug(`shim mode: invoked as '${invocation.name}'`);
    const go = (r: Runtime) => execCommand({ name: invocation.name, args: recording?.args ?? invocation.args, options, shim: true }, r);
    return recording ? recording.run(go, rt) : go(rt);
  }
  if (options.version) {
    rt.out(`mfa-exec ${__MFA_EXEC_VERSION__}\n`);
    return 0;
  }
  const commands = () => import('./on-demand/commands.ts');
  if (options.help || argv.length <= 2) {
    // `mfa-exec --help`, or `mfa-exec COMMAND --help`: that command's help only.
    const args = invocation.named ? [invocation.command] : [];
    const code = await (await commands()).runCommand(commandNamed('help')!, { options, args }, rt, COMMANDS);
    return argv.length <= 2 ? ExitCode.usage : code;
  }
  const entry = commandNamed(invocation.command)!;
  const { args, profileFirst } = invocation;
  const input = profileFirst ? { options, args, profileFirst } : { options, args };
  if (!entry.warm) return (await commands()).runCommand(entry, input, rt, COMMANDS);
  __mfaBoot.warm(warmBit(entry)!);
  const go = (r: Runtime) => entry.warm!(input, r);
  return recording ? recording.run(go, rt) : go(rt);
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

const exit = (code: number) => process.exit(code);
const env = platform.copyEnv(process.env);
main(process.argv, env).then(exit, (error: unknown) => exit(report(error, env.MFA_EXEC_DEBUG === '1' || process.argv.includes('--debug'))));
