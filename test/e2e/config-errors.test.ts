// Bad input gives a clear error: every case runs the built CLI with no terminal and asserts the
// exit code, a one-paragraph message naming the profile and/or file, no stack trace, no
// "internal error", no secret from the files, and that it finished fast without running the
// target. The last cases prove the unusual-but-valid inputs work end to end against moto.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH, baseEnv, makeHome, runCli, startFakeAws, writeAwsFiles, type CliResult, type FakeAws } from '../harness/index.ts';

/** Recognisable fake secrets: no error message may ever contain them (or a part of them). */
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKESECRETKEY1';
const SECRET_MARK = 'FAKESECRET';
const KEY_ID = 'AKIAFAKEFAKEFAKE1234';
/** 19 characters of a secret: short enough to pass for an ordinary line. */
const FRAGMENT = SECRET.slice(0, 19);
const KEYS = `aws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`;
const ROLE = 'arn:aws:iam::123456789012:role/some-role';
/** Nothing listens on port 9: a case that wrongly reached STS would fail with 69, not hang. */
const NO_STS = { endpoint: 'http://127.0.0.1:9' };
/** The target: if it ran, stdout says so. */
const TARGET = ['--', 'sh', '-c', 'echo TARGET-RAN'];

interface Case {
  name: string;
  config?: string;
  credentials?: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  code: number;
  /** Every pattern must match stderr. {home} in a string pattern is the temp HOME. */
  says: Array<RegExp | string>;
  /** Text from the files that must appear nowhere in the output. */
  lacks?: string[];
  todo?: string;
}

const CASES: Case[] = [
  {
    name: 'unknown profile: names it and both files, lists the defined ones',
    config: '[profile a]\nregion = eu-west-1\n',
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'nope', ...TARGET],
    code: 78,
    says: [
      "Profile 'nope' is not defined",
      '{home}/.aws/config (as [profile nope])',
      '{home}/.aws/credentials (as [nope])',
      /defined profiles: a, keys/,
    ],
  },
  {
    name: 'unknown profile from AWS_PROFILE',
    config: '[profile a]\n',
    credentials: `[keys]\n${KEYS}`,
    args: TARGET,
    env: { AWS_PROFILE: 'ghost' },
    code: 78,
    says: ["Profile 'ghost' is not defined", '{home}/.aws/config'],
  },
  {
    name: 'source_profile cycle a → b → a',
    config: `[profile a]\nrole_arn = ${ROLE}\nsource_profile = b\n\n[profile b]\nrole_arn = ${ROLE}\nsource_profile = a\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: [/source_profile cycle: a → b → a/, '{home}/.aws/config'],
  },
  {
    name: 'a role profile that is its own source_profile without keys',
    config: `[profile a]\nrole_arn = ${ROLE}\nsource_profile = a\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["Profile 'a'", /source_profile cycle: a → a/, '{home}/.aws/config'],
  },
  {
    name: 'role profile with neither source_profile nor credential_source',
    config: `[profile a]\nrole_arn = ${ROLE}\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["Profile 'a'", '{home}/.aws/config', /neither source_profile nor credential_source/, /source_profile = /],
  },
  {
    name: 'source_profile naming a profile that does not exist',
    config: `[profile a]\nrole_arn = ${ROLE}\nsource_profile = ghost\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["Profile 'a'", "source_profile 'ghost'", /not defined/, '{home}/.aws/credentials (as [ghost])'],
  },
  {
    name: 'half a key pair: secret without key id',
    config: '[profile a]\n',
    credentials: `[a]\naws_secret_access_key = ${SECRET}\n`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["Profile 'a'", '{home}/.aws/credentials', /aws_secret_access_key but no aws_access_key_id/],
  },
  {
    name: 'half a key pair: key id without secret',
    config: '[profile a]\n',
    credentials: `[a]\naws_access_key_id = ${KEY_ID}\n`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["Profile 'a'", '{home}/.aws/credentials', /aws_access_key_id but no aws_secret_access_key/],
  },
  {
    name: 'malformed config: a line with no "="',
    config: '[profile a]\nregion\n',
    credentials: `[a]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ['{home}/.aws/config line 2', /neither a \[section\] header nor a 'key = value' setting/, /AWS CLI refuses this file too/],
  },
  {
    name: 'malformed credentials: a secret on a line with no "=" is not echoed',
    config: '[profile a]\n',
    credentials: `[a]\n${KEYS}aws_session_token ${SECRET}\n`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ['{home}/.aws/credentials line 4', /not shown/],
  },
  {
    name: 'malformed credentials: nothing of the file is quoted, not even a short fragment of a secret',
    config: '[profile a]\n',
    credentials: `[a]\n${KEYS}${FRAGMENT}\n`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ['{home}/.aws/credentials line 4', /not shown/],
    lacks: [FRAGMENT],
  },
  {
    name: 'credentials file: a key set twice is named by line only',
    config: '[profile a]\n',
    credentials: `[a]\n${KEYS}${FRAGMENT} = 1\n${FRAGMENT} = 2\n`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ['{home}/.aws/credentials line 5', /first at line 4/],
    lacks: [FRAGMENT, FRAGMENT.toLowerCase()],
  },
  {
    name: 'a bad value in the credentials file is not quoted (duration_seconds)',
    config: `[profile r]\nrole_arn = ${ROLE}\nsource_profile = a\n`,
    credentials: `[a]\n${KEYS}\n[r]\nduration_seconds = ${FRAGMENT}\n`,
    args: ['-p', 'r', ...TARGET],
    code: 78,
    says: ["Profile 'r'", /not a whole number of seconds/],
    lacks: [FRAGMENT],
  },
  {
    name: 'malformed config: a setting before any section',
    config: 'region = eu-west-1\n[profile a]\n',
    credentials: `[a]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ['{home}/.aws/config line 1', /before the first \[section\] header/],
  },
  {
    name: 'malformed credentials: a secret before any section is not echoed',
    config: '[profile a]\n',
    credentials: `aws_secret_access_key = ${SECRET}\n[a]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ['{home}/.aws/credentials line 1', /before the first \[section\] header/],
  },
  {
    name: 'malformed config: a duplicate section',
    config: '[profile a]\nregion = x\n\n[profile a]\nregion = y\n',
    credentials: `[a]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ['{home}/.aws/config line 4', /\[profile a\] appears a second time \(first at line 1\)/],
  },
  {
    name: 'malformed credentials: a duplicate key holding a secret',
    config: '[profile a]\n',
    credentials: `[a]\n${KEYS}aws_secret_access_key = ${SECRET}\n`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ['{home}/.aws/credentials line 4', /a setting is set twice in a section \(first at line 3\)/],
  },
  {
    name: 'unsupported credential_source = Ec2InstanceMetadata',
    config: `[profile a]\nrole_arn = ${ROLE}\ncredential_source = Ec2InstanceMetadata\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["Profile 'a'", '{home}/.aws/config', /Ec2InstanceMetadata/, /only 'Environment'/],
  },
  {
    name: 'an IAM Identity Center profile lacking sso_region',
    config: '[profile a]\nsso_start_url = https://example.awsapps.com/start\nsso_account_id = 123456789012\nsso_role_name = Admin\n',
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["Profile 'a'", '{home}/.aws/config', /uses IAM Identity Center .* but lacks sso_region/],
  },
  {
    name: 'an IAM Identity Center profile never signed in, no terminal: 66 and the command that signs in',
    config:
      '[profile a]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Admin\n',
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 66,
    says: ["profile 'a'", /has no token, and no one is here to sign in/, /Run: mfa-exec login -p a\n$/],
  },
  {
    name: 'duration_seconds = abc',
    config: `[profile a]\nrole_arn = ${ROLE}\nsource_profile = keys\nduration_seconds = abc\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["Profile 'a'", '{home}/.aws/config', /duration_seconds = 'abc'/, /not a whole number/],
  },
  {
    // 78, not 64: '10s' is a well-formed duration (usage is fine); it is AWS's range that
    // refuses it, the same check as duration_seconds in the file, made before any STS call.
    name: '-d 10s: a valid duration, too short for AWS (78, before any STS call)',
    config: `[profile a]\nrole_arn = ${ROLE}\nsource_profile = keys\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', '-d', '10s', ...TARGET],
    code: 78,
    says: ["profile 'a'", /is 10s/, /AWS accepts 15m to 12h/],
  },
  {
    name: '-d 10s: the message points at the flag, not at the config file',
    config: `[profile a]\nrole_arn = ${ROLE}\nsource_profile = keys\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', '-d', '10s', ...TARGET],
    code: 78,
    says: [/(^|[\s'(])(-d|--duration)\b/, /^(?![\s\S]*from \/[^)]*\.aws\/config)/],
  },
  {
    name: 'duration_seconds = 100 in the file: names the file',
    config: `[profile a]\nrole_arn = ${ROLE}\nsource_profile = keys\nduration_seconds = 100\n`,
    credentials: `[keys]\n${KEYS}`,
    args: ['-p', 'a', ...TARGET],
    code: 78,
    says: ["profile 'a'", '{home}/.aws/config', /is 1m40s/, /AWS accepts 15m to 12h/],
  },
  {
    name: 'a -d that is not a duration (64)',
    config: '[profile a]\n',
    credentials: `[a]\n${KEYS}`,
    args: ['-p', 'a', '-d', 'forever', ...TARGET],
    code: 64,
    says: [/-d 'forever' is not a duration/, /mfa-exec --help/],
  },
  {
    name: 'an unknown option (64)',
    config: '[profile a]\n',
    credentials: `[a]\n${KEYS}`,
    args: ['--frobnicate', '-p', 'a', ...TARGET],
    code: 64,
    says: [/Unknown option '--frobnicate'/, /mfa-exec --help/],
  },
  {
    name: '--duration with no value at the end (64)',
    config: '[profile a]\n',
    credentials: `[a]\n${KEYS}`,
    args: ['-p', 'a', '--duration'],
    code: 64,
    says: [/Option '--duration' needs a value/],
  },
  {
    name: '--duration followed by -- (64)',
    config: '[profile a]\n',
    credentials: `[a]\n${KEYS}`,
    args: ['-p', 'a', '--duration', ...TARGET],
    code: 64,
    says: [/Option '--duration' needs a value/],
  },
];

function expand(pattern: RegExp | string, home: string): RegExp | string {
  return typeof pattern === 'string' ? pattern.replaceAll('{home}', home) : pattern;
}

/** What every error must look like, whatever the case. */
function assertCleanError(r: CliResult, code: number, what: string): void {
  const all = r.stdout + r.stderr;
  assert.equal(r.code, code, `${what}: exit code\n${r.stderr}`);
  assert.doesNotMatch(all, /^\s+at /m, `${what}: stack trace`);
  assert.doesNotMatch(all, /internal error/, what);
  assert.ok(!all.includes(SECRET) && !all.includes(SECRET_MARK), `${what}: a secret was echoed:\n${all}`);
  assert.doesNotMatch(r.stdout, /TARGET-RAN/, `${what}: the target ran`);
  assert.ok(r.durationMs < 5_000, `${what}: took ${r.durationMs} ms`);
}

/** One paragraph: a single `mfa-exec: ` line. */
function assertOneParagraph(stderr: string, what: string): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${what}: one paragraph expected:\n${stderr}`);
  assert.match(lines[0]!, /^mfa-exec: \S/, what);
}

describe('config and usage errors: a clear message, never a stack trace or a hang', { timeout: 60_000 }, () => {
  for (const c of CASES) {
    test(c.name, { ...(c.todo ? { todo: c.todo } : {}) }, async () => {
      const { home, cleanup } = await makeHome();
      try {
        await writeAwsFiles(home, {
          ...(c.config !== undefined ? { config: c.config } : {}),
          ...(c.credentials !== undefined ? { credentials: c.credentials } : {}),
        });
        const env = { ...baseEnv(home, NO_STS), ...c.env };
        const r = await runCli(c.args, { env, timeoutMs: 10_000 });
        assertCleanError(r, c.code, c.name);
        assertOneParagraph(r.stderr, c.name);
        for (const text of c.lacks ?? []) assert.ok(!(r.stdout + r.stderr).includes(text), `${c.name}: echoed ${text}:\n${r.stderr}`);
        for (const p of c.says) {
          const e = expand(p, home);
          if (typeof e === 'string') assert.ok(r.stderr.includes(e), `${c.name}: stderr lacks ${JSON.stringify(e)}:\n${r.stderr}`);
          else assert.match(r.stderr, e, c.name);
        }
        // --debug adds lines but never a secret or a stack trace.
        const debug = await runCli(c.args, { env: { ...env, MFA_EXEC_DEBUG: '1' }, timeoutMs: 10_000 });
        assertCleanError(debug, c.code, `${c.name} (debug)`);
      } finally {
        await cleanup();
      }
    });
  }

  test('config or credentials file that is a directory: names the path', async () => {
    const { home, cleanup } = await makeHome();
    try {
      for (const name of ['config', 'credentials'] as const) {
        await rm(join(home, '.aws'), { recursive: true, force: true });
        await writeAwsFiles(home, name === 'config' ? { credentials: `[a]\n${KEYS}` } : { config: '[profile a]\n' });
        await mkdir(join(home, '.aws', name));
        const r = await runCli(['-p', 'a', ...TARGET], { env: baseEnv(home, NO_STS) });
        assertCleanError(r, 78, name);
        assertOneParagraph(r.stderr, name);
        assert.ok(r.stderr.includes(`${join(home, '.aws', name)} is a directory`), r.stderr);
        assert.match(r.stderr, /AWS_CONFIG_FILE \/ AWS_SHARED_CREDENTIALS_FILE/);
      }
    } finally {
      await cleanup();
    }
  });

  // root reads a mode-000 file anyway (CAP_DAC_OVERRIDE), so EACCES cannot be provoked as root.
  test(
    'an unreadable credentials file (chmod 000): permission denied, names the path',
    { skip: process.getuid?.() === 0 ? 'running as root: chmod 000 does not stop root from reading' : false },
    async () => {
      const { home, cleanup } = await makeHome();
      try {
        await writeAwsFiles(home, { config: '[profile a]\n', credentials: `[a]\n${KEYS}` });
        await chmod(join(home, '.aws', 'credentials'), 0o000);
        const r = await runCli(['-p', 'a', ...TARGET], { env: baseEnv(home, NO_STS) });
        assertCleanError(r, 78, 'chmod 000');
        assertOneParagraph(r.stderr, 'chmod 000');
        assert.ok(r.stderr.includes(`${join(home, '.aws', 'credentials')} cannot be read: permission denied`), r.stderr);
      } finally {
        await cleanup();
      }
    },
  );

  test('a config file that is a FIFO nobody writes to reads as empty at once, never a hang', async () => {
    const { home, cleanup } = await makeHome();
    try {
      await writeAwsFiles(home, { credentials: `[a]\n${KEYS}` });
      await new Promise<void>((resolve, reject) => execFile('mkfifo', [join(home, '.aws', 'config')], (e) => (e ? reject(e) : resolve())));
      const r = await runCli(['list'], { env: baseEnv(home, NO_STS), timeoutMs: 4_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^a\s/m);
    } finally {
      await cleanup();
    }
  });

  test('a config source that never ends (/dev/zero): a config error, bounded in time and memory', async () => {
    const { home, cleanup } = await makeHome();
    try {
      const r = await runCli(['-p', 'a', ...TARGET], {
        env: { ...baseEnv(home, NO_STS), AWS_CONFIG_FILE: '/dev/zero' },
        timeoutMs: 10_000,
      });
      assertCleanError(r, 78, '/dev/zero');
      assert.match(r.stderr, /\/dev\/zero is not a regular file and gave over 16 MiB/);
    } finally {
      await cleanup();
    }
  });
});

describe('own limits on the config files', { timeout: 60_000 }, () => {
  test('a config file over 16 MiB is refused at once, before it is read (no time, no memory spent on it)', async () => {
    const { home, cleanup } = await makeHome();
    try {
      await writeAwsFiles(home, { credentials: `[a]\n${KEYS}` });
      // Sparse: 600 MB of NUL bytes that cost no disk. Read whole, it could not even become a string.
      const big = join(home, '.aws', 'config');
      await writeFile(big, '[profile a]\n');
      await truncate(big, 600 * 1024 * 1024);
      const r = await runCli(['-p', 'a', ...TARGET], { env: baseEnv(home, NO_STS), timeoutMs: 10_000 });
      assertCleanError(r, 78, 'huge config');
      assertOneParagraph(r.stderr, 'huge config');
      assert.ok(r.stderr.includes(`${big} is 629145600 bytes long; mfa-exec reads config and credentials files of up to 16 MiB`), r.stderr);
      assert.ok(r.durationMs < 2_000, `${r.durationMs} ms`);
      // Just over the bound: refused too, with the same message.
      await truncate(big, 16 * 1024 * 1024 + 1);
      const edge = await runCli(['-p', 'a', ...TARGET], { env: baseEnv(home, NO_STS), timeoutMs: 10_000 });
      assertCleanError(edge, 78, '16 MiB + 1');
      assert.match(edge.stderr, /is 16777217 bytes long; mfa-exec reads config and credentials files of up to 16 MiB/);
    } finally {
      await cleanup();
    }
  });

  test('a FIFO that sends a byte every 2 s never finishes: refused after 10 s in all, not read forever', async () => {
    const { home, cleanup } = await makeHome();
    const fifo = join(home, 'slow-config');
    let writer: ChildProcess | undefined;
    try {
      await writeAwsFiles(home, { credentials: `[a]\n${KEYS}` });
      await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (e) => (e ? reject(e) : resolve())));
      writer = spawn('sh', ['-c', `exec 3>"$0"; while :; do printf '#' >&3; sleep 2; done`, fifo], { stdio: 'ignore', detached: true });
      const r = await runCli(['-p', 'a', ...TARGET], { env: { ...baseEnv(home, NO_STS), AWS_CONFIG_FILE: fifo }, timeoutMs: 20_000 });
      assert.equal(r.code, 78, r.stderr);
      assertOneParagraph(r.stderr, 'slow FIFO');
      assert.match(r.stderr, /is a pipe that had not finished after 10 s/);
      assert.ok(r.durationMs < 13_000, `${r.durationMs} ms`);
    } finally {
      try {
        if (writer?.pid) process.kill(-writer.pid, 'SIGKILL');
      } catch {
        // The writer already ended: SIGPIPE once mfa-exec closed the FIFO.
      }
      await cleanup();
    }
  });
});

describe('unusual but valid input works end to end against moto', { timeout: 60_000 }, () => {
  let aws: FakeAws;
  before(async () => {
    aws = await startFakeAws({ users: [{ name: 'carol' }], roles: [{ name: 'reader', trustedUsers: ['carol'] }] });
  });
  after(() => aws?.close());

  const carolKeys = () =>
    `aws_access_key_id = ${aws.users.carol!.accessKeyId}\naws_secret_access_key = ${aws.users.carol!.secretAccessKey}\n`;
  const roleProfile = (header: string) => `${header}\nsource_profile = carol\nrole_arn = ${aws.roles.reader!.arn}\nregion = eu-west-1\n`;
  const identity = 'echo "vault=$AWS_VAULT"; aws sts get-caller-identity --output json';

  test('AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere ($VAR and ~ expanded) are read, the broken defaults are not', async () => {
    const { home, cleanup } = await makeHome();
    try {
      // The default files would fail: a malformed config and no carol at all.
      await writeAwsFiles(home, { config: 'broken line before any section\n', credentials: '[other]\n' });
      const dir = join(home, 'elsewhere');
      await mkdir(dir);
      await writeFile(join(dir, 'config'), roleProfile('[profile team]'));
      await writeFile(join(dir, 'creds'), `[carol]\n${carolKeys()}`, { mode: 0o600 });
      const env = { ...baseEnv(home, aws), AWS_CONFIG_FILE: '$HOME/elsewhere/config', AWS_SHARED_CREDENTIALS_FILE: '~/elsewhere/creds' };
      const r = await runCli(['-p', 'team', '--', 'sh', '-c', identity], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^vault=team$/m);
      assert.match(r.stdout, /"Arn": "arn:aws:sts::\d+:assumed-role\/reader\//);

      // Unset again: now the broken default config is what is read, and the message says so.
      const back = await runCli(['-p', 'team', ...TARGET], { env: baseEnv(home, aws) });
      assertCleanError(back, 78, 'default files');
      assert.ok(back.stderr.includes(`${join(home, '.aws', 'config')} line 1`), back.stderr);
    } finally {
      await cleanup();
    }
  });

  test('a config read from a pipe (AWS_CONFIG_FILE=<(…)) works', async () => {
    const { home, cleanup } = await makeHome();
    try {
      await writeAwsFiles(home, { credentials: `[carol]\n${carolKeys()}` });
      await writeFile(join(home, 'cfg.txt'), roleProfile('[profile piped]'));
      const r = await runCli(['-c', `AWS_CONFIG_FILE=<(cat "$HOME/cfg.txt") exec "$0" -p piped -- sh -c '${identity}'`, CLI_PATH], {
        env: baseEnv(home, aws),
        argv0Path: '/bin/bash',
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^vault=piped$/m);
      assert.match(r.stdout, /assumed-role\/reader\//);
    } finally {
      await cleanup();
    }
  });

  test('profile names with spaces, dots and non-ASCII letters: -p, AWS_PROFILE and the shim', async () => {
    const { home, cleanup } = await makeHome();
    try {
      const config = `${roleProfile('[profile "my prod.eu"]')}\n${roleProfile("[profile 'prød ünï.çø']")}`;
      await writeAwsFiles(home, { config, credentials: `[carol]\n${carolKeys()}` });
      const env = baseEnv(home, aws);
      const r = await runCli(['-p', 'my prod.eu', '--', 'sh', '-c', identity], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^vault=my prod\.eu$/m);
      assert.match(r.stdout, /assumed-role\/reader\//);

      const shims = join(home, 'shims');
      await mkdir(shims);
      const { symlink } = await import('node:fs/promises');
      await symlink(CLI_PATH, join(shims, 'aws'));
      const viaShim = await runCli(['sts', 'get-caller-identity', '--output', 'json'], {
        env: { ...env, PATH: `${shims}:${env.PATH}`, AWS_PROFILE: 'prød ünï.çø' },
        argv0Path: join(shims, 'aws'),
      });
      assert.equal(viaShim.code, 0, viaShim.stderr);
      assert.match(viaShim.stdout, /assumed-role\/reader\//);

      // A near miss is still a clean "not defined", listing the real names.
      const miss = await runCli(['-p', 'my prod', ...TARGET], { env });
      assertCleanError(miss, 78, 'near miss');
      assert.ok(miss.stderr.includes("Profile 'my prod' is not defined") && miss.stderr.includes('my prod.eu, prød ünï.çø'), miss.stderr);
    } finally {
      await cleanup();
    }
  });
});
