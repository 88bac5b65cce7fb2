// The keyring index (names only) is trusted like every private file: ours, mode 0600, not a link.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { keyringIndexFile, readKeyringIndex, updateKeyringIndex } from '../../src/keystore/keyring-index.ts';
import { silentLogger } from '../../src/log.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));
chmodSync(dir, 0o700);

test('an index mfa-exec wrote is read; made readable by others, or reached through a link, it is ignored', () => {
  const file = keyringIndexFile(dir);
  updateKeyringIndex(file, 'prod', true, silentLogger);
  assert.deepEqual([...readKeyringIndex(file)], ['prod']);
  chmodSync(file, 0o644);
  assert.deepEqual([...readKeyringIndex(file)], [], 'an index others could have written names no profile');
  chmodSync(file, 0o600);
  const link = join(dir, 'link.json');
  symlinkSync(file, link);
  assert.deepEqual([...readKeyringIndex(link)], []);
});
