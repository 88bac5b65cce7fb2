// npm run demo: the whole flow against a local moto (real STS/IAM, signatures checked) with a
// virtual MFA device whose current code this script prints. No AWS account needed.
//
// With a terminal you type the code yourself at mfa-exec's prompt; without one (CI, a pipe)
// the demo passes it with --mfa-token so it still runs start to finish.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_PATH, startFakeAws } from '../test/harness/index.ts';
import { SPEC, makeScenario } from '../test/e2e/scenario.ts';

const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);
const hasTerminal = (() => {
  try {
    closeSync(openSync('/dev/tty', 'r'));
    return true;
  } catch {
    return false;
  }
})();

console.log(bold('Starting a local AWS (moto in auth mode + an MFA-checking front)…'));
const aws = await startFakeAws(SPEC);
const s = await makeScenario(aws);
const awsShim = await s.shim('aws');
const env = { ...s.env, AWS_PROFILE: 'role' };
// Asynchronous: the fake AWS front runs in this process and must keep answering.
const run = (title: string, argv: string[]) => {
  console.log(`\n${bold(`$ ${title}`)}`);
  return new Promise<number | null>((resolve) => {
    spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env }).on('exit', (code) => resolve(code));
  });
};

try {
  console.log(`
A temporary HOME holds the user's setup from the issue:
  ${join(s.home, '.aws/config')}: [profile role] role_arn = ${aws.roles['hc-master']!.arn}
                                  source_profile = source, mfa_serial = ${s.serial}, external_id
  ${join(s.home, '.aws/credentials')}: [source] long-term keys of IAM user ${s.user}
The user's policy denies AssumeRole without MFA. PATH starts with ${s.shims}, where 'aws' is a
symlink to mfa-exec; AWS_PROFILE=role.`);

  const code = aws.totp(s.serial);
  const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30);
  console.log(`\n${bold(`Virtual MFA device ${s.serial} shows: ${code}`)} (for ${secondsLeft} more s; the next code also works)`);
  if (hasTerminal) {
    console.log('Type it at the prompt below.');
    await run('aws sts get-caller-identity        # through the shim: one MFA prompt', [awsShim, 'sts', 'get-caller-identity']);
  } else {
    console.log('No terminal here, so the demo passes it with --mfa-token.');
    await run(`mfa-exec --mfa-token ${code} -- aws sts get-caller-identity`, [
      CLI_PATH,
      '--mfa-token',
      await aws.freshTotp(s.serial),
      '--',
      'aws',
      'sts',
      'get-caller-identity',
    ]);
  }
  await run('aws sts get-caller-identity        # again: served from the cache, no prompt', [awsShim, 'sts', 'get-caller-identity']);
  await run('mfa-exec -p reader -- aws sts get-caller-identity   # another role, same MFA session', [
    CLI_PATH,
    '-p',
    'reader',
    '--',
    'aws',
    'sts',
    'get-caller-identity',
  ]);
  await run('mfa-exec status', [CLI_PATH, 'status']);
  await run('mfa-exec list', [CLI_PATH, 'list']);
  console.log(`\n${bold('STS calls the local AWS saw:')} ${JSON.stringify(aws.calls)}`);
  console.log('One GetSessionToken (one MFA code) served both roles; the second aws call made no STS call at all.');
} finally {
  await s.cleanup();
  await aws.close();
}
