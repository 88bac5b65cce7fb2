/**
 * Where an MFA code comes from, in order: --mfa-token, MFA_EXEC_MFA_TOKEN (for automation),
 * the profile's mfa_process, then the prompt (src/prompt/: the terminal, or `none`). Only the
 * prompt can be asked again after AWS rejects a code; a code given up front that fails is final.
 */
import type { Logger } from '../log.ts';
import type { Prompt } from '../prompt/types.ts';
import { MfaInputError, normalizeCode } from './code.ts';
import { lastUsed, recordUsed, secondsToNextCode, wasUsed } from './used-codes.ts';

export interface TokenRequest {
  serial: string;
  profile: string;
  /** mfa_process from the profile that names the device, if any. */
  mfaProcess?: string;
  /** mfa_exec_ykman_account from the profile that names the device, if any (for the ykman prompt). */
  ykmanAccount?: string;
  /** AWS rejected the previous code for this request. */
  retry: boolean;
}

export interface TokenProvider {
  /** A code to send, or throws (no terminal, cancelled, a given code that cannot be retried). */
  next(request: TokenRequest): Promise<{ code: string; source: string; canRetry: boolean }>;
  /** AWS accepted the code: remember it so it is not sent twice. */
  accepted(serial: string, code: string): void;
  /** Release the prompt (the terminal). Must run before the target starts. */
  close(): void;
}

export interface TokenProviderOptions {
  /** --mfa-token. */
  flagToken?: string;
  /** MFA_EXEC_MFA_TOKEN. */
  envToken?: string;
  /** The code length (MFA_EXEC_MFA_DIGITS). */
  digits: number;
  cacheDir: string;
  logger: Logger;
  now?: () => number;
  /** Asks the person (the driver chosen for the run). */
  prompt: Prompt;
  runMfaProcess?: (command: string, serial: string, profile: string) => Promise<string>;
  /** Said before the first question. */
  reason?: string;
  /** Waits (an unattended prompt, a YubiKey, waiting for the next 30 s window); unit tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
}

const LOCAL_TRIES = 5;

export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const { cacheDir, logger } = options;
  const now = options.now ?? Date.now;
  const length = options.digits;
  const { prompt } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const spent = new Set<string>();

  function given(text: string, source: string, serial: string): string {
    const result = normalizeCode(text, length);
    if ('problem' in result) throw new MfaInputError(`The MFA code from ${source} is unusable: ${result.problem}.`);
    if (wasUsed(cacheDir, serial, result.code, now(), logger)) {
      throw new MfaInputError(
        `The MFA code from ${source} was already accepted by AWS for ${serial}, and AWS refuses a code twice. Wait for the next code (about ${secondsToNextCode(lastUsed(cacheDir, serial, logger)?.at ?? now(), now())} s).`,
      );
    }
    return result.code;
  }

  async function ask(request: TokenRequest): Promise<string> {
    const { serial, profile } = request;
    if (options.reason && !request.retry) prompt.say(options.reason);
    const used = lastUsed(cacheDir, serial, logger);
    if (!request.retry && used && now() - used.at < 30_000 && !prompt.unattended) {
      prompt.say(
        `a code for ${serial} was used ${Math.round((now() - used.at) / 1000)} s ago; AWS accepts each code once, so wait for the next one (about ${secondsToNextCode(used.at, now())} s).`,
      );
    }
    for (let i = 0; i < LOCAL_TRIES; i++) {
      const answer = await prompt.ask({
        kind: 'mfa-code',
        message: `Enter MFA code for ${serial}: `,
        secret: false,
        title: 'MFA prompt',
        unanswerable:
          prompt.name === 'none'
            ? `Profile '${profile}' needs an MFA code for ${serial}, and the prompt is 'none': nobody is asked. A person should run 'mfa-exec login --profile ${profile}' first (or pass a code with --mfa-token CODE or MFA_EXEC_MFA_TOKEN, or set mfa_process in the profile).`
            : `Profile '${profile}' needs an MFA code for ${serial}, but there is no terminal to ask on. Pass one with --mfa-token CODE or MFA_EXEC_MFA_TOKEN, set mfa_process in the profile, or run 'mfa-exec login --profile ${profile}' in a terminal first.`,
        context: { profile, mfaSerial: serial, ...(request.ykmanAccount !== undefined ? { ykmanAccount: request.ykmanAccount } : {}) },
      });
      const result = normalizeCode(answer, length);
      if ('problem' in result) {
        prompt.say(`${result.problem}; try again.`);
        continue;
      }
      if (wasUsed(cacheDir, serial, result.code, now(), logger) || spent.has(`${serial}\0${result.code}`)) {
        if (prompt.unattended) {
          // A device gives the same code until its next 30 s window: wait for it rather than ask again at once.
          const wait = secondsToNextCode(lastUsed(cacheDir, serial, logger)?.at ?? now(), now()) + 1;
          prompt.say(`the code from ${prompt.name} was used already and AWS refuses it twice; waiting ${wait} s for the next one.`);
          await sleep(wait * 1000);
          continue;
        }
        const wait = used ? secondsToNextCode(lastUsed(cacheDir, serial, logger)?.at ?? now(), now()) : 30;
        prompt.say(`that code was already used and AWS refuses it twice; wait for the next one (about ${wait} s).`);
        continue;
      }
      return result.code;
    }
    throw new MfaInputError(`No usable MFA code for ${serial} after ${LOCAL_TRIES} tries.`);
  }

  return {
    async next(request) {
      if (request.retry) {
        prompt.say(`AWS rejected that code for ${request.serial}.`);
        return { code: await ask(request), source: prompt.name, canRetry: true };
      }
      if (options.flagToken !== undefined) {
        return { code: given(options.flagToken, '--mfa-token', request.serial), source: '--mfa-token', canRetry: false };
      }
      if (options.envToken) {
        return { code: given(options.envToken, 'MFA_EXEC_MFA_TOKEN', request.serial), source: 'MFA_EXEC_MFA_TOKEN', canRetry: false };
      }
      if (request.mfaProcess !== undefined && options.runMfaProcess) {
        logger.debug(`MFA code for ${request.serial}: running mfa_process of profile '${request.profile}'`);
        const output = await options.runMfaProcess(request.mfaProcess, request.serial, request.profile);
        return {
          code: given(output, `mfa_process of profile '${request.profile}'`, request.serial),
          source: 'mfa_process',
          canRetry: false,
        };
      }
      logger.debug(`MFA code for ${request.serial}: asking (the ${prompt.name} prompt)`);
      return { code: await ask(request), source: prompt.name, canRetry: true };
    },
    accepted(serial, code) {
      spent.add(`${serial}\0${code}`);
      recordUsed(cacheDir, serial, code, now());
    },
    close() {
      prompt.close();
    },
  };
}
