/**
 * exec (wrapper mode and shim mode): find the target, get credentials, run the target.
 * The target is looked up first, so a typo never costs an MFA code.
 *
 * A shim is never worse than no shim: with MFA_EXEC_DISABLE=1, for an invocation that cannot
 * use credentials (needs-credentials.ts), when no profile is selected and [default] gives no
 * credentials, and for a profile of a kind mfa-exec does not serve (sources/unserved.ts: the
 * source table decides, so a kind that becomes served is served by the shims too), the real
 * program runs untouched (runUntouched).
 *
 * The child reads the AWS files through mfa-exec's view of them (src/config-view/), so that a
 * profile it names itself (Terraform's `profile =`, `aws --profile x`, boto3's profile_name) is
 * served by mfa-exec too; so does the untouched run when no profile is selected. The runs that
 * must see the user's own files (MFA_EXEC_DISABLE=1, `aws configure …`) get them as they are.
 */
import { loadAwsFiles } from '../aws-config/load.ts';
import { viewVariables, withoutView } from '../aws-config/paths.ts';
import { defaultGivesCredentials } from '../aws-config/select-profile.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import {
  buildChildEnv,
  canReuseInjected,
  credentialVariables,
  nestedChildEnv,
  serverVariables,
  untouchedChildEnv,
  WEB_IDENTITY_VARIABLES,
} from '../child/env.ts';
import { findTarget } from '../child/find-target.ts';
import { needsNoCredentials } from '../child/needs-credentials.ts';
import { platform } from '../platform/index.ts';
import { calledBackFrom, checkDepth, launchMarkers } from '../child/recursion.ts';
import { provideView } from '../config-view/provide.ts';
import { viewSpec } from '../config-view/spec.ts';
import { keysDir } from '../dirs.ts';
import { formatDuration } from '../duration.ts';
import { ExitCode, MfaExecError, UsageError, isMfaExecError } from '../errors.ts';
import { hasStoredKeys } from '../keystore/has-stored-keys.ts';
import type { Logger } from '../log.ts';
import type { Options } from '../options.ts';
import { childRegion, chooseProfile, credentialsFor, resolveContext } from '../pipeline/resolution.ts';
import { guardNested } from '../guardrails/guard.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { UnservedError } from '../sources/unserved.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { shellWord } from '../shell-quote.ts';

export const help: CommandHelp = {
  usage: [
    'mfa-exec [options] [--] <command> [args…]     run a command with credentials',
    'mfa-exec exec [options] [--] <command> [args…]',
    "mfa-exec exec [options] PROFILE [-- <command> [args…]]   aws-vault's form ($SHELL without a command)",
    '<shim-name> [args…]                           (symlinked as terraform, aws, …) run the real',
    '                                              program further down PATH with credentials',
    '                                              (or untouched: MFA_EXEC_DISABLE=1, no profile,',
    '                                              terraform version and the like; see README)',
  ],
};

export interface ExecRequest {
  /** The command name as typed (shim name or first word after --). */
  name: string;
  args: string[];
  options: Options;
  /** Invoked as a shim (a symlink named after the program), not as `mfa-exec`. */
  shim: boolean;
  /** aws-vault's `exec PROFILE -- cmd`: run this instead when `profile` is a defined profile. */
  profileFirst?: { profile: string; name: string; args: string[] } | undefined;
}

type Run = (childEnv: NodeJS.ProcessEnv) => Promise<number>;

/** The `exec` subcommand (and the default command): the target is the first word, else $SHELL. */
export function run({ args, options, profileFirst }: CommandInput, rt: Runtime): Promise<number> {
  const shell = platform.loginShell(rt.env);
  const [name, ...rest] = args;
  const first = profileFirst && {
    profile: profileFirst.profile,
    name: profileFirst.command[0] ?? shell,
    args: profileFirst.command.slice(1),
  };
  return execCommand({ name: name ?? shell, args: rest, options, shim: false, profileFirst: first }, rt);
}

/** exec and shim mode. */
export async function execCommand(given: ExecRequest, rt: Runtime): Promise<number> {
  const { env, logger } = rt;
  // 1. What to run: aws-vault's `exec PROFILE -- cmd` decided by the files, then the target, found first.
  let files: AwsFiles | undefined;
  let request = given;
  if (given.profileFirst) {
    files = loadAwsFiles(env, rt.homedir, rt.cwd);
    request = resolveProfileFirst(given, files, logger);
  }
  const { name, options } = request;
  const depth = checkDepth(env, name);
  const target = withProfileHint(
    given,
    request,
    () =>
      findTarget(name, {
        pathEnv: env.PATH ?? '',
        pathExt: env.PATHEXT,
        cwd: rt.cwd,
        selfIds: rt.self.ids,
        calledBackFrom: calledBackFrom(name, env),
      }),
    rt,
  );
  logger.debug(`target '${name}' is ${target.path}`);
  const markers = launchMarkers(name, target.id, depth);
  const run: Run = (childEnv) => rt.runTarget({ file: target.path, args: request.args, env: childEnv, argv0: name, logger });

  // 2. Runs that get no credentials at all.
  if (request.shim && rt.settings.disabled) {
    if (rt.settings.disabledWarning) rt.logger.warn(rt.settings.disabledWarning);
    return runUntouched(run, rt, markers, `MFA_EXEC_DISABLE=${rt.env.MFA_EXEC_DISABLE}`, {});
  }
  const noCredentials = request.shim ? needsNoCredentials(name, request.args) : undefined;
  if (noCredentials) return runUntouched(run, rt, markers, noCredentials, {});

  // 3. The profile, chosen once; a nested run reuses what an outer mfa-exec injected.
  const choice = chooseProfile(options, rt);
  const invocation = { name, args: request.args, server: options.server };
  // Also under --server / MFA_EXEC_SERVER=1: a shim inside a served child must not start a second server.
  if (canReuseInjected(env, choice.requested, rt.now())) {
    // The guardrails (src/guardrails/) hold for what the outer run injected too.
    const nested = await guardNested(invocation, () => (files ??= loadAwsFiles(env, rt.homedir, rt.cwd)), rt);
    if (nested.reuse) return runNested(run, rt, { ...markers, ...nested.childVars }, files);
  }
  files ??= loadAwsFiles(env, rt.homedir, rt.cwd);
  // A profile pinned by an approved project file is a choice: the shim serves it.
  if (request.shim && choice.requested === undefined && choice.project === undefined && !defaultGivesCredentials(files, env, rt.homedir)) {
    const why = files.profiles.get('default') ? 'the [default] profile has no credential settings' : 'there is no [default] profile';
    // Profiles the program names itself are still served: it gets the view.
    const view = await childView(files, false, rt);
    return runUntouched(
      run,
      rt,
      markers,
      `no profile selected (MFA_EXEC_PROFILE, AWS_PROFILE, AWS_DEFAULT_PROFILE unset) and ${why}`,
      view,
    );
  }

  // 4. Credentials (the cache, or on demand; the guardrails first), the view, the child.
  let resolved: Awaited<ReturnType<typeof credentialsFor>>;
  try {
    resolved = await credentialsFor(options, rt, { choice, files, invocation });
  } catch (error) {
    // A kind of profile mfa-exec does not serve (sources/unserved.ts): a shim is then no shim at all.
    if (request.shim && isMfaExecError(error, 'unserved')) return runUntouched(run, rt, markers, unservedReason(choice.name, error), {});
    throw error;
  }
  const { plan, creds, guarded } = resolved;
  const injection = { profile: plan.profile, region: childRegion(resolved, rt) };
  const serve = options.server || guarded.server;
  const ours = { ...markers, ...guarded.childVars };
  const view = await childView(files, serve, rt);
  if (!serve) return run(buildChildEnv(withoutView(env), { ...credentialVariables(creds, injection), ...ours, ...view }));

  // 5. --server: the endpoint serves refreshing credentials while the child runs.
  const { startCredentialServer, createRefresher } = await rt.onDemand();
  // A --mfa-token code is spent by now: renewals come from the cache, mfa_process, or `login` in another terminal.
  const refresher = createRefresher(plan, creds, name, { ...resolveContext(rt, {}), loginCommand: loginCommand(plan.profile, options) });
  const server = await startCredentialServer(() => refresher.get(), logger);
  try {
    // The view's [default] defers to the endpoint, and no web identity in the environment outranks it.
    const vars = { ...serverVariables(server.url, server.token, injection), ...ours, ...view };
    return await run(buildChildEnv(withoutView(env), vars, WEB_IDENTITY_VARIABLES));
  } finally {
    refresher.close();
    await server.close();
  }
}

/**
 * A run inside one that mfa-exec started, whose injected credentials are still valid: no STS
 * call, the environment passed on, with a view of the user's files as they are now (an outer
 * run's may be older, or missing: a shell that evaluated `mfa-exec env`), of the same kind:
 * --server's when that is what serves.
 */
async function runNested(run: Run, rt: Runtime, markers: Record<string, string>, loaded: AwsFiles | undefined): Promise<number> {
  const { env, logger } = rt;
  logger.debug(`nested run: AWS_VAULT=${env.AWS_VAULT} already carries valid credentials; no STS call`);
  let files = loaded;
  try {
    files ??= loadAwsFiles(env, rt.homedir, rt.cwd);
  } catch (error) {
    if (!isMfaExecError(error, 'config')) throw error;
    logger.debug(`the AWS files cannot be read now (${error.message}); the environment is passed on as it is`);
    return run(nestedChildEnv(env, markers));
  }
  const view = await childView(files, !!env.AWS_CONTAINER_CREDENTIALS_FULL_URI, rt);
  return run(nestedChildEnv({ ...withoutView(env), ...view }, markers));
}

/**
 * The variables that point the child at the view of `files` (with --server, the one whose
 * default profile defers to the endpoint); none when no view can be had (then the child reads
 * the user's files, said by provideView; under --server, unless their [default] would outrank
 * the endpoint: then provideView fails the run before the command starts).
 */
async function childView(files: AwsFiles, server: boolean, rt: Runtime): Promise<Record<string, string>> {
  const spec = viewSpec(files, { command: rt.self.command, deferDefault: server, keysDir: keysDir(rt.env, rt.homedir) });
  const view = await provideView(spec, {
    cacheDir: rt.cacheDir,
    logger: rt.logger,
    now: rt.now,
    load: rt.onDemand,
    storeHolds: (profile) => hasStoredKeys(rt.env, rt.homedir, profile),
  });
  return view ? viewVariables(view.dir, rt.env, rt.homedir, rt.cwd) : {};
}

/** `exec WORD -- cmd`: WORD is the profile when the config defines it, else it is the command (as before). */
function resolveProfileFirst(request: ExecRequest, files: AwsFiles, logger: Logger): ExecRequest {
  const { profile, name, args } = request.profileFirst!;
  if (!files.profiles.has(profile)) {
    logger.debug(`'${profile}' is not a defined profile: it is the command to run`);
    return request;
  }
  logger.debug(`'${profile}' is a defined profile (aws-vault's form 'exec PROFILE -- command'): running '${name}' with it`);
  return { ...request, name, args, options: { ...request.options, profile } };
}

/**
 * A command not found after `exec WORD --`: say that WORD is no profile either (a typo, often). A
 * command not found that is a profile (`mfa-exec GEHC-056 -- true`): say how to run with it.
 */
function withProfileHint<T>(given: ExecRequest, chosen: ExecRequest, find: () => T, rt: Runtime): T {
  try {
    return find();
  } catch (error) {
    const notFound = isMfaExecError(error, 'target') && error.exitCode === ExitCode.notFound;
    if (notFound && !given.shim && chosen === given && isProfile(given.name, rt)) {
      const [first, ...rest] = given.args;
      const command = first === '--' ? rest : given.args;
      const meant = ['mfa-exec', 'exec', given.name, ...(command.length > 0 ? ['--', ...command] : [])].map(shellWord).join(' ');
      throw new UsageError(`'${given.name}' is a profile, not a command: did you mean \`${meant}\`?`);
    }
    if (given.profileFirst && chosen === given && notFound) {
      throw new MfaExecError(
        `${error.message} Nor is '${given.profileFirst.profile}' a profile defined in the AWS config files (run 'mfa-exec list').`,
        ExitCode.notFound,
        { kind: 'target' },
      );
    }
    throw error;
  }
}

/** Whether `name` is a profile of the AWS files (false when they cannot be read: the error at hand is the one to show). */
function isProfile(name: string, rt: Runtime): boolean {
  try {
    return loadAwsFiles(rt.env, rt.homedir, rt.cwd).profiles.has(name);
  } catch {
    return false;
  }
}

/** Why a shim leaves a profile to its program, for --debug: what the profile uses. */
function unservedReason(profile: string, error: unknown): string {
  const what = (error as Partial<UnservedError>).source?.what;
  return `profile '${profile}' ${what ? `uses ${what}, which` : 'is of a kind that'} mfa-exec does not serve; the program reads it from your own AWS files`;
}

/**
 * The real program as it runs without mfa-exec: its arguments, stdio and environment as they
 * are, no credentials injected and none removed (only our own secrets: MFA_EXEC_MFA_TOKEN, the
 * key files' passphrase). Only the recursion markers are added, so that a
 * wrapper script calling the name again is still caught, and the AWS files: the view given
 * (`view`), else the user's own (an outer mfa-exec's view is put back to the user's files).
 */
function runUntouched(run: Run, rt: Runtime, markers: Record<string, string>, why: string, view: Record<string, string>): Promise<number> {
  rt.logger.debug(`running the real program untouched, without credentials: ${why}`);
  return run(untouchedChildEnv(withoutView(rt.env), { ...markers, ...view }));
}

/** The `mfa-exec login` that fills the cache entries this run reads: same profile, same durations. */
function loginCommand(profile: string, options: Options): string {
  const words = ['mfa-exec', 'login', '-p', profile];
  if (options.duration !== undefined) words.push('-d', formatDuration(options.duration));
  if (options.sessionDuration !== undefined) words.push('--session-duration', formatDuration(options.sessionDuration));
  if (options.noSession) words.push('--no-session');
  return words.map(shellWord).join(' ');
}
