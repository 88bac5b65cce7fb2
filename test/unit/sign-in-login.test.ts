// `aws login` sessions: the AWS CLI's cache (directory, key, fields), the DPoP proof (verified by
// the harness's RFC 9449 checker, which the Sign-In fake uses), and loginCredentials' order of
// things with a fake refresh call. The real Sign-In round trip is the e2e tests'.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExitCode, isMfaExecError, MfaExecError } from '../../src/errors.ts';
import { LoginRefusedError } from '../../src/aws/signin.ts';
import { createLogger } from '../../src/log.ts';
import type { Prompt } from '../../src/prompt/types.ts';
import { readSettings } from '../../src/settings.ts';
import { expandPath, loginCacheFile, loginCacheOf, loginState } from '../../src/sign-in/login-cache.ts';
import { loginCredentials } from '../../src/sign-in/login-credentials.ts';
import { dpopKey, dpopProof } from '../../src/sign-in/login-dpop.ts';
import type { SignInContext } from '../../src/sign-in/types.ts';
import { jwkThumbprint, publicJwk, verifyDpopProof } from '../harness/dpop.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const SESSION = 'arn:aws:iam::111111111111:user/alice';
const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const PEM = KEY.export({ format: 'pem', type: 'sec1' }).toString();

/** A cache file as `aws login` writes it, credentials `left` ms from NOW. */
function cliCache(left: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accessToken: {
      accessKeyId: 'ASIAOLD',
      secretAccessKey: 'old-secret',
      sessionToken: 'old-token',
      accountId: '111111111111',
      expiresAt: iso(NOW + left),
    },
    tokenType: 'aws_sigv4',
    clientId: 'arn:aws:signin:::devtools/same-device',
    refreshToken: 'refresh-old',
    idToken: 'eyJ.id.token',
    dpopKey: PEM,
    ...extra,
  };
}

describe('the cache: where, and what it holds', () => {
  test('$AWS_LOGIN_CACHE_DIRECTORY (~ and $VARS expanded, as the CLI does) else ~/.aws/login/cache; the SHA-256 of login_session', () => {
    const sha = createHash('sha256').update(SESSION).digest('hex');
    assert.equal(loginCacheFile(SESSION, {}, '/h'), `/h/.aws/login/cache/${sha}.json`);
    assert.equal(loginCacheFile(SESSION, { AWS_LOGIN_CACHE_DIRECTORY: '~/lc' }, '/h'), `/h/lc/${sha}.json`);
    assert.equal(loginCacheFile(SESSION, { AWS_LOGIN_CACHE_DIRECTORY: '$X/${Y}/z', X: '/a', Y: 'b' }, '/h'), `/a/b/z/${sha}.json`);
    assert.equal(expandPath('$NOPE/x', {}, '/h'), '$NOPE/x');
  });

  test('a file without the accessToken, the refresh token, the client or the key is not a session', () => {
    assert.ok(loginCacheOf(cliCache(0)).cache);
    assert.match((loginCacheOf(cliCache(0, { dpopKey: undefined })) as { problem: string }).problem, /dpopKey/);
    assert.match((loginCacheOf(cliCache(0, { accessToken: { accessKeyId: 'A' } })) as { problem: string }).problem, /accessToken/);
    assert.equal(loginCacheOf(cliCache(0, { signInRegion: 'eu-north-1' })).cache?.signInRegion, 'eu-north-1');
  });

  test('loginState: used with more than 5 minutes left, refreshed below, `aws login` without a file', () => {
    const home = mkdtempSync(join(tmpdir(), 'mfa-exec-login-state-'));
    try {
      const file = loginCacheFile(SESSION, {}, home);
      const state = () => loginState({ profile: 'console', session: SESSION }, { env: {}, homedir: home, now: () => NOW });
      assert.deepEqual(state(), {
        what: `\`aws login\` session ${SESSION}`,
        next: 'sign-in',
        renews: false,
        signIn: 'aws login --profile console',
      });
      mkdirSync(join(home, '.aws/login/cache'), { recursive: true });
      writeFileSync(file, JSON.stringify(cliCache(6 * MIN)));
      assert.equal(state().next, 'use');
      writeFileSync(file, JSON.stringify(cliCache(5 * MIN)));
      assert.equal(state().next, 'refresh');
      assert.equal(state().expiresAt, '2026-03-01T12:05:00Z');
      assert.equal(state().renews, true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('the DPoP proof', () => {
  test('ES256 over the URL asked, with the public key: what Sign-In checks (RFC 9449), bound to the key the refresh token names', () => {
    const htu = 'https://signin.eu-west-1.amazonaws.com/v1/token';
    const proof = dpopProof(dpopKey(PEM), htu, Date.now());
    const seen = new Set<string>();
    const check = verifyDpopProof(proof, { htm: 'POST', htu, now: Date.now(), seenJti: seen });
    assert.deepEqual(check.ok && check.jkt, jwkThumbprint(publicJwk(KEY)));
    const header = JSON.parse(Buffer.from(proof.split('.')[0]!, 'base64url').toString()) as { jwk: Record<string, unknown> };
    assert.ok(!('d' in header.jwk), 'no private part in the proof');
    assert.ok(!proof.includes(PEM.split('\n')[1]!), 'the key never goes out');
    assert.deepEqual(verifyDpopProof(proof, { htm: 'POST', htu, now: Date.now(), seenJti: seen }), {
      ok: false,
      reason: 'jti was used before (replay)',
    });
    assert.equal(
      verifyDpopProof(dpopProof(dpopKey(PEM), htu, Date.now()), { htm: 'POST', htu: `${htu}x`, now: Date.now(), seenJti: seen }).ok,
      false,
    );
  });

  test('a key that is not P-256 is refused', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    assert.throws(() => dpopKey(rsa), /P-256/);
  });
});

describe('loginCredentials', () => {
  let home: string;
  let file: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'mfa-exec-login-'));
    file = loginCacheFile(SESSION, {}, home);
    mkdirSync(join(home, '.aws/login/cache'), { recursive: true });
  });
  after(() => rmSync(home, { recursive: true, force: true }));
  const write = (body: Record<string, unknown>) => writeFileSync(file, JSON.stringify(body), { mode: 0o600 });
  const read = () => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const source = { profile: 'console', session: SESSION, region: 'eu-west-1' };

  function context(env: NodeJS.ProcessEnv = {}): { ctx: SignInContext; logged: string[] } {
    const logged: string[] = [];
    let held = Promise.resolve();
    const prompt: Prompt = {
      name: 'none',
      ask: () => Promise.reject(new Error('x')),
      confirm: () => Promise.reject(new Error('x')),
      say: () => {},
      close: () => {},
    };
    return {
      logged,
      ctx: {
        env,
        homedir: home,
        settings: readSettings(env),
        logger: createLogger(true, (l) => logged.push(l)),
        now: () => NOW,
        prompt,
        lock() {
          const previous = held;
          let release!: () => void;
          held = new Promise((r) => (release = r));
          return previous.then(() => async () => release());
        },
      },
    };
  }

  test("with more than 5 minutes left: the file's credentials, no call", async () => {
    write(cliCache(10 * MIN));
    const { ctx } = context();
    const creds = await loginCredentials(source, ctx, () => assert.fail('no refresh'));
    assert.deepEqual(creds, {
      accessKeyId: 'ASIAOLD',
      secretAccessKey: 'old-secret',
      sessionToken: 'old-token',
      expiration: new Date(NOW + 10 * MIN),
    });
  });

  test("ten callers at 4 minutes left: one refresh, with the proof for the URL and the file's client and refresh token; the rotated token and new credentials written back, every other field kept, 0600", async () => {
    write(cliCache(4 * MIN, { signInRegion: 'eu-north-1', later: 1 }));
    const { ctx } = context();
    let calls = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        loginCredentials(source, ctx, async (input, proof, place) => {
          calls++;
          assert.deepEqual(input, { clientId: 'arn:aws:signin:::devtools/same-device', refreshToken: 'refresh-old' });
          assert.equal(place.region, 'eu-north-1', "the file's signInRegion wins");
          const htu = 'https://signin.eu-north-1.amazonaws.com/v1/token';
          assert.ok(verifyDpopProof(proof(htu), { htm: 'POST', htu, now: NOW, seenJti: new Set() }).ok, "iat from the run's clock");
          return {
            accessKeyId: 'ASIANEW',
            secretAccessKey: 'new-secret',
            sessionToken: 'new-token',
            expiresIn: 900,
            refreshToken: 'refresh-new',
          };
        }),
      ),
    );
    assert.equal(calls, 1);
    for (const c of results) assert.equal(c.accessKeyId, 'ASIANEW');
    const saved = read();
    assert.deepEqual(Object.keys(saved), [...Object.keys(cliCache(0)), 'signInRegion', 'later']);
    assert.deepEqual(saved.accessToken, {
      accessKeyId: 'ASIANEW',
      secretAccessKey: 'new-secret',
      sessionToken: 'new-token',
      accountId: '111111111111',
      expiresAt: iso(NOW + 900_000),
    });
    assert.equal(saved.refreshToken, 'refresh-new');
    assert.equal(saved.dpopKey, PEM);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test('a refresh Sign-In refuses: the file untouched, exit 66 with `aws login --profile NAME`', async () => {
    write(cliCache(-MIN));
    const text = readFileSync(file, 'utf8');
    const { ctx } = context();
    await assert.rejects(
      loginCredentials(source, ctx, () =>
        Promise.reject(
          new LoginRefusedError(
            "The `aws login` session of profile 'console' cannot be refreshed: it has expired or was ended (aws logout). Run: aws login --profile console",
            'TOKEN_EXPIRED',
            undefined,
          ),
        ),
      ),
      (e: unknown) => isMfaExecError(e, 'no-terminal') && e.exitCode === 66 && /Run: aws login --profile console$/.test(e.message),
    );
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  test('Sign-In unreachable: the current credentials while they last (a warning), else the error', async () => {
    write(cliCache(3 * MIN));
    const { ctx, logged } = context();
    const unreachable = () => Promise.reject(new MfaExecError('AWS Sign-In in eu-west-1 cannot be reached.', ExitCode.stsUnavailable));
    assert.equal((await loginCredentials(source, ctx, unreachable)).accessKeyId, 'ASIAOLD');
    assert.ok(logged.some((l) => /warning: AWS Sign-In .* cannot be reached\. Using the current credentials/.test(l)));
    write(cliCache(-MIN));
    await assert.rejects(loginCredentials(source, ctx, unreachable), (e: unknown) => isMfaExecError(e) && e.exitCode === 69);
  });

  test('no cache file: 66 naming the file and `aws login`; no region anywhere: 78', async () => {
    rmSync(file, { force: true });
    const { ctx } = context();
    await assert.rejects(
      loginCredentials(source, ctx, () => assert.fail()),
      (e: unknown) =>
        isMfaExecError(e, 'no-terminal') &&
        /has no usable cache file \(.* does not exist\)\. Run: aws login --profile console/.test((e as Error).message),
    );
    write(cliCache(-MIN));
    await assert.rejects(
      loginCredentials({ profile: 'console', session: SESSION }, ctx, () => assert.fail()),
      (e: unknown) => isMfaExecError(e, 'config') && /names no region/.test((e as Error).message),
    );
    const withEnv = context({ AWS_REGION: 'us-west-2' });
    let region = '';
    await loginCredentials({ profile: 'console', session: SESSION }, withEnv.ctx, async (_i, _p, place) => {
      region = place.region;
      return { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', expiresIn: 900, refreshToken: 'R' };
    });
    assert.equal(region, 'us-west-2');
  });

  test('nothing logged holds a secret, the refresh token or the key', async () => {
    write(cliCache(-MIN));
    const { ctx, logged } = context();
    await loginCredentials(source, ctx, async () => ({
      accessKeyId: 'ASIANEW',
      secretAccessKey: 'new-secret',
      sessionToken: 'new-token',
      expiresIn: 900,
      refreshToken: 'refresh-new',
    }));
    const text = logged.join('');
    for (const secret of ['old-secret', 'new-secret', 'old-token', 'new-token', 'refresh-old', 'refresh-new', PEM.split('\n')[1]!])
      assert.ok(!text.includes(secret), secret);
  });
});
