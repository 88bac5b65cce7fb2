// npm run demo: the whole flow against a local moto (real STS/IAM, signatures checked) with a
// virtual MFA device whose current code this script prints. No AWS account needed.
//
// With a terminal you type the code yourself at mfa-exec's prompt; without one (CI, a pipe)
// the demo passes it with --mfa-token so it still runs start to finish.
//
// `npm run demo -- --keep` keeps the local AWS running afterwards and prints the variables to
// paste into another shell, to try every command by hand; it then shows the virtual device's
// code each time it changes, until Ctrl-C, which stops the local AWS and removes its files.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI_PATH, startFakeAws } from '../test/harness/index.ts';
import { SPEC, makeScenario } from '../test/e2e/scenario.ts';
import { shQuote } from '../src/shell-quote.ts';

const keep = process.argv.includes('--keep');

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
  if (keep) await keepRunning();
} finally {
  await s.cleanup();
  await aws.close();
}

/** --keep: the variables for another shell, then the device's codes until Ctrl-C (or SIGTERM). */
async function keepRunning(): Promise<void> {
  const bin = join(s.home, 'bin');
  await mkdir(bin);
  await symlink(CLI_PATH, join(bin, 'mfa-exec'));
  const vars: Record<string, string> = {
    AWS_CONFIG_FILE: join(s.home, '.aws/config'),
    AWS_SHARED_CREDENTIALS_FILE: join(s.home, '.aws/credentials'),
    XDG_CACHE_HOME: s.env.XDG_CACHE_HOME!,
    XDG_DATA_HOME: join(s.home, '.local/share'),
    AWS_ENDPOINT_URL_STS: s.env.AWS_ENDPOINT_URL_STS!,
    AWS_ENDPOINT_URL_IAM: s.env.AWS_ENDPOINT_URL_IAM!,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: 'role',
  };
  console.log(`
${bold('The local AWS keeps running.')} Paste this into another shell to try every command by hand
(mfa-exec status, list, login, env, exec, doctor, add, import, …; profiles role, reader, bob):
`);
  for (const [name, value] of Object.entries(vars)) console.log(`export ${name}=${shQuote(value)}`);
  console.log(`export PATH=${shQuote(`${s.shims}:${bin}`)}":$PATH"`);
  console.log(`
mfa-exec caches in ${vars.XDG_CACHE_HOME} here, not in your own cache. ${bold('Ctrl-C')} here stops the local AWS.
Codes of the virtual MFA device ${s.serial} (role and reader; bob's device: ${s.bobSerial}):`);
  const stop = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  let shown = '';
  const show = () => {
    const code = `${aws.totp(s.serial)} (bob: ${aws.totp(s.bobSerial)})`;
    if (code === shown) return;
    shown = code;
    console.log(`  ${new Date().toLocaleTimeString()}  code: ${code}, for ${30 - (Math.floor(Date.now() / 1000) % 30)} more s`);
  };
  show();
  const timer = setInterval(show, 1000);
  await stop;
  clearInterval(timer);
  console.log('\nStopping the local AWS and removing its files.');
}
