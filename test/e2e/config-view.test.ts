// The config view end to end: a command started by mfa-exec reads AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE from a view of the user's files in which every profile mfa-exec can
// serve runs `mfa-exec credential-process`. So profiles the command names itself (boto3's
// profile_name, `aws --profile`, the JS SDK's fromIni) get their role from the one MFA session,
// with no prompt; nested runs read the user's own files (no loop); the user's files are never
// written; the view holds no key. Real programs against moto in auth mode, no terminal (a prompt
// would fail the run).
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile, appendFile, chmod, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_COMMAND, CLI_PATH, pythonTool, runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, configText, makeScenario, type Scenario } from './scenario.ts';

const BOTO3 = fileURLToPath(new URL('../fixtures/integrations/boto3_whoami.py', import.meta.url));
const JS_FROM_INI = fileURLToPath(new URL('../fixtures/view/js-from-ini.mjs', import.meta.url));
const REPORT = fileURLToPath(new URL('../fixtures/exec/report.mjs', import.meta.url));
const READER_REGION = 'ap-northeast-1';

/** JSON objects printed one per line (the programs' answers), in order. */
function answers(stdout: string): { Arn: string; [key: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { Arn: string });
}

describe('config view: profiles named inside the command are served by mfa-exec', { timeout: 240_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let userFiles: { config: string; credentials: string };
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    // The reader role gets a region of its own, for `aws configure get region --profile reader`.
    await writeFile(
      join(s.home, '.aws', 'config'),
      configText(aws, s.user).replace('[profile reader]\n', `[profile reader]\nregion = ${READER_REGION}\n`),
    );
    userFiles = {
      config: await readFile(join(s.home, '.aws', 'config'), 'utf8'),
      credentials: await readFile(join(s.home, '.aws', 'credentials'), 'utf8'),
    };
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  const viewsDir = () => join(s.home, '.cache', 'mfa-exec', 'views');
  const login = async () => {
    const r = await runCli(['login', '-p', 'role', '--mfa-token', await aws.freshTotp(s.serial)], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
  };
  /** `mfa-exec -p role -- sh -c SCRIPT`, no terminal; $MFA is the CLI, $BOTO3 / $JS_FROM_INI the SDK programs. */
  const inChild = (script: string, env: NodeJS.ProcessEnv = s.env, profile = 'role'): Promise<CliResult> =>
    runCli(['-p', profile, '--', 'sh', '-c', script], {
      env: { ...env, MFA: CLI_PATH, BOTO3, JS_FROM_INI, NODE: process.execPath, PYTHON: pythonTool('python3') },
      timeoutMs: 90_000,
    });
  const READER = /:assumed-role\/reader\//;
  const ROLE = /:assumed-role\/hc-master\//;

  test('boto3 profile_name="reader", `aws --profile reader` and the JS SDK fromIni({ profile: "reader" }) get the reader role, with no prompt; `aws configure get region --profile reader` prints its region', async () => {
    await login();
    aws.resetCalls();
    const r = await inChild(
      'set -e; "$PYTHON" "$BOTO3" reader; aws --profile reader sts get-caller-identity --output json | tr -d "\\n "; echo; ' +
        '"$NODE" "$JS_FROM_INI" reader; aws configure get region --profile reader; aws sts get-caller-identity --output json | tr -d "\\n "; echo',
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [boto3, cli, js, own] = answers(r.stdout);
    for (const [who, answer] of Object.entries({ boto3, cli, js })) assert.match(answer?.Arn ?? '', READER, `${who}: ${r.stdout}`);
    assert.match(own?.Arn ?? '', ROLE, 'the command itself still runs as the selected profile');
    assert.ok(r.stdout.split('\n').includes(READER_REGION), r.stdout);
    assert.doesNotMatch(r.stderr, /MFA code|no terminal/i, r.stderr);
    assert.equal(aws.calls.GetSessionToken ?? 0, 0, 'the reader role comes from the cached MFA session');
    assert.equal(aws.calls.AssumeRole, 1, 'assumed once, then cached for the other SDKs');
    assert.ok(Date.parse(js!.expiration as string) - Date.now() > 50 * 60_000, 'the served credentials carry their expiry');
  });

  test('a nested shim and credential-process under the view give the same answers, with no loop; a view reached without its markers is refused, never looped', async () => {
    await login();
    const awsShim = await s.shim('aws');
    const r = await inChild(
      `set -e; "${awsShim}" --profile reader sts get-caller-identity --output json | tr -d "\\n "; echo; ` +
        '"$MFA" credential-process --profile reader; "$MFA" credential-process --profile role; "$MFA" --debug -p reader -- sh -c \'echo "config=$AWS_CONFIG_FILE"\'',
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [shim, processReader, processRole] = answers(r.stdout);
    assert.match(shim!.Arn, READER);
    // credential-process answers with the cached credentials; their identity is checked through STS below.
    assert.equal((processReader as unknown as { Version: number }).Version, 1);
    assert.notEqual(
      (processReader as unknown as { AccessKeyId: string }).AccessKeyId,
      (processRole as unknown as { AccessKeyId: string }).AccessKeyId,
    );
    const userConfig = join(s.home, '.aws', 'config');
    assert.ok(r.stderr.includes(`config files: ${userConfig}, `), `the nested mfa-exec read the user's files\n${r.stderr}`);
    assert.match(r.stdout, /^config=.*\/mfa-exec\/views\/[0-9a-f]{32}\/config$/m, 'its child gets the view again');

    // Without the markers, the view is never read as the user's file (it would run itself forever).
    const stray = await inChild(
      'unset MFA_EXEC_VIEW MFA_EXEC_USER_CONFIG_FILE MFA_EXEC_USER_CREDENTIALS_FILE; "$MFA" credential-process --profile reader',
    );
    assert.equal(stray.code, 78, stray.stdout + stray.stderr);
    assert.match(stray.stderr, /is a file mfa-exec wrote for a command it ran \(its view of your AWS files\), not your own file/);
    assert.equal(stray.stdout, '');
  });

  test('a copy of a view used as the config file (first line removed) or a profile whose credential_process calls mfa-exec for itself: refused at once, not a hang', async () => {
    await login();
    const r = await inChild('cat "$AWS_CONFIG_FILE"');
    assert.equal(r.code, 0, r.stderr);
    const copy = join(s.home, 'copied-config');
    await writeFile(copy, r.stdout.slice(r.stdout.indexOf('\n') + 1));
    const looped = await runCli(['credential-process', '--profile', 'reader'], {
      env: { ...s.env, AWS_CONFIG_FILE: copy },
      timeoutMs: 30_000,
    });
    assert.equal(looped.code, 78, looped.stdout + looped.stderr);
    assert.match(
      looped.stderr,
      /The credential_process of profile 'reader' \(.*copied-config\) runs mfa-exec for the same profile again: a loop/,
    );
    assert.ok(looped.durationMs < 15_000, `refused at once, not after a lock timeout (${looped.durationMs} ms)`);

    await appendFile(
      join(s.home, '.aws', 'config'),
      `\n[profile self]\ncredential_process = ${CLI_COMMAND.join(' ')} credential-process --profile self\n`,
    );
    const self = await runCli(['credential-process', '--profile', 'self'], { env: s.env, timeoutMs: 30_000 });
    assert.equal(self.code, 78, self.stdout + self.stderr);
    assert.match(self.stderr, /profile 'self' .* runs mfa-exec for the same profile again: a loop/);
  });

  test("the user's files stay byte for byte; no file of the view holds a key; files 0400 in a 0700 directory", async () => {
    await login();
    const r = await inChild(
      'aws --profile reader sts get-caller-identity --output json >/dev/null; aws --profile source sts get-caller-identity >/dev/null',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(join(s.home, '.aws', 'config'), 'utf8'), userFiles.config);
    assert.equal(await readFile(join(s.home, '.aws', 'credentials'), 'utf8'), userFiles.credentials);

    const secrets: string[] = [];
    for (const user of Object.values(aws.users)) secrets.push(user.accessKeyId, user.secretAccessKey);
    const cache = join(s.home, '.cache', 'mfa-exec');
    for (const f of (await readdir(cache)).filter((n) => /^(session|role)-/.test(n))) {
      const entry = JSON.parse(await readFile(join(cache, f), 'utf8')) as {
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken: string;
      };
      secrets.push(entry.accessKeyId, entry.secretAccessKey, entry.sessionToken);
    }
    const views = await readdir(viewsDir());
    assert.equal(views.length, 1, `one view: ${views.join(', ')}`);
    const dir = join(viewsDir(), views[0]!);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(viewsDir())).mode & 0o777, 0o700);
    const files = (await readdir(dir)).sort();
    assert.deepEqual(files, ['config', 'credentials', 'stamp']);
    for (const f of files) {
      const text = await readFile(join(dir, f), 'utf8');
      assert.equal((await stat(join(dir, f))).mode & 0o777, 0o400, f);
      for (const secret of secrets) assert.ok(!text.includes(secret), `${f} holds a key or token`);
      assert.doesNotMatch(text, /aws_(access_key_id|secret_access_key|session_token)|\b(AKIA|ASIA)[A-Z0-9]{12,}/i, f);
    }
    const viewConfig = await readFile(join(dir, 'config'), 'utf8');
    // credential_process runs us: `<node> <dist/cli.js>`, or the single executable alone.
    const us = CLI_COMMAND.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(' ');
    assert.match(
      viewConfig,
      new RegExp(`\\[profile role\\]\\nregion = eu-central-1\\ncredential_process = ${us} credential-process --profile=role\\n`),
    );
    assert.doesNotMatch(viewConfig, /role_arn|source_profile|mfa_serial|external_id/);
  });

  test('a secret behind a byte order mark, or inside a value (an inline comment to the JS SDK), never reaches the view; the AWS CLI still reads the profiles (issue 17)', async () => {
    await login();
    const bob = aws.users.bob!;
    await appendFile(
      join(s.home, '.aws', 'credentials'),
      `\n[bom]\n\uFEFFaws_secret_access_key = ${bob.secretAccessKey}\nregion = us-east-1\n`,
    );
    await appendFile(
      join(s.home, '.aws', 'config'),
      `\n[profile inline]\nregion = eu-west-1 ;aws_secret_access_key=${bob.secretAccessKey}\n`,
    );
    const r = await inChild('cat "$AWS_CONFIG_FILE" "$AWS_SHARED_CREDENTIALS_FILE"; aws configure get region --profile inline');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(bob.secretAccessKey), `the secret is in the view:\n${r.stdout}`);
    assert.match(r.stdout, /^\[profile inline\]\nregion = eu-west-1\n/m);
    assert.match(r.stdout, /^\[bom\]\nregion = us-east-1\n/m);
    assert.match(r.stdout, /^eu-west-1$/m, 'the AWS CLI reads the region of the view');
  });

  test('a profile whose name has spaces, quotes and $ is served too: the command survives shlex (botocore) and sh -c', async () => {
    await login();
    const odd = `it's "odd" $HOME`;
    await appendFile(
      join(s.home, '.aws', 'credentials'),
      `\n[${odd}]\nsource_profile = source\nrole_arn = ${aws.roles.reader!.arn}\nmfa_serial = ${s.serial}\n`,
    );
    const r = await inChild(
      'set -e; aws --profile "$ODD" sts get-caller-identity --output json | tr -d "\\n "; echo; "$PYTHON" "$BOTO3" "$ODD"',
      {
        ...s.env,
        ODD: odd,
      },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const arns = answers(r.stdout).map((a) => a.Arn);
    assert.equal(arns.length, 2, r.stdout);
    for (const arn of arns) assert.match(arn, READER);
  });

  test('a shim in a shell that evaluated `mfa-exec env` (AWS_VAULT set, no view yet) gives its program the view', async () => {
    await login();
    const awsShim = await s.shim('aws');
    const r = await runCli(['-c', `eval "$("$MFA" env -p role)"; "${awsShim}" --profile reader sts get-caller-identity --output json`], {
      env: { ...s.env, MFA: CLI_PATH, MFA_EXEC_DEBUG: '1' },
      argv0Path: '/bin/sh',
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /nested run: AWS_VAULT=role already carries valid credentials/);
    assert.match(callerArn(r.stdout), READER);
  });

  test("the user's own AWS_CONFIG_FILE (relative, elsewhere) is honoured: the view is made from it and nested runs read it", async () => {
    await login();
    await mkdir(join(s.home, 'proj'));
    await writeFile(join(s.home, 'proj', 'aws-config'), userFiles.config.replace(`region = ${READER_REGION}`, 'region = af-south-1'));
    const r = await runCli(
      [
        '-p',
        'role',
        '--',
        'sh',
        '-c',
        'cd /; echo "user=$MFA_EXEC_USER_CONFIG_FILE"; aws configure get region --profile reader; "$MFA" --debug -p reader -- true',
      ],
      { env: { ...s.env, AWS_CONFIG_FILE: 'proj/aws-config', MFA: CLI_PATH }, cwd: s.home, timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const own = join(s.home, 'proj', 'aws-config');
    assert.ok(r.stdout.includes(`user=${own}\n`), r.stdout);
    assert.ok(r.stdout.includes('af-south-1\n'), r.stdout);
    assert.ok(r.stderr.includes(`config files: ${own}, `), r.stderr);
  });

  test("a role whose source profile's keys are in mfa-exec's key store is served; keys added to the store make the view again", async () => {
    const user = aws.users[s.user]!;
    const env = { ...s.env, MFA_EXEC_FILE_PASSPHRASE: 'view test passphrase', MFA_EXEC_BACKEND: 'file' };
    // First no keys anywhere: the roles are left to the SDK (which finds no credentials either).
    const bob = aws.users.bob!;
    await writeFile(
      join(s.home, '.aws', 'credentials'),
      `# the keys of 'source' live in mfa-exec\n[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`,
    );
    const before = await runCli(['--debug', '-p', 'bob', '--mfa-token', await aws.freshTotp(s.bobSerial), '--', 'true'], { env });
    assert.equal(before.code, 0, before.stderr);
    assert.match(
      before.stderr,
      /config view: profile 'reader' is left as written: its source profile 'source' gets credentials elsewhere: it holds no credentials/,
    );

    const add = await runCli(['add', 'source', '--env'], {
      env: { ...env, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey },
    });
    assert.equal(add.code, 0, add.stderr);
    const r = await runCli(
      [
        '--debug',
        '-p',
        'role',
        '--mfa-token',
        await aws.freshTotp(s.serial),
        '--',
        'sh',
        '-c',
        'aws --profile reader sts get-caller-identity --output json',
      ],
      { env, timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(callerArn(r.stdout), READER);
    assert.match(r.stderr, /config view made: /);
    assert.doesNotMatch(r.stderr, /profile '(reader|role|source)' is left as written/);
  });

  test('a plain-keys profile (aws --profile source) works inside the child, as the user', async () => {
    await login();
    const r = await inChild('aws --profile source sts get-caller-identity --output json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(callerArn(r.stdout), new RegExp(`:user/${s.user}$`));
  });

  test('the view is made again after the user edits ~/.aws/config (and reused while nothing changes); a view file changed after it was written is not trusted', async () => {
    await login();
    const where = 'echo "config=$AWS_CONFIG_FILE"; aws configure get region --profile reader';
    const first = await inChild(where);
    assert.equal(first.code, 0, first.stderr);
    const again = await inChild(where);
    assert.equal(again.stdout, first.stdout, 'the same view while the files do not change');
    assert.ok(first.stdout.includes(`${READER_REGION}\n`), first.stdout);

    await writeFile(join(s.home, '.aws', 'config'), userFiles.config.replace(`region = ${READER_REGION}`, 'region = sa-east-1'));
    const edited = await inChild(where);
    assert.equal(edited.code, 0, edited.stderr);
    assert.ok(edited.stdout.includes('sa-east-1\n'), edited.stdout);
    assert.notEqual(edited.stdout.split('\n')[0], first.stdout.split('\n')[0], 'another view');
    assert.equal((await readdir(viewsDir())).length, 2, 'the older view stays for commands still running with it');

    // Someone changes the view's config (here: the owner, after a chmod): the next run makes it again.
    const viewConfig = edited.stdout.split('\n')[0]!.slice('config='.length);
    await chmod(viewConfig, 0o600);
    await appendFile(viewConfig, '\n[profile reader]\nregion = planted\n');
    await chmod(viewConfig, 0o400);
    const remade = await inChild(`${where}; cat "$AWS_CONFIG_FILE"`, { ...s.env, MFA_EXEC_DEBUG: '1' });
    assert.equal(remade.code, 0, remade.stderr);
    assert.ok(remade.stdout.includes('sa-east-1\n'), remade.stdout);
    assert.doesNotMatch(remade.stdout, /planted/);
    assert.match(remade.stderr, /has a config file changed since it was written; making it again/);
  });

  test("MFA_EXEC_DISABLE=1 and `aws configure` (through shims) get the user's own files: `aws configure set` writes to ~/.aws/config", async () => {
    await login();
    await s.shim('aws');
    const real = join(s.home, 'real-bin');
    await mkdir(real);
    await symlink(REPORT, join(real, 'report'));
    await s.shim('report');
    const env = { ...s.env, PATH: s.env.PATH!.replace(`${s.shims}:`, `${s.shims}:${real}:`) };
    const r = await inChild(
      'MFA_EXEC_DISABLE=1 report; aws configure set cli_pager "" --profile reader; aws configure get region --profile reader; report',
      env,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [disabled, served] = answers(r.stdout) as unknown as { env: Record<string, string> }[];
    for (const name of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'MFA_EXEC_VIEW', 'MFA_EXEC_USER_CONFIG_FILE'])
      assert.equal(disabled!.env[name], undefined, `${name} under MFA_EXEC_DISABLE=1`);
    assert.match(served!.env.AWS_CONFIG_FILE ?? '', /\/views\/[0-9a-f]{32}\/config$/, 'a nested shim that is served gets the view');
    assert.ok(r.stdout.includes(`${READER_REGION}\n`));
    const config = await readFile(join(s.home, '.aws', 'config'), 'utf8');
    assert.match(config, /\[profile reader\]\nregion = ap-northeast-1\nsource_profile = source\n[^[]*cli_pager = \n/, config);
  });

  test('with no profile selected, a shim runs its program untouched but with the view: a profile the program names is served', async () => {
    await login();
    const awsShim = await s.shim('aws');
    const r = await runCli(['--profile', 'reader', 'sts', 'get-caller-identity', '--output', 'json'], {
      env: { ...s.env, MFA_EXEC_DEBUG: '1' },
      argv0Path: awsShim,
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(callerArn(r.stdout), READER);
    assert.match(r.stderr, /running the real program untouched, without credentials: no profile selected/);
    assert.match(r.stderr, /config view (found|made)/);
  });

  test('--server: the view of the command has a [default] that defers to the endpoint, and other profiles are still served', async () => {
    await login();
    const r = await runCli(
      [
        '--server',
        '-p',
        'role',
        '--',
        'sh',
        '-c',
        'set -e; cat "$AWS_CONFIG_FILE"; "$PYTHON" "$BOTO3" reader; aws sts get-caller-identity --output json | tr -d "\\n "',
      ],
      { env: { ...s.env, BOTO3, PYTHON: pythonTool('python3') }, timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\[default\]\nregion = us-west-2\n\n/);
    const [reader, own] = answers(r.stdout);
    assert.match(reader!.Arn, READER);
    assert.match(own!.Arn, ROLE);
  });

  test('doctor reports a [default] that gives credentials by itself, and a web identity in the environment', async () => {
    const carol = aws.users.carol!;
    await appendFile(
      join(s.home, '.aws', 'credentials'),
      `\n[default]\naws_access_key_id = ${carol.accessKeyId}\naws_secret_access_key = ${carol.secretAccessKey}\n`,
    );
    const r = await runCli(['doctor'], {
      env: { ...s.env, AWS_PROFILE: 'role', AWS_ROLE_ARN: aws.roles.reader!.arn, AWS_WEB_IDENTITY_TOKEN_FILE: '/tmp/token' },
    });
    assert.match(
      r.stdout,
      /^ok\s+\[default\] in .*\/\.aws\/credentials gives credentials by itself \(keys\): tools run outside mfa-exec with no profile use it; commands run through mfa-exec get the profile mfa-exec resolved instead/m,
    );
    assert.match(
      r.stdout,
      /^ok\s+AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set: .* mfa-exec removes them from the environment of --server commands$/m,
    );
    assert.ok(!r.stdout.includes(carol.accessKeyId) && !r.stdout.includes(carol.secretAccessKey), 'no key in the report');
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  describe('credential-process renews credentials near their expiry from the MFA session, with no prompt', () => {
    const cacheDir = () => join(s.home, '.cache', 'mfa-exec');
    /** Sets the expiry of the cached role credentials to `minutes` from now. */
    const ageRole = async (minutes: number) => {
      for (const f of (await readdir(cacheDir())).filter((n) => n.startsWith('role-'))) {
        const file = join(cacheDir(), f);
        const entry = JSON.parse(await readFile(file, 'utf8')) as { expiration: string };
        entry.expiration = new Date(Date.now() + minutes * 60_000).toISOString();
        await writeFile(file, JSON.stringify(entry), { mode: 0o600 });
      }
    };
    const credentialProcess = async (...args: string[]) => {
      const r = await runCli(['credential-process', '-p', 'role', ...args], { env: s.env });
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { AccessKeyId: string; Expiration: string };
    };

    test('10 minutes left: renewed (one AssumeRole, no GetSessionToken), the real expiry given; 30 minutes left: handed out as they are', async () => {
      await login();
      const before = await credentialProcess();
      await ageRole(30);
      aws.resetCalls();
      const kept = await credentialProcess();
      assert.equal(kept.AccessKeyId, before.AccessKeyId);
      assert.ok(Math.abs(Date.parse(kept.Expiration) - (Date.now() + 30 * 60_000)) < 60_000, 'the real expiry');
      assert.deepEqual(aws.calls, {});

      await ageRole(10);
      const renewed = await credentialProcess();
      assert.notEqual(renewed.AccessKeyId, before.AccessKeyId);
      assert.ok(Date.parse(renewed.Expiration) - Date.now() > 50 * 60_000, renewed.Expiration);
      assert.deepEqual(aws.calls, { AssumeRole: 1 });
    });

    test('10 minutes left but the MFA session is gone: no prompt, the current credentials are handed out', async () => {
      await login();
      const before = await credentialProcess();
      await ageRole(10);
      for (const f of (await readdir(cacheDir())).filter((n) => n.startsWith('session-')))
        await writeFile(join(cacheDir(), f), '{}', { mode: 0o600 });
      aws.resetCalls();
      const kept = await credentialProcess();
      assert.equal(kept.AccessKeyId, before.AccessKeyId);
      assert.deepEqual(aws.calls, {});
    });

    test('a 15-minute role (-d 15m) is not renewed on every run', async () => {
      const r = await runCli(['credential-process', '-p', 'role', '-d', '15m', '--mfa-token', await aws.freshTotp(s.serial)], {
        env: s.env,
      });
      assert.equal(r.code, 0, r.stderr);
      aws.resetCalls();
      const again = await credentialProcess('-d', '15m');
      assert.equal(again.AccessKeyId, (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId);
      assert.deepEqual(aws.calls, {});
    });
  });
});
