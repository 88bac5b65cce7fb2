/**
 * The YubiKey driver: an MFA code is read from the key's OATH application with Yubico's ykman,
 * `ykman [--device SERIAL] oath accounts code --single NAME`; every other question (a passphrase,
 * a confirmation) is handed on to `auto`. NAME is the profile's `mfa_exec_ykman_account`, else
 * aws-vault's YKMAN_OATH_CREDENTIAL_NAME, else the MFA device's ARN (aws-vault's default);
 * SERIAL is aws-vault's YKMAN_OATH_DEVICE_SERIAL, for a machine with several keys.
 *
 * An account that needs touch makes ykman say "Touch your YubiKey..." on stderr: mfa-exec tells
 * the person on the terminal when there is one, else as a desktop notification. ykman runs with
 * stdin closed (a password-protected OATH application would otherwise read a line meant for
 * something else) and is bounded by MFA_EXEC_PROMPT_TIMEOUT. The code is never logged.
 *
 * Errors: no YubiKey, or no touch in time: 66 (nobody answered, as a dialog's timeout); no single
 * account matching NAME, or anything else ykman refuses: 65 (like an mfa_process that gives no code).
 */
import fs from 'node:fs';
import { ExitCode, MfaExecError } from '../errors.ts';
import { platform } from '../platform/index.ts';
import { printable } from '../printable.ts';
import { terminalAvailable } from './auto.ts';
import { firstLine, runForPerson } from './dialog.ts';
import { cannotAsk, NoTerminalError, PromptCancelledError, promptTimedOut } from './errors.ts';
import { notify } from './notify.ts';
import type { Prompt, PromptContext, Question } from './types.ts';

/** ykman's argv for one code (pure). */
export function ykmanArgs(account: string, deviceSerial: string | undefined): string[] {
  return [...(deviceSerial ? ['--device', deviceSerial] : []), 'oath', 'accounts', 'code', '--single', account];
}

/** The OATH account to ask for: the profile's setting, aws-vault's variable, else the device. */
export function ykmanAccount(q: Question, env: PromptContext['env']): string | undefined {
  return q.context?.ykmanAccount ?? (env.YKMAN_OATH_CREDENTIAL_NAME || undefined) ?? q.context?.mfaSerial;
}

export function ykmanPrompt(ctx: PromptContext): Prompt {
  let other: Prompt | undefined;
  const fallback = () => (other ??= ctx.open('auto'));
  return {
    name: 'ykman',
    unattended: true,
    ask: (q) => (q.kind === 'mfa-code' ? readCode(q, ctx) : fallback().ask(q)),
    confirm: (message, options) => fallback().confirm(message, options),
    say: (message) => fallback().say(message),
    close: () => other?.close(),
  };
}

async function readCode(q: Question, ctx: PromptContext): Promise<string> {
  const account = ykmanAccount(q, ctx.env);
  if (!account)
    throw cannotAsk('the ykman prompt has no OATH account to ask for (set mfa_exec_ykman_account in the profile)', q.title, q.unanswerable);
  const profile = q.context?.profile;
  const whom = `${profile !== undefined ? `profile ${profile}, ` : ''}account ${account}`;
  let told: Promise<void> | undefined;
  const ran = await runForPerson('ykman', ykmanArgs(account, ctx.env.YKMAN_OATH_DEVICE_SERIAL || undefined), ctx, (chunk) => {
    if (!told && /touch/i.test(chunk)) told = tellTouch(whom, ctx);
  });
  await told;
  if ('missing' in ran) throw cannotAsk('ykman is not on PATH (--prompt ykman)', q.title, q.unanswerable);
  if ('spawnError' in ran) throw cannotAsk(`ykman cannot be started (${ran.spawnError})`, q.title, q.unanswerable);
  if (ran.ended === 'timeout') throw promptTimedOut(q.title, `ykman (${whom})`, ctx.timeoutMs);
  if (ran.ended === 'cancel') throw new PromptCancelledError(q.title);
  const { code, signal, stdout, stderr } = ran.exit;
  const said = firstLine(stderr.replace(/^(ERROR|Error): /gm, '').replace(/^Touch your YubiKey\.*\s*$/gim, ''));
  if (code === 0) {
    const answer = stdout.trim();
    if (/^\d{6,8}$/.test(answer)) return answer;
    throw new MfaExecError(`${q.title}: ykman printed no MFA code for ${printable(whom)}.`, ExitCode.mfaInput, { kind: 'mfa-input' });
  }
  if (/No YubiKey detected|Failed connecting to a YubiKey/i.test(stderr))
    throw cannotAsk(`ykman found no YubiKey (${said}); plug it in and try again`, q.title, q.unanswerable);
  if (/timed out/i.test(stderr))
    throw new NoTerminalError(`${q.title}: the YubiKey was not touched in time (ykman: ${said}); nothing was sent.`);
  const fix = /No matching account|Multiple matches/i.test(stderr)
    ? ` Set mfa_exec_ykman_account in profile '${profile ?? '?'}' to the account's name as 'ykman oath accounts list' shows it.`
    : '';
  throw new MfaExecError(
    `${q.title}: ykman gave no code for ${printable(whom)} (exit ${code ?? signal}${said ? `: ${said}` : ''}).${fix}`,
    ExitCode.mfaInput,
    { kind: 'mfa-input' },
  );
}

/** "Touch your YubiKey": on the terminal when there is one (a line, nothing read), else as a desktop notification. */
function tellTouch(whom: string, ctx: PromptContext): Promise<void> {
  const line = `mfa-exec: touch your YubiKey (${whom})\n`;
  if (terminalAvailable()) {
    try {
      const fd = fs.openSync(platform.terminal.output, fs.constants.O_WRONLY | fs.constants.O_NOCTTY);
      try {
        fs.writeSync(fd, printable(line.trimEnd()) + '\n');
      } finally {
        fs.closeSync(fd);
      }
      return Promise.resolve();
    } catch {
      // the terminal went away: notify instead
    }
  }
  return notify('Touch your YubiKey', `mfa-exec needs an MFA code (${whom})`, ctx);
}
