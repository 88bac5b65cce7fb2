// Project files end to end (issue 21): the built CLI, moto in auth mode behind the front that
// counts every STS call, the real aws CLI through its shim. A `.mfa-exec` in a repository pins the
// profile (no AWS_PROFILE anywhere), its allowed_account_ids refuse another account before any
// STS call, and a file that is new, changed or writable by others is not trusted.
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { runCli, startFakeAws, type CliResult, type FakeAws } from '../harness/index.ts';
import { SPEC, callerArn, makeScenario, type Scenario } from './scenario.ts';

describe('project files: the directory says which profile and which accounts', { timeout: 120_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  let repo: string;
  let prod: string;
  let awsShim: string;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    aws.resetCalls();
    awsShim = await s.shim('aws');
    repo = join(s.home, 'repo');
    prod = join(repo, 'prod');
    await mkdir(prod, { recursive: true });
  });
  afterEach(() => s.cleanup());

  const OTHER_ACCOUNT = '111111111111';
  const projectFile = () => join(prod, '.mfa-exec');
  const writeProject = async (text: string, mode = 0o644) => {
    await writeFile(projectFile(), text);
    await chmod(projectFile(), mode);
  };
  const cli = (args: string[], env: NodeJS.ProcessEnv = s.env, cwd = prod) => runCli(args, { env, cwd });
  const whoami = (env: NodeJS.ProcessEnv = s.env, cwd = prod) =>
    runCli(['sts', 'get-caller-identity', '--output', 'json'], { env, cwd, argv0Path: awsShim });
  const login = async (profile = 'role') => {
    const r = await cli(['login', '-p', profile, '--mfa-token', await aws.freshTotp(s.serial)], s.env, s.home);
    assert.equal(r.code, 0, r.stderr);
    aws.resetCalls();
  };
  const allow = async () => {
    const r = await cli(['allow']);
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const refused = (r: CliResult) => {
    assert.equal(r.code, 80, `exit 80 expected: ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'one paragraph, no stack trace');
  };

  test('an approved `profile =` pins the profile with no AWS_PROFILE set; before `allow` the file is not used, with one warning', async () => {
    assert.equal(s.env.AWS_PROFILE, undefined);
    await login();
    await writeProject('# this repository works in the hc-master role\nprofile = role\n');

    // New: not trusted. The shim has no profile and [default] holds only a region: the aws CLI runs untouched.
    const before = await whoami();
    assert.notEqual(before.code, 0, 'no credentials: the aws CLI fails on its own');
    const warnings = before.stderr.split('\n').filter((l) => l.startsWith('mfa-exec: warning:'));
    assert.equal(warnings.length, 1, before.stderr);
    assert.match(warnings[0]!, new RegExp(`the project file ${projectFile()} is new: review it, then run 'mfa-exec allow' to use it`));
    assert.deepEqual(aws.calls, {}, 'nothing of the file was used');

    const approved = await allow();
    assert.match(approved.stderr, new RegExp(`approved ${projectFile()}: profile 'role' when none is chosen`));

    const pinned = await whoami();
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.match(callerArn(pinned.stdout), /assumed-role\/hc-master\//);
    assert.equal(pinned.stderr, '', 'an approved file is silent');
    // Below the file's directory too, and the wrapper mode the same.
    await mkdir(join(prod, 'modules', 'net'), { recursive: true });
    const deeper = await whoami(s.env, join(prod, 'modules', 'net'));
    assert.match(callerArn(deeper.stdout), /assumed-role\/hc-master\//);
    const wrapped = await cli(['--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
    assert.match(callerArn(wrapped.stdout), /assumed-role\/hc-master\//);
    assert.deepEqual(aws.calls, { GetCallerIdentity: 3 }, 'served from the cache: only the aws CLI called STS');
    // Not outside the tree.
    const outside = await whoami(s.env, repo);
    assert.notEqual(outside.code, 0);
  });

  test('an explicit choice wins over the project file: -p, MFA_EXEC_PROFILE, AWS_PROFILE', async () => {
    await login('role');
    await login('reader');
    await writeProject('profile = role\n');
    await allow();
    assert.match(callerArn((await whoami({ ...s.env, AWS_PROFILE: 'reader' })).stdout), /assumed-role\/reader\//);
    assert.match(callerArn((await whoami({ ...s.env, MFA_EXEC_PROFILE: 'reader' })).stdout), /assumed-role\/reader\//);
    const flag = await cli(['-p', 'reader', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
    assert.match(callerArn(flag.stdout), /assumed-role\/reader\//);
    assert.match(callerArn((await whoami()).stdout), /assumed-role\/hc-master\//);
  });

  test('a changed file is not used until approved again, with one warning; a denied one quietly', async () => {
    await login('role');
    await login('reader');
    await writeProject('profile = role\n');
    await allow();
    await writeProject('profile = reader\n');
    const changed = await whoami();
    assert.notEqual(changed.code, 0, 'neither the old nor the new profile: untouched');
    assert.match(
      changed.stderr,
      new RegExp(`the project file ${projectFile()} changed since you approved it: review it, then run 'mfa-exec allow'`),
    );
    assert.equal(changed.stderr.split('\n').filter((l) => l.includes('warning')).length, 1);
    await allow();
    assert.match(callerArn((await whoami()).stdout), /assumed-role\/reader\//);

    const denied = await cli(['deny']);
    assert.equal(denied.code, 0, denied.stderr);
    assert.match(denied.stderr, /denied .*: its profile, min_lifetime and server are not used/);
    const after = await whoami();
    assert.notEqual(after.code, 0, 'the profile is not used');
    assert.doesNotMatch(after.stderr, /mfa-exec/, 'a denied file is not said again');
    // …until it changes.
    await writeProject('profile = reader\nconfirm = true\n');
    assert.match((await whoami()).stderr, /changed since you denied it/);
  });

  test('an account outside allowed_account_ids is refused before any STS call (exit 80), naming the account, the profile and the file', async () => {
    await writeProject(`allowed_account_ids = ${OTHER_ACCOUNT}\n`);
    await allow();
    const code = await aws.freshTotp(s.serial); // a valid code: without the guardrail, STS would be called
    const marker = join(s.home, 'ran');
    const r = await cli(['-p', 'role', '--mfa-token', code, '--', 'sh', '-c', `touch ${marker}`]);
    refused(r);
    assert.deepEqual(aws.calls, {}, 'no STS call at all');
    assert.match(r.stderr, new RegExp(`Profile 'role' gives credentials for account ${aws.accountId}`));
    assert.match(r.stderr, new RegExp(`${projectFile()} allows only ${OTHER_ACCOUNT} \\(allowed_account_ids\\)`));
    assert.match(r.stderr, /nothing was run/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    await assert.rejects(
      import('node:fs/promises').then((fs) => fs.stat(marker)),
      'the command did not run',
    );

    // Through the shim, with AWS_PROFILE, on a cold cache in a job without a terminal: the same, and no prompt was tried.
    const shim = await whoami({ ...s.env, AWS_PROFILE: 'role' });
    refused(shim);
    assert.doesNotMatch(shim.stderr, /MFA code|no terminal/);
    assert.deepEqual(aws.calls, {});
    // env and credential-process hand out no credentials for it either.
    refused(await cli(['env', '-p', 'role', '--mfa-token', code]));
    refused(await cli(['credential-process', '--profile', 'role', '--mfa-token', code]));
    assert.deepEqual(aws.calls, {});
    // The account that is allowed runs.
    await writeProject(`allowed_account_ids = ${OTHER_ACCOUNT}, ${aws.accountId}\n`);
    await allow();
    const ok = await cli(['-p', 'role', '--mfa-token', code, '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(callerArn(ok.stdout), /assumed-role\/hc-master\//);
  });

  test("an unapproved file's allowed_account_ids restricts already; a change cannot add an account until approved", async () => {
    await login();
    await writeProject(`allowed_account_ids = ${OTHER_ACCOUNT}\n`);
    const r = await whoami({ ...s.env, AWS_PROFILE: 'role' });
    refused(r);
    assert.match(
      r.stderr,
      /is new: review it, then run 'mfa-exec allow' to use it; until then only its restrictions apply: only account 111111111111/,
    );
    await allow();
    await writeProject(`allowed_account_ids = ${OTHER_ACCOUNT} ${aws.accountId}\n`);
    const added = await whoami({ ...s.env, AWS_PROFILE: 'role' });
    refused(added);
    assert.match(added.stderr, /changed since you last decided on it: accounts it adds count only after 'mfa-exec allow'/);
    await allow();
    const now = await whoami({ ...s.env, AWS_PROFILE: 'role' });
    assert.equal(now.code, 0, now.stderr);
    assert.deepEqual(aws.calls, { GetCallerIdentity: 1 }, 'refusals never reached STS; the cache served the run');
  });

  test('a file another user can write is ignored entirely, with a warning', async () => {
    await login();
    await writeProject(`profile = role\nallowed_account_ids = ${OTHER_ACCOUNT}\n`, 0o666);
    const r = await whoami({ ...s.env, AWS_PROFILE: 'role' });
    assert.equal(r.code, 0, `not even its restrictions apply: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`warning: ignoring the project file ${projectFile()}: every user can write it \\(mode 666\\)`));
    const approve = await cli(['allow']);
    assert.equal(approve.code, 78, approve.stderr);
    assert.match(approve.stderr, /cannot be approved: every user can write it/);
    if (process.getuid?.() === 0) {
      await chmod(projectFile(), 0o644);
      await chown(projectFile(), 65534, 65534); // nobody's
      const foreign = await whoami({ ...s.env, AWS_PROFILE: 'role' });
      assert.equal(foreign.code, 0, foreign.stderr);
      assert.match(foreign.stderr, /ignoring the project file .*: it belongs to another user \(uid 65534\)/);
    }
  });

  test('a profile with no role and no MFA device: its account comes from GetCallerIdentity, before the command starts', async () => {
    await writeProject(`allowed_account_ids = ${OTHER_ACCOUNT}\n`);
    await allow();
    const marker = join(s.home, 'ran');
    const r = await cli(['-p', 'carol', '--', 'sh', '-c', `touch ${marker}`]);
    refused(r);
    assert.match(r.stderr, new RegExp(`Profile 'carol' gives credentials for account ${aws.accountId} \\(by GetCallerIdentity\\)`));
    assert.equal(aws.calls.GetCallerIdentity, 1);
    await assert.rejects(
      import('node:fs/promises').then((fs) => fs.stat(marker)),
      'the command did not run',
    );
  });

  test('inside a command mfa-exec started, a shim in a project tree is held to its account list too', async () => {
    await login();
    await writeProject(`profile = reader\nallowed_account_ids = ${OTHER_ACCOUNT}\n`);
    await allow();
    // The outer run starts outside the tree; the shell then works in it.
    const r = await runCli(['-p', 'role', '--', 'sh', '-c', `cd ${prod} && ${awsShim} sts get-caller-identity`], {
      env: s.env,
      cwd: s.home,
    });
    assert.equal(r.code, 80, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `${projectFile()} selects profile 'reader', but this runs inside a command mfa-exec started with profile 'role' \\(AWS_VAULT\\): 'role' is kept`,
      ),
    );
    assert.match(r.stderr, new RegExp(`Profile 'role' gives credentials for account ${aws.accountId}`));
    assert.deepEqual(aws.calls, {});
  });

  test('status, list, doctor and --debug say which project file applies and what it changes', async () => {
    await login();
    await writeProject(`profile = role\nallowed_account_ids = ${aws.accountId}\nconfirm = true\nmin_lifetime = 30m\n`);
    await allow();
    const status = await cli(['status']);
    assert.equal(status.code, 0, status.stderr);
    const [first, second] = status.stdout.trim().split('\n');
    assert.match(first!, /^role: ready, no MFA prompt needed/);
    assert.equal(
      second,
      `project file ${projectFile()} (approved): profile 'role' when none is chosen; only account ${aws.accountId}; destructive commands confirmed; min_lifetime 30m`,
    );
    const json = JSON.parse((await cli(['status', '--json'])).stdout) as { profile: string; project: Record<string, unknown> };
    assert.equal(json.profile, 'role');
    assert.deepEqual(
      { file: json.project.file, state: json.project.state, account: json.project.account, allowed: json.project.allowed },
      { file: projectFile(), state: 'approved', account: aws.accountId, allowed: true },
    );

    await writeProject(`profile = role\nallowed_account_ids = ${OTHER_ACCOUNT}\n`);
    await allow();
    const list = await cli(['list']);
    assert.match(list.stdout, /^role\s.*not allowed here$/m);
    assert.match(list.stdout, /^bob\s.*not allowed here$/m, "bob's MFA device is in the same account");
    assert.match(
      list.stdout,
      new RegExp(`^project file ${projectFile()} \\(approved\\): profile 'role' when none is chosen; only account ${OTHER_ACCOUNT}$`, 'm'),
    );
    const rows = JSON.parse((await cli(['list', '--json'])).stdout) as { profile: string; allowedHere?: boolean }[];
    assert.equal(rows.find((r) => r.profile === 'role')?.allowedHere, false);
    assert.equal(rows.find((r) => r.profile === 'source')?.allowedHere, undefined, 'no role, no MFA ARN: not known without STS');

    const doctor = await cli(['doctor']);
    assert.match(doctor.stdout, new RegExp(`^ok\\s+project file ${projectFile()} \\(approved\\)`, 'm'));
    assert.match(
      doctor.stdout,
      new RegExp(
        `^warn\\s+${projectFile()} pins profile 'role' \\(account ${aws.accountId}\\), which its own allowed_account_ids refuses`,
        'm',
      ),
    );
    assert.match(doctor.stdout, new RegExp(`^ok\\s+profile 'role' \\(from project file ${projectFile()}\\) resolves`, 'm'));

    const debug = await cli(['--debug', 'status']);
    assert.match(debug.stderr, new RegExp(`project file ${projectFile()} \\(approved [^)]*\\): profile 'role' when none is chosen`));
    assert.match(debug.stderr, new RegExp(`profile 'role' \\(from project file ${projectFile()}\\)`));
    const none = await cli(['--debug', 'status', '-p', 'role'], s.env, s.home);
    assert.match(none.stderr, new RegExp(`project file: none in ${s.home} or above`));
  });

  test('a project file that does not parse stops every command in its tree with one paragraph naming it (exit 78)', async () => {
    await writeProject('allowed_account_id = 111111111111\n');
    const r = await whoami({ ...s.env, AWS_PROFILE: 'role' });
    assert.equal(r.code, 78, r.stderr);
    assert.equal(
      r.stderr.trim(),
      `mfa-exec: ${projectFile()}: 'allowed_account_id' is not a setting of a project file (they are: profile, allowed_account_ids, confirm, min_lifetime, server). Fix or remove the line.`,
    );
    const doctor = await cli(['doctor']);
    assert.match(doctor.stdout, /^fail\s+.*'allowed_account_id' is not a setting/m);
    // A FIFO planted as .mfa-exec does not hang a shim.
    await writeFile(projectFile(), '');
    const { execFileSync } = await import('node:child_process');
    execFileSync('rm', [projectFile()]);
    execFileSync('mkfifo', ['-m', '644', projectFile()]);
    await login();
    const fifo = await whoami({ ...s.env, AWS_PROFILE: 'role' });
    assert.equal(fifo.code, 0, fifo.stderr);
    assert.match(fifo.stderr, /ignoring the project file .*: it is not a regular file/);
  });

  test('allow and deny: a path, no file, and what allow warns about', async () => {
    const none = await cli(['allow'], s.env, s.home);
    assert.equal(none.code, 78);
    assert.match(none.stderr, new RegExp(`There is no .mfa-exec in ${s.home} or any directory above it up to ${s.home}; nothing to allow`));
    await writeProject('profile = nosuch\n');
    const byDir = await cli(['allow', prod], s.env, s.home);
    assert.equal(byDir.code, 0, byDir.stderr);
    assert.match(byDir.stderr, /warning: profile 'nosuch' \(its profile =\) is not defined in your AWS config files/);
    const wrongName = await cli(['allow', join(prod, 'main.tf')], s.env, s.home);
    assert.equal(wrongName.code, 64);
    const deny = await cli(['deny', join(prod, '.mfa-exec')], s.env, s.home);
    assert.equal(deny.code, 0, deny.stderr);
    assert.match(deny.stderr, /denied .*\.mfa-exec: its profile, min_lifetime and server are not used/);
  });
});
