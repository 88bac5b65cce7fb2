// The IAM Identity Center token: the AWS CLI's cache file (key, fields), botocore's refresh rule,
// and ssoAccessToken's order of things (the file, the lock, the file again, a refresh, a sign-in)
// with fakes for CreateToken and the sign-in. The real services are the e2e tests'
// (test/e2e/sso.test.ts, against the harness's fakes).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isMfaExecError, MfaExecError, ExitCode } from '../../src/errors.ts';
import { createLogger } from '../../src/log.ts';
import type { Prompt } from '../../src/prompt/types.ts';
import { readSettings } from '../../src/settings.ts';
import { ssoAccessToken, type TokenCalls } from '../../src/sign-in/sso-token.ts';
import { makeUnwritable } from '../helpers/unwritable-dir.ts';
import { readTokenFile, tokenFile, tokenOf } from '../../src/sign-in/sso-token-file.ts';
import { REFRESH_WINDOW_MS, refreshable, ssoTokenState, tokenNext } from '../../src/sign-in/sso-token-state.ts';
import type { SignInContext, SsoSignIn } from '../../src/sign-in/types.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const SESSION: SsoSignIn = {
  profile: 'dev',
  session: 'corp',
  startUrl: 'https://corp.awsapps.com/start',
  region: 'eu-west-1',
  accountId: '111111111111',
  roleName: 'Dev',
};
const LEGACY: SsoSignIn = { ...SESSION, session: undefined };

/** A token file as `aws sso login` leaves it, `left` ms from NOW. */
function cliToken(left: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startUrl: SESSION.startUrl,
    region: SESSION.region,
    accessToken: 'aoa-old',
    expiresAt: iso(NOW + left),
    clientId: 'client-1',
    clientSecret: 'secret-1',
    registrationExpiresAt: iso(NOW + 80 * 86_400_000),
    refreshToken: 'aor-old',
    ...extra,
  };
}

describe('the token file: the AWS CLI key rule and fields', () => {
  test('the SHA-1 of the sso-session name, or of the start URL for the legacy form', () => {
    const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
    assert.equal(tokenFile('/h', SESSION), `/h/.aws/sso/cache/${sha1('corp')}.json`);
    assert.equal(tokenFile('/h', LEGACY), `/h/.aws/sso/cache/${sha1('https://corp.awsapps.com/start')}.json`);
    // The research's examples, computed by botocore's rule.
    assert.match(tokenFile('/h', { session: 'corp', startUrl: 'x' }), /ee0bfd25[0-9a-f]{32}\.json$/);
  });

  test('a file without accessToken and expiresAt is no token; times in the CLI form and with milliseconds both read', () => {
    assert.equal(tokenOf({ accessToken: 'a' }).token, undefined);
    assert.equal(tokenOf({ expiresAt: iso(NOW) }).token, undefined);
    assert.equal(tokenOf({ accessToken: 'a', expiresAt: '2026-03-01T12:00:00Z' }).token?.expiresAt, NOW);
    assert.equal(tokenOf({ accessToken: 'a', expiresAt: '2026-03-01T12:00:00.000Z' }).token?.expiresAt, NOW);
  });
});

describe("botocore's refresh rule", () => {
  const token = (left: number, extra: Record<string, unknown> = {}) => tokenOf(cliToken(left, extra)).token!;
  const table: [string, ReturnType<typeof token> | undefined, SsoSignIn, string][] = [
    ['no token: a sign-in', undefined, SESSION, 'sign-in'],
    ['an hour left: used as it is', token(60 * MIN), SESSION, 'use'],
    ['14 minutes left, refreshable: refreshed', token(14 * MIN), SESSION, 'refresh'],
    ['expired, refreshable: refreshed', token(-5 * MIN), SESSION, 'refresh'],
    ['14 minutes left, legacy form (botocore refreshes only sso-session tokens): used', token(14 * MIN), LEGACY, 'use'],
    ['expired, legacy form: a sign-in', token(-1), LEGACY, 'sign-in'],
    ['expired, no refresh token: a sign-in', token(-1, { refreshToken: undefined }), SESSION, 'sign-in'],
    ['expired, the registration expired: a sign-in', token(-1, { registrationExpiresAt: iso(NOW - 1) }), SESSION, 'sign-in'],
    [
      '30 seconds left, not refreshable: too little to call the portal with',
      token(30_000, { clientSecret: undefined }),
      SESSION,
      'sign-in',
    ],
  ];
  for (const [what, t, source, want] of table) test(what, () => assert.equal(tokenNext(t, source.session !== undefined, NOW), want));

  test('the window is 15 minutes', () => {
    assert.equal(REFRESH_WINDOW_MS, 15 * MIN);
    assert.equal(refreshable(token(0), true, NOW), true);
    assert.equal(refreshable(token(0), false, NOW), false);
  });
});

describe('ssoAccessToken', () => {
  let home: string;
  let file: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'mfa-exec-sso-token-'));
    file = tokenFile(home, SESSION);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const write = (body: Record<string, unknown>) => {
    mkdirSync(join(home, '.aws/sso/cache'), { recursive: true });
    writeFileSync(file, JSON.stringify(body), { mode: 0o600 });
  };
  const read = () => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

  function context(opts: { present?: boolean } = {}): { ctx: SignInContext; said: string[]; logged: string[]; locks: string[] } {
    const said: string[] = [];
    const logged: string[] = [];
    const locks: string[] = [];
    let held = Promise.resolve();
    const prompt: Prompt = {
      name: 'fake',
      ask: () => Promise.reject(new Error('no questions')),
      confirm: () => Promise.reject(new Error('no questions')),
      say: (m) => said.push(m),
      close: () => {},
      present: () => opts.present ?? true,
    };
    const ctx: SignInContext = {
      env: {},
      homedir: home,
      settings: readSettings({}),
      logger: createLogger(true, (line) => logged.push(line)),
      now: () => NOW,
      prompt,
      // One holder at a time, in order: the lock's single flight, within this process.
      lock(name) {
        locks.push(name);
        const previous = held;
        let release!: () => void;
        held = new Promise((r) => (release = r));
        return previous.then(() => async () => release());
      },
    };
    return { ctx, said, logged, locks };
  }

  function calls(over: Partial<{ refresh: () => Promise<unknown>; signIn: () => Promise<unknown> }> = {}) {
    const made = { refresh: 0, signIn: 0 };
    const fake: TokenCalls = {
      createToken: (async (_client, grant) => {
        made.refresh++;
        assert.equal(grant.grantType, 'refresh_token');
        if (over.refresh) return over.refresh();
        return { accessToken: `aoa-refreshed-${made.refresh}`, expiresIn: 3600, refreshToken: `aor-rotated-${made.refresh}` };
      }) as TokenCalls['createToken'],
      signIn: (async () => {
        made.signIn++;
        if (over.signIn) return over.signIn();
        return {
          token: { accessToken: `aoa-signed-in-${made.signIn}`, expiresIn: 3600, refreshToken: 'aor-new' },
          registration: { clientId: 'client-2', clientSecret: 'secret-2', expiresAt: NOW + 90 * 86_400_000 },
        };
      }) as TokenCalls['signIn'],
    };
    return { fake, made };
  }

  test('a valid token is used without a lock or a call', async () => {
    write(cliToken(60 * MIN));
    const { ctx, locks } = context();
    const { fake, made } = calls();
    assert.equal(await ssoAccessToken(SESSION, ctx, undefined, fake), 'aoa-old');
    assert.deepEqual(locks, []);
    assert.deepEqual(made, { refresh: 0, signIn: 0 });
  });

  test('ten callers with a token in the window: one lock name, one refresh, the rotated token written back with every other field kept, 0600', async () => {
    write(cliToken(5 * MIN, { somethingNew: { kept: true } }));
    chmodSync(file, 0o644); // as the JS SDK leaves it: read all the same, written back private
    const { ctx, locks } = context();
    const { fake, made } = calls();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => ssoAccessToken(SESSION, ctx, undefined, fake)));
    assert.deepEqual(new Set(tokens), new Set(['aoa-refreshed-1']));
    assert.equal(made.refresh, 1);
    assert.equal(new Set(locks).size, 1);
    assert.match(locks[0]!, /^sso-[0-9a-f]{40}$/);
    const saved = read();
    assert.deepEqual(Object.keys(saved), [...Object.keys(cliToken(0)), 'somethingNew']);
    assert.equal(saved.accessToken, 'aoa-refreshed-1');
    assert.equal(saved.refreshToken, 'aor-rotated-1');
    assert.equal(saved.expiresAt, iso(NOW + 3600_000));
    assert.deepEqual(saved.somethingNew, { kept: true });
    assert.equal(saved.clientSecret, 'secret-1');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  // Issue 17's rule for files with secrets, on the token files: a write killed before its rename
  // leaves a temporary copy with the tokens; the next write removes it and says so.
  test('a temporary copy a killed write left in the cache directory is removed by the next write, and said; the AWS CLI’s files and live writers’ stay', async () => {
    write(cliToken(5 * MIN));
    const dir = join(home, '.aws/sso/cache');
    const dead = join(dir, '.tmp-2147483646-0123456789ab'); // no such process
    const live = join(dir, `.tmp-${process.pid}-0123456789ab`); // a write in progress
    const cli = join(dir, 'aws-cli-own.json');
    for (const f of [dead, live, cli]) writeFileSync(f, '{"refreshToken":"aor-left-behind"}', { mode: 0o600 });
    const { ctx, logged } = context();
    assert.equal(await ssoAccessToken(SESSION, ctx, undefined, calls().fake), 'aoa-refreshed-1');
    assert.equal(existsSync(dead), false, 'the dead writer’s copy is gone');
    assert.ok(existsSync(live) && existsSync(cli), 'a live writer’s file and the CLI’s own are left');
    assert.ok(
      logged.some((l) => l.includes(`removed ${dead}, left by an mfa-exec that was killed while writing`)),
      logged.join('\n'),
    );
    rmSync(live);
    rmSync(cli);
  });

  test('a refresh AWS refuses leaves the file as it was (refresh token included); with no one to sign in: exit 66, one line, the command', async () => {
    const before = cliToken(-MIN);
    write(before);
    const text = readFileSync(file, 'utf8');
    const { ctx } = context({ present: false });
    const { fake, made } = calls({
      refresh: () =>
        Promise.reject(new MfaExecError('IAM Identity Center refused CreateToken: InvalidGrantException.', ExitCode.stsDenied)),
    });
    await assert.rejects(ssoAccessToken(SESSION, ctx, undefined, fake), (e: unknown) => {
      assert.ok(isMfaExecError(e, 'no-terminal'));
      assert.equal(e.exitCode, 66);
      assert.doesNotMatch(e.message, /\n/);
      assert.match(e.message, /session 'corp' .* of profile 'dev' has expired and could not be refreshed.*Run: mfa-exec login -p dev$/);
      return true;
    });
    assert.equal(made.signIn, 0);
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  test('a refused refresh with someone there: a sign-in, whose token replaces the file (an old refresh token goes when the new has none)', async () => {
    write(cliToken(-MIN, { extra: 'kept' }));
    const { ctx } = context();
    const { fake, made } = calls({
      refresh: () => Promise.reject(new MfaExecError('refused', ExitCode.stsDenied)),
      signIn: () =>
        Promise.resolve({
          token: { accessToken: 'aoa-device', expiresIn: 8 * 3600 },
          registration: { clientId: 'client-3', clientSecret: 'secret-3', expiresAt: NOW + 86_400_000 },
        }),
    });
    assert.equal(await ssoAccessToken(SESSION, ctx, undefined, fake), 'aoa-device');
    assert.deepEqual(made, { refresh: 1, signIn: 1 });
    const saved = read();
    assert.equal(saved.accessToken, 'aoa-device');
    assert.equal(saved.clientId, 'client-3');
    assert.equal(saved.refreshToken, undefined);
    assert.equal(saved.extra, 'kept');
    assert.equal(saved.startUrl, SESSION.startUrl);
  });

  test('a refresh that cannot reach AWS (69) with the token expired: that error, no browser', async () => {
    write(cliToken(-MIN));
    const { ctx } = context();
    const { fake, made } = calls({ refresh: () => Promise.reject(new MfaExecError('cannot be reached', ExitCode.stsUnavailable)) });
    await assert.rejects(ssoAccessToken(SESSION, ctx, undefined, fake), (e: unknown) => isMfaExecError(e) && e.exitCode === 69);
    assert.equal(made.signIn, 0);
  });

  test('a refused refresh while the old token still has 10 minutes: the old token (as botocore)', async () => {
    write(cliToken(10 * MIN));
    const { ctx } = context({ present: false });
    const { fake } = calls({ refresh: () => Promise.reject(new MfaExecError('refused', ExitCode.stsDenied)) });
    assert.equal(await ssoAccessToken(SESSION, ctx, undefined, fake), 'aoa-old');
  });

  test('a token the portal refused is not used again, even though the file still holds it', async () => {
    write(cliToken(60 * MIN, { refreshToken: undefined }));
    const { ctx } = context();
    const { fake, made } = calls();
    assert.equal(await ssoAccessToken(SESSION, ctx, 'aoa-old', fake), 'aoa-signed-in-1');
    assert.equal(made.signIn, 1);
  });

  test('no file and no one there: 66 saying there is no token', async () => {
    rmSync(file, { force: true });
    const { ctx } = context({ present: false });
    await assert.rejects(
      ssoAccessToken(SESSION, ctx, undefined, calls().fake),
      /has no token, and no one is here to sign in\. Run: mfa-exec login -p dev/,
    );
  });

  test('a write that fails: the token serves this run, the old file stays, a warning names the file', async (t) => {
    write(cliToken(-MIN));
    const text = readFileSync(file, 'utf8');
    const undo = makeUnwritable(join(home, '.aws/sso/cache')); // writeAtomic's temporary file cannot be made
    if (!undo) return t.skip('no way to make a directory unwritable here (root, and no chattr)');
    try {
      const { ctx, logged } = context();
      assert.equal(await ssoAccessToken(SESSION, ctx, undefined, calls().fake), 'aoa-refreshed-1');
      assert.ok(logged.some((l) => /warning: the new IAM Identity Center token could not be saved in .* the file is as it was/.test(l)));
    } finally {
      undo();
    }
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  test('nothing logged holds a token or a secret', async () => {
    write(cliToken(5 * MIN));
    const { ctx, logged } = context();
    await ssoAccessToken(SESSION, ctx, undefined, calls().fake);
    const text = logged.join('');
    for (const secret of ['aoa-old', 'aor-old', 'secret-1', 'aoa-refreshed', 'aor-rotated']) assert.ok(!text.includes(secret), secret);
  });

  test('ssoTokenState: from the file alone', () => {
    write(cliToken(5 * MIN));
    const state = ssoTokenState(SESSION, { env: {}, homedir: home, now: () => NOW });
    assert.deepEqual(state, {
      what: "IAM Identity Center session 'corp' (https://corp.awsapps.com/start)",
      expiresAt: '2026-03-01T12:05:00Z',
      next: 'refresh',
      renews: true,
      signIn: 'mfa-exec login -p dev',
    });
    assert.equal(readTokenFile(join(home, 'nope.json')).token, undefined);
  });
});
