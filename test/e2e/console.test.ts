// `mfa-exec console` end to end: the built CLI, moto behind the front (AssumeRole, GetFederationToken),
// the harness's console federation fake at MFA_EXEC_FEDERATION_URL, which checks the Session against
// the keys moto issued, refuses GetSessionToken credentials and SessionDuration where AWS does; the
// --stdout URL parsed and followed with fetch (redirect: 'manual'); the $BROWSER stand-in; and a
// headless Chromium following the URL (skipped, saying why, where it is absent; required under CI).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  desktopMissing,
  makeStandIns,
  runCli,
  runInPty,
  CLI_PATH,
  startFakeAws,
  writeAwsFiles,
  type CliResult,
  type FakeAws,
} from '../harness/index.ts';
import { SPEC, credentialsText, makeScenario, type Scenario } from './scenario.ts';

const CI = process.env['CI'] === 'true';
const noChromium = desktopMissing(['chromium']);
if (noChromium && CI) throw new Error(`CI=true but ${noChromium}`);

function ok(r: CliResult, what: string): void {
  assert.equal(r.code, 0, `${what}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** Follows the login URL as a browser would, without one: the 302, then the console page with its cookie. */
async function follow(url: string): Promise<{ status: number; location: string; page: string }> {
  const first = await fetch(url, { redirect: 'manual' });
  const location = first.headers.get('location') ?? '';
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = location ? await (await fetch(location, { headers: { cookie } })).text() : await first.text();
  return { status: first.status, location, page: page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') };
}

describe('mfa-exec console', { timeout: 240_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    env = { ...s.env, MFA_EXEC_FEDERATION_URL: aws.federationUrl };
    aws.resetCalls();
    aws.federation.log.length = 0;
  });
  afterEach(() => s.cleanup());

  const signinLog = () => aws.federation.log.filter((e) => e.action === 'getSigninToken');

  test('a role profile: one MFA prompt fills the cache; --stdout prints only the URL, which signs in as the role where asked', async () => {
    // In a real terminal, as a person runs it: the prompt on the terminal, the URL on stdout.
    const pty = await runInPty(['/bin/sh', '-c', `"${CLI_PATH}" console -p role --stdout --service s3 > "$HOME/url"`], {
      env,
      steps: [{ expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) }],
      timeoutMs: 30_000,
    });
    assert.equal(pty.exitStatus, 0, pty.output);
    const out = await readFile(join(s.home, 'url'), 'utf8');
    assert.match(out, /^http:\/\/127\.0\.0\.1:\d+\/federation\?[^\n]+\n$/, 'one line: the URL');
    const url = out.trim();
    const parsed = new URL(url);
    assert.deepEqual([...parsed.searchParams.keys()], ['Action', 'Destination', 'SigninToken']);
    assert.equal(parsed.searchParams.get('Destination'), 'https://eu-central-1.console.aws.amazon.com/s3/home?region=eu-central-1');
    const browser = await follow(url);
    assert.equal(browser.status, 302);
    assert.match(browser.page, /signed in as arn:aws:sts::\d+:assumed-role\/hc-master\/mfa-exec-\d+/);
    assert.match(browser.page, /s3\/home; region=eu-central-1/);
    assert.deepEqual(
      signinLog().map((e) => [e.status, e.keyKind, e.sessionDuration]),
      [[200, 'role', undefined]],
      'role credentials, no SessionDuration',
    );
    assert.equal(aws.calls.GetSessionToken, 1);

    // Again, with nobody to ask: the cache serves; a global service lands on the global console.
    const again = await runCli(['console', '-p', 'reader', '--stdout', '--service', 'iam', '--prompt', 'none'], { env });
    ok(again, 'console from the cache');
    assert.equal(new URL(again.stdout.trim()).searchParams.get('Destination'), 'https://console.aws.amazon.com/iam/home');
    assert.equal(again.stderr, '');
    assert.equal(aws.calls.GetSessionToken, 1, 'no second MFA prompt');
  });

  test('cached role credentials with too little left for a console session are assumed again first, from the MFA session', async () => {
    ok(await runCli(['-p', 'role', '-d', '15m', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env }), 'fill the cache');
    const dir = join(s.home, '.cache', 'mfa-exec');
    // Leave 6 minutes on the role's entry: fresh for a command, short for a console session.
    for (const name of await readdir(dir)) {
      const file = join(dir, name);
      if (!name.endsWith('.json') || name.startsWith('mfa-used')) continue;
      const entry = JSON.parse(await readFile(file, 'utf8')) as { request?: { roleArn?: string }; expiration: string };
      if (!entry.request?.roleArn) continue;
      entry.expiration = new Date(Date.now() + 6 * 60_000).toISOString();
      await writeFile(file, JSON.stringify(entry) + '\n', { mode: 0o600 });
    }
    const before = aws.calls.AssumeRole ?? 0;
    const r = await runCli(['console', '-p', 'role', '-d', '15m', '--stdout', '--prompt', 'none', '--debug'], { env });
    ok(r, 'console');
    assert.match(r.stderr, /console: the role credentials have \d+ s left; assuming the role again/);
    assert.equal(aws.calls.AssumeRole, before + 1);
    assert.equal(aws.calls.GetSessionToken, 1, 'from the cached MFA session, no code');
    assert.match((await follow(r.stdout.trim())).page, /session until/);
  });

  test('no role: GetFederationToken with the long-term keys, said in one line; -d is the session’s length', async () => {
    const r = await runCli(['console', '-p', 'carol', '--stdout', '-d', '2h', '--region', 'us-west-2'], { env });
    ok(r, 'console as carol');
    assert.equal(
      r.stderr,
      "mfa-exec: warning: profile 'carol' has no role: the console signs in as a federated user made from its long-term keys (GetFederationToken), and that session carries no MFA.\n",
    );
    const browser = await follow(r.stdout.trim());
    assert.match(browser.page, /signed in as arn:aws:sts::\d+:federated-user\/carol /);
    const until = Date.parse(/session until (\S+)/.exec(browser.page)![1]!);
    assert.ok(
      Math.abs(until - (Date.now() + 2 * 3600_000)) < 5 * 60_000,
      `the console session lasts about 2 h: ${new Date(until).toISOString()}`,
    );
    assert.deepEqual(
      signinLog().map((e) => [e.status, e.keyKind, e.sessionDuration]),
      [[200, 'federation', undefined]],
    );
    assert.equal(aws.calls.GetFederationToken, 1);
    assert.equal(aws.calls.GetSessionToken ?? 0, 0, 'no MFA session is made, and none would be sent');
  });

  test('no role and a deny-without-MFA policy: 77 saying why; temporary keys of GetSessionToken are never sent: 78', async () => {
    const denied = await runCli(['console', '-p', 'source', '--stdout'], { env });
    assert.equal(denied.code, 77, denied.stderr);
    assert.match(
      denied.stderr,
      /AWS denied GetFederationToken for profile 'source': .*A policy that requires MFA denies it \(long-term keys carry none\): give the profile a role_arn/,
    );
    assert.equal(denied.stdout, '');

    // A profile holding an IAM user's session (as `aws sts get-session-token` gives, or aws-vault exported).
    const gst = await runCli(['env', '-p', 'bob', '--format', 'json', '--mfa-token', await aws.freshTotp(s.bobSerial)], { env });
    ok(gst, 'a GetSessionToken session for bob');
    const vars = JSON.parse(gst.stdout) as Record<string, string>;
    await writeAwsFiles(s.home, {
      credentials: `${credentialsText(aws, s.user)}\n[held]\naws_access_key_id = ${vars['AWS_ACCESS_KEY_ID']}\naws_secret_access_key = ${vars['AWS_SECRET_ACCESS_KEY']}\naws_session_token = ${vars['AWS_SESSION_TOKEN']}\n`,
    });
    const held = await runCli(['console', '-p', 'held', '--stdout'], { env });
    assert.equal(held.code, 78, held.stderr);
    assert.match(
      held.stderr,
      /Profile 'held' has no role_arn, and its credentials are temporary ones of arn:aws:iam::\d+:user\/bob \(from GetSessionToken\), which the AWS console does not take/,
    );
    assert.equal(signinLog().length, 0, 'nothing was sent to the federation endpoint');
    for (const secret of [vars['AWS_SECRET_ACCESS_KEY']!, vars['AWS_SESSION_TOKEN']!]) assert.ok(!held.stderr.includes(secret));
  });

  test('$BROWSER gets the URL as its argument and follows it; nothing of the URL in our output, not under --debug', async (t) => {
    const b = makeStandIns({ browser: { fetch: true } });
    t.after(() => b.cleanup());
    const r = await runCli(
      ['console', '-p', 'role', '--debug', '--path', 'ec2/home#Instances:', '--mfa-token', await aws.freshTotp(s.serial)],
      {
        env: { ...env, ...b.env },
      },
    );
    ok(r, 'console');
    assert.equal(r.stdout, '', 'stdout stays empty without --stdout');
    assert.match(
      r.stderr,
      /opened the AWS console as role arn:aws:iam::\d+:role\/hc\/hc-master until \S+ \(profile 'role', with .*browser\.mjs\)\n$/,
    );
    const calls = b.browserCalls();
    assert.equal(calls.length, 1);
    const url = new URL(calls[0]![0]!);
    assert.equal(
      url.searchParams.get('Destination'),
      'https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1#Instances:',
    );
    const token = url.searchParams.get('SigninToken')!;
    for (const secret of [token, calls[0]![0]!, 'SigninToken', 'sessionKey'])
      assert.ok(!r.stderr.includes(secret), `--debug holds ${secret.slice(0, 12)}`);
    const [fetched] = b.browserFetches();
    assert.equal(fetched?.status, 302);
    assert.match(fetched!.page, /signed in as arn:aws:sts::\d+:assumed-role\/hc-master\//);
  });

  test('failures: no browser (69, how to print the URL instead), the endpoint down (69), bad options (64) before any prompt', async () => {
    ok(await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env }), 'fill the cache');
    const noBrowser = await runCli(['console', '-p', 'role'], { env: { ...env, BROWSER: '/nonexistent/browser' } });
    assert.equal(noBrowser.code, 69, noBrowser.stderr);
    assert.match(
      noBrowser.stderr,
      /No browser could be opened for the console of profile 'role' \(\$BROWSER failed\)\. Run 'mfa-exec console -p role --stdout'/,
    );
    assert.doesNotMatch(noBrowser.stderr, /SigninToken|federation\?/);

    aws.failNext('getSigninToken', 1, '500');
    const down = await runCli(['console', '-p', 'role', '--stdout'], { env });
    assert.equal(down.code, 69, down.stderr);
    assert.match(down.stderr, /The AWS sign-in endpoint http:\/\/127\.0\.0\.1:\d+\/federation failed with HTTP 500/);
    assert.equal(down.stdout, '');

    await runCli(['clear'], { env });
    for (const args of [
      ['console', '-p', 'role', '--path', 's3/home', '--service', 's3'],
      ['console', '-p', 'role', '--path', 'https://phish.example/'],
      ['console', '-p', 'role', '--format', 'json'],
    ]) {
      const r = await runCli(args, { env });
      assert.equal(r.code, 64, `${args.join(' ')}\n${r.stderr}`);
    }
    assert.equal(aws.calls.GetSessionToken, 1, 'no prompt, no STS call for bad options');
  });

  test('headless Chromium follows the printed URL to the console', { skip: noChromium ?? false }, async () => {
    const r = await runCli(['console', '-p', 'role', '--stdout', '--mfa-token', await aws.freshTotp(s.serial)], { env });
    ok(r, 'console --stdout');
    const profile = mkdtempSync(join(tmpdir(), 'mfa-exec-chromium-'));
    try {
      const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'];
      // Run as runCli runs us: a session of its own, stdin closed, its process group ended afterwards.
      const dom = await runCli(
        [...flags, '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', r.stdout.trim()],
        {
          env: { PATH: process.env['PATH'], HOME: profile },
          argv0Path: '/usr/bin/chromium',
          cwd: profile,
          timeoutMs: 90_000,
        },
      );
      assert.equal(dom.code, 0, dom.stderr);
      assert.match(dom.stdout, /signed in as arn:aws:sts::\d+:assumed-role\/hc-master\//);
      assert.match(dom.stdout, /console\/home; region=eu-central-1/);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
    assert.match(aws.federation.log.filter((e) => e.action === 'login').at(-1)?.userAgent ?? '', /Chrome/);
  });
});
