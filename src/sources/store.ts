/**
 * Keys in mfa-exec's key store (the OS keyring or the encrypted files): a profile with no
 * credentials of its own in the files. The store is opened only on a cache miss (fetch), so the
 * plan stays pure and the warm path never opens it; the cache knows the source by the profile
 * the keys are stored under (the warm path cannot read their id), so add, import, rotate and
 * remove drop what was made from a profile's stored keys.
 */
import type { Credentials } from '../aws/credentials.ts';
import { mask } from '../log.ts';
import type { SourceFetchContext, SourceKind } from './types.ts';

export interface StoreSource {
  readonly kind: 'store';
  readonly profile: string;
  /** The config and credentials files, for the error when the store has none either. */
  readonly files: readonly string[];
}

/** The source of everything made from the keys a profile has in the store. */
export function storeSourceId(profile: string): string {
  return `store:${profile}`;
}

export const keyStore: SourceKind<StoreSource> = {
  kind: 'store',
  detect: (p, { role, files }) => (role ? undefined : { kind: 'store', profile: p.name, files: [files.configFile, files.credentialsFile] }),
  id: (source) => storeSourceId(source.profile),
  describe(source, ctx) {
    const kind = ctx.storedIn(source.profile);
    return kind === 'keyring' ? 'keyring' : kind === 'file' ? 'encrypted file' : 'none';
  },
  note: (source, files) =>
    `profile '${source.profile}' has no keys in ${files.credentialsFile} or ${files.configFile}: they come from the key store`,
};

export async function fetch(source: StoreSource, ctx: SourceFetchContext): Promise<Credentials> {
  ctx.logger.debug(`source credentials: keys of profile '${source.profile}' from the key store`);
  // The key store's code loads only for a profile whose keys are in it.
  const { storedSourceKeys } = await import('../keystore/source-keys.ts');
  const keys = await storedSourceKeys(source, {
    settings: ctx.settings.keyStore,
    env: ctx.env,
    homedir: ctx.homedir,
    logger: ctx.logger,
    prompt: ctx.prompt,
  });
  ctx.logger.debug(`source credentials: stored keys ${mask(keys.accessKeyId)} of profile '${source.profile}'`);
  return keys;
}
