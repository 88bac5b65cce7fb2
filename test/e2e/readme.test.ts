// The README works as written. Its config (between the readme-config markers), its install lines
// after the npm one (between readme-install; install.test.ts covers the npm line) and its first-day
// commands (between readme-first-day) are read from README.md itself, written into a temp HOME
// and run by /bin/sh in a real terminal, against moto in auth mode: one MFA prompt, answered with
// the virtual device's code, then the role's identity, `aws s3 ls` through the shim and `mfa-exec
// status`. Against the single executable, the lines that check and install the downloaded file
// (readme-install-file) run first, in the download's directory. Only the README's placeholders are filled in: the keys (`AKIA…`, `…`) and
// the account numbers (moto has one account). A README edit that breaks an example breaks this.
//
// It was written after a newcomer's `aws s3 ls` failed with "You must specify a region": the
// README's config had `region` only on the source profile, which neither the AWS CLI nor
// mfa-exec reads for the role profile.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CLI_PATH,
  REPO_ROOT,
  TESTING_EXECUTABLE,
  baseEnv,
  makeHome,
  runInPty,
  startFakeAws,
  writeAwsFiles,
  type FakeAws,
  type TempHome,
} from '../harness/index.ts';
import { signRequest } from '../harness/sigv4.ts';

const BUCKET = 'readme-first-day';

/** The code block between `<!-- readme-NAME:begin … -->` and `<!-- readme-NAME:end -->`. */
function block(readme: string, name: string): string {
  const m = new RegExp(`<!-- readme-${name}:begin[^>]*-->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\n<!-- readme-${name}:end -->`).exec(readme);
  assert.ok(m, `README.md has no code block between <!-- readme-${name}:begin --> and <!-- readme-${name}:end -->`);
  return m[1]!;
}

interface ReadmeSetup {
  config: string;
  credentials: string;
  userName: string;
  role: { name: string; path: string; externalId?: string };
}

/** The README's two files (split at their `# ~/.aws/…` comment lines) and who they name. */
function readmeSetup(readme: string): ReadmeSetup {
  const ini = block(readme, 'config');
  const m = /^# ~\/\.aws\/config\n([\s\S]*?)^# ~\/\.aws\/credentials\n([\s\S]*)$/m.exec(ini);
  assert.ok(m, 'the config block holds `# ~/.aws/config` and then `# ~/.aws/credentials`');
  const config = m[1]!;
  const role = /^role_arn = arn:aws:iam::\d{12}:role(\/(?:[^/\n]+\/)*)([^/\n]+)$/m.exec(config);
  const user = /^mfa_serial = arn:aws:iam::\d{12}:mfa\/([^/\n]+)$/m.exec(config);
  assert.ok(role && user, 'the README config has a role_arn and an mfa_serial');
  const externalId = /^external_id = (\S+)$/m.exec(config)?.[1];
  return {
    config,
    credentials: m[2]!,
    userName: user[1]!,
    role: { name: role[2]!, path: role[1]!, ...(externalId ? { externalId } : {}) },
  };
}

/** An IAM or S3 call straight to moto, signed with throwaway keys (run inside `withoutAuth`). */
async function motoCall(aws: FakeAws, service: 'iam' | 's3', method: string, url: string, body = ''): Promise<void> {
  const host = new URL(aws.motoEndpoint).host;
  const contentType = service === 'iam' ? 'application/x-www-form-urlencoded; charset=utf-8' : undefined;
  const headers = await signRequest({
    method,
    url,
    host,
    ...(contentType ? { contentType } : {}),
    body,
    accessKeyId: 'AKIAREADMETESTSETUP0',
    secretAccessKey: 'setup',
    region: 'us-east-1',
    service,
  });
  const res = await fetch(`${aws.motoEndpoint}${url}`, { method, headers, ...(body ? { body } : {}) });
  if (!res.ok) throw new Error(`moto ${service} ${method} ${url}: ${res.status} ${await res.text()}`);
}

/** moto's auth mode lets the next `n` requests through unchecked; then it checks every request again. */
async function withoutAuth(aws: FakeAws, n: number, fn: () => Promise<void>): Promise<void> {
  const reset = (count: number) => fetch(`${aws.motoEndpoint}/moto-api/reset-auth`, { method: 'POST', body: String(count) });
  assert.ok((await reset(n)).ok);
  try {
    await fn();
  } finally {
    assert.ok((await reset(0)).ok);
  }
}

describe('the README, as written', { timeout: 120_000 }, () => {
  let readme: string;
  let setup: ReadmeSetup;
  let aws: FakeAws;
  let temp: TempHome;

  before(async () => {
    readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    setup = readmeSetup(readme);
    aws = await startFakeAws({
      users: [{ name: setup.userName, mfa: true, mfaRequired: true }],
      roles: [{ ...setup.role, trustedUsers: [setup.userName] }],
    });
    // A bucket for `aws s3 ls` to list, and the role's right to list it (moto checks the
    // role's identity policy; the harness gives roles IAM reads only).
    await withoutAuth(aws, 2, async () => {
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
      });
      const params = {
        Action: 'PutRolePolicy',
        Version: '2010-05-08',
        RoleName: setup.role.name,
        PolicyName: 'readme-s3',
        PolicyDocument: policy,
      };
      await motoCall(aws, 'iam', 'POST', '/', new URLSearchParams(params).toString());
      await motoCall(aws, 's3', 'PUT', `/${BUCKET}`);
    });
    temp = await makeHome();
  });
  after(async () => {
    await temp?.cleanup();
    await aws?.close();
  });

  test('the config, the install lines and the first-day commands: one MFA prompt, the role, aws s3 ls through the shim, status', async () => {
    const user = aws.users[setup.userName]!;
    // The README's placeholders: its keys, and its accounts (moto has one).
    const fill = (text: string) =>
      text
        .replace(/^aws_access_key_id = AKIA…$/m, `aws_access_key_id = ${user.accessKeyId}`)
        .replace(/^aws_secret_access_key = …$/m, `aws_secret_access_key = ${user.secretAccessKey}`)
        .replace(/arn:aws:iam::\d{12}:/g, `arn:aws:iam::${aws.accountId}:`);
    const config = fill(setup.config);
    const credentials = fill(setup.credentials);
    assert.doesNotMatch(config + credentials, /…/, 'every placeholder was filled in');
    await writeAwsFiles(temp.home, { config, credentials });

    const bin = join(temp.home, 'bin');
    await mkdir(bin);
    let download = '';
    if (TESTING_EXECUTABLE) {
      // The executable, as the README's file lines find it after a download: under its release
      // name, beside SHA256SUMS (the release's own when CLI_PATH is a release file beside it).
      download = block(readme, 'install-file');
      const name = /install -m 755 (mfa-exec-[\w.-]+) /.exec(download)?.[1];
      assert.ok(name, 'the file lines install a release file');
      const downloads = join(temp.home, 'Downloads');
      await mkdir(downloads);
      await copyFile(CLI_PATH, join(downloads, name));
      const sums = join(dirname(CLI_PATH), 'SHA256SUMS');
      const released = basename(CLI_PATH) === name && existsSync(sums);
      const sum = createHash('sha256')
        .update(await readFile(CLI_PATH))
        .digest('hex');
      await writeFile(join(downloads, 'SHA256SUMS'), released ? await readFile(sums) : `${sum}  ${name}\n`);
      download = `cd "$HOME/Downloads"\n${download}cd "$HOME"\n`;
    } else {
      // `npm install -g` puts mfa-exec on PATH; here a symlink to the build stands in for it.
      await symlink(CLI_PATH, join(bin, 'mfa-exec'));
    }
    const env = baseEnv(temp.home, aws);
    env.PATH = `${bin}:${join(temp.home, '.local', 'bin')}:${env.PATH}`;
    env.AWS_ENDPOINT_URL_S3 = aws.endpoint; // this machine's "AWS": S3 is moto too, through the front

    const install = block(readme, 'install')
      .split('\n')
      .filter((line) => !/^npm /.test(line))
      .join('\n');
    assert.match(install, /mfa-exec shim install .*\baws\b/, 'the install lines make an aws shim');
    const firstDay = block(readme, 'first-day');
    const serial = user.mfaSerial!;
    const r = await runInPty(['/bin/sh', '-ec', `${download}${install}\n${firstDay}`], {
      env,
      steps: [{ expect: `Enter MFA code for ${serial}: `, sendCode: () => aws.freshTotp(serial) }],
      timeoutMs: 60_000,
    });

    assert.equal(r.exitStatus, 0, r.output);
    if (TESTING_EXECUTABLE) assert.match(r.output, /^mfa-exec-[\w.-]+: OK\r?$/m, `sha256sum checked the file:\n${r.output}`);
    assert.equal(r.output.split('Enter MFA code for').length - 1, 1, `one prompt:\n${r.output}`);
    assert.match(r.output, new RegExp(`"Arn": "arn:aws:sts::${aws.accountId}:assumed-role/${setup.role.name}/`), r.output);
    assert.match(
      r.output,
      new RegExp(`\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${BUCKET}\\b`),
      `aws s3 ls listed the bucket:\n${r.output}`,
    );
    assert.doesNotMatch(r.output, /You must specify a region/);
    assert.match(r.output, /: ready, no MFA prompt needed; credentials valid until /, 'mfa-exec status: cached');
    assert.equal(aws.calls.GetSessionToken, 1);
    assert.equal(aws.calls.AssumeRole, 1, 'aws s3 ls ran on the cached role credentials');
    // ListBuckets reached moto signed with the role's session key, and moto let it through.
    const s3 = aws.log.filter((e) => e.action === '(none)');
    assert.deepEqual(
      s3.map((e) => `${e.status} ${/^ASIA/.test(e.accessKeyId ?? '') ? 'session key' : e.accessKeyId}`),
      ['200 session key'],
    );
  });
});
