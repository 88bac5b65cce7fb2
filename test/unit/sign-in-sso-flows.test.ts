// The parts of an IAM Identity Center sign-in that need no service: the registration cache's key
// (held to Python's json.dumps, as the AWS CLI v2 computes it) and reuse rule, the flow chosen,
// PKCE's verifier, challenge, authorize URL and loopback callback, and the device code's polling
// (with a fake CreateToken and a clock that does not sleep).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { ExitCode, isMfaExecError } from '../../src/errors.ts';
import { OidcError, type DeviceAuthorization } from '../../src/aws/sso-oidc.ts';
import { pollForToken } from '../../src/sign-in/sso-device.ts';
import { authorizeUrl, codeChallenge, codeVerifier, listenForCallback } from '../../src/sign-in/sso-pkce.ts';
import { registrationKey, usableRegistration } from '../../src/sign-in/sso-registration.ts';
import { signInFlow } from '../../src/sign-in/sso-sign-in.ts';

const PYTHON = process.env.PYTHON ?? 'python3';

describe("the client registration cache: the AWS CLI v2's key", () => {
  const cases = [
    { session: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'us-east-1', scopes: ['sso:account:access'] },
    { session: 'corp', startUrl: 'https://corp.awsapps.com/start#', region: 'eu-west-1', scopes: undefined },
    { session: undefined, startUrl: 'https://legacy.awsapps.com/start', region: 'us-east-1', scopes: undefined },
    { session: 'café "q"', startUrl: 'https://x/start', region: 'ap-south-1', scopes: ['a', 'sso:account:access', 'é'] },
  ];
  test('sha1(json.dumps({tool, startUrl, region, scopes, session_name}, sort_keys=True)), as Python computes it', () => {
    const script =
      'import hashlib,json,sys\n' +
      'for c in json.load(sys.stdin):\n' +
      '  args={"tool":"botocore","startUrl":c["startUrl"],"region":c["region"],"scopes":c.get("scopes"),"session_name":c.get("session")}\n' +
      '  print(hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest())\n';
    const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      cases.map((c) => registrationKey(c)),
      run.stdout.trim().split('\n'),
    );
  });

  test('reused while more than 15 minutes are left, by the flow it was made for', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const reg = (expiresAt: string, grantTypes?: string[]) => ({
      clientId: 'c',
      clientSecret: 's',
      expiresAt,
      ...(grantTypes ? { grantTypes } : {}),
    });
    const pkce = ['authorization_code', 'refresh_token'];
    assert.ok(usableRegistration(reg('2026-05-01T00:00:00Z', pkce), 'pkce', now));
    assert.equal(usableRegistration(reg('2026-05-01T00:00:00Z', pkce), 'device', now), undefined);
    assert.ok(usableRegistration(reg('2026-05-01T00:00:00Z'), 'device', now));
    assert.equal(usableRegistration(reg('2026-05-01T00:00:00Z'), 'pkce', now), undefined);
    assert.equal(usableRegistration(reg('2026-03-01T12:14:00Z', pkce), 'pkce', now), undefined);
    assert.equal(usableRegistration({ clientId: 'c', expiresAt: '2026-05-01T00:00:00Z' }, 'device', now), undefined);
  });
});

describe('which flow a sign-in takes', () => {
  const session = { session: 'corp' };
  const table: [string, { session?: string }, { noBrowser?: boolean; env: NodeJS.ProcessEnv }, string][] = [
    ['an sso-session on a desktop: PKCE', session, { env: {} }, 'pkce'],
    ['--no-browser: the device code', session, { noBrowser: true, env: {} }, 'device'],
    ['over SSH: the device code', session, { env: { SSH_CONNECTION: '10.0.0.1 5 10.0.0.2 22' } }, 'device'],
    ['over SSH with $BROWSER set: PKCE (that browser is here)', session, { env: { SSH_TTY: '/dev/pts/1', BROWSER: 'w3m' } }, 'pkce'],
    ['over SSH with a display: PKCE', session, { env: { SSH_CONNECTION: 'x', DISPLAY: 'localhost:10.0' } }, 'pkce'],
    ['the legacy form: the device code (as the AWS CLI v2)', {}, { env: {} }, 'device'],
  ];
  for (const [what, source, ctx, want] of table) test(what, () => assert.equal(signInFlow(source, ctx), want));
});

describe('PKCE', () => {
  test('a 64-character verifier of unreserved characters; the S256 challenge (RFC 7636, appendix B)', () => {
    const v = codeVerifier();
    assert.match(v, /^[A-Za-z0-9\-._~]{64}$/);
    assert.notEqual(codeVerifier(), v);
    assert.equal(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    assert.equal(codeChallenge(v), createHash('sha256').update(v).digest('base64url'));
    assert.equal(codeChallenge(v).length, 43, 'no padding');
  });

  test('the authorize URL carries what the AWS CLI sends (scopes, not scope)', () => {
    const url = new URL(
      authorizeUrl('http://127.0.0.1:9/prefix', {
        clientId: 'cid',
        redirectUri: 'http://127.0.0.1:5/oauth/callback',
        state: 'st',
        challenge: 'ch',
        scopes: ['a', 'b'],
      }),
    );
    assert.equal(`${url.origin}${url.pathname}`, 'http://127.0.0.1:9/prefix/authorize');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'http://127.0.0.1:5/oauth/callback',
      state: 'st',
      code_challenge_method: 'S256',
      scopes: 'a b',
      code_challenge: 'ch',
    });
  });

  test('the loopback callback: on 127.0.0.1 only; an answer of another sign-in is turned away, this one gives the code', async () => {
    const cb = await listenForCallback();
    try {
      assert.match(cb.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
      const other = await fetch(`${cb.redirectUri}?code=stolen&state=other`);
      assert.equal(other.status, 400);
      assert.equal((await fetch(cb.redirectUri.replace('/oauth/callback', '/'))).status, 404);
      const ok = await fetch(`${cb.redirectUri}?code=the-code&state=${cb.state}`);
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /You can close this tab/);
      assert.equal(await cb.code, 'the-code');
    } finally {
      cb.close();
    }
  });

  test('an error from the authorize page ends the wait (exit 77); so does the time allowed (66)', async () => {
    const cb = await listenForCallback();
    await fetch(`${cb.redirectUri}?error=access_denied&state=${cb.state}`);
    await assert.rejects(
      cb.code,
      (e: unknown) => isMfaExecError(e) && e.exitCode === ExitCode.stsDenied && /access_denied/.test(e.message),
    );
    const slow = await listenForCallback(50);
    await assert.rejects(slow.code, (e: unknown) => isMfaExecError(e, 'no-terminal') && /within 10 minutes/.test(e.message));
  });
});

describe('the device code', () => {
  const device: DeviceAuthorization = {
    deviceCode: 'dc',
    userCode: 'ABCD-EFGH',
    verificationUri: 'https://x/device',
    expiresIn: 600,
    interval: 1,
  };
  const registration = { clientId: 'c', clientSecret: 's', expiresAt: 0 };
  const refusal = (exception: string) => new OidcError(`refused ${exception}`, ExitCode.stsDenied, exception, undefined);

  function clock() {
    let now = 0;
    const waits: number[] = [];
    return { now: () => now, waits, sleep: (ms: number) => ((now += ms), waits.push(ms), Promise.resolve()) };
  }

  test('waits the interval before every poll, adds 5 s on a slow-down, goes on while pending, returns the token', async () => {
    const c = clock();
    const answers = [refusal('AuthorizationPendingException'), refusal('SlowDownException'), refusal('AuthorizationPendingException')];
    let polls = 0;
    const token = await pollForToken(
      registration,
      device,
      { region: 'r', timeoutMs: 1000 },
      {
        now: c.now,
        sleep: c.sleep,
        createToken: (async (_c: unknown, grant: unknown) => {
          polls++;
          assert.deepEqual(grant, { grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: 'dc' });
          const next = answers.shift();
          if (next) throw next;
          return { accessToken: 'aoa', expiresIn: 3600 };
        }) as never,
      },
    );
    assert.deepEqual(token, { accessToken: 'aoa', expiresIn: 3600 });
    assert.equal(polls, 4);
    assert.deepEqual(c.waits, [1000, 1000, 6000, 6000]);
  });

  test('an expired code is exit 66; a refusal at the page is 77; any other error is passed on', async () => {
    for (const [exception, check] of [
      [
        'ExpiredTokenException',
        (e: unknown) => isMfaExecError(e, 'no-terminal') && /expired before anyone confirmed it/.test((e as Error).message),
      ],
      [
        'AccessDeniedException',
        (e: unknown) => isMfaExecError(e) && e.exitCode === ExitCode.stsDenied && /refused at the verification page/.test(e.message),
      ],
      ['InvalidClientException', (e: unknown) => isMfaExecError(e) && /InvalidClientException/.test(e.message)],
    ] as const) {
      const c = clock();
      await assert.rejects(
        pollForToken(
          registration,
          device,
          { region: 'r', timeoutMs: 1 },
          { now: c.now, sleep: c.sleep, createToken: (() => Promise.reject(refusal(exception))) as never },
        ),
        check,
      );
    }
  });

  test('past expiresIn it stops polling (66)', async () => {
    const c = clock();
    let polls = 0;
    await assert.rejects(
      pollForToken(
        { ...registration },
        { ...device, expiresIn: 3 },
        { region: 'r', timeoutMs: 1 },
        {
          now: c.now,
          sleep: c.sleep,
          createToken: (() => (polls++, Promise.reject(refusal('AuthorizationPendingException')))) as never,
        },
      ),
      (e: unknown) => isMfaExecError(e, 'no-terminal'),
    );
    assert.equal(polls, 2);
  });
});
