/** What the key commands (add, import, remove, rotate) share: the store context and dropping sessions. */
import fs from 'node:fs';
import { resolvePlan, type Plan } from '../aws-config/plan.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import { cacheDir, entryPath } from '../credentials/cache.ts';
import { planCacheRefs } from '../credentials/cache-key.ts';
import { isMfaExecError, UsageError } from '../errors.ts';
import { terminalPassphrase } from '../keystore/ask-passphrase.ts';
import { keysDir } from '../keystore/keys-dir.ts';
import { FileKeyStore } from '../keystore/file-store.ts';
import type { StoreContext } from '../keystore/select-store.ts';
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';

/**
 * The stores as this run sees them. The passphrase is asked on the terminal when no variable
 * gives it; twice when `sealing` and the store has no key file yet (a new passphrase).
 */
export function storeContext(rt: Runtime, options: Pick<Options, 'backend'>, sealing = false): StoreContext {
  const dir = keysDir(rt.env, rt.homedir);
  const empty = () => new FileKeyStore({ dir, passphrase: () => Promise.reject(new Error('unused')) }).listSync().length === 0;
  return {
    flag: options.backend,
    settings: rt.settings.keyStore,
    env: rt.env,
    homedir: rt.homedir,
    logger: rt.logger,
    askPassphrase: terminalPassphrase(dir, { confirm: () => sealing && empty() }),
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
 * Deletes the cached MFA sessions and role credentials made from a source (`from` picks it),
 * for every profile of the files whose chain ends there, with and without an MFA session.
 * Returns how many cache files were removed.
 */
export function dropSessions(files: AwsFiles, from: (source: Plan['source']) => boolean, rt: Runtime): number {
  const dir = cacheDir(rt.env, rt.homedir);
  let removed = 0;
  for (const name of files.profiles.keys()) {
    for (const noSession of [false, true]) {
      let plan: Plan;
      try {
        plan = resolvePlan(files, name, rt.env, { noSession });
      } catch (error) {
        if (isMfaExecError(error)) continue;
        throw error;
      }
      if (!from(plan.source)) continue;
      const refs = planCacheRefs(plan, rt.settings.stsEndpoint);
      for (const ref of [refs.session, ...refs.roles]) {
        if (!ref) continue;
        try {
          fs.unlinkSync(entryPath(dir, ref));
          removed++;
        } catch {
          // not cached
        }
      }
    }
  }
  return removed;
}

/** Sessions made from the keys a profile has in the store. */
export const fromStoreOf =
  (profile: string) =>
  (source: Plan['source']): boolean =>
    source.kind === 'store' && source.profile === profile;
