/**
 * The guardrail step of the line: after the plan, before any prompt or STS call, and again once
 * the credentials are there, before the command starts.
 *
 *   1. allow-list   the account (account.ts) must be on the project file's allowed_account_ids,
 *                   else exit 80 naming the account, the profile and the file
 *   2. confirm      a destructive invocation (destructive.ts) of a profile with mfa_exec_confirm =
 *                   true, or under a project file's confirm, is confirmed: MFA_EXEC_CONFIRMED=<the
 *                   account>, else the question on the terminal (confirm.ts), else exit 80
 *   3. lifetime     the credentials last min_lifetime (lifetime.ts), renewed first if not
 *   4. server       terraform/tofu apply and destroy run under --server where the file says so
 *
 * An account the files do not tell is asked of STS (identity.ts) once the credentials are there:
 * steps 1 and 2 then run after the MFA prompt, still before the command. `env` and
 * `credential-process` hand out credentials for no command in particular: they get step 1 only.
 * Nothing here is loaded beyond the warm bundle unless a question or an STS call is needed.
 */
import type { Plan } from '../aws-config/plan.ts';
import { resolvePlan } from '../aws-config/plan.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import type { Credentials } from '../aws/credentials.ts';
import type { ResolveContext } from '../credentials/resolve.ts';
import { ConfigError, isMfaExecError } from '../errors.ts';
import { appliedHere, projectOf } from '../pipeline/project.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { boolean } from '../project/parse.ts';
import type { Applied, Project } from '../project/types.ts';
import { planAccount } from './account.ts';
import { destructive, isLongRunning, type Invocation } from './destructive.ts';
import { RefusedError } from './errors.ts';
import { keepAlive, minLifetimeSeconds } from './lifetime.ts';

/** What exec runs: the program and its arguments, and whether --server was asked for. */
export interface GuardedInvocation extends Invocation {
  server: boolean;
}

export interface Guarded {
  /** Run under --server: asked for, or the project file's `server = true` for terraform/tofu apply/destroy. */
  server: boolean;
  /** For the command's environment: MFA_EXEC_CONFIRMED once it was confirmed (its own children are covered by it). */
  childVars: Record<string, string>;
  /** Once the credentials are there: the account STS tells (when the files do not), then min_lifetime. */
  after(creds: Credentials, ctx: ResolveContext): Promise<Credentials>;
}

/** The rules that apply to this plan and invocation. Pure. */
interface Rules {
  allowed?: { ids: readonly string[]; project: Project & { state: Exclude<Project['state'], 'ignored'> } };
  confirm?: { what: string; why: string };
  minSeconds: number;
  server: boolean;
}

export function rulesFor(
  profile: string,
  files: AwsFiles | undefined,
  invocation: GuardedInvocation | undefined,
  project: Project | undefined,
): Rules {
  const used = project && project.state !== 'ignored' ? project : undefined;
  const applied: Applied | undefined = used?.applied;
  const rules: Rules = { minSeconds: 0, server: invocation?.server ?? false };
  if (used && applied?.allowedAccountIds) rules.allowed = { ids: applied.allowedAccountIds, project: used };
  if (!invocation) return rules;
  rules.minSeconds = minLifetimeSeconds(invocation, applied);
  if (applied?.server && isLongRunning(invocation)) rules.server = true;
  const what = destructive(invocation, applied?.confirmPatterns);
  if (what === undefined) return rules;
  const why = [profileAsks(profile, files), applied?.confirm ? `confirm in ${used!.file}` : undefined].filter((w) => w !== undefined);
  if (why.length) rules.confirm = { what, why: why.join(', and ') };
  return rules;
}

/** "mfa_exec_confirm in FILE" when the profile asks for confirmation itself; a value that is not a boolean is an error. */
function profileAsks(profile: string, files: AwsFiles | undefined): string | undefined {
  const p = files?.profiles.get(profile);
  const value = p?.values.mfa_exec_confirm;
  if (p === undefined || value === undefined) return undefined;
  const flag = boolean(value);
  if (flag === undefined) {
    throw new ConfigError(
      `Profile '${profile}' in ${p.origin.mfa_exec_confirm} has mfa_exec_confirm = '${value}', which is neither true nor false. Fix the line.`,
    );
  }
  return flag ? `mfa_exec_confirm in ${p.origin.mfa_exec_confirm}` : undefined;
}

/** Steps 1 and 2 with the account the files tell; the rest in `after`. Throws RefusedError (80). */
export async function guardPlan(plan: Plan, files: AwsFiles, invocation: GuardedInvocation | undefined, rt: Runtime): Promise<Guarded> {
  const rules = rulesFor(plan.profile, files, invocation, projectOf(rt));
  const childVars: Record<string, string> = {};
  const known = planAccount(plan);
  const checkAccount = (account: string, from: string) => check(plan.profile, account, from, rules, childVars, rt);
  if (known) await checkAccount(known.account, known.from);
  else if (rules.allowed || rules.confirm)
    rt.logger.debug(`guardrails: the account of profile '${plan.profile}' is asked of STS once its credentials are there`);
  return {
    server: rules.server,
    childVars,
    async after(creds, ctx) {
      if (!known && (rules.allowed || rules.confirm))
        await checkAccount(await stsAccount(plan.profile, plan.region, creds, rt), 'GetCallerIdentity');
      if (!invocation || rules.minSeconds === 0) return creds;
      return keepAlive(plan, creds, { minSeconds: rules.minSeconds, server: rules.server, what: shown(invocation) }, ctx);
    },
  };
}

/**
 * A run inside a command mfa-exec (or aws-vault) started, with the credentials it injected for
 * AWS_VAULT's profile: steps 1 and 2 for them. `reuse: false` when they would not last
 * min_lifetime: the run then resolves its credentials as any other. Nothing is read when no
 * guardrail can apply (the nested warm path stays as it was).
 */
export async function guardNested(
  invocation: GuardedInvocation,
  files: () => AwsFiles,
  rt: Runtime,
): Promise<{ reuse: boolean; childVars: Record<string, string> }> {
  const profile = rt.env.AWS_VAULT!;
  const project = projectOf(rt);
  const applied = appliedHere(rt);
  if (applied?.profile !== undefined && applied.profile !== profile) {
    rt.logger.warn(
      `${project!.file} selects profile '${applied.profile}', but this runs inside a command mfa-exec started with profile '${profile}' (AWS_VAULT): '${profile}' is kept`,
    );
  }
  const minSeconds = minLifetimeSeconds(invocation, applied);
  const expiry = Date.parse(rt.env.AWS_CREDENTIAL_EXPIRATION ?? rt.env.AWS_SESSION_EXPIRATION ?? '');
  if (minSeconds > 0 && !Number.isNaN(expiry) && expiry - rt.now() < minSeconds * 1000) {
    rt.logger.debug(
      `the credentials injected for '${profile}' end before the ${minSeconds} s '${shown(invocation)}' is to have: resolving them anew`,
    );
    return { reuse: false, childVars: {} };
  }
  const childVars: Record<string, string> = {};
  if (!applied?.allowedAccountIds && destructive(invocation, applied?.confirmPatterns) === undefined) return { reuse: true, childVars };
  const loaded = files();
  let plan: Plan | undefined;
  try {
    plan = resolvePlan(loaded, profile, rt.env);
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    rt.logger.debug(`guardrails: profile '${profile}' does not resolve here (${error.message}); its account is asked of STS`);
  }
  const rules = rulesFor(profile, loaded, invocation, project);
  if (!rules.allowed && !rules.confirm) return { reuse: true, childVars };
  const known = plan && planAccount(plan);
  const account = known ? known.account : await stsAccount(profile, plan?.region, injected(rt, profile), rt);
  await check(profile, account, known ? known.from : 'GetCallerIdentity', rules, childVars, rt);
  return { reuse: true, childVars };
}

/** The credentials an outer run left in the environment (static keys; an endpoint's are not read here). */
function injected(rt: Runtime, profile: string): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = rt.env;
  if (!accessKeyId || !secretAccessKey) {
    throw new RefusedError(
      `This runs inside a --server run of profile '${profile}', whose account the AWS files do not tell (no role_arn, no MFA device ARN), and a guardrail of ${projectOf(rt)?.file ?? 'the profile'} needs it. Run the command outside it, or give the profile a role or an mfa_serial ARN.`,
    );
  }
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

async function stsAccount(profile: string, region: string | undefined, creds: Credentials, rt: Runtime): Promise<string> {
  const { settings } = rt;
  const { callerAccount } = await rt.onDemand();
  return callerAccount(creds, {
    region: region ?? settings.region ?? 'us-east-1',
    endpoint: settings.stsEndpoint,
    timeoutMs: settings.stsTimeoutMs,
    profile,
  });
}

/** Steps 1 and 2 for a known account. */
async function check(
  profile: string,
  account: string,
  from: string,
  rules: Rules,
  childVars: Record<string, string>,
  rt: Runtime,
): Promise<void> {
  const { logger, settings } = rt;
  if (rules.allowed) {
    const { ids, project } = rules.allowed;
    if (!ids.includes(account)) throw notAllowed(profile, account, from, ids, project);
    logger.debug(`guardrails: account ${account} (${from}) is allowed by ${project.file}`);
  }
  if (!rules.confirm) return;
  const { what, why } = rules.confirm;
  const confirmed = settings.confirmedAccount;
  if (confirmed === account) {
    logger.debug(`guardrails: '${what}' on account ${account} confirmed by MFA_EXEC_CONFIRMED`);
  } else if (confirmed !== undefined) {
    throw new RefusedError(
      `'${what}' with profile '${profile}' needs a confirmation for account ${account} (${why}), and MFA_EXEC_CONFIRMED=${confirmed} confirms another account; it did not run. Set MFA_EXEC_CONFIRMED=${account} if this is the account you mean.`,
    );
  } else {
    const { confirmDestructive } = await rt.onDemand();
    await confirmDestructive({ what, profile, account, why, prompt: settings.prompt, env: rt.env });
    logger.debug(`guardrails: '${what}' on account ${account} confirmed`);
  }
  childVars.MFA_EXEC_CONFIRMED = account;
}

function notAllowed(profile: string, account: string, from: string, ids: readonly string[], project: Project): RefusedError {
  const list = ids.length
    ? `only ${ids.join(', ')} (allowed_account_ids)`
    : 'no account: its allowed_account_ids and the approved ones have none in common';
  const pending =
    project.state === 'changed'
      ? ` The file changed since you last decided on it: accounts it adds count only after 'mfa-exec allow'.`
      : '';
  return new RefusedError(
    `Profile '${profile}' gives credentials for account ${account} (by ${from}), and ${project.file} allows ${list}; nothing was run.${pending} Choose a profile of an allowed account (-p NAME), or run it from a directory meant for account ${account}.`,
  );
}

/** `terraform destroy` as shown in messages: the program and its first word. */
function shown(invocation: Invocation): string {
  return [invocation.name.split('/').pop(), invocation.args.find((a) => !a.startsWith('-'))].filter(Boolean).join(' ');
}
