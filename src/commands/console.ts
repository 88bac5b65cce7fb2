/**
 * console: opens the AWS console in the browser, signed in as the profile (aws-vault's `login`).
 *
 *   credentials → the federation endpoint's getSigninToken → the login URL → the browser
 *
 * - A profile with a role: the role credentials come through the cache, as every command gets
 *   them (one MFA prompt at most); when they have less than half their lifetime left they are
 *   assumed again first (from the cached MFA session: no prompt), since the console session ends
 *   with them.
 * - A profile with no role: long-term keys sign in through GetFederationToken (a federated user
 *   named after the IAM user, with an allow-all session policy: the user's own permissions);
 *   that console session carries no MFA, and mfa-exec says so. An MFA session (GetSessionToken)
 *   is never sent: the console refuses those. Temporary credentials the profile holds itself
 *   are sent only when GetCallerIdentity shows a role or a federated user.
 * - `-d`: the credentials' lifetime, and so the console session's (no SessionDuration is sent:
 *   aws/federation.ts says why). `--region`, `--path` / `--service`: where to land
 *   (aws/console-url.ts, with the partition). MFA_EXEC_FEDERATION_URL: another endpoint.
 * - The URL is a bearer secret for 15 minutes: `--stdout` prints it and nothing else; otherwise
 *   it goes to the opener's argv ($BROWSER, xdg-open, open) and nowhere else, never a log line.
 */
import type { Plan } from '../aws-config/plan.ts';
import { consoleDestination, federationUrl, partitionOf } from '../aws/console-url.ts';
import type { Credentials } from '../aws/credentials.ts';
import { getSigninToken, loginUrl } from '../aws/federation.ts';
import { callerIdentity, describeStsError, getFederationToken, type StsContext } from '../aws/sts.ts';
import { planCacheRefs } from '../credentials/cache-key.ts';
import { acquireLock } from '../credentials/lock.ts';
import { resolveCredentials } from '../credentials/resolve.ts';
import { formatDuration } from '../duration.ts';
import { ConfigError, ExitCode, MfaExecError, UsageError } from '../errors.ts';
import { isoTime } from '../iso-time.ts';
import { mask } from '../log.ts';
import { openUrl } from '../open-url.ts';
import type { Options } from '../options.ts';
import { planFor, resolveContext } from '../pipeline/resolution.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { withPrompt } from '../prompt/drivers.ts';
import { fetchSource } from '../sources/fetch.ts';
import { kindOf } from '../sources/table.ts';
import type { CommandHelp, CommandInput } from './types.ts';

export const help: CommandHelp = {
  usage: [
    'mfa-exec console [PROFILE] [options] [--stdout] [--path P | --service S]',
    '                                              open the AWS console signed in as the profile',
  ],
};

/** GetFederationToken's limits, and the lifetime when -d is not given (aws-vault's AWS_FEDERATION_TOKEN_TTL default). */
const FEDERATION = { min: 900, max: 129_600, default: 3600 };
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

interface SignIn {
  creds: Credentials;
  /** Who the console will show, for the closing line. */
  as: string;
  /** What to try when the endpoint refuses them. */
  refusedHint: string;
}

export async function run({ options }: CommandInput, rt: Runtime): Promise<number> {
  const { plan } = planFor(options, rt);
  const region = options.region ?? plan.region ?? rt.settings.region;
  // The page first: a --path typo costs no MFA code.
  const partition = partitionOf(region);
  const destination = consoleDestination({ partition, region, path: options.consolePath, service: options.service });
  const federation = rt.settings.federationUrl ?? federationUrl(partition);
  const signIn = plan.roles.length > 0 ? await asRole(plan, options, rt) : await withoutRole(plan, options, rt);
  rt.logger.debug(`console: a sign-in token from ${federation} for ${signIn.as} (${mask(signIn.creds.accessKeyId)})`);
  const token = await getSigninToken(signIn.creds, {
    url: federation,
    timeoutMs: rt.settings.stsTimeoutMs,
    profile: plan.profile,
    refusedHint: signIn.refusedHint,
  });
  const url = loginUrl(federation, token, destination);
  const until = signIn.creds.expiration ? ` until ${isoTime(signIn.creds.expiration)}` : '';
  if (options.stdout) {
    rt.out(`${url}\n`);
    return 0;
  }
  const opener = await openUrl(url, { env: rt.env });
  if (!opener) {
    throw new MfaExecError(
      `No browser could be opened for the console of profile '${plan.profile}' (${rt.env.BROWSER ? '$BROWSER failed' : '$BROWSER is unset and the system opener failed'}). Run 'mfa-exec console -p ${plan.profile} --stdout' and open the URL it prints (a secret for 15 minutes).`,
      ExitCode.stsUnavailable,
    );
  }
  rt.logger.info(`opened the AWS console as ${signIn.as}${until} (profile '${plan.profile}', with ${opener})`);
  return 0;
}

/** The role's credentials through the cache; assumed again first when less than half their lifetime is left. */
async function asRole(plan: Plan, options: Options, rt: Runtime): Promise<SignIn> {
  const ctx = resolveContext(rt, options);
  const role = plan.roles.at(-1)!;
  let creds = await resolveCredentials(plan, ctx);
  const left = creds.expiration ? creds.expiration.getTime() - rt.now() : Infinity;
  if (left < (role.durationSeconds * 1000) / 2) {
    rt.logger.debug(
      `console: the role credentials have ${Math.round(left / 1000)} s left; assuming the role again for a longer console session`,
    );
    creds = await resolveCredentials(plan, { ...ctx, renew: 'roles' });
  }
  return {
    creds,
    as: `role ${role.roleArn}`,
    refusedHint: plan.session
      ? `If AWS refuses role credentials assumed from an MFA session, try 'mfa-exec console --no-session -p ${plan.profile}' (the role assumed with the MFA code directly).`
      : 'Check that the role may be used in the console.',
  };
}

/** A profile with no role: federation credentials from its long-term keys, or role credentials it holds itself. */
async function withoutRole(plan: Plan, options: Options, rt: Runtime): Promise<SignIn> {
  const source = await sourceCredentials(plan, options, rt);
  const place = stsPlace(plan, rt);
  const ctx = (what: string, deniedHint?: string): StsContext => ({
    ...place,
    what,
    profile: plan.profile,
    ...(deniedHint ? { deniedHint } : {}),
  });
  const arn = await callerIdentity(source, place).catch((error: unknown) => {
    throw describeStsError(error, ctx('GetCallerIdentity'));
  });
  if (source.sessionToken !== undefined) {
    // Role or federation credentials are what the console takes; an IAM user's temporary ones came from GetSessionToken.
    if (/:(assumed-role|federated-user)\//.test(arn)) return { creds: source, as: arn, refusedHint: 'They may have expired.' };
    throw new ConfigError(
      `Profile '${plan.profile}' has no role_arn, and its credentials are temporary ones of ${arn} (from GetSessionToken), which the AWS console does not take. Give the profile a role_arn (the console signs in as the role), or use a profile with the long-term keys.`,
    );
  }
  const seconds = options.duration ?? FEDERATION.default;
  if (seconds < FEDERATION.min || seconds > FEDERATION.max) {
    throw new UsageError(`-d ${formatDuration(seconds)} is outside what a federated console session can last (15m to 36h).`);
  }
  rt.logger.warn(
    `profile '${plan.profile}' has no role: the console signs in as a federated user made from its long-term keys (GetFederationToken), and that session carries no MFA.`,
  );
  const creds = await getFederationToken(
    source,
    { name: federatedName(arn), durationSeconds: seconds, policy: ALLOW_ALL },
    ctx(
      'GetFederationToken',
      'A policy that requires MFA denies it (long-term keys carry none): give the profile a role_arn to sign in as the role, with MFA.',
    ),
  );
  return { creds, as: `federated user ${federatedName(arn)}`, refusedHint: 'They may have expired.' };
}

/** The source's own credentials: held in the files or the environment, else fetched (the key store, credential_process). */
async function sourceCredentials(plan: Plan, options: Options, rt: Runtime): Promise<Credentials> {
  const kind = kindOf(plan.source);
  const held = kind.held?.(plan.source);
  if (held) return held;
  // Temporary credentials of a sign-in (IAM Identity Center, `aws login`) are a cached step of their own: the usual line serves them.
  if (kind.lifetime !== undefined) return resolveCredentials(plan, resolveContext(rt, options));
  return withPrompt(rt.settings.prompt, rt.env, (prompt) =>
    fetchSource(plan.source, {
      env: rt.env,
      homedir: rt.homedir,
      settings: rt.settings,
      cacheDir: rt.cacheDir,
      logger: rt.logger,
      now: rt.now,
      prompt,
      lockKey: planCacheRefs(plan, rt.settings.stsEndpoint).lockKey,
      lock: (name) => acquireLock(rt.cacheDir, name, rt.logger),
    }),
  );
}

function stsPlace(plan: Plan, rt: Runtime): Omit<StsContext, 'what' | 'profile'> {
  return {
    region: plan.region ?? rt.settings.region ?? 'us-east-1',
    endpoint: rt.settings.stsEndpoint,
    timeoutMs: rt.settings.stsTimeoutMs,
  };
}

/** GetFederationToken's Name from the IAM user's ARN: its last path part, in the characters STS takes, 2–32 of them. */
export function federatedName(arn: string): string {
  const name = (arn.split(':').at(-1) ?? '')
    .split('/')
    .at(-1)!
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, 32);
  return name.length >= 2 ? name : 'mfa-exec';
}
