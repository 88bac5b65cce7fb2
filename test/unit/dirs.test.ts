// Where mfa-exec keeps its own files (src/dirs.ts): the XDG rule, once for the cache, the keys and the shims.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cacheDir, keysDir, shimsDir, trustDir } from '../../src/dirs.ts';

describe('cacheDir', () => {
  const cases: [string, NodeJS.ProcessEnv, string][] = [
    ['XDG_CACHE_HOME', { XDG_CACHE_HOME: '/xdg' }, '/xdg/mfa-exec'],
    ['default ~/.cache', {}, '/home/u/.cache/mfa-exec'],
    ['empty XDG_CACHE_HOME', { XDG_CACHE_HOME: '' }, '/home/u/.cache/mfa-exec'],
    ['relative XDG_CACHE_HOME is ignored (XDG spec)', { XDG_CACHE_HOME: 'rel/cache' }, '/home/u/.cache/mfa-exec'],
  ];
  for (const [name, env, want] of cases) test(name, () => assert.equal(cacheDir(env, '/home/u'), want));
});

describe('keysDir, shimsDir and trustDir: data, not cache', () => {
  const cases: [string, NodeJS.ProcessEnv, string][] = [
    ['XDG_DATA_HOME', { XDG_DATA_HOME: '/data' }, '/data/mfa-exec'],
    ['default ~/.local/share', {}, '/home/u/.local/share/mfa-exec'],
    ['relative XDG_DATA_HOME is ignored', { XDG_DATA_HOME: 'data' }, '/home/u/.local/share/mfa-exec'],
    ['XDG_CACHE_HOME does not move them', { XDG_CACHE_HOME: '/xdg' }, '/home/u/.local/share/mfa-exec'],
  ];
  for (const [name, env, base] of cases) {
    test(name, () => {
      assert.equal(keysDir(env, '/home/u'), `${base}/keys`);
      assert.equal(shimsDir(env, '/home/u'), `${base}/shims`);
      assert.equal(trustDir(env, '/home/u'), `${base}/trust`);
    });
  }
});
