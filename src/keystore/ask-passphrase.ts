/**
 * The key store passphrase, asked through the run's prompt (hidden entry). For a store that has
 * no key file yet it is asked twice, so a typo cannot seal keys with a passphrase nobody knows.
 */
import { ExitCode, MfaExecError } from '../errors.ts';
import { KeyStoreError } from './errors.ts';
import { NoTerminalError } from '../prompt/errors.ts';
import type { Prompt } from '../prompt/types.ts';

const TRIES = 3;

/**
 * The asking function; with no one to ask it fails (66) saying how to pass the passphrase. Called
 * again with the error after a passphrase that does not open the store, it says so and asks
 * again, three tries in all (as for MFA codes); then the error stands (79).
 */
export function askPassphrase(
  prompt: Prompt,
  dir: string,
  options: { confirm: () => boolean; profile?: string },
): (wrong?: KeyStoreError) => Promise<string> {
  let wrongs = 0;
  return async (wrong) => {
    if (wrong) {
      // The file store stops after three answers (saying so); this holds for any other caller.
      if (++wrongs >= TRIES) {
        throw new KeyStoreError(
          'keystore-passphrase',
          `No passphrase of ${TRIES} tries opened the encrypted key files in ${dir}. ${wrong.message}`,
        );
      }
      prompt.say(`that passphrase does not open the encrypted key files in ${dir}; try again (${TRIES - wrongs} more).`);
    }
    const ask = (message: string) =>
      prompt.ask({
        kind: 'passphrase',
        message,
        secret: true,
        title: 'Passphrase prompt',
        unanswerable: prompt.name === 'none' ? passphraseNobodyAsked(dir).message : passphraseNeedsTerminal(dir).message,
        ...(options.profile !== undefined ? { context: { profile: options.profile } } : {}),
      });
    const confirm = !wrong && options.confirm(); // a wrong one means the store has files: no new passphrase
    for (let i = 0; i < TRIES; i++) {
      const first = await ask(
        confirm ? `New passphrase for the encrypted key files in ${dir}: ` : `Passphrase for the encrypted key files in ${dir}: `,
      );
      if (first.length === 0) {
        prompt.say('the passphrase cannot be empty; try again.');
        continue;
      }
      if (!confirm) return first;
      if ((await ask('Repeat the passphrase: ')) === first) return first;
      prompt.say('the two passphrases differ; try again.');
    }
    throw new MfaExecError(`No usable passphrase after ${TRIES} tries; nothing was stored.`, ExitCode.keyStorePassphrase, {
      kind: 'keystore-passphrase',
    });
  };
}

/** A passphrase is needed and neither a variable nor a terminal can give it. */
export function passphraseNeedsTerminal(dir: string): NoTerminalError {
  return new NoTerminalError(
    `The encrypted key files in ${dir} need a passphrase, and there is no terminal to ask on: set MFA_EXEC_FILE_PASSPHRASE, or run mfa-exec from a terminal.`,
  );
}

/** A passphrase is needed and the prompt is `none` (agents, CI). */
function passphraseNobodyAsked(dir: string): NoTerminalError {
  return new NoTerminalError(
    `The encrypted key files in ${dir} need a passphrase, and the prompt is 'none': nobody is asked. Set MFA_EXEC_FILE_PASSPHRASE, or let a person run mfa-exec from a terminal.`,
  );
}
