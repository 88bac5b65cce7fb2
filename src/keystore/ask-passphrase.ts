/**
 * The key store passphrase, asked on /dev/tty with echo off (tty-prompt.ts). For a store that has
 * no key file yet it is asked twice, so a typo cannot seal keys with a passphrase nobody knows.
 */
import { ExitCode, MfaExecError } from '../errors.ts';
import { NoTerminalError, openTerminal, type Terminal } from '../mfa/tty-prompt.ts';

const TRIES = 3;

/** The asking function; called without a terminal it fails (66) saying how to pass the passphrase. */
export function terminalPassphrase(
  dir: string,
  options: { confirm: () => boolean; open?: () => Terminal | undefined },
): () => Promise<string> {
  return async () => {
    const terminal = (options.open ?? openTerminal)();
    if (!terminal) {
      throw passphraseNeedsTerminal(dir);
    }
    try {
      const confirm = options.confirm();
      for (let i = 0; i < TRIES; i++) {
        terminal.write(
          confirm ? `New passphrase for the encrypted key files in ${dir}: ` : `Passphrase for the encrypted key files in ${dir}: `,
        );
        const first = await terminal.readSecret('Passphrase prompt');
        if (first.length === 0) {
          terminal.write('mfa-exec: the passphrase cannot be empty; try again.\n');
          continue;
        }
        if (!confirm) return first;
        terminal.write('Repeat the passphrase: ');
        if ((await terminal.readSecret('Passphrase prompt')) === first) return first;
        terminal.write('mfa-exec: the two passphrases differ; try again.\n');
      }
      throw new MfaExecError(`No usable passphrase after ${TRIES} tries; nothing was stored.`, ExitCode.keyStorePassphrase, {
        kind: 'keystore-passphrase',
      });
    } finally {
      terminal.close();
    }
  };
}

/** A passphrase is needed and neither a variable nor a terminal can give it. */
export function passphraseNeedsTerminal(dir: string): NoTerminalError {
  return new NoTerminalError(
    `The encrypted key files in ${dir} need a passphrase, and there is no terminal to ask on: set MFA_EXEC_FILE_PASSPHRASE, or run mfa-exec from a terminal.`,
  );
}
