/** What the key commands (add, import, remove, rotate) share: the store context and dropping sessions. */
import { removeEntries } from '../credentials/remove-entries.ts';
import { UsageError } from '../errors.ts';
import { askPassphrase } from '../keystore/ask-passphrase.ts';
import type { KeyStoreError } from '../keystore/errors.ts';
import { keysDir } from '../dirs.ts';
import { FileKeyStore } from '../keystore/file-store.ts';
import type { StoreContext } from '../keystore/select-store.ts';
import type { Options } from '../options.ts';
import { openPrivateDir } from '../private-file.ts';
import type { Prompt } from '../prompt/types.ts';
import type { Runtime } from '../pipeline/runtime.ts';

/**
 * The stores as this run sees them. The passphrase is asked through `prompt` (none: never) when no variable
 * gives it; twice when `sealing` and the store has no key file yet (a new passphrase). It is
 * asked once per run: `import a b c` opens a store per profile, all with the same passphrase.
 */
export function storeContext(rt: Runtime, options: Pick<Options, 'backend'>, prompt?: Prompt, sealing = false): StoreContext {
  const dir = keysDir(rt.env, rt.homedir);
  const empty = () => new FileKeyStore({ dir, passphrase: () => Promise.reject(new Error('unused')) }).listSync().length === 0;
  const ask = prompt && askPassphrase(prompt, dir, { confirm: () => sealing && empty() });
  let asked: Promise<string> | undefined;
  return {
    flag: options.backend,
    settings: rt.settings.keyStore,
    env: rt.env,
    homedir: rt.homedir,
    logger: rt.logger,
    ...(ask ? { askPassphrase: (wrong?: KeyStoreError) => (wrong ? (asked = ask(wrong)) : (asked ??= ask())) } : {}),
  };
}

/** The profile names a key command was given (positional words, else --profile). */
export function profilesOf(command: string, args: string[], options: Pick<Options, 'profile'>, many: boolean): string[] {
  const names = args.length > 0 ? args : options.profile !== undefined ? [options.profile] : [];
  if (names.length === 0)
    throw new UsageError(`'mfa-exec ${command}' needs a profile name: mfa-exec ${command} PROFILE${many ? '…' : ''}.`);
  if (!many && names.length > 1)
    throw new UsageError(`'mfa-exec ${command}' takes one profile, not ${names.length} (${names.join(', ')}).`);
  return names;
}

/**
 * Deletes the cached MFA sessions and role credentials made from a source (`source`, as
 * the source's kind names it: src/sources/), whatever profile, duration or endpoint they were fetched
 * for. Returns how many cache files were removed (none when the cache directory is not usable).
 */
export function dropSessions(source: string, rt: Runtime): number {
  const opened = openPrivateDir(rt.cacheDir);
  if (!('dir' in opened)) return 0;
  try {
    return removeEntries(opened.dir, (_kind, request) => request.source === source, rt);
  } finally {
    opened.dir.close();
  }
}
