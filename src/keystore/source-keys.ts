/**
 * A store source's keys on a cache miss (credentials/fetch.ts calls this through miss.ts): the
 * profile's entry in the key store, or a ConfigError that names the profile, both files and the
 * store(s) looked in. The passphrase is asked for only when an encrypted key file exists.
 */
import { ConfigError } from '../errors.ts';
import { shellWord } from '../shell-quote.ts';
import type { Logger } from '../log.ts';
import type { KeyStoreSettings } from '../settings.ts';
import type { Prompt } from '../prompt/types.ts';
import { askPassphrase } from './ask-passphrase.ts';
import { keysDir } from '../dirs.ts';
import { readStoredKeys } from './select-store.ts';
import type { LongTermKeys } from './types.ts';

export interface SourceKeysContext {
  settings: KeyStoreSettings;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  logger: Logger;
  /** Asks for the passphrase when no variable gives it (the `none` driver: nobody may be asked). */
  prompt: Prompt;
}

export async function storedSourceKeys(
  source: { profile: string; files: readonly string[] },
  ctx: SourceKeysContext,
): Promise<LongTermKeys> {
  const { profile } = source;
  const found = await readStoredKeys(
    {
      settings: ctx.settings,
      env: ctx.env,
      homedir: ctx.homedir,
      logger: ctx.logger,
      askPassphrase: askPassphrase(ctx.prompt, keysDir(ctx.env, ctx.homedir), { confirm: () => false, profile }),
    },
    profile,
  );
  for (const note of found.notes) ctx.logger.debug(note);
  if (found.keys) return found.keys;
  throw new ConfigError(
    `Profile '${profile}' has no keys: none in ${source.files.join(' or ')}, and none stored for it in ${found.looked.join(' or ')}. ` +
      `Store them with 'mfa-exec add ${shellWord(profile)}' (or move them out of the credentials file with 'mfa-exec import ${shellWord(profile)}'), ` +
      'or give the profile role_arn with source_profile, or credential_process.',
  );
}
