// The integrations end to end, through the built CLI against moto in auth mode: credential_process
// under the real aws CLI and boto3, `env` evaluated by real shells, status/login/list/clear, shims,
// doctor, and mfa_process as a token source.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, lstat, mkdir, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, pythonTool, runCli, runInPty, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { needsFile } from '../helpers/needs.ts';
import { MFA_USERS, SPEC, callerArn, freshUser, makeScenario, type Scenario } from './scenario.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/integrations/', import.meta.url));
const TOTP_SCRIPT = join(FIXTURES, 'totp.py');
const BOTO3_SCRIPT = join(FIXTURES, 'boto3_whoami.py');
const { path: FISH, skip: fishSkip } = needsFile('fish', ['/usr/bin/fish', '/bin/fish', '/usr/local/bin/fish']);

/** Runs any program (not the CLI) in a new session: no controlling terminal, bounded in time. */
function runNoTerminal(
  file: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  return runCli(args, { ...opts, argv0Path: file });
}

/** A shell snippet run by a real shell without a terminal; $MFA is the built CLI. */
function shell(sh: string, script: string, env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> {
  return runNoTerminal(sh, ['-c', script], { env: { ...env, MFA: CLI_PATH }, ...(cwd ? { cwd } : {}) });
}

/** An error as users should see it: the exit code, one paragraph from mfa-exec, no stack, no "internal error". */
function assertCleanError(r: CliResult, code: number, ...patterns: RegExp[]): void {
  const context = `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  assert.equal(r.code, code, context);
  assert.doesNotMatch(r.stderr, /^ {4}at /m, `stack trace on stderr\n${context}`);
  assert.doesNotMatch(r.stderr, /internal error/i, context);
  const ours = r.stderr
    .trimEnd()
    .split('\n')
    .filter((l) => l.startsWith('mfa-exec: '));
  assert.equal(ours.length, 1, `one error paragraph from mfa-exec\n${context}`);
  assert.doesNotMatch(r.stderr.trim(), /\n\s*\n/, `one paragraph\n${context}`);
  for (const p of patterns) assert.match(ours[0]!, p, context);
}

function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

async function cacheFiles(home: string): Promise<string[]> {
  return (await readdir(join(home, '.cache', 'mfa-exec')).catch(() => [] as string[])).sort();
}

/** Every secret the cache holds (session and role keys and tokens). */
async function cachedSecrets(home: string): Promise<string[]> {
  const dir = join(home, '.cache', 'mfa-exec');
  const secrets: string[] = [];
  for (const f of await cacheFiles(home)) {
    if (!/^(session|role)-.*\.json$/.test(f)) continue;
    const entry = JSON.parse(await readFile(join(dir, f), 'utf8')) as { secretAccessKey: string; sessionToken?: string };
    secrets.push(entry.secretAccessKey);
    if (entry.sessionToken) secrets.push(entry.sessionToken);
  }
  return secrets;
}

/** Tests that send no MFA code share this user; freshUser() hands out the others first. */
const SPARE_USER = MFA_USERS.at(-1)!;

const NASTY_PROFILE = "it's $(touch PWNED1) `touch PWNED2` \\x";
const NASTY_REGION = `eu'; touch PWNED3; '$(touch PWNED4)\`touch PWNED5\`"$HOME"\\n!x # y ; z`;

describe(
  'integrations against moto: credential_process, env, status/login/list/clear, shims, doctor, mfa_process',
  { timeout: 120_000 },
  () => {
    let aws: FakeAws;
    let s: Scenario;
    const cleanups: (() => Promise<void>)[] = [];
    before(async () => {
      aws = await startFakeAws(SPEC);
    });
    after(() => aws?.close());
    beforeEach(() => aws.resetCalls());
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    /**
     * The test's temp HOME. A test that sends MFA codes gets a user (device) of its own, so it never
     * waits for a code window another test used; one that sends none shares a spare user.
     */
    const scenario = async (opts: { codes: boolean } = { codes: true }): Promise<Scenario> => {
      const made = await makeScenario(aws, opts.codes ? freshUser() : SPARE_USER);
      cleanups.push(made.cleanup);
      return made;
    };

    const addConfig = (text: string) => appendFile(join(s.home, '.aws', 'config'), `\n${text}\n`);
    const warm = async (profile = 'role') => {
      const r = await runCli(['login', '--profile', profile, '--mfa-token', await aws.freshTotp(s.serial)], { env: s.env });
      assert.equal(r.code, 0, r.stderr);
    };

    describe('credential_process', () => {
      test('the real aws CLI prompts on the terminal through credential_process, then runs from the cache without one; boto3 takes the same output', async () => {
        s = await scenario();
        await addConfig(`[profile tf]\ncredential_process = ${CLI_PATH} credential-process --profile role\nregion = us-west-2`);
        const awsCli = pythonTool('aws');
        // The aws CLI captures our stdout and stderr: the prompt can only appear because it goes to /dev/tty.
        const first = await runInPty([awsCli, '--profile', 'tf', 'sts', 'get-caller-identity', '--output', 'json'], {
          env: s.env,
          steps: [{ expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) }],
          timeoutMs: 30_000,
        });
        assert.equal(first.exitStatus, 0, first.output);
        assert.match(first.output, /"Arn": "arn:aws:sts::\d+:assumed-role\/hc-master\/mfa-exec-\d+"/);
        assert.equal(first.output.split('Enter MFA code').length - 1, 1, 'one prompt');
        assert.equal(aws.calls.GetSessionToken, 1);
        assert.equal(aws.calls.AssumeRole, 1);

        // No terminal at all now: success proves the cache served the credential_process.
        const again = await runNoTerminal(awsCli, ['--profile', 'tf', 'sts', 'get-caller-identity', '--output', 'json'], { env: s.env });
        assert.equal(again.code, 0, again.stderr);
        assert.match(callerArn(again.stdout), /:assumed-role\/hc-master\//);
        assert.equal(aws.calls.GetSessionToken, 1);
        assert.equal(aws.calls.AssumeRole, 1);

        // The process output itself: one JSON object, the five fields, nothing else.
        const cp = await runCli(['credential-process', '--profile', 'role'], { env: s.env });
        assert.equal(cp.code, 0, cp.stderr);
        assert.equal(cp.stderr, '');
        assert.match(cp.stdout, /^\{[^\n]*\}\n$/, 'exactly one JSON object on one line');
        const body = JSON.parse(cp.stdout) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Version']);
        assert.equal(body.Version, 1);
        assert.match(String(body.AccessKeyId), /^[A-Z0-9]{16,}$/);
        assert.ok(typeof body.SecretAccessKey === 'string' && body.SecretAccessKey.length > 0);
        assert.ok(typeof body.SessionToken === 'string' && body.SessionToken.length > 0);
        assert.match(String(body.Expiration), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        assert.ok(Date.parse(String(body.Expiration)) - Date.now() > 50 * 60_000);

        // Another SDK: boto3 runs the same credential_process and accepts its output.
        const boto = await runNoTerminal(pythonTool('python3'), [BOTO3_SCRIPT, 'tf'], { env: s.env });
        assert.equal(boto.code, 0, boto.stderr);
        assert.match(callerArn(boto.stdout), /:assumed-role\/hc-master\//);
        assert.equal(aws.calls.GetSessionToken, 1);
        assert.equal(aws.calls.AssumeRole, 1);
      });

      test('no terminal and nothing cached: fails at once (66), the reason on stderr, stdout empty, no STS call', async () => {
        s = await scenario({ codes: false });
        const r = await runCli(['credential-process', '--profile', 'role'], { env: s.env, timeoutMs: 10_000 });
        assertCleanError(r, 66, /role/, /no terminal/, /--mfa-token/);
        assert.equal(r.stdout, '');
        assert.ok(r.durationMs < 5_000, `${r.durationMs} ms`);
        assert.deepEqual({ ...aws.calls }, {});
      });
    });

    describe('env', () => {
      test('eval "$(mfa-exec env)" in real sh and bash: aws runs as the role, stale AWS variables are unset', async () => {
        s = await scenario();
        await warm();
        const script = 'eval "$("$MFA" env --profile role)" && aws sts get-caller-identity --output json';
        // A stale profile that does not exist: the aws CLI fails on it unless the env output unsets it.
        const env = { ...s.env, AWS_PROFILE: 'no-such-profile', AWS_SECURITY_TOKEN: 'stale' };
        for (const sh of ['/bin/sh', '/bin/bash']) {
          const r = await shell(sh, script, env);
          assert.equal(r.code, 0, `${sh}: ${r.stderr}`);
          assert.match(callerArn(r.stdout), /:assumed-role\/hc-master\//, sh);
        }
        assert.equal(aws.calls.GetSessionToken, 1);
        assert.equal(aws.calls.AssumeRole, 1);
      });

      test('formats: sh (default), fish, powershell, dotenv, json (= the exec child variables), terragrunt', async () => {
        s = await scenario();
        await warm();
        const run = async (format?: string) => {
          const r = await runCli(['env', '--profile', 'role', ...(format ? ['--format', format] : [])], { env: s.env });
          assert.equal(r.code, 0, `${format}: ${r.stderr}`);
          assert.equal(r.stderr, '', format);
          return r.stdout;
        };
        const json = JSON.parse(await run('json')) as Record<string, string>;

        // The same variables, with the same values, as `mfa-exec -- <target>` puts in the child env
        // (less the config view's paths: a shell that evals them would keep a view that goes stale).
        const child = await runCli(['-p', 'role', '--', 'env'], { env: s.env });
        assert.equal(child.code, 0, child.stderr);
        const childEnv = parseEnvLines(child.stdout);
        const viewPaths = new Set(['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']);
        const injected = Object.fromEntries(
          Object.entries(childEnv).filter(([k, v]) => s.env[k] !== v && !k.startsWith('MFA_EXEC_') && !viewPaths.has(k)),
        );
        assert.match(childEnv.AWS_CONFIG_FILE ?? '', /\/mfa-exec\/views\/[0-9a-f]{32}\/config$/);
        assert.deepEqual(json, injected);
        for (const k of [
          'AWS_ACCESS_KEY_ID',
          'AWS_SECRET_ACCESS_KEY',
          'AWS_SESSION_TOKEN',
          'AWS_CREDENTIAL_EXPIRATION',
          'AWS_REGION',
          'AWS_DEFAULT_REGION',
        ]) {
          assert.ok(json[k], k);
        }
        assert.equal(json.AWS_VAULT, 'role');
        assert.equal(json.AWS_REGION, 'eu-central-1');
        assert.match(json.AWS_CREDENTIAL_EXPIRATION!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

        const sh = await run();
        assert.equal(await run('sh'), sh);
        assert.match(sh, /^unset AWS_PROFILE /m);
        for (const [k, v] of Object.entries(json)) assert.ok(sh.includes(`export ${k}='${v}'\n`), `sh: ${k}`);

        const fish = await run('fish');
        assert.match(fish, /^set -e AWS_PROFILE;$/m);
        for (const [k, v] of Object.entries(json)) assert.ok(fish.includes(`set -gx ${k} '${v}';\n`), `fish: ${k}`);

        const ps = await run('powershell');
        assert.match(ps, /^Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue$/m);
        for (const [k, v] of Object.entries(json)) assert.ok(ps.includes(`$Env:${k} = '${v}'\n`), `powershell: ${k}`);

        const dotenv = await run('dotenv');
        assert.deepEqual(
          Object.fromEntries(
            dotenv
              .trimEnd()
              .split('\n')
              .map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1)) as string]),
          ),
          json,
        );

        const tg = JSON.parse(await run('terragrunt')) as { awsCredentials: Record<string, string>; envs: Record<string, string> };
        assert.deepEqual(Object.keys(tg).sort(), ['awsCredentials', 'envs']);
        assert.deepEqual(tg.awsCredentials, {
          ACCESS_KEY_ID: json.AWS_ACCESS_KEY_ID,
          SECRET_ACCESS_KEY: json.AWS_SECRET_ACCESS_KEY,
          SESSION_TOKEN: json.AWS_SESSION_TOKEN,
        });
        const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, AWS_SESSION_TOKEN: _t, ...rest } = json;
        assert.deepEqual(tg.envs, rest);
        assert.equal(aws.calls.GetSessionToken, 1);
        assert.equal(aws.calls.AssumeRole, 1);
      });

      test('eval of the fish output in real fish: aws runs as the role', { skip: fishSkip }, async () => {
        s = await scenario();
        await warm();
        const r = await runNoTerminal(
          FISH!,
          ['-c', '"$MFA" env --profile role --format fish | source; aws sts get-caller-identity --output json'],
          {
            env: { ...s.env, MFA: CLI_PATH, AWS_PROFILE: 'no-such-profile' },
          },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(callerArn(r.stdout), /:assumed-role\/hc-master\//);
      });

      test(
        'fish: `mfa-exec env --format fish | source; and …` runs the command (the sourced output ends with status 0)',
        { skip: fishSkip },
        async () => {
          s = await scenario({ codes: false });
          const env = await runCli(['env', '--profile', 'carol-reader', '--format', 'fish'], { env: s.env });
          assert.equal(env.code, 0, env.stderr);
          const r = await runNoTerminal(
            FISH!,
            ['-c', '"$MFA" env --profile carol-reader --format fish | source; and echo "sourced: $AWS_VAULT"'],
            { env: { ...s.env, MFA: CLI_PATH } },
          );
          assert.equal(r.stdout, 'sourced: carol-reader\n', `status ${r.code} ${r.stderr}`);
          assert.equal(r.code, 0);
        },
      );

      test('injection: quotes, $(…), backticks in a profile name and a region run nothing when eval’d by sh, bash and fish; the values arrive exact', async (t) => {
        s = await scenario();
        await warm();
        await addConfig(
          `[profile "${NASTY_PROFILE}"]\nsource_profile = source\nrole_arn = ${aws.roles.reader!.arn}\nmfa_serial = ${s.serial}\nregion = ${NASTY_REGION}`,
        );
        // The first fetch needs a region the STS client accepts; afterwards the cache serves and the
        // profile's own region only ends up in the output.
        const first = await runCli(['-p', NASTY_PROFILE, '--region', 'eu-west-1', '--', 'true'], { env: s.env });
        assert.equal(first.code, 0, first.stderr);
        const printVars = 'printf "%s\\n" "$AWS_VAULT" "$AWS_REGION" "$AWS_DEFAULT_REGION"';
        const shells: [string, string][] = [
          ['/bin/sh', `eval "$("$MFA" env --profile "$NASTY")" && ${printVars}`],
          ['/bin/bash', `eval "$("$MFA" env --profile "$NASTY")" && ${printVars}`],
        ];
        if (!FISH) t.diagnostic(`fish is left out: ${fishSkip}`);
        else
          shells.push([
            FISH,
            `"$MFA" env --profile "$NASTY" --format fish | source; printf "%s\\n" "$AWS_VAULT" "$AWS_REGION" "$AWS_DEFAULT_REGION"`,
          ]);
        for (const [sh, script] of shells) {
          const r = await shell(sh, script, { ...s.env, NASTY: NASTY_PROFILE });
          assert.equal(r.code, 0, `${sh}: ${r.stderr}`);
          assert.equal(r.stdout, `${NASTY_PROFILE}\n${NASTY_REGION}\n${NASTY_REGION}\n`, sh);
          assert.deepEqual(
            (await readdir(s.home)).filter((f) => f.startsWith('PWNED')),
            [],
            `${sh} ran a command from the env output`,
          );
        }
        // dotenv and json carry the same exact strings.
        const json = await runCli(['env', '--profile', NASTY_PROFILE, '--format', 'json'], { env: s.env });
        assert.equal(json.code, 0, json.stderr);
        const vars = JSON.parse(json.stdout) as Record<string, string>;
        assert.equal(vars.AWS_VAULT, NASTY_PROFILE);
        assert.equal(vars.AWS_REGION, NASTY_REGION);
        // --region given on the command line is quoted as well.
        const flag = await shell('/bin/sh', `eval "$("$MFA" env --profile role --region "$NASTY")" && printf "%s\\n" "$AWS_REGION"`, {
          ...s.env,
          NASTY: NASTY_REGION,
        });
        assert.equal(flag.code, 0, flag.stderr);
        assert.equal(flag.stdout, `${NASTY_REGION}\n`);
        assert.deepEqual(
          (await readdir(s.home)).filter((f) => f.startsWith('PWNED')),
          [],
        );
        assert.equal(aws.calls.GetSessionToken, 1, 'the nasty profile shares the MFA session');
      });

      test('an unknown --format is a usage error (64) before any credential work', async () => {
        s = await scenario({ codes: false });
        const r = await runCli(['env', '--profile', 'role', '--format', 'zsh'], { env: s.env });
        assertCleanError(r, 64, /'zsh'/, /sh, fish, powershell, dotenv, json, terragrunt/);
        assert.equal(r.stdout, '');
        assert.deepEqual({ ...aws.calls }, {});
      });
    });

    describe('status, login, list, clear', () => {
      test('status needs no terminal and no STS; login prompts once; status then ready for both roles behind the session; list shows no secret; clear', async () => {
        s = await scenario();
        const before = await runCli(['status', '--profile', 'role'], { env: s.env, timeoutMs: 10_000 });
        assert.equal(before.code, 1, before.stderr);
        assert.match(before.stdout, /^role: needs an MFA code/);
        assert.ok(before.stdout.includes(s.serial));
        assert.match(before.stdout, /mfa-exec login --profile role/);
        assert.ok(before.durationMs < 3_000, `${before.durationMs} ms`);
        const beforeJson = await runCli(['status', '--profile', 'role', '--json'], { env: s.env });
        assert.equal(beforeJson.code, 1, beforeJson.stderr);
        const sj = JSON.parse(beforeJson.stdout) as { profile: string; valid: boolean; promptNeeded: boolean; mfaSerials: string[] };
        assert.equal(sj.promptNeeded, true);
        assert.equal(sj.valid, false);
        assert.equal(sj.profile, 'role');
        assert.deepEqual(sj.mfaSerials, [s.serial]);
        assert.deepEqual({ ...aws.calls }, {}, 'status never calls STS');

        const login = await runInPty([CLI_PATH, 'login', '--profile', 'role'], {
          env: s.env,
          steps: [
            { expect: `Enter MFA code for ${s.serial}: `, sendCode: () => aws.freshTotp(s.serial) },
            { expect: /profile 'role' is ready/ },
          ],
          timeoutMs: 30_000,
        });
        assert.equal(login.exitStatus, 0, login.output);
        assert.equal(login.output.split('Enter MFA code').length - 1, 1, 'one prompt');
        assert.equal(aws.calls.GetSessionToken, 1);
        const calls = { ...aws.calls };

        const ready = await runCli(['status', '--profile', 'role'], { env: s.env });
        assert.equal(ready.code, 0, ready.stderr);
        assert.match(ready.stdout, /^role: ready, no MFA prompt needed; credentials valid until /);
        const readyJsonRun = await runCli(['status', '--profile', 'role', '--json'], { env: s.env });
        assert.equal(readyJsonRun.code, 0, readyJsonRun.stderr);
        const readyJson = JSON.parse(readyJsonRun.stdout) as { valid: boolean; promptNeeded: boolean };
        assert.equal(readyJson.promptNeeded, false);
        assert.equal(readyJson.valid, true);
        const reader = await runCli(['status', '--profile', 'reader'], { env: s.env });
        assert.equal(reader.code, 0, `the session is cached, so reader needs no code: ${reader.stdout}${reader.stderr}`);
        assert.match(reader.stdout, /^reader: ready/);
        assert.deepEqual({ ...aws.calls }, calls, 'status never calls STS');

        // Use reader too (no terminal: the session serves), so list has a role and a session to show.
        const useReader = await runCli(['-p', 'reader', '--', 'true'], { env: s.env });
        assert.equal(useReader.code, 0, useReader.stderr);

        const list = await runCli(['list'], { env: s.env });
        assert.equal(list.code, 0, list.stderr);
        const rows = list.stdout.trimEnd().split('\n');
        assert.match(rows[0]!, /^PROFILE\s+VIA\s+KEYS\s+MFA DEVICE\s+STATE$/);
        for (const p of ['default', 'source', 'role', 'reader', 'bob', 'carol-reader', 'carol']) {
          assert.ok(
            rows.some((r) => r.startsWith(`${p} `)),
            `list shows ${p}\n${list.stdout}`,
          );
        }
        const row = (p: string) => rows.find((r) => r.startsWith(`${p} `)) ?? '';
        assert.match(row('role'), new RegExp(`^role\\s+source\\s+credentials file\\s+${s.serial}\\s+role \\d+m left$`));
        assert.match(row('reader'), new RegExp(`^reader\\s+source\\s+credentials file\\s+${s.serial}\\s+role \\d+m left$`));
        assert.match(row('bob'), new RegExp(`^bob\\s+-\\s+credentials file\\s+${s.bobSerial}\\s+not cached; MFA needed$`));
        const listJson = await runCli(['list', '--json'], { env: s.env });
        assert.equal(listJson.code, 0, listJson.stderr);
        const jrows = JSON.parse(listJson.stdout) as {
          profile: string;
          chain: string[];
          mfaSerial?: string;
          roleArn?: string;
          state: string;
        }[];
        const j = jrows.find((r) => r.profile === 'role');
        assert.deepEqual(j?.chain, ['source']);
        assert.equal(j?.mfaSerial, s.serial);
        assert.equal(j?.roleArn, aws.roles['hc-master']!.arn);
        const secrets = [
          aws.users[s.user]!.secretAccessKey,
          aws.users.bob!.secretAccessKey,
          aws.users.carol!.secretAccessKey,
          ...(await cachedSecrets(s.home)),
        ];
        assert.ok(secrets.length >= 7, 'user secrets plus the session and two role entries');
        for (const secret of secrets) {
          assert.ok(
            !list.stdout.includes(secret) && !listJson.stdout.includes(secret) && !list.stderr.includes(secret),
            'list shows a secret',
          );
          assert.ok(!ready.stdout.includes(secret) && !readyJsonRun.stdout.includes(secret), 'status shows a secret');
        }

        const clear = await runCli(['clear', '--profile', 'role'], { env: s.env });
        assert.equal(clear.code, 0, clear.stderr);
        assert.match(clear.stderr, /removed 2 cached entries for profile 'role'/);
        const cleared = await runCli(['status', '--profile', 'role'], { env: s.env });
        assert.equal(cleared.code, 1, cleared.stdout);
        assert.match(cleared.stdout, /needs an MFA code/);
        assert.ok(
          (await cacheFiles(s.home)).some((f) => f.startsWith('role-')),
          "reader's role entry is left",
        );

        const all = await runCli(['clear'], { env: s.env });
        assert.equal(all.code, 0, all.stderr);
        assert.match(all.stderr, /removed \d+ cached entr/);
        // Only the record of used MFA codes stays: "wait for the next code" must hold right after a clear.
        assert.deepEqual(
          (await cacheFiles(s.home)).filter((f) => /^(session-|role-|mfa-used-|lock-)/.test(f) || f.endsWith('.json')),
          (await cacheFiles(s.home)).filter((f) => /^mfa-used-[0-9a-f]{32}\.json$/.test(f)),
        );
        assert.equal((await cacheFiles(s.home)).filter((f) => f.startsWith('mfa-used-')).length, 1);
        assert.equal((await runCli(['status', '--profile', 'reader'], { env: s.env })).code, 1);
      });
    });

    describe('shims', () => {
      test('install (idempotent, refuses mfa-exec and foreign files), the shim runs the real aws with the role, list, remove', async () => {
        s = await scenario();
        const dir = join(s.home, 'my-shims');
        const install = await runCli(['shim', 'install', 'aws', '--dir', dir], { env: s.env });
        assert.equal(install.code, 0, install.stderr);
        const link = join(dir, 'aws');
        assert.ok((await lstat(link)).isSymbolicLink());
        assert.equal(await realpath(await readlink(link)), await realpath(CLI_PATH));
        assert.ok(install.stdout.includes(`export PATH="${dir}:$PATH"`), install.stdout);

        const twice = await runCli(['shim', 'install', 'aws', '--dir', dir], { env: s.env });
        assert.equal(twice.code, 0, twice.stderr);
        assert.match(twice.stdout, /aws: already installed/);
        assert.deepEqual(await readdir(dir), ['aws']);

        assertCleanError(await runCli(['shim', 'install', 'mfa-exec', '--dir', dir], { env: s.env }), 64, /mfa-exec/);
        await writeFile(join(dir, 'terraform'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
        assertCleanError(
          await runCli(['shim', 'install', 'terraform', '--dir', dir], { env: s.env }),
          73,
          /terraform already exists and is not an mfa-exec shim/,
        );
        assert.equal(await readFile(join(dir, 'terraform'), 'utf8'), '#!/bin/sh\necho mine\n');
        assertCleanError(await runCli(['shim', 'remove', 'terraform', '--dir', dir], { env: s.env }), 73, /not an mfa-exec shim/);
        assert.ok(existsSync(join(dir, 'terraform')));

        // With the shim first on PATH, a plain `aws` gets the role (botocore alone would need a prompt for role).
        const env = { ...s.env, PATH: `${dir}:${s.env.PATH}`, AWS_PROFILE: 'role' };
        const first = await runCli(['-p', 'role', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], { env: s.env });
        assert.equal(first.code, 0, first.stderr);
        const r = await shell('/bin/sh', 'aws sts get-caller-identity --output json', env);
        assert.equal(r.code, 0, r.stderr);
        assert.match(callerArn(r.stdout), /:assumed-role\/hc-master\//);
        assert.equal(aws.calls.GetSessionToken, 1);
        assert.equal(aws.calls.AssumeRole, 1);

        const list = await runCli(['shim', 'list', '--dir', dir], { env });
        assert.equal(list.code, 0, list.stderr);
        assert.equal(list.stdout, `aws\t${link}\t→ ${pythonTool('aws')}\n`);

        const remove = await runCli(['shim', 'remove', 'aws', '--dir', dir], { env: s.env });
        assert.equal(remove.code, 0, remove.stderr);
        assert.match(remove.stdout, /aws: removed/);
        assert.ok(!existsSync(link));
        assert.deepEqual(await readdir(dir), ['terraform']);
        const removeAgain = await runCli(['shim', 'remove', 'aws', '--dir', dir], { env: s.env });
        assert.equal(removeAgain.code, 0, removeAgain.stderr);
        assert.match(removeAgain.stdout, /aws: not installed/);
        assert.match((await runCli(['shim', 'list', '--dir', dir], { env: s.env })).stdout, /^no shims in /);
      });

      test('the default shim dir is $XDG_DATA_HOME/mfa-exec/shims, else ~/.local/share/mfa-exec/shims', async () => {
        s = await scenario({ codes: false });
        const xdg = join(s.home, 'xdg-data');
        const r = await runCli(['shim', 'install', 'terraform'], { env: { ...s.env, XDG_DATA_HOME: xdg } });
        assert.equal(r.code, 0, r.stderr);
        assert.ok((await lstat(join(xdg, 'mfa-exec', 'shims', 'terraform'))).isSymbolicLink());
        assert.ok(r.stdout.includes(`export PATH="${join(xdg, 'mfa-exec', 'shims')}:$PATH"`), r.stdout);
        const plain = await runCli(['shim', 'install', 'terraform'], { env: s.env });
        assert.equal(plain.code, 0, plain.stderr);
        assert.ok((await lstat(join(s.home, '.local', 'share', 'mfa-exec', 'shims', 'terraform'))).isSymbolicLink());
        const list = await runCli(['shim', 'list'], { env: { ...s.env, XDG_DATA_HOME: xdg } });
        assert.match(list.stdout, new RegExp(`^terraform\\t${join(xdg, 'mfa-exec', 'shims', 'terraform')}\\t`));
      });

      test('bad shim commands: usage errors, one paragraph', async () => {
        s = await scenario({ codes: false });
        assertCleanError(await runCli(['shim', 'frobnicate'], { env: s.env }), 64, /install, list or remove/);
        assertCleanError(await runCli(['shim', 'install'], { env: s.env }), 64, /needs command names/);
        assertCleanError(
          await runCli(['shim', 'install', '../evil', '--dir', join(s.home, 'x')], { env: s.env }),
          64,
          /not a command name/,
        );
        assertCleanError(await runCli(['shim', 'remove'], { env: s.env }), 64);
      });
    });

    describe('doctor', () => {
      const providerPinned = async (text: string) => {
        const project = join(s.home, 'project');
        await mkdir(project);
        await writeFile(join(project, 'main.tf'), text);
        return runCli(['doctor'], { env: s.env, cwd: project });
      };

      test('a clean setup: exit 0, every line ok (the prompt line a note: no terminal, no desktop here)', async () => {
        s = await scenario({ codes: false });
        await s.shim('aws');
        const r = await runCli(['doctor'], { env: s.env });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const lines = r.stdout.trimEnd().split('\n');
        assert.deepEqual(
          lines.filter((l) => !l.startsWith('ok ')),
          [
            'note  prompt auto: would ask nobody: there is no terminal, and no desktop session (DISPLAY and WAYLAND_DISPLAY are unset); a run that needs an MFA code fails at once (exit 66) unless mfa_process or --mfa-token gives it',
          ],
          r.stdout,
        );
        assert.ok(
          lines.some((l) => l.includes(`shim 'aws' → ${pythonTool('aws')}`)),
          r.stdout,
        );
      });

      test('a main.tf that pins a profile (provider block over several lines): says it is served, naming main.tf:<line>, exit 0', async () => {
        s = await scenario({ codes: false });
        const r = await providerPinned('# project\n\nprovider "aws" {\n  region  = "eu-central-1"\n  profile = "role"\n}\n');
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^ok\s+main\.tf:5 pins a profile: served by mfa-exec \(Terraform reads it from mfa-exec's view/m);
      });

      test('a main.tf with the one-line block provider "aws" { profile = "role" }: said naming main.tf:<line>', async () => {
        s = await scenario({ codes: false });
        const r = await providerPinned('terraform {}\n\nprovider "aws" { profile = "role" }\n');
        assert.match(r.stdout, /^ok\s+main\.tf:3 pins a profile: served/m);
        assert.equal(r.code, 0, r.stdout + r.stderr);
      });

      test('a main.tf that sets shared_credentials_files: warns that it reads past the view, exit 1', async () => {
        s = await scenario({ codes: false });
        const r = await providerPinned('provider "aws" {\n  shared_credentials_files = ["~/.aws/credentials"]\n}\n');
        assert.match(r.stdout, /^warn\s+main\.tf:2 sets shared_credentials_files: Terraform reads that file itself, past mfa-exec's view/m);
        assert.equal(r.code, 1, r.stdout + r.stderr);
      });

      test('shims installed in the default dir but not on PATH: warns with the export line, exit 1', async () => {
        s = await scenario({ codes: false });
        const xdg = join(s.home, 'xdg-data');
        const env = { ...s.env, XDG_DATA_HOME: xdg };
        assert.equal((await runCli(['shim', 'install', 'terraform'], { env })).code, 0);
        const dir = join(xdg, 'mfa-exec', 'shims');
        const r = await runCli(['doctor'], { env });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.ok(r.stdout.includes(`export PATH="${dir}:$PATH"`), r.stdout);
        assert.match(r.stdout, /^warn\s+shim .*terraform is not on PATH/m);
      });
    });

    describe('mfa_process', () => {
      test('a TOTP mfa_process gives the code with no terminal; its stderr reaches ours', async () => {
        s = await scenario();
        // The seed in a private file, never in argv (every local user can read argv in /proc).
        await writeFile(join(s.home, 'totp-seed'), aws.mfaSeed(s.serial), { mode: 0o600 });
        await addConfig(
          `[profile proc]\nsource_profile = source\nrole_arn = ${aws.roles['hc-master']!.arn}\nexternal_id = 730993910069\nmfa_serial = ${s.serial}\nmfa_process = python3 ${TOTP_SCRIPT} @$HOME/totp-seed`,
        );
        const r = await runCli(['-p', 'proc', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: s.env });
        assert.equal(r.code, 0, r.stderr);
        assert.match(callerArn(r.stdout), /:assumed-role\/hc-master\//);
        assert.match(r.stderr, /mfa_process: touch your key/);
        assert.equal(aws.calls.GetSessionToken, 1);
        // The seed may also come from the environment the process inherits.
        await addConfig(
          `[profile proc-env]\nsource_profile = source\nrole_arn = ${aws.roles.reader!.arn}\nmfa_serial = ${s.serial}\nmfa_process = python3 ${TOTP_SCRIPT}`,
        );
        const cached = await runCli(['-p', 'proc-env', '--', 'true'], { env: { ...s.env, TOTP_SEED: aws.mfaSeed(s.serial) } });
        assert.equal(cached.code, 0, cached.stderr);
        assert.equal(aws.calls.GetSessionToken, 1, 'the session serves proc-env: its mfa_process is not needed');
      });

      test('an mfa_process that prints garbage, nothing, or fails: exit 65 naming the profile, no STS call', async () => {
        s = await scenario({ codes: false });
        const cases: [string, string, RegExp][] = [
          ['proc-garbage', 'echo not-a-code', /mfa_process of profile 'proc-garbage' is unusable/],
          ['proc-empty', 'true', /mfa_process of profile 'proc-empty' is unusable/],
          ['proc-fails', `echo 123456; echo "no key found" >&2; exit 1`, /mfa_process of profile 'proc-fails' exited with code 1/],
          ['proc-missing', 'no-such-otp-tool --totp', /mfa_process of profile 'proc-missing' exited with code 127/],
        ];
        for (const [name, command] of cases) {
          await addConfig(
            `[profile ${name}]\nsource_profile = source\nrole_arn = ${aws.roles['hc-master']!.arn}\nexternal_id = 730993910069\nmfa_serial = ${s.serial}\nmfa_process = ${command}`,
          );
        }
        for (const [name, , message] of cases) {
          const r = await runCli(['-p', name, '--', 'true'], { env: s.env });
          assertCleanError(r, 65, message);
          assert.equal(r.stdout, '');
        }
        assert.equal(aws.calls.GetSessionToken ?? 0, 0);
        assert.equal(aws.calls.AssumeRole ?? 0, 0);
      });

      test('an mfa_process that hangs: stopped after its deadline with a clear error', async () => {
        s = await scenario({ codes: false });
        await addConfig(
          `[profile proc-hang]\nsource_profile = source\nrole_arn = ${aws.roles['hc-master']!.arn}\nmfa_serial = ${s.serial}\nmfa_process = sleep 600`,
        );
        const r = await runCli(['-p', 'proc-hang', '--', 'true'], {
          env: { ...s.env, MFA_EXEC_MFA_PROCESS_TIMEOUT: '1' },
          timeoutMs: 15_000,
        });
        assertCleanError(r, 65, /mfa_process of profile 'proc-hang' did not print a code within 1 s/);
        assert.ok(r.durationMs < 10_000, `${r.durationMs} ms`);
      });

      test('order: --mfa-token, then MFA_EXEC_MFA_TOKEN, then mfa_process, then the terminal', async () => {
        s = await scenario();
        const marker = join(s.home, 'mfa-process-ran');
        await addConfig(
          `[profile ord]\nsource_profile = source\nrole_arn = ${aws.roles['hc-master']!.arn}\nexternal_id = 730993910069\nmfa_serial = ${s.serial}\nmfa_process = touch "$HOME/mfa-process-ran"; echo "mfa_process: no key" >&2; exit 1`,
        );

        // --mfa-token beats MFA_EXEC_MFA_TOKEN, even a bad one beats a good one.
        const flagBad = await runCli(['-p', 'ord', '--mfa-token', '12ab', '--', 'true'], {
          env: { ...s.env, MFA_EXEC_MFA_TOKEN: aws.totp(s.serial) },
        });
        assertCleanError(flagBad, 65, /--mfa-token is unusable/);
        // A good --mfa-token: the env token (garbage) and the failing mfa_process are never used.
        const flag = await runCli(['-p', 'ord', '--mfa-token', await aws.freshTotp(s.serial), '--', 'true'], {
          env: { ...s.env, MFA_EXEC_MFA_TOKEN: 'garbage' },
        });
        assert.equal(flag.code, 0, flag.stderr);
        assert.ok(!existsSync(marker), 'mfa_process ran although --mfa-token was given');

        assert.equal((await runCli(['clear', '--profile', 'ord'], { env: s.env })).code, 0);
        const envBad = await runCli(['-p', 'ord', '--', 'true'], { env: { ...s.env, MFA_EXEC_MFA_TOKEN: 'x' } });
        assertCleanError(envBad, 65, /MFA_EXEC_MFA_TOKEN is unusable/);
        const envGood = await runCli(['-p', 'ord', '--', 'true'], { env: { ...s.env, MFA_EXEC_MFA_TOKEN: await aws.freshTotp(s.serial) } });
        assert.equal(envGood.code, 0, envGood.stderr);
        assert.ok(!existsSync(marker), 'mfa_process ran although MFA_EXEC_MFA_TOKEN was given');
        const calls = { ...aws.calls };

        // No token: mfa_process runs (and fails), with or without a terminal; the terminal is never asked.
        assert.equal((await runCli(['clear', '--profile', 'ord'], { env: s.env })).code, 0);
        const noTty = await runCli(['-p', 'ord', '--', 'true'], { env: s.env });
        assertCleanError(noTty, 65, /mfa_process of profile 'ord' exited with code 1/);
        assert.match(noTty.stderr, /^mfa_process: no key$/m);
        assert.ok(existsSync(marker));
        await rm(marker);
        const tty = await runInPty([CLI_PATH, '-p', 'ord', '--', 'true'], { env: s.env, steps: [], timeoutMs: 15_000 });
        assert.equal(tty.exitStatus, 65, tty.output);
        assert.doesNotMatch(tty.output, /Enter MFA code/);
        assert.match(tty.output, /mfa_process of profile 'ord' exited with code 1/);
        assert.ok(existsSync(marker));
        assert.deepEqual({ ...aws.calls }, calls, 'no STS call without a code');
      });
    });

    describe('bad input', () => {
      test('every bad input is one paragraph with its exit code, no stack trace, no internal error', async () => {
        s = await scenario({ codes: false });
        const cases: [string[], number, RegExp][] = [
          [['env', '--profile', 'role', '--format', 'yaml'], 64, /Unknown --format 'yaml'/],
          [['env', '--profile', 'role', '--json'], 64, /Unknown option '--json'/],
          [['status', '--profile', 'no-such-profile'], 78, /no-such-profile/],
          [['status', '--mfa-token', '123456'], 64, /Unknown option '--mfa-token' for 'mfa-exec status'/],
          [['list', '--format', 'json'], 64, /Unknown option/],
          [['login', '--profile', 'no-such-profile'], 78, /no-such-profile/],
          [['credential-process', '--profile', 'no-such-profile'], 78, /no-such-profile/],
          [['credential-process', '--profile', 'role', '--mfa-token', '12'], 65, /--mfa-token is unusable/],
          [['clear', '--profile', 'no-such-profile'], 78, /no-such-profile/],
          [['login', '--profile', 'role'], 66, /no terminal/],
          [['doctor', '--profile'], 64, /needs a value/],
        ];
        for (const [args, code, message] of cases) {
          const r = await runCli(args, { env: s.env });
          assert.equal(r.stdout, '', args.join(' '));
          assertCleanError(r, code, message);
        }
        assert.deepEqual({ ...aws.calls }, {});
      });

      test('a profile region the STS client cannot use is a config error (78) naming the profile and the region', async () => {
        s = await scenario({ codes: false });
        await addConfig(`[profile bad-region]\nsource_profile = carol\nrole_arn = ${aws.roles.reader!.arn}\nregion = eu west 1`);
        const r = await runCli(['-p', 'bad-region', '--', 'true'], { env: s.env });
        assertCleanError(r, 78, /bad-region/, /eu west 1/);
      });
    });
  },
);
