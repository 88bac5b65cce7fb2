// startSsoFakes(aws): the three services moto lacks, each on its own loopback port beside the
// fake AWS: the SSO portal (GetRoleCredentials), SSO-OIDC (RegisterClient, device and PKCE
// sign-in, refresh) and Sign-In (`aws login` refresh). Separate ports, so a client that sends one
// service's call to another's endpoint variable gets a 404, not an answer.
import { DEFAULT_SCOPE, IdentityCenter, type IdentityCenterOptions, type Registration } from './identity-center.ts';
import { JsonService, ServiceBook, type JsonFaultKind, type SsoLogEntry } from './json-service.ts';
import type { FakeAws } from './fake-aws.ts';
import type { RegistrationFile, RegistrationKey, SsoTokenFile } from './cli-v2-files.ts';
import { writeSsoRegistrationCache, writeSsoTokenCache } from './cli-v2-files.ts';
import { SigninService, type LoginSession, SAME_DEVICE } from './signin.ts';
import { SSO_BROKER, ssoRoleName } from './sso-roles.ts';
import { oidcRoutes } from './sso-oidc.ts';
import { portalRoutes } from './sso-portal.ts';
import { assumeRole, getSessionToken } from './sts-mint.ts';

export interface SsoFakesOptions extends Partial<Omit<IdentityCenterOptions, 'now'>> {
  /** sso_region, and the region of the Sign-In endpoint. Default us-east-1. */
  region?: string;
  /** Default https://fake-corp.awsapps.com/start (an AWS-owned domain: the CLI v2 does not try to resolve it). */
  startUrl?: string;
  /** The person at the browser; the role session name of their role credentials. Default alice@example.com. */
  user?: string;
  /** Permission sets the user is assigned in aws.accountId; their roles must exist (withSsoRoles). */
  permissionSets?: string[];
  /** Lifetime of role credentials (the permission set's session duration). Default 3600. */
  sessionDurationSeconds?: number;
}

/** What `aws sso login` leaves behind, ready to write into a HOME. */
export interface SsoSignIn {
  sessionName?: string;
  token: SsoTokenFile;
  registrationKey: RegistrationKey;
  registration: RegistrationFile;
  /** Writes the token file and the registration file the CLI v2 would have written. */
  writeTo(home: string): { tokenFile: string; registrationFile: string };
}

export interface SsoFakes {
  region: string;
  startUrl: string;
  user: string;
  accountId: string;
  endpoints: { portal: string; oidc: string; signin: string };
  /** What a process needs to find the fakes: AWS_ENDPOINT_URL_SSO, _SSO_OIDC, _SIGNIN. */
  env: { AWS_ENDPOINT_URL_SSO: string; AWS_ENDPOINT_URL_SSO_OIDC: string; AWS_ENDPOINT_URL_SIGNIN: string };
  /** Registrations, codes, tokens and their knobs. */
  identityCenter: IdentityCenter;
  /** Console sessions and their knobs. */
  signin: SigninService;
  /** Calls per operation (RegisterClient, StartDeviceAuthorization, CreateToken, CreateToken/<grant>,
   * Authorize, DevicePage, DeviceApprove, GetRoleCredentials, Logout, CreateOAuth2Token, CreateOAuth2Token/<grant>). */
  calls: Record<string, number>;
  log: SsoLogEntry[];
  resetCalls(): void;
  /** The next n calls of `op` ('*' for any) fail with `kind`, after `skip` that pass. */
  failNext(op: string, n?: number, kind?: JsonFaultKind, skip?: number): void;
  /**
   * The state `aws sso login` leaves: a registration and a token for the user, without a browser.
   * sso-session form by default (PKCE registration, scopes → refresh token); `legacy: true` for a
   * profile with sso_start_url on it (device-flow registration, scopes only if given).
   */
  signInSso(opts?: { sessionName?: string; scopes?: string[] | null; legacy?: boolean }): SsoSignIn;
  /** A console session as `aws login` leaves it: an IAM user's, or a federated role session's. */
  signInConsole(who: string | { role: string; via: string; sessionName: string }, clientId?: string): Promise<LoginSession>;
  /** ~/.aws/config text: a profile for a permission set and, for the sso-session form, its section. */
  ssoConfig(opts: { profile: string; permissionSet: string; sessionName?: string; legacy?: boolean; scopes?: string[] | null }): string;
  close(): Promise<void>;
}

export async function startSsoFakes(aws: FakeAws, opts: SsoFakesOptions = {}): Promise<SsoFakes> {
  const region = opts.region ?? 'us-east-1';
  const startUrl = opts.startUrl ?? 'https://fake-corp.awsapps.com/start';
  const user = opts.user ?? 'alice@example.com';
  const permissionSets = opts.permissionSets ?? [];
  const duration = opts.sessionDurationSeconds ?? 3600;
  const broker = aws.users[SSO_BROKER];
  for (const ps of permissionSets)
    if (!broker || !aws.roles[ssoRoleName(ps)])
      throw new Error(`startSsoFakes: no role for permission set ${ps}; build the spec with withSsoRoles()`);

  const ic = new IdentityCenter({ ...opts, startUrl, user });
  const book = new ServiceBook();
  let signinEndpoint = '';
  let oidcEndpoint = '';
  const signin = new SigninService(() => signinEndpoint);
  const services: JsonService[] = [];
  try {
    const portal = await JsonService.start(
      'portal',
      book,
      portalRoutes(ic, {
        accountId: aws.accountId,
        assigned: new Set(permissionSets),
        mint: (ps) => assumeRole(aws.endpoint, broker!, aws.roles[ssoRoleName(ps)]!.arn, user, duration),
      }),
    );
    services.push(portal);
    const oidc = await JsonService.start(
      'oidc',
      book,
      oidcRoutes(ic, () => oidcEndpoint),
    );
    services.push(oidc);
    oidcEndpoint = oidc.endpoint;
    const sign = await JsonService.start('signin', book, signin.routes());
    services.push(sign);
    signinEndpoint = sign.endpoint;

    const signInSso: SsoFakes['signInSso'] = ({ sessionName = 'corp', scopes = [DEFAULT_SCOPE], legacy = false } = {}) => {
      // What the CLI registers: PKCE (sso-session) with grantTypes, redirectUris, issuerUrl and
      // sso:account:access when the config names no scopes; the device flow (legacy) plainly.
      const reg = ic.register(
        legacy
          ? { clientName: `botocore-client-${Math.floor(Date.now() / 1000)}`, clientType: 'public', ...(scopes ? { scopes } : {}) }
          : {
              clientName: `botocore-client-${sessionName}`,
              clientType: 'public',
              grantTypes: ['authorization_code', 'refresh_token'],
              redirectUris: ['http://127.0.0.1/oauth/callback'],
              issuerUrl: startUrl,
              scopes: scopes ?? [DEFAULT_SCOPE],
            },
      ) as Registration;
      const t = ic.issue(reg);
      const token: SsoTokenFile = {
        startUrl,
        region,
        accessToken: t.accessToken,
        expiresAt: Date.now() + t.expiresIn * 1000,
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        registrationExpiresAt: reg.expiresAt,
        ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
      };
      const registrationKey: RegistrationKey = { startUrl, region, scopes, sessionName: legacy ? null : sessionName };
      const registration: RegistrationFile = {
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        expiresAt: reg.expiresAt,
        ...(reg.scopes.length ? { scopes: reg.scopes } : {}),
        ...(reg.grantTypes ? { grantTypes: reg.grantTypes } : {}),
      };
      return {
        ...(legacy ? {} : { sessionName }),
        token,
        registrationKey,
        registration,
        writeTo: (home) => ({
          tokenFile: writeSsoTokenCache(home, token, legacy ? undefined : sessionName),
          registrationFile: writeSsoRegistrationCache(home, registrationKey, registration),
        }),
      };
    };

    const signInConsole: SsoFakes['signInConsole'] = (who, clientId = SAME_DEVICE) => {
      if (typeof who === 'string') {
        const u = aws.users[who];
        if (!u) throw new Error(`signInConsole: no user ${who}`);
        return signin.createSession(u.arn, aws.accountId, () => getSessionToken(aws.endpoint, u, 900), clientId);
      }
      const via = aws.users[who.via];
      const role = aws.roles[who.role];
      if (!via || !role) throw new Error(`signInConsole: no user ${who.via} or role ${who.role}`);
      const arn = `arn:aws:sts::${aws.accountId}:assumed-role/${who.role}/${who.sessionName}`;
      return signin.createSession(arn, aws.accountId, () => assumeRole(aws.endpoint, via, role.arn, who.sessionName, 900), clientId);
    };

    const ssoConfig: SsoFakes['ssoConfig'] = ({
      profile,
      permissionSet,
      sessionName = 'corp',
      legacy = false,
      scopes = [DEFAULT_SCOPE],
    }) => {
      const head = profile === 'default' ? '[default]' : `[profile ${profile}]`;
      if (legacy)
        return `${head}\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_account_id = ${aws.accountId}\nsso_role_name = ${permissionSet}\nregion = ${region}\n`;
      return (
        `${head}\nsso_session = ${sessionName}\nsso_account_id = ${aws.accountId}\nsso_role_name = ${permissionSet}\nregion = ${region}\n\n` +
        `[sso-session ${sessionName}]\nsso_start_url = ${startUrl}\nsso_region = ${region}\n` +
        (scopes ? `sso_registration_scopes = ${scopes.join(', ')}\n` : '')
      );
    };

    let closing: Promise<void> | undefined;
    return {
      region,
      startUrl,
      user,
      accountId: aws.accountId,
      endpoints: { portal: portal.endpoint, oidc: oidc.endpoint, signin: sign.endpoint },
      env: { AWS_ENDPOINT_URL_SSO: portal.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: oidc.endpoint, AWS_ENDPOINT_URL_SIGNIN: sign.endpoint },
      identityCenter: ic,
      signin,
      calls: book.calls,
      log: book.log,
      resetCalls: () => book.reset(),
      failNext: (op, n, kind, skip) => book.failNext(op, n, kind, skip),
      signInSso,
      signInConsole,
      ssoConfig,
      close: () => (closing ??= Promise.all(services.map((s) => s.close())).then(() => undefined)),
    };
  } catch (err) {
    await Promise.all(services.map((s) => s.close()));
    throw err;
  }
}
