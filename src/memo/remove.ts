/**
 * Removing the memos (src/memo/record.ts): whenever cache entries are removed (`clear`, a key
 * changed by add, rotate or remove), every memo goes with them. A memo holds the credentials it gave
 * its target, and one made from a removed entry would not be replayed anyway (the entry is one of the
 * files it looked at); the next run of each command records its memo again.
 */
import path from 'node:path';
import type { Logger } from '../log.ts';
import { withPrivateDir } from '../private-file.ts';
import { temporaryWriter } from '../private-io.ts';
import { MEMO_DIR, MEMO_NAME } from './identity.ts';

/** Removes the memos (and temporary files of memos being written) of `cacheDir`; returns how many memos. */
export function removeMemos(cacheDir: string, logger: Logger): number {
  return (
    withPrivateDir(path.join(cacheDir, MEMO_DIR), (dir) => {
      let removed = 0;
      for (const name of dir.list()) {
        const ours = MEMO_NAME.test(name);
        const memo = ours && name.endsWith('.json');
        if (!ours && temporaryWriter(name) === undefined) continue;
        if (!dir.lstat(name)?.isFile()) continue;
        try {
          if (dir.unlink(name) && memo) removed++;
        } catch (error) {
          logger.debug(`cannot remove the memo ${name} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
      return removed;
    }) ?? 0
  );
}
