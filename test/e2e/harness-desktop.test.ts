// Self-test of the desktop and console parts of the harness: the real zenity and kdialog under
// Xvfb answered by xdotool, a real notification daemon, the ykman / notify-send / $BROWSER
// stand-ins, GetFederationToken in the front, the console federation fake (with the real AWS
// SDK's credentials) and a headless Chromium following a login URL. Missing desktop tools skip
// outside CI and fail under CI=true (scripts/ci-desktop-deps.sh installs them).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
  type Credentials,
} from '@aws-sdk/client-sts';
import {
  desktopMissing,
  makeStandIns,
  ONLY_FEDERATION_OR_ROLE,
  startDesktop,
  startFakeAws,
  type Desktop,
  type FakeAws,
} from '../harness/index.ts';
import { killGroup, trackGroup, untrackGroup } from '../harness/reaper.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const CI = process.env['CI'] === 'true';

/** Skip (outside CI) or fail (under CI) when a tool is missing. */
function needs(tools: string[]): { skip: string | false } {
  const missing = desktopMissing(tools);
  if (missing && CI) throw new Error(`CI=true but ${missing}`);
  return { skip: missing ?? false };
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program in its own process group, bounded; the group is killed when it ends. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Ran> {
  const child = spawn(file, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid!;
  trackGroup(pgid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(pgid, 'SIGKILL');
      reject(new Error(`${file} ${args.join(' ')}: still running after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(pgid, 'SIGKILL');
      untrackGroup(pgid);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const asCreds = (c: Credentials | undefined): Creds => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

async function stsError(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  assert.fail('expected the call to fail');
}

describe(
  'desktop: the real zenity and kdialog under Xvfb, answered by xdotool',
  {
    timeout: 180_000,
    ...needs(['Xvfb', 'xdotool', 'xprop', 'zenity', 'kdialog', 'dunst', 'notify-send', 'dbus-run-session', 'dbus-send']),
  },
  () => {
    let desk: Desktop;
    let aws: FakeAws;
    let env: NodeJS.ProcessEnv;
    const sts = (c: Creds): STSClient => new STSClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: c, maxAttempts: 1 });

    before(async () => {
      [desk, aws] = await Promise.all([
        startDesktop({ notifications: 'dunst' }),
        startFakeAws({
          users: [
            { name: 'zoe', mfa: true },
            { name: 'kim', mfa: true },
          ],
          roles: [],
        }),
      ]);
      env = { PATH: process.env['PATH'], LANG: 'C.UTF-8', HOME: desk.env.XDG_RUNTIME_DIR, ...desk.env };
    });
    after(async () => {
      await desk?.close();
      await aws?.close();
    });

    test('a zenity entry gets a real TOTP; the dialog names profile and device, never the code', async () => {
      const zoe = aws.users['zoe']!;
      const text = `MFA code for profile dev (${zoe.mfaSerial})`;
      const dialog = run('zenity', ['--entry', '--title', 'mfa-exec', '--text', text], env);
      let code = '';
      const shown = await desk.answerDialog({ name: /^mfa-exec$/, text: async () => (code = await aws.freshTotp(zoe.mfaSerial!)) });
      const r = await dialog;
      assert.deepEqual([r.code, r.stdout], [0, `${code}\n`]);
      assert.equal(shown.wmClass, 'zenity');
      assert.equal(shown.title, 'mfa-exec');
      assert.equal(shown.text, text);
      assert.ok(!shown.argv.join(' ').includes(code), 'the code is not in the dialog’s argv');
      // The code the dialog returned is one the fake MFA device accepts.
      await sts(zoe).send(new GetSessionTokenCommand({ SerialNumber: zoe.mfaSerial, TokenCode: r.stdout.trim() }));
    });

    test('a kdialog input box gets a real TOTP; its window name gains " — KDialog"', async () => {
      const kim = aws.users['kim']!;
      const dialog = run('kdialog', ['--title', 'mfa-exec', '--inputbox', `MFA code for profile ops (${kim.mfaSerial})`], env);
      const shown = await desk.answerDialog({ name: /^mfa-exec/, text: () => aws.freshTotp(kim.mfaSerial!) });
      const r = await dialog;
      assert.equal(r.code, 0);
      assert.equal(shown.name, 'mfa-exec — KDialog');
      assert.equal(shown.text, `MFA code for profile ops (${kim.mfaSerial})`);
      await sts(kim).send(new GetSessionTokenCommand({ SerialNumber: kim.mfaSerial, TokenCode: r.stdout.trim() }));
    });

    test('hidden entries: zenity --entry --hide-text, zenity --password, kdialog --password', async () => {
      const secret = '-pa$$ word\'s \\ "x"';
      for (const [file, args] of [
        ['zenity', ['--entry', '--hide-text', '--title', 'mfa-exec key store', '--text', 'Passphrase for the key store']],
        ['zenity', ['--password', '--title', 'mfa-exec key store']],
        ['kdialog', ['--title', 'mfa-exec key store', '--password', 'Passphrase for the key store']],
      ] as const) {
        const dialog = run(file, [...args], env);
        const shown = await desk.answerDialog({ name: /^mfa-exec key store/, text: secret });
        const r = await dialog;
        assert.deepEqual([file, r.code, r.stdout], [file, 0, `${secret}\n`]);
        assert.ok(!shown.argv.includes(secret));
      }
    });

    test('Escape cancels: zenity and kdialog exit 1 with nothing on stdout', async () => {
      for (const [file, args] of [
        ['zenity', ['--entry', '--title', 'mfa-exec cancel', '--text', 'MFA code']],
        ['kdialog', ['--title', 'mfa-exec cancel', '--inputbox', 'MFA code']],
      ] as const) {
        const dialog = run(file, [...args], env);
        await desk.answerDialog({ name: /^mfa-exec cancel/, key: 'Escape' });
        const r = await dialog;
        assert.deepEqual([file, r.code, r.stdout.trim()], [file, 1, '']);
      }
    });

    test('zenity --timeout ends an unanswered dialog with exit 5, printing what was typed so far', async () => {
      const dialog = run('zenity', ['--entry', '--title', 'mfa-exec timeout', '--text', 'MFA code', '--timeout', '5'], env);
      const shown = await desk.answerDialog({ name: /^mfa-exec timeout$/, text: '12', key: null });
      assert.equal(shown.wmClass, 'zenity');
      const r = await dialog;
      assert.deepEqual([r.code, r.stdout], [5, '12\n'], 'the exit code says "timed out"; stdout is not a code');
      assert.ok(
        (await desk.windows()).every((w) => w.name !== 'mfa-exec timeout'),
        'the window is gone',
      );
    });

    test('without a display zenity exits 1 (as for Cancel) and kdialog aborts', async () => {
      const noDisplay = { PATH: env['PATH'], HOME: env['HOME'], XDG_RUNTIME_DIR: desk.env.XDG_RUNTIME_DIR };
      const z = await run('zenity', ['--entry', '--text', 'x'], noDisplay);
      assert.equal(z.code, 1);
      assert.match(z.stderr, /cannot open display/);
      const zw = await run('zenity', ['--entry', '--text', 'x'], { ...noDisplay, WAYLAND_DISPLAY: 'wayland-none' });
      assert.equal(zw.code, 1, 'a WAYLAND_DISPLAY with no compositor behind it: the same');
      const k = await run('kdialog', ['--inputbox', 'x'], noDisplay);
      assert.equal(k.signal, 'SIGABRT');
      assert.match(k.stderr, /could not connect to display/);
    });

    test('notify-send reaches dunst on this display', async () => {
      const r = await run('notify-send', ['--app-name', 'mfa-exec', 'Touch your YubiKey', 'for profile dev'], env);
      assert.equal(r.code, 0, r.stderr);
      for (let i = 0; i < 100 && desk.notifications().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(desk.notifications(), [
        { appName: 'mfa-exec', summary: 'Touch your YubiKey', body: 'for profile dev', icon: 'dialog-information', urgency: 'NORMAL' },
      ]);
      const noDaemon = await run('notify-send', ['x'], { PATH: env['PATH'], HOME: env['HOME'], DISPLAY: desk.env.DISPLAY });
      assert.equal(noDaemon.code, 1, 'no session bus: notify-send fails');
    });
  },
);

describe('stand-ins: ykman, notify-send, $BROWSER', { timeout: 60_000 }, () => {
  let aws: FakeAws;
  before(async () => (aws = await startFakeAws({ users: [{ name: 'yuki', mfa: true }], roles: [] })));
  after(() => aws?.close());

  test('ykman checks its arguments, says "touch", and prints the code the fake MFA device accepts', async (t) => {
    const yuki = aws.users['yuki']!;
    const s = makeStandIns({ ykman: { accounts: [yuki.mfaSerial!, 'github.com:yuki'], serial: '7654321', touchMs: 300 } });
    t.after(() => s.cleanup());
    const env = { PATH: `${s.bin}:${process.env['PATH']}`, ...s.env };
    s.setYkmanCode(await aws.freshTotp(yuki.mfaSerial!));
    const ok = await run('ykman', ['--device', '7654321', 'oath', 'accounts', 'code', '--single', yuki.mfaSerial!], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr, 'Touch your YubiKey...\n');
    const sts = new STSClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: yuki, maxAttempts: 1 });
    await sts.send(new GetSessionTokenCommand({ SerialNumber: yuki.mfaSerial, TokenCode: ok.stdout.trim() }));

    const wrong = [
      [['oath', 'code', '--single', 'x'], 2], // ykman 3's form: not what mfa-exec sends
      [['oath', 'accounts', 'code', yuki.mfaSerial!], 2], // no --single
      [['oath', 'accounts', 'code', '--single', 'nope'], 1], // No matching account found.
      [['oath', 'accounts', 'code', '--single', 'yuki'], 1], // two accounts match
      [['--device', '1', 'oath', 'accounts', 'code', '--single', yuki.mfaSerial!], 1], // another key
    ] as const;
    for (const [args, code] of wrong) assert.equal((await run('ykman', [...args], env)).code, code, args.join(' '));
    assert.equal(s.ykmanCalls().length, 1 + wrong.length);

    const absent = makeStandIns({ ykman: { accounts: ['a'], fail: 'no-key' } });
    t.after(() => absent.cleanup());
    const none = await run('ykman', ['oath', 'accounts', 'code', '--single', 'a'], {
      PATH: `${absent.bin}:${process.env['PATH']}`,
      ...absent.env,
    });
    assert.deepEqual([none.code, none.stderr], [1, 'ERROR: No YubiKey detected!\n']);
  });

  test('notify-send records its argv; $BROWSER records the URL in a 0600 file outside HOME', async (t) => {
    const s = makeStandIns({ notifySend: true, browser: true });
    t.after(() => s.cleanup());
    const env = { PATH: `${s.bin}:${process.env['PATH']}`, ...s.env };
    assert.equal((await run('notify-send', ['-a', 'mfa-exec', 'Touch your YubiKey'], env)).code, 0);
    assert.deepEqual(s.notifications(), [['-a', 'mfa-exec', 'Touch your YubiKey']]);
    assert.equal((await run(s.env['BROWSER']!, ['https://example.invalid/federation?x=1'], env)).code, 0);
    assert.deepEqual(s.browserCalls(), [['https://example.invalid/federation?x=1']]);
    const mode = spawnSync('stat', ['-c', '%a', s.env['STANDIN_BROWSER_LOG']!], { encoding: 'utf8' }).stdout.trim();
    assert.equal(mode, '600');
    const failing = makeStandIns({ notifySend: { exitCode: 1 } });
    t.after(() => failing.cleanup());
    assert.equal((await run('notify-send', ['x'], { PATH: `${failing.bin}:${process.env['PATH']}`, ...failing.env })).code, 1);
  });
});

describe('console sign-in: GetFederationToken in the front, the federation fake, a browser', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let region: string;
  const sts = (c: Creds): STSClient => new STSClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: c, maxAttempts: 1 });
  const user = (name: string): Creds => aws.users[name]!;
  const session = (c: Creds): string =>
    JSON.stringify({ sessionId: c.accessKeyId, sessionKey: c.secretAccessKey, sessionToken: c.sessionToken });

  async function getSigninToken(c: Creds | string, sessionDuration?: number): Promise<{ status: number; token?: string; body: string }> {
    const q = new URLSearchParams({ Action: 'getSigninToken', Session: typeof c === 'string' ? c : session(c) });
    if (sessionDuration !== undefined) q.set('SessionDuration', String(sessionDuration));
    const res = await fetch(`${aws.federationUrl}?${q}`);
    const body = await res.text();
    return { status: res.status, body, ...(res.ok ? { token: (JSON.parse(body) as { SigninToken: string }).SigninToken } : {}) };
  }
  const loginUrl = (token: string, destination: string): string =>
    `${aws.federationUrl}?${new URLSearchParams({ Action: 'login', Issuer: 'mfa-exec', Destination: destination, SigninToken: token })}`;

  before(async () => {
    aws = await startFakeAws({
      users: [{ name: 'fran' }, { name: 'gus', mfa: true, mfaRequired: true }],
      roles: [
        { name: 'console', trustedUsers: ['fran'] },
        { name: 'hop', trustedUsers: [], trustedRoles: ['console'] },
      ],
    });
    region = 'eu-west-1';
  });
  after(() => aws?.close());

  test('GetFederationToken: long-term keys only, Name and duration checked, a federated-user identity', async () => {
    const fran = sts(user('fran'));
    const got = await fran.send(
      new GetFederationTokenCommand({
        Name: 'fran',
        DurationSeconds: 3600,
        Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      }),
    );
    assert.equal(got.FederatedUser?.Arn, `arn:aws:sts::${aws.accountId}:federated-user/fran`);
    assert.equal(got.FederatedUser?.FederatedUserId, `${aws.accountId}:fran`);
    assert.match(got.Credentials!.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    const fed = asCreds(got.Credentials);
    const who = await sts(fed).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Arn, who.UserId, who.Account], [got.FederatedUser?.Arn, `${aws.accountId}:fran`, aws.accountId]);
    assert.equal(
      (await stsError(sts(fed).send(new AssumeRoleCommand({ RoleArn: aws.roles['console']!.arn, RoleSessionName: 'x' })))).name,
      'AccessDenied',
    );
    assert.equal(
      (await stsError(sts(fed).send(new GetFederationTokenCommand({ Name: 'again' })))).message,
      'Cannot call GetFederationToken with session credentials',
    );
    const gst = asCreds((await fran.send(new GetSessionTokenCommand({}))).Credentials);
    assert.equal(
      (await stsError(sts(gst).send(new GetFederationTokenCommand({ Name: 'fran' })))).message,
      'Cannot call GetFederationToken with session credentials',
    );

    for (const input of [
      { Name: 'f' },
      { Name: 'x'.repeat(33) },
      { Name: 'has space' },
      { Name: 'fran', DurationSeconds: 899 },
      { Name: 'fran', DurationSeconds: 129_601 },
    ])
      assert.equal((await stsError(fran.send(new GetFederationTokenCommand(input)))).name, 'ValidationError', JSON.stringify(input));
    const max = await fran.send(new GetFederationTokenCommand({ Name: 'a.b@c-d_e+f=g,h', DurationSeconds: 129_600 }));
    assert.ok(max.Credentials?.Expiration);
    const longest = await fran.send(new GetFederationTokenCommand({ Name: 'x'.repeat(32) }));
    const hours = (longest.Credentials!.Expiration!.getTime() - Date.now()) / 3_600_000;
    assert.ok(hours > 11.9 && hours <= 12, `default 43200 s, got ${hours} h`);
    assert.equal(
      (await stsError(fran.send(new GetFederationTokenCommand({ Name: 'fran', Policy: '{nope' })))).name,
      'MalformedPolicyDocumentException', // the SDK's name for the code MalformedPolicyDocument
    );
    // A deny-unless-MFA user cannot: long-term keys carry no MFA.
    assert.match((await stsError(sts(user('gus')).send(new GetFederationTokenCommand({ Name: 'gus' })))).message, /explicit deny/);
  });

  test('getSigninToken: role and federation credentials in; GetSessionToken, long-term, wrong, expired out', async () => {
    const fran = sts(user('fran'));
    const role = asCreds(
      (await fran.send(new AssumeRoleCommand({ RoleArn: aws.roles['console']!.arn, RoleSessionName: 'web' }))).Credentials,
    );
    const fed = asCreds((await fran.send(new GetFederationTokenCommand({ Name: 'fran' }))).Credentials);
    const gst = asCreds((await fran.send(new GetSessionTokenCommand({}))).Credentials);
    const chained = asCreds(
      (await sts(role).send(new AssumeRoleCommand({ RoleArn: aws.roles['hop']!.arn, RoleSessionName: 'hop' }))).Credentials,
    );

    assert.equal((await getSigninToken(role)).status, 200);
    assert.equal((await getSigninToken(fed)).status, 200);
    assert.equal((await getSigninToken(chained)).status, 200);
    assert.equal((await getSigninToken(role, 3600)).status, 200, 'SessionDuration with role credentials');
    assert.equal((await getSigninToken(role, 43_200)).status, 200);

    const refused: Array<[string, Creds | string, number?]> = [
      ['GetSessionToken credentials', gst],
      ['long-term keys', { ...user('fran'), sessionToken: '' }],
      ['a wrong secret', { ...role, secretAccessKey: 'x'.repeat(40) }],
      ['a wrong token', { ...role, sessionToken: 'FwoGZXIvYXdzEnope' }],
      ['an unknown key', { ...role, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' }],
      ['SessionDuration with federation credentials', fed, 3600],
      ['SessionDuration with role-chained credentials', chained, 900],
      ['SessionDuration under 900', role, 899],
      ['SessionDuration over 43200', role, 43_201],
      ['no sessionToken', JSON.stringify({ sessionId: role.accessKeyId, sessionKey: role.secretAccessKey })],
      ['not JSON', '{"sessionId":'],
    ];
    for (const [why, c, d] of refused) assert.equal((await getSigninToken(c, d)).status, 400, why);
    assert.equal((await getSigninToken(gst)).body.trim(), ONLY_FEDERATION_OR_ROLE);
    aws.expireCredentials(role.accessKeyId);
    assert.equal((await getSigninToken(role)).status, 400, 'expired credentials');

    const log = aws.federation.log.filter((e) => e.action === 'getSigninToken');
    assert.equal(log.length, 5 + refused.length + 2);
    assert.deepEqual(
      log.slice(0, 5).map((e) => [e.keyKind, e.status]),
      [
        ['role', 200],
        ['federation', 200],
        ['role', 200],
        ['role', 200],
        ['role', 200],
      ],
    );
    const everything = JSON.stringify(aws.federation.log);
    for (const secret of [role.secretAccessKey, role.sessionToken!, fed.secretAccessKey, gst.sessionToken!])
      assert.ok(!everything.includes(secret), 'no secret in the federation log');
  });

  test('login: 302 to the console (AWS hosts rewritten to the fake one), the console says who; bad tokens 400', async () => {
    const role = asCreds(
      (await sts(user('fran')).send(new AssumeRoleCommand({ RoleArn: aws.roles['console']!.arn, RoleSessionName: 'web' }))).Credentials,
    );
    const { token } = await getSigninToken(role);
    const destination = `https://${region}.console.aws.amazon.com/s3/home?region=${region}`;
    const res = await fetch(loginUrl(token!, destination), { redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = res.headers.get('location')!;
    assert.equal(location, `${aws.endpoint}/fake-console/${region}.console.aws.amazon.com/s3/home?region=${region}`);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await fetch(location, { headers: { cookie } })).text();
    assert.match(page, new RegExp(`signed in as arn:aws:sts::${aws.accountId}:assumed-role/console/web`));
    assert.match(page, /s3\/home; region=eu-west-1/);
    assert.equal((await fetch(location)).status, 401, 'no cookie: not signed in');
    const entry = aws.federation.log.find((e) => e.action === 'login' && e.status === 302)!;
    assert.deepEqual([entry.destination, entry.issuer, entry.keyKind], [destination, 'mfa-exec', 'role']);

    const local = await fetch(loginUrl(token!, `${aws.endpoint}/console/home?region=${region}`), { redirect: 'manual' });
    assert.equal(local.headers.get('location'), `${aws.endpoint}/console/home?region=${region}`, 'a loopback Destination as it is');
    assert.equal((await fetch(loginUrl('nope', destination), { redirect: 'manual' })).status, 400);
    assert.equal((await fetch(loginUrl(token!, 'not a url'), { redirect: 'manual' })).status, 400);
    aws.federation.expireSigninTokens();
    const late = await fetch(loginUrl(token!, destination), { redirect: 'manual' });
    assert.deepEqual([late.status, (await late.text()).trim()], [400, 'SigninToken has expired (15 minutes)']);
    assert.ok(aws.federation.calls['login']! >= 5);
  });

  test('GetSessionToken credentials refused at login instead, as aws-vault #1191 saw', async (t) => {
    aws.federation.sessionTokenRefusal = 'login';
    t.after(() => (aws.federation.sessionTokenRefusal = 'getSigninToken'));
    const gst = asCreds((await sts(user('fran')).send(new GetSessionTokenCommand({}))).Credentials);
    const { status, token } = await getSigninToken(gst);
    assert.equal(status, 200);
    const res = await fetch(loginUrl(token!, 'https://console.aws.amazon.com/'), { redirect: 'manual' });
    assert.deepEqual([res.status, (await res.text()).trim()], [400, ONLY_FEDERATION_OR_ROLE]);
  });

  test('faults on the federation endpoint: 500, a closed socket', async () => {
    const fed = asCreds((await sts(user('fran')).send(new GetFederationTokenCommand({ Name: 'fran' }))).Credentials);
    aws.failNext('getSigninToken', 1, '500');
    assert.equal((await getSigninToken(fed)).status, 500);
    aws.failNext('getSigninToken', 1, 'close');
    await assert.rejects(getSigninToken(fed));
    assert.equal((await getSigninToken(fed)).status, 200);
  });

  test('the $BROWSER stand-in follows the login URL like a browser', async (t) => {
    const s = makeStandIns({ browser: { fetch: true } });
    t.after(() => s.cleanup());
    const fed = asCreds((await sts(user('fran')).send(new GetFederationTokenCommand({ Name: 'fran-web' }))).Credentials);
    const url = loginUrl((await getSigninToken(fed)).token!, `https://console.aws.amazon.com/console/home?region=${region}`);
    const r = await run(s.env['BROWSER']!, [url], { PATH: process.env['PATH'], ...s.env });
    assert.equal(r.code, 0);
    assert.deepEqual(s.browserCalls(), [[url]]);
    const [fetched] = s.browserFetches();
    assert.equal(fetched?.status, 302);
    assert.match(fetched!.page, new RegExp(`signed in as arn:aws:sts::${aws.accountId}:federated-user/fran-web`));
  });

  test('headless Chromium follows the login URL to the fake console', { ...needs(['chromium']) }, async (t) => {
    const profile = mkdtempSync(join(tmpdir(), 'mfa-exec-chromium-'));
    t.after(() => rmSync(profile, { recursive: true, force: true }));
    const role = asCreds(
      (await sts(user('fran')).send(new AssumeRoleCommand({ RoleArn: aws.roles['console']!.arn, RoleSessionName: 'chromium' })))
        .Credentials,
    );
    const url = loginUrl((await getSigninToken(role)).token!, `https://${region}.console.aws.amazon.com/console/home?region=${region}`);
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ];
    const r = await run('chromium', [...flags, '--dump-dom', url], { PATH: process.env['PATH'], HOME: profile }, 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`signed in as arn:aws:sts::${aws.accountId}:assumed-role/console/chromium`));
    assert.match(r.stdout, /console\/home; region=eu-west-1/);
    const login = aws.federation.log.filter((e) => e.action === 'login').at(-1)!;
    assert.match(login.userAgent ?? '', /Chrome/);
  });
});
