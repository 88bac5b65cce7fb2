/**
 * The cache-miss orchestration (credentials/fetch.ts) with a fake STS and a fake token source:
 * where a fetch starts when part of the chain is cached, where the MFA code goes when a
 * credential_process gives temporary keys, and how a rejected code is asked for again. The real
 * cache directory, lock and /bin/sh are used; only STS and the person at the terminal are fakes
 * (the prompt is the `none` driver: nobody is asked).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan, type Plan } from '../../src/aws-config/plan.ts';
import { writeEntry } from '../../src/credentials/cache.ts';
import { planCacheRefs } from '../../src/credentials/cache-key.ts';
import { fetchCredentials } from '../../src/credentials/fetch.ts';
import type { AssumeRoleInput, SessionTokenInput, StsApi } from '../../src/aws/sts.ts';
import { InvalidMfaCodeError } from '../../src/aws/errors.ts';
import type { Credentials } from '../../src/aws/credentials.ts';
import { ExitCode, isMfaExecError } from '../../src/errors.ts';
import { KeyStoreError } from '../../src/keystore/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { openPrompt } from '../../src/prompt/drivers.ts';
import { readSettings } from '../../src/settings.ts';
import type { TokenProvider, TokenRequest } from '../../src/mfa/token.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-fetch-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));

const NOW = Date.parse('2026-11-28T12:00:00Z');
const HOUR = 3_600_000;
const MFA = 'arn:aws:iam::111111111111:mfa/alice';
const ROLE_A = 'arn:aws:iam::222222222222:role/a';
const ROLE_B = 'arn:aws:iam::333333333333:role/b';
const KEYS = 'aws_access_key_id = AKIABASE000EXAMPLE00\naws_secret_access_key = baseSecret/EXAMPLE+000000000000000000\n';

/** base (keys, MFA device) → role a → role b (chained: a's session assumes b). */
const CHAIN = `[profile base]
${KEYS}mfa_serial = ${MFA}
mfa_process = echo 123456

[profile a]
source_profile = base
role_arn = ${ROLE_A}
mfa_serial = ${MFA}

[profile b]
source_profile = a
role_arn = ${ROLE_B}
`;

let dirs = 0;
function planOf(config: string, profile: string): { plan: Plan; cacheDir: string } {
  const files = parseAwsFiles(config, '/home/u/.aws/config', undefined, '/home/u/.aws/credentials');
  return { plan: resolvePlan(files, profile, {}), cacheDir: join(ROOT, `c${++dirs}`) };
}

interface Call {
  action: 'GetSessionToken' | 'AssumeRole';
  with: string;
  input: SessionTokenInput | AssumeRoleInput;
}

/** STS that mints numbered temporary keys and remembers every call; `reject` codes fail as AWS does. */
function fakeSts(reject: ReadonlySet<string> = new Set()) {
  const calls: Call[] = [];
  let n = 0;
  const mint = (): Credentials => ({
    accessKeyId: `ASIAFAKE${String(++n).padStart(12, '0')}`,
    secretAccessKey: `secret-${n}`,
    sessionToken: `token-${n}`,
    expiration: new Date(NOW + HOUR),
  });
  const answer = (action: Call['action'], creds: Credentials, input: Call['input'], ctx: Parameters<StsApi['assumeRole']>[2]) => {
    calls.push({ action, with: creds.accessKeyId, input });
    if (input.tokenCode !== undefined && reject.has(input.tokenCode)) return Promise.reject(new InvalidMfaCodeError(ctx));
    return Promise.resolve(mint());
  };
  const sts: StsApi = {
    getSessionToken: (creds, input, ctx) => answer('GetSessionToken', creds, input, ctx),
    assumeRole: (creds, input, ctx) => answer('AssumeRole', creds, input, ctx),
  };
  return { sts, calls };
}

/** A person typing codes from a list (or a source that cannot be asked again). */
function fakeTokens(codes: string[], canRetry = true) {
  const requests: TokenRequest[] = [];
  const accepted: string[] = [];
  const tokens: TokenProvider = {
    next(request) {
      requests.push(request);
      const code = codes.shift();
      return code === undefined ? Promise.reject(new Error('no more codes')) : Promise.resolve({ code, source: 'test', canRetry });
    },
    accepted: (_serial, code) => void accepted.push(code),
    close: () => {},
  };
  return { tokens, requests, accepted };
}

function fetch(
  plan: Plan,
  cacheDir: string,
  sts: StsApi,
  tokens: TokenProvider,
  fetchSource?: (source: { profile: string }) => Promise<Credentials>,
) {
  return fetchCredentials({
    fetchSource,
    plan,
    refs: planCacheRefs(plan, undefined),
    env: { PATH: '/usr/bin:/bin' },
    homedir: ROOT,
    settings: readSettings({}),
    cacheDir,
    logger: silentLogger,
    now: () => NOW,
    prompt: openPrompt('none', {}),
    tokens,
    sts,
    stsPlace: { region: 'us-east-1', endpoint: undefined, timeoutMs: 1000 },
  });
}

const cached = (id: string, hoursLeft: number): Credentials => ({
  accessKeyId: id,
  secretAccessKey: 'cached-secret',
  sessionToken: 'cached-token',
  expiration: new Date(NOW + hoursLeft * HOUR),
});

describe('fetch restarts from the deepest cached step', () => {
  test('nothing cached: GetSessionToken with MFA, then each role from the one before', async () => {
    const { plan, cacheDir } = planOf(CHAIN, 'b');
    const { sts, calls } = fakeSts();
    const { tokens, requests } = fakeTokens(['123456']);
    await fetch(plan, cacheDir, sts, tokens);
    assert.deepEqual(
      calls.map((c) => [c.action, c.with]),
      [
        ['GetSessionToken', 'AKIABASE000EXAMPLE00'],
        ['AssumeRole', 'ASIAFAKE000000000001'],
        ['AssumeRole', 'ASIAFAKE000000000002'],
      ],
    );
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.mfaProcess, 'echo 123456', 'the mfa_process decided by the plan reaches the token source');
  });

  test('the first role cached: only the second AssumeRole runs, from the cached role, with no MFA code', async () => {
    const { plan, cacheDir } = planOf(CHAIN, 'b');
    const refs = planCacheRefs(plan, undefined);
    mkdirSync(cacheDir, { mode: 0o700 });
    writeEntry(cacheDir, refs.roles[0]!, cached('ASIACACHEDROLEA00000', 1), NOW);
    const { sts, calls } = fakeSts();
    const { tokens, requests } = fakeTokens([]);
    await fetch(plan, cacheDir, sts, tokens);
    assert.deepEqual(
      calls.map((c) => [c.action, c.with, (c.input as AssumeRoleInput).roleArn]),
      [['AssumeRole', 'ASIACACHEDROLEA00000', ROLE_B]],
    );
    assert.equal(requests.length, 0);
  });

  test('the session cached, the role too close to expiry: both roles run from the cached session, no MFA code', async () => {
    const { plan, cacheDir } = planOf(CHAIN, 'b');
    const refs = planCacheRefs(plan, undefined);
    mkdirSync(cacheDir, { mode: 0o700 });
    writeEntry(cacheDir, refs.session!, cached('ASIACACHEDSESSION000', 6), NOW);
    writeEntry(cacheDir, refs.roles[0]!, cached('ASIACACHEDSTALEROLE0', 0.05), NOW); // 3 minutes left
    const { sts, calls } = fakeSts();
    const { tokens, requests } = fakeTokens([]);
    await fetch(plan, cacheDir, sts, tokens);
    assert.deepEqual(
      calls.map((c) => [c.action, c.with]),
      [
        ['AssumeRole', 'ASIACACHEDSESSION000'],
        ['AssumeRole', 'ASIAFAKE000000000001'],
      ],
    );
    assert.equal(requests.length, 0);
  });
});

describe('credential_process with temporary keys: the MFA code goes with the first AssumeRole', () => {
  const json = JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCESS000000000', SecretAccessKey: 's', SessionToken: 't' });
  const config = `[profile base]
credential_process = printf '%s' '${json}'
mfa_serial = ${MFA}
mfa_process = echo 654321

[profile a]
source_profile = base
role_arn = ${ROLE_A}
`;
  test('no GetSessionToken (it cannot take session keys); AssumeRole carries the device and the code', async () => {
    const { plan, cacheDir } = planOf(config, 'a');
    assert.ok(plan.session, 'the plan wanted an MFA session in front of the role');
    const { sts, calls } = fakeSts();
    const { tokens, requests, accepted } = fakeTokens(['654321']);
    await fetch(plan, cacheDir, sts, tokens);
    assert.deepEqual(
      calls.map((c) => c.action),
      ['AssumeRole'],
    );
    const input = calls[0]!.input as AssumeRoleInput;
    assert.equal(calls[0]!.with, 'ASIAPROCESS000000000');
    assert.equal(input.serialNumber, MFA);
    assert.equal(input.tokenCode, '654321');
    assert.equal(requests[0]!.mfaProcess, 'echo 654321', 'the session step’s mfa_process moves with its device');
    assert.deepEqual(accepted, ['654321']);
  });
});

describe('a code AWS rejects is asked for again', () => {
  test('from the terminal: asked again with retry set, up to the accepted one', async () => {
    const { plan, cacheDir } = planOf(CHAIN, 'a');
    const { sts, calls } = fakeSts(new Set(['111111']));
    const { tokens, requests, accepted } = fakeTokens(['111111', '222222']);
    await fetch(plan, cacheDir, sts, tokens);
    assert.deepEqual(
      calls.map((c) => [c.action, c.input.tokenCode]),
      [
        ['GetSessionToken', '111111'],
        ['GetSessionToken', '222222'],
        ['AssumeRole', undefined],
      ],
    );
    assert.deepEqual(
      requests.map((r) => r.retry),
      [false, true],
    );
    assert.deepEqual(accepted, ['222222'], 'only the accepted code is recorded as used');
  });

  test('at most three attempts, then the rejection is the error', async () => {
    const { plan, cacheDir } = planOf(CHAIN, 'a');
    const { sts, calls } = fakeSts(new Set(['111111', '222222', '333333']));
    const { tokens } = fakeTokens(['111111', '222222', '333333', '444444']);
    await assert.rejects(fetch(plan, cacheDir, sts, tokens), (e: unknown) => isMfaExecError(e, 'mfa-rejected'));
    assert.equal(calls.length, 3);
  });

  test('a source that cannot be asked again (--mfa-token, mfa_process) fails on the first rejection', async () => {
    const { plan, cacheDir } = planOf(CHAIN, 'a');
    const { sts, calls } = fakeSts(new Set(['111111']));
    const { tokens } = fakeTokens(['111111', '222222'], false);
    await assert.rejects(fetch(plan, cacheDir, sts, tokens), (e: unknown) => isMfaExecError(e, 'mfa-rejected'));
    assert.equal(calls.length, 1);
  });
});

describe('a source profile whose keys are in the key store', () => {
  const STORE_CHAIN = `[profile me]\nmfa_serial = ${MFA}\n\n[profile a]\nsource_profile = me\nrole_arn = ${ROLE_A}\n`;
  const STORED = { accessKeyId: 'AKIASTORED00EXAMPLE0', secretAccessKey: 'storedSecret/EXAMPLE' };

  test('a miss reads the store once, under the source profile name, and signs GetSessionToken with those keys', async () => {
    const { plan, cacheDir } = planOf(STORE_CHAIN, 'a');
    const { sts, calls } = fakeSts();
    const asked: string[] = [];
    await fetch(plan, cacheDir, sts, fakeTokens(['123456']).tokens, async (source) => (asked.push(source.profile), STORED));
    assert.deepEqual(asked, ['me']);
    assert.deepEqual(
      calls.map((c) => [c.action, c.with]),
      [
        ['GetSessionToken', STORED.accessKeyId],
        ['AssumeRole', 'ASIAFAKE000000000001'],
      ],
    );
  });

  test('a cached MFA session spares the store: role credentials are renewed without opening it', async () => {
    const { plan, cacheDir } = planOf(STORE_CHAIN, 'a');
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    writeEntry(cacheDir, planCacheRefs(plan, undefined).session!, cached('ASIASESSION', 6), NOW);
    const { sts, calls } = fakeSts();
    let opened = 0;
    await fetch(plan, cacheDir, sts, fakeTokens([]).tokens, async () => (opened++, STORED));
    assert.equal(opened, 0);
    assert.deepEqual(
      calls.map((c) => [c.action, c.with]),
      [['AssumeRole', 'ASIASESSION']],
    );
  });

  test('a store that fails (wrong passphrase) fails the fetch before any STS call or prompt', async () => {
    const { plan, cacheDir } = planOf(STORE_CHAIN, 'a');
    const { sts, calls } = fakeSts();
    const { tokens, requests } = fakeTokens(['123456']);
    const wrong = new KeyStoreError('keystore-passphrase', 'Wrong passphrase');
    await assert.rejects(
      fetch(plan, cacheDir, sts, tokens, () => Promise.reject(wrong)),
      (e: unknown) => e === wrong && isMfaExecError(e, 'keystore-passphrase') && e.exitCode === ExitCode.keyStorePassphrase,
    );
    assert.equal(calls.length, 0);
    assert.equal(requests.length, 0);
  });
});

// Issue 17: dropping SerialNumber from GetSessionToken survived every unit test. What each STS
// call carries, exactly.
describe('the STS inputs, exactly', () => {
  test('GetSessionToken: the device, the code and the session duration; AssumeRole: the role, its external id, duration and session name', async () => {
    const config = `[profile base]
${KEYS}mfa_serial = ${MFA}
duration_seconds = 7200

[profile a]
source_profile = base
role_arn = ${ROLE_A}
mfa_serial = ${MFA}
external_id = ext-42
role_session_name = me-at-work
duration_seconds = 1800
`;
    const { plan, cacheDir } = planOf(config, 'a');
    const { sts, calls } = fakeSts();
    await fetch(plan, cacheDir, sts, fakeTokens(['246810']).tokens);
    assert.deepEqual(
      calls.map((c) => [c.action, c.input]),
      [
        ['GetSessionToken', { durationSeconds: plan.session!.durationSeconds, serialNumber: MFA, tokenCode: '246810' }],
        ['AssumeRole', { roleArn: ROLE_A, sessionName: 'me-at-work', durationSeconds: 1800, externalId: 'ext-42' }],
      ],
    );
    assert.equal(plan.session!.durationSeconds, 8 * 3600, 'the MFA session’s own default (duration_seconds is the role’s)');
  });

  test('no MFA session in front (--no-session): AssumeRole carries the device and the code itself', async () => {
    const files = parseAwsFiles(
      `[profile base]\n${KEYS}\n[profile a]\nsource_profile = base\nrole_arn = ${ROLE_A}\nmfa_serial = ${MFA}\nexternal_id = x9\n`,
      '/home/u/.aws/config',
      undefined,
      '/home/u/.aws/credentials',
    );
    const plan = resolvePlan(files, 'a', {}, { noSession: true });
    const { sts, calls } = fakeSts();
    await fetch(plan, join(ROOT, `c${++dirs}`), sts, fakeTokens(['135790']).tokens);
    assert.equal(calls.length, 1);
    const input = calls[0]!.input as AssumeRoleInput;
    assert.equal(calls[0]!.action, 'AssumeRole');
    assert.equal(input.serialNumber, MFA);
    assert.equal(input.tokenCode, '135790');
    assert.equal(input.externalId, 'x9');
    assert.equal(input.durationSeconds, 3600);
    assert.match(input.sessionName, /^mfa-exec-\d+$/);
  });

  test('no device: GetSessionToken without SerialNumber or TokenCode, and no code is asked for', async () => {
    const { plan, cacheDir } = planOf(`[profile base]\n${KEYS}\n[profile a]\nsource_profile = base\nrole_arn = ${ROLE_A}\n`, 'a');
    const { sts, calls } = fakeSts();
    const { tokens, requests } = fakeTokens([]);
    await fetch(plan, cacheDir, sts, tokens);
    assert.equal(requests.length, 0);
    for (const call of calls) assert.equal(call.input.serialNumber, undefined, call.action);
  });
});

// Issue 17: removing the lock survived the unit tests (only the slow e2e test caught it).
describe('one fetch at a time per chain', () => {
  test('two fetches of one chain at once: one GetSessionToken and one code; the second waits for the lock and reads the cache', async () => {
    const { plan, cacheDir } = planOf(CHAIN, 'a');
    const calls: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // STS answers only once the second fetch is waiting for the lock (or after 3 s: then both got in).
    const fallback = setTimeout(() => release(), 3_000);
    const mint = (n: number): Credentials => ({
      accessKeyId: `ASIAFAKE${String(n).padStart(12, '0')}`,
      secretAccessKey: 's',
      sessionToken: 't',
      expiration: new Date(NOW + HOUR),
    });
    const sts: StsApi = {
      getSessionToken: async () => {
        calls.push('GetSessionToken');
        await gate;
        return mint(calls.length);
      },
      assumeRole: async () => (calls.push('AssumeRole'), mint(calls.length)),
    };
    const waiting = (message: string) => {
      if (/waiting for it/.test(message)) release();
    };
    const logger = { debugEnabled: true, debug: waiting, info: () => {}, warn: () => {} };
    const run = (codes: string[]) =>
      fetchCredentials({
        plan,
        refs: planCacheRefs(plan, undefined),
        env: { PATH: '/usr/bin:/bin' },
        homedir: ROOT,
        settings: readSettings({}),
        cacheDir,
        logger,
        now: () => NOW,
        prompt: openPrompt('none', {}),
        tokens: fakeTokens(codes).tokens,
        sts,
        stsPlace: { region: 'us-east-1', endpoint: undefined, timeoutMs: 1000 },
      });
    const [first, second] = await Promise.all([run(['111111']), run(['222222'])]);
    clearTimeout(fallback);
    assert.deepEqual(calls, ['GetSessionToken', 'AssumeRole']);
    assert.deepEqual(second, first, 'the second got what the first cached');
  });
});

describe('a source whose credentials are temporary (IAM Identity Center, `aws login`): a cache step of its own', () => {
  const SSO = `[profile sso]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile deploy]
source_profile = sso
role_arn = ${ROLE_A}
mfa_serial = ${MFA}
`;
  const ROLE_CREDS = cached('ASIASSOROLE', 1);

  test('no role: the source credentials, cached as the source step and handed out as they are (no STS call)', async () => {
    const { plan, cacheDir } = planOf(SSO, 'sso');
    const { sts, calls } = fakeSts();
    let fetched = 0;
    const creds = await fetch(plan, cacheDir, sts, fakeTokens([]).tokens, async () => (fetched++, ROLE_CREDS));
    assert.deepEqual(creds, ROLE_CREDS);
    assert.equal(calls.length, 0);
    const refs = planCacheRefs(plan, undefined);
    assert.equal(refs.final, refs.source);
    assert.equal(refs.final?.kind, 'source');
    // The next fetch (the lock's re-check) finds it: no second fetch.
    await fetch(plan, cacheDir, sts, fakeTokens([]).tokens, async () => (fetched++, ROLE_CREDS));
    assert.equal(fetched, 1);
  });

  test('a role from it: AssumeRole with the MFA code (no GetSessionToken); the cached source step spares the source on a renewal', async () => {
    const { plan, cacheDir } = planOf(SSO, 'deploy');
    const { sts, calls } = fakeSts();
    const { tokens, requests } = fakeTokens(['123456', '654321']);
    let fetched = 0;
    await fetch(plan, cacheDir, sts, tokens, async () => (fetched++, ROLE_CREDS));
    assert.deepEqual(
      calls.map((c) => [c.action, c.with, c.input.serialNumber]),
      [['AssumeRole', 'ASIASSOROLE', MFA]],
    );
    assert.equal(requests.length, 1);
    const refs = planCacheRefs(plan, undefined);
    assert.equal(refs.roles[0]!.request.parent, refs.source!.key, 'the role names the source step as its parent');
    await fetchCredentials({
      plan,
      refs,
      env: {},
      homedir: ROOT,
      settings: readSettings({}),
      cacheDir,
      logger: silentLogger,
      now: () => NOW,
      prompt: openPrompt('none', {}),
      tokens,
      sts,
      stsPlace: { region: 'us-east-1', endpoint: undefined, timeoutMs: 1000 },
      renew: 'roles',
      fetchSource: async () => (fetched++, ROLE_CREDS),
    });
    assert.equal(fetched, 1, 'renewing the roles reuses the cached source credentials');
    assert.equal(calls.length, 2);
  });
});
