// Self-test of the SSO, SSO-OIDC and Sign-In fakes (issue 19): the real AWS SDK clients and
// providers, the real aws CLI (v1, botocore) and boto3 against them, and credentials that the
// front and moto accept. No timing assertions: waits are for events, bounded.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, LogoutCommand, SSOClient } from '@aws-sdk/client-sso';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateOAuth2TokenCommand, SigninClient } from '@aws-sdk/nested-clients/signin';
import type { HttpRequest } from '@smithy/protocol-http';
import {
  baseEnv,
  DEVICE_GRANT,
  loginCacheKey,
  makeBrowser,
  makeDpopProof,
  makeHome,
  pythonJsonDumps,
  pythonTool,
  readLoginCache,
  readSsoTokenCache,
  REPO_ROOT,
  s256,
  ssoRegistrationCacheKey,
  ssoRoleName,
  ssoTokenCacheKey,
  startFakeAws,
  startSsoFakes,
  withSsoRoles,
  writeAwsFiles,
  writeLoginCache,
  writeSsoTokenCache,
  type FakeAws,
  type FakeBrowser,
  type LoginSession,
  type SsoFakes,
  type TempHome,
} from '../harness/index.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const run = promisify(execFile);

/** The error a call failed with, reduced to what the tests compare. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; error?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number }; error?: string };
    return { name: err.name, status: err.$metadata?.httpStatusCode, ...(err.error ? { error: err.error } : {}) };
  }
  assert.fail('expected the call to fail');
}

/** A loopback OAuth callback like the AWS CLI's: http://127.0.0.1:<port>/oauth/callback. */
async function callbackServer(): Promise<{ redirectUri: string; hit: Promise<URLSearchParams>; close(): void }> {
  let deliver!: (q: URLSearchParams) => void;
  const hit = new Promise<URLSearchParams>((r) => (deliver = r));
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.writeHead(u.pathname === '/oauth/callback' ? 200 : 404, { 'content-type': 'text/html' }).end('<p>You can close this tab.</p>');
    if (u.pathname === '/oauth/callback') deliver(u.searchParams);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    hit,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

describe('SSO, SSO-OIDC and Sign-In fakes', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let sso: SsoFakes;
  let browser: FakeBrowser;
  const region = 'us-east-1';
  const oidc = (): SSOOIDCClient => new SSOOIDCClient({ region, endpoint: sso.endpoints.oidc, maxAttempts: 1 });
  const portal = (): SSOClient => new SSOClient({ region, endpoint: sso.endpoints.portal, maxAttempts: 1 });
  const whoAmI = async (c: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string }): Promise<string> => {
    const sts = new STSClient({
      region,
      endpoint: aws.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken! },
    });
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  };
  const openInBrowser = (url: string): Promise<unknown> => run(browser.path, [url], { timeout: 10_000 });

  /** RegisterClient as `aws sso login` does for an sso-session (PKCE). */
  const registerPkce = (scopes = ['sso:account:access']) =>
    oidc().send(
      new RegisterClientCommand({
        clientName: 'botocore-client-corp',
        clientType: 'public',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: sso.startUrl,
        scopes,
      }),
    );

  /** The authorize URL as the CLI builds it (botocore SSOTokenFetcherAuth._get_authorization_uri). */
  const authorizeUrl = (clientId: string, redirectUri: string, state: string, challenge: string): string =>
    `${sso.endpoints.oidc}/authorize?` +
    new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge_method: 'S256',
      scopes: 'sso:account:access',
    }).toString() +
    `&code_challenge=${challenge}`;

  before(async () => {
    aws = await startFakeAws(
      withSsoRoles(
        {
          users: [{ name: 'alice', mfa: true }, { name: 'carol' }],
          roles: [{ name: 'deploy', trustedUsers: ['alice'], trustedRoles: [ssoRoleName('Dev')] }], // chaining from SSO
        },
        ['Dev', 'Admin', 'ReadOnly'],
      ),
    );
    sso = await startSsoFakes(aws, { region, permissionSets: ['Dev', 'Admin'] }); // ReadOnly exists but is not assigned
    browser = await makeBrowser();
  });
  after(async () => {
    await sso?.close();
    await aws?.close();
    await browser?.cleanup();
  });

  test('PKCE: the browser stand-in follows authorize to the loopback redirect; code + verifier give tokens', async () => {
    const reg = await registerPkce();
    assert.ok(reg.clientId && reg.clientSecret);
    assert.ok(reg.clientSecretExpiresAt! > Date.now() / 1000 + 80 * 86_400, 'registrations last 90 days');
    const cb = await callbackServer();
    try {
      const verifier = randomBytes(48).toString('base64url'); // 64 characters, as the CLI's
      const state = crypto.randomUUID();
      const opensBefore = (await browser.opens()).length;
      await openInBrowser(authorizeUrl(reg.clientId!, cb.redirectUri, state, s256(verifier)));
      const q = await within(cb.hit, 15_000, 'callback');
      assert.equal(q.get('state'), state);
      const code = q.get('code')!;
      assert.ok(code);
      assert.equal((await browser.opens()).length, opensBefore + 1);

      const tok = await oidc().send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: 'authorization_code',
          code,
          redirectUri: cb.redirectUri,
          codeVerifier: verifier,
        }),
      );
      assert.equal(tok.tokenType, 'Bearer');
      assert.ok(tok.accessToken && tok.refreshToken, 'a registration with scopes gets a refresh token');
      assert.equal(tok.expiresIn, 3600);
      const reuse = await failure(
        oidc().send(
          new CreateTokenCommand({
            clientId: reg.clientId,
            clientSecret: reg.clientSecret,
            grantType: 'authorization_code',
            code,
            redirectUri: cb.redirectUri,
            codeVerifier: verifier,
          }),
        ),
      );
      assert.deepEqual(reuse, { name: 'InvalidGrantException', status: 400, error: 'invalid_grant' }, 'a code is good once');
      const outcome = (await browser.waitForOutcomes(1)).at(-1)!;
      assert.deepEqual(
        outcome.steps.map((s) => [s.path, s.status]),
        [
          ['/authorize', 302],
          ['/oauth/callback', 200],
        ],
      );
    } finally {
      cb.close();
    }
  });

  test('PKCE refusals: a wrong verifier, another redirect URI, an unregistered redirect, a denying user', async () => {
    const reg = await registerPkce();
    const cb = await callbackServer();
    try {
      const authorize = async (redirect = cb.redirectUri, challenge = s256('v'.repeat(64))): Promise<Response> =>
        fetch(authorizeUrl(reg.clientId!, redirect, 's1', challenge), { redirect: 'manual' });
      const token = (code: string, over: { redirectUri?: string; codeVerifier?: string }) =>
        oidc().send(
          new CreateTokenCommand({
            clientId: reg.clientId,
            clientSecret: reg.clientSecret,
            grantType: 'authorization_code',
            code,
            redirectUri: over.redirectUri ?? cb.redirectUri,
            codeVerifier: over.codeVerifier ?? 'v'.repeat(64),
          }),
        );
      const codeOf = (r: Response): string => new URL(r.headers.get('location')!).searchParams.get('code')!;

      assert.equal((await failure(token(codeOf(await authorize()), { codeVerifier: 'w'.repeat(64) }))).name, 'InvalidGrantException');
      const other = cb.redirectUri.replace(/:\d+\//, ':1/');
      assert.equal((await failure(token(codeOf(await authorize()), { redirectUri: other }))).name, 'InvalidGrantException');
      assert.ok((await token(codeOf(await authorize()), {})).accessToken, 'the right verifier and redirect');

      const elsewhere = await authorize('http://127.0.0.1:9/elsewhere');
      assert.equal(elsewhere.status, 400, 'no redirect to an unregistered URI');
      const badChallenge = await authorize(cb.redirectUri, 'short');
      assert.equal(new URL(badChallenge.headers.get('location')!).searchParams.get('error'), 'invalid_request');

      sso.identityCenter.userDenies = true;
      const denied = new URL((await authorize()).headers.get('location')!);
      assert.deepEqual([denied.searchParams.get('error'), denied.searchParams.get('state')], ['access_denied', 's1']);
    } finally {
      sso.identityCenter.userDenies = false;
      cb.close();
    }
  });

  test('device code: pending, slow down when polled too fast, approved in the browser, then spent', async () => {
    const ic = sso.identityCenter;
    ic.deviceIntervalSeconds = 30; // two polls in a row are always "too fast", however slow the machine
    try {
      const reg = await oidc().send(
        new RegisterClientCommand({ clientName: 'botocore-client-legacy', clientType: 'public', scopes: ['sso:account:access'] }),
      );
      const dev = await oidc().send(
        new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: sso.startUrl }),
      );
      assert.equal(dev.interval, 30);
      assert.match(dev.userCode!, /^[A-Z]{4}-[A-Z]{4}$/);
      assert.equal(dev.verificationUriComplete, `${dev.verificationUri}?user_code=${dev.userCode}`);
      const poll = () =>
        oidc().send(
          new CreateTokenCommand({
            clientId: reg.clientId,
            clientSecret: reg.clientSecret,
            grantType: DEVICE_GRANT,
            deviceCode: dev.deviceCode,
          }),
        );

      assert.deepEqual(await failure(poll()), { name: 'AuthorizationPendingException', status: 400, error: 'authorization_pending' });
      assert.deepEqual(await failure(poll()), { name: 'SlowDownException', status: 400, error: 'slow_down' });
      const before = (await browser.outcomes()).length;
      await openInBrowser(dev.verificationUriComplete!);
      const visit = (await browser.waitForOutcomes(before + 1)).at(-1)!;
      assert.deepEqual(
        visit.steps.map((s) => [s.method, s.path, s.status]),
        [
          ['GET', '/device', 200],
          ['POST', '/device/approve', 200],
        ],
      );
      const tok = await poll(); // approved: the interval no longer matters
      assert.ok(tok.accessToken && tok.refreshToken);
      assert.equal((await failure(poll())).name, 'InvalidGrantException', 'a device code is spent once used');

      const dev2 = await oidc().send(
        new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: sso.startUrl }),
      );
      ic.expireDeviceCodes();
      const expired = oidc().send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: DEVICE_GRANT,
          deviceCode: dev2.deviceCode,
        }),
      );
      assert.deepEqual(await failure(expired), { name: 'ExpiredTokenException', status: 400, error: 'expired_token' });
    } finally {
      ic.deviceIntervalSeconds = 1;
    }
  });

  test('device code: the user may take a while, or deny; wrong start URL and client secret are refused', async () => {
    const ic = sso.identityCenter;
    const reg = await oidc().send(new RegisterClientCommand({ clientName: 'c', clientType: 'public' }));
    const start = () =>
      oidc().send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: sso.startUrl }));
    const poll = (deviceCode: string) =>
      oidc().send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode }));
    ic.approvalDelayMs = 60_000;
    ic.deviceIntervalSeconds = 0;
    try {
      const slow = await start();
      assert.equal(ic.approveUserCode(slow.userCode!), 'approved');
      assert.equal((await failure(poll(slow.deviceCode!))).name, 'AuthorizationPendingException', 'approved, but not yet');
      ic.approvalDelayMs = 0;
      ic.userDenies = true;
      const no = await start();
      assert.equal(ic.approveUserCode(no.userCode!), 'denied');
      assert.deepEqual(await failure(poll(no.deviceCode!)), { name: 'AccessDeniedException', status: 400, error: 'access_denied' });
    } finally {
      ic.approvalDelayMs = 0;
      ic.userDenies = false;
      ic.deviceIntervalSeconds = 1;
    }
    assert.equal(
      (
        await failure(
          oidc().send(
            new StartDeviceAuthorizationCommand({
              clientId: reg.clientId,
              clientSecret: reg.clientSecret,
              startUrl: 'https://x.awsapps.com/start',
            }),
          ),
        )
      ).name,
      'InvalidRequestException',
    );
    assert.deepEqual(
      await failure(
        oidc().send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: 'nope', startUrl: sso.startUrl })),
      ),
      { name: 'InvalidClientException', status: 401, error: 'invalid_client' },
    );
  });

  test('refresh: rotates the refresh token, refuses the used one, and obeys revoke and refuse-next', async () => {
    const ic = sso.identityCenter;
    const signedIn = sso.signInSso();
    const { clientId, clientSecret } = signedIn.token;
    const refresh = (refreshToken: string) =>
      oidc().send(new CreateTokenCommand({ clientId, clientSecret, grantType: 'refresh_token', refreshToken }));
    sso.resetCalls();
    const first = await refresh(signedIn.token.refreshToken!);
    assert.ok(first.refreshToken && first.refreshToken !== signedIn.token.refreshToken, 'rotated');
    assert.equal(ic.refreshTokenState(signedIn.token.refreshToken!), 'used');
    assert.deepEqual(await failure(refresh(signedIn.token.refreshToken!)), {
      name: 'InvalidGrantException',
      status: 400,
      error: 'invalid_grant',
    });
    assert.equal(sso.calls['CreateToken/refresh_token'], 2);

    ic.refuseNextRefresh();
    assert.equal((await failure(refresh(first.refreshToken!))).name, 'InvalidGrantException', 'refused once by the knob');
    const second = await refresh(first.refreshToken!);
    ic.revokeRefreshToken(second.refreshToken);
    assert.equal((await failure(refresh(second.refreshToken!))).name, 'InvalidGrantException', 'revoked');

    const legacy = sso.signInSso({ legacy: true, scopes: null });
    assert.equal(legacy.token.refreshToken, undefined, 'no scopes, no refresh token (as AWS)');
    assert.ok((legacy.token.expiresAt as number) > Date.now() + 7 * 3600_000, 'and an 8 h access token');

    ic.expireRegistration(clientId);
    assert.equal((await failure(refresh(second.refreshToken!))).name, 'InvalidClientException', 'an expired registration');
  });

  test('GetRoleCredentials: credentials the real aws CLI accepts through moto; 401 and 403 as AWS answers', async (t) => {
    const home: TempHome = await makeHome();
    t.after(() => home.cleanup());
    const { token } = sso.signInSso();
    sso.resetCalls();
    const got = await portal().send(
      new GetRoleCredentialsCommand({ accountId: aws.accountId, roleName: 'Dev', accessToken: token.accessToken }),
    );
    const c = got.roleCredentials!;
    assert.ok(c.expiration! > Date.now() + 50 * 60_000 && c.expiration! < Date.now() + 70 * 60_000, 'epoch ms, one hour');
    const env = {
      ...baseEnv(home.home, aws),
      AWS_ACCESS_KEY_ID: c.accessKeyId,
      AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
      AWS_SESSION_TOKEN: c.sessionToken,
      AWS_DEFAULT_REGION: region,
    };
    const { stdout } = await run('aws', ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], { env, timeout: 20_000 });
    assert.equal(stdout.trim(), `arn:aws:sts::${aws.accountId}:assumed-role/${ssoRoleName('Dev')}/${sso.user}`);
    assert.deepEqual(
      sso.log.filter((e) => e.op === 'GetRoleCredentials').map((e) => [e.roleName, e.status]),
      [['Dev', 200]],
    );

    // The role can be chained from (a role that trusts the permission set's role).
    const deploy = await new STSClient({
      region,
      endpoint: aws.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken! },
    }).send(new AssumeRoleCommand({ RoleArn: aws.roles['deploy']!.arn, RoleSessionName: 'chain' }));
    assert.match(
      await whoAmI({
        accessKeyId: deploy.Credentials!.AccessKeyId,
        secretAccessKey: deploy.Credentials!.SecretAccessKey,
        sessionToken: deploy.Credentials!.SessionToken,
      }),
      /assumed-role\/deploy\/chain$/,
    );

    const grc = (roleName: string, accessToken: string, accountId = aws.accountId) =>
      portal().send(new GetRoleCredentialsCommand({ accountId, roleName, accessToken }));
    assert.deepEqual(await failure(grc('ReadOnly', token.accessToken)), { name: 'ForbiddenException', status: 403 }, 'not assigned');
    assert.equal((await failure(grc('Dev', token.accessToken, '210987654321'))).name, 'ForbiddenException', 'another account');
    assert.deepEqual(await failure(grc('Dev', 'aoaNotAToken')), { name: 'UnauthorizedException', status: 401 });
    const expiring = sso.signInSso();
    sso.identityCenter.expireAccessToken(expiring.token.accessToken);
    assert.equal((await failure(grc('Dev', expiring.token.accessToken))).name, 'UnauthorizedException', 'expired');
    await portal().send(new LogoutCommand({ accessToken: token.accessToken }));
    assert.equal((await failure(grc('Dev', token.accessToken))).name, 'UnauthorizedException', 'logged out');

    aws.expireCredentials(c.accessKeyId!);
    await assert.rejects(whoAmI(c), /expired/, 'the front expires role credentials on demand');
  });

  test('Sign-In: the DPoP proof is verified and bound to the refresh token; the token rotates', async () => {
    const s = await sso.signInConsole('alice');
    assert.equal(s.loginSession, aws.users['alice']!.arn);
    const key = createPrivateKey(s.dpopKey);
    const url = `${sso.endpoints.signin}/v1/token`;
    const client = (proof: (htu: string) => string): SigninClient => {
      const c = new SigninClient({
        region,
        endpoint: sso.endpoints.signin,
        credentials: { accessKeyId: '', secretAccessKey: '' },
        maxAttempts: 1,
      });
      c.middlewareStack.add(
        (next) => async (args) => {
          const r = args.request as HttpRequest;
          r.headers['DPoP'] = proof(`${r.protocol}//${r.hostname}:${r.port}${r.path}`);
          return next(args);
        },
        { step: 'finalizeRequest', name: 'dpop' },
      );
      return c;
    };
    const refresh = (refreshToken: string, proof: (htu: string) => string, clientId = s.clientId) =>
      client(proof).send(new CreateOAuth2TokenCommand({ tokenInput: { clientId, grantType: 'refresh_token', refreshToken } }));

    const invalid = { name: 'ValidationException', status: 400, error: 'INVALID_REQUEST' };
    assert.deepEqual(
      await failure(refresh(s.refreshToken, (htu) => makeDpopProof(key, htu, { corruptSignature: true }))),
      invalid,
      'bad signature',
    );
    const other = createPrivateKey((await sso.signInConsole('carol')).dpopKey);
    assert.deepEqual(
      await failure(refresh(s.refreshToken, (htu) => makeDpopProof(other, htu))),
      invalid,
      'another key than the token is bound to',
    );
    assert.deepEqual(
      await failure(refresh(s.refreshToken, () => makeDpopProof(key, 'http://127.0.0.1:1/v1/token'))),
      invalid,
      'htu of another URL',
    );
    assert.deepEqual(await failure(refresh(s.refreshToken, (htu) => makeDpopProof(key, htu, { htm: 'GET' }))), invalid, 'htm GET');
    assert.deepEqual(
      await failure(refresh(s.refreshToken, (htu) => makeDpopProof(key, htu, { iat: Math.floor(Date.now() / 1000) - 3600 }))),
      invalid,
      'an hour-old iat',
    );
    assert.deepEqual(await failure(refresh(s.refreshToken, (htu) => makeDpopProof(key, htu, { typ: 'JWT' }))), invalid, 'typ JWT');
    assert.deepEqual(await failure(refresh(s.refreshToken, () => '')), invalid, 'no proof');
    const replayed = makeDpopProof(key, url, { jti: 'once' });
    const ok = await refresh(s.refreshToken, () => replayed);
    assert.deepEqual(await failure(refresh(ok.tokenOutput!.refreshToken!, () => replayed)), invalid, 'a replayed jti');
    assert.equal(sso.log.at(-1)?.reason, 'Invalid DPoP proof: jti was used before (replay)');

    const out = ok.tokenOutput!;
    assert.equal(out.tokenType, 'aws_sigv4');
    assert.ok(out.expiresIn! <= 900 && out.expiresIn! >= 600, 'about 15 minutes (at most 900, the model says)');
    assert.equal(out.idToken, undefined, 'no idToken on refresh');
    assert.equal(await whoAmI(out.accessToken!), aws.users['alice']!.arn, 'credentials act as the user');
    assert.notEqual(out.refreshToken, s.refreshToken, 'rotated');
    assert.deepEqual(
      await failure(refresh(s.refreshToken, (htu) => makeDpopProof(key, htu))),
      { name: 'AccessDeniedException', status: 401, error: 'TOKEN_EXPIRED' },
      'the used refresh token (reuse: refuse)',
    );
    sso.signin.reuse = 'replay';
    try {
      const again = await refresh(s.refreshToken, (htu) => makeDpopProof(key, htu));
      assert.equal(again.tokenOutput!.refreshToken, out.refreshToken, 'reuse: replay answers the first answer again');
    } finally {
      sso.signin.reuse = 'refuse';
    }

    sso.signin.failNextRefresh('INSUFFICIENT_PERMISSIONS');
    assert.deepEqual(await failure(refresh(out.refreshToken!, (htu) => makeDpopProof(key, htu))), {
      name: 'AccessDeniedException',
      status: 403,
      error: 'INSUFFICIENT_PERMISSIONS',
    });
    sso.signin.endSession(s.loginSession, 'USER_CREDENTIALS_CHANGED');
    assert.deepEqual(await failure(refresh(out.refreshToken!, (htu) => makeDpopProof(key, htu))), {
      name: 'AccessDeniedException',
      status: 403,
      error: 'USER_CREDENTIALS_CHANGED',
    });
  });

  /** Runs an SDK credential provider in a child Node, as a separate program would. */
  async function providerInChild(provider: 'sso' | 'login', profile: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
    const script =
      provider === 'sso'
        ? `const { fromSSO } = await import('@aws-sdk/credential-provider-sso'); const c = await fromSSO({ profile: process.env.P })();`
        : `const { fromLoginCredentials } = await import('@aws-sdk/credential-provider-login'); const c = await fromLoginCredentials({ profile: process.env.P })();`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `${script} process.stdout.write(JSON.stringify(c));`], {
      cwd: REPO_ROOT,
      env: { ...env, P: profile, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 20_000,
    });
    return JSON.parse(stdout) as Record<string, string>;
  }

  test('the SDK’s fromLoginCredentials refreshes a cache file the harness wrote (real DPoP); moto accepts the result', async (t) => {
    const home: TempHome = await makeHome();
    t.after(() => home.cleanup());
    const s: LoginSession = await sso.signInConsole('alice');
    await writeAwsFiles(home.home, { config: `[profile console]\nlogin_session = ${s.loginSession}\nregion = ${region}\n` });
    const file = writeLoginCache(home.home, s, { expiresAt: Date.now() + 2 * 60_000 }); // within the SDK's 5 min: refresh
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.ok(file.endsWith(`/.aws/login/cache/${loginCacheKey(s.loginSession)}.json`));
    sso.resetCalls();

    const env = { ...baseEnv(home.home, aws), ...sso.env };
    const c = await providerInChild('login', 'console', env);
    assert.equal(sso.calls['CreateOAuth2Token/refresh_token'], 1, 'the SDK refreshed, with a proof the fake accepted');
    assert.notEqual(c['accessKeyId'], s.accessToken.accessKeyId);
    const saved = readLoginCache(home.home, s.loginSession) as { refreshToken: string; accessToken: { accessKeyId: string } };
    assert.equal(saved.accessToken.accessKeyId, c['accessKeyId'], 'written back');
    assert.equal(sso.signin.refreshTokenState(saved.refreshToken), 'active', 'the rotated refresh token is the live one');

    const { stdout } = await run('aws', ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], {
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: c['accessKeyId'],
        AWS_SECRET_ACCESS_KEY: c['secretAccessKey'],
        AWS_SESSION_TOKEN: c['sessionToken'],
        AWS_DEFAULT_REGION: region,
      },
      timeout: 20_000,
    });
    assert.equal(stdout.trim(), aws.users['alice']!.arn);

    sso.signin.endSession(s.loginSession, 'TOKEN_EXPIRED');
    writeLoginCache(home.home, { ...s, refreshToken: saved.refreshToken }, { expiresAt: Date.now() - 1000 });
    await assert.rejects(providerInChild('login', 'console', env), /Your session has expired/);
  });

  test('fromSSO and botocore (aws CLI v1) read the token cache the harness wrote; botocore refreshes an expiring one', async (t) => {
    const home: TempHome = await makeHome();
    t.after(() => home.cleanup());
    await writeAwsFiles(home.home, {
      config:
        sso.ssoConfig({ profile: 'sso-dev', permissionSet: 'Dev' }) +
        '\n' +
        sso.ssoConfig({ profile: 'sso-legacy', permissionSet: 'Admin', legacy: true }),
    });
    const signedIn = sso.signInSso();
    const { tokenFile, registrationFile } = signedIn.writeTo(home.home);
    assert.ok(tokenFile.endsWith(`/.aws/sso/cache/${ssoTokenCacheKey({ sessionName: 'corp' })}.json`));
    assert.equal((await stat(tokenFile)).mode & 0o777, 0o600);
    const regText = await readFile(registrationFile, 'utf8');
    assert.deepEqual(
      Object.keys(JSON.parse(regText)),
      ['clientId', 'clientSecret', 'expiresAt', 'scopes', 'grantTypes'],
      'as _register_client orders them',
    );
    assert.match(
      regText,
      /, "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "scopes": \["sso:account:access"\], /,
      'Python json.dumps separators',
    );
    const legacy = sso.signInSso({ legacy: true, scopes: null });
    legacy.writeTo(home.home);
    const env = { ...baseEnv(home.home, aws), ...sso.env, AWS_DEFAULT_REGION: region };
    sso.resetCalls();

    const js = await providerInChild('sso', 'sso-dev', env);
    assert.match(await whoAmI(js), new RegExp(`assumed-role/${ssoRoleName('Dev')}/`), 'JS SDK fromSSO, found by AWS_ENDPOINT_URL_SSO');
    const aws1 = (profile: string) =>
      run('aws', ['sts', 'get-caller-identity', '--profile', profile, '--query', 'Arn', '--output', 'text'], { env, timeout: 20_000 });
    assert.match(
      (await aws1('sso-dev')).stdout,
      new RegExp(`assumed-role/${ssoRoleName('Dev')}/`),
      'botocore, found by AWS_ENDPOINT_URL_SSO',
    );
    assert.match(
      (await aws1('sso-legacy')).stdout,
      new RegExp(`assumed-role/${ssoRoleName('Admin')}/`),
      'a legacy profile, keyed by start URL',
    );
    assert.equal(sso.calls['GetRoleCredentials'], 3);
    assert.equal(sso.calls['CreateToken'] ?? 0, 0, 'fresh tokens are not refreshed');

    // botocore refreshes 15 minutes before expiry (tokens.py _REFRESH_WINDOW), through AWS_ENDPOINT_URL_SSO_OIDC.
    writeSsoTokenCache(home.home, { ...signedIn.token, expiresAt: Date.now() + 10 * 60_000 }, 'corp');
    await aws1('sso-dev');
    assert.equal(sso.calls['CreateToken/refresh_token'], 1);
    const saved = readSsoTokenCache(home.home, { sessionName: 'corp' });
    assert.notEqual(saved['refreshToken'], signedIn.token.refreshToken, 'botocore saved the rotated refresh token');
    assert.equal(sso.identityCenter.refreshTokenState(saved['refreshToken'] as string), 'active');
    assert.match(saved['expiresAt'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('cache keys: the Python expressions the CLI uses give the same names', async () => {
    const py = `
import hashlib, json
print(hashlib.sha1("corp".encode("utf-8")).hexdigest())
print(hashlib.sha1("https://fake-corp.awsapps.com/start".encode("utf-8")).hexdigest())
args = {"tool": "botocore", "startUrl": "https://fake-corp.awsapps.com/start", "region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "corp"}
print(hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest())
args["scopes"] = None; args["session_name"] = None
print(hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest())
print(hashlib.sha256("arn:aws:iam::123456789012:user/alice".encode("utf-8")).hexdigest())
print(json.dumps({"a": "é/\\u2028", "b": [1, None, True]}))
`;
    const { stdout } = await run(pythonTool('python3'), ['-c', py], { timeout: 10_000 });
    const start = 'https://fake-corp.awsapps.com/start';
    assert.deepEqual(stdout.trim().split('\n'), [
      ssoTokenCacheKey({ sessionName: 'corp' }),
      ssoTokenCacheKey({ startUrl: start }),
      ssoRegistrationCacheKey({ startUrl: start, region, scopes: ['sso:account:access'], sessionName: 'corp' }),
      ssoRegistrationCacheKey({ startUrl: start, region, scopes: null, sessionName: null }),
      loginCacheKey('arn:aws:iam::123456789012:user/alice'),
      pythonJsonDumps({ a: 'é/\u2028', b: [1, null, true] }),
    ]);
  });

  test('each service answers only on its own endpoint; faults can be injected', async () => {
    const wrong = await fetch(`${sso.endpoints.oidc}/federation/credentials?role_name=Dev&account_id=${aws.accountId}`);
    assert.equal(wrong.status, 404);
    assert.equal(wrong.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    sso.failNext('RegisterClient', 1, 'throttle');
    assert.deepEqual(await failure(oidc().send(new RegisterClientCommand({ clientName: 'x', clientType: 'public' }))), {
      name: 'TooManyRequestsException',
      status: 429,
    });
    assert.equal(sso.log.at(-1)?.by, 'fault');
  });

  test('the browser stand-in records every open; ignore and fail modes do not complete anything', async () => {
    const before = (await browser.opens()).length;
    await browser.setMode('ignore');
    await openInBrowser(`${sso.endpoints.oidc}/device?user_code=XXXX-XXXX`);
    await browser.setMode('fail');
    await assert.rejects(openInBrowser('http://127.0.0.1:9/nowhere'), (e: { code?: number }) => e.code === 3);
    await browser.setMode('complete');
    const opens = await browser.opens();
    assert.equal(opens.length, before + 2);
    assert.equal(opens.at(-1)!.url, 'http://127.0.0.1:9/nowhere');
  });
});
