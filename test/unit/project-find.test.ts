// Where the project file is looked for (src/project/find.ts): from the working directory up to
// the home directory, or to the root outside it; the nearest one counts.
import assert from 'node:assert/strict';
import type { Stats } from 'node:fs';
import { describe, test } from 'node:test';
import { findProjectFile, searchDirs } from '../../src/project/find.ts';

describe('searchDirs', () => {
  const cases: [string, string, string, string[]][] = [
    [
      'below home: up to home, included',
      '/home/u/src/repo/prod',
      '/home/u',
      ['/home/u/src/repo/prod', '/home/u/src/repo', '/home/u/src', '/home/u'],
    ],
    ['home itself', '/home/u', '/home/u', ['/home/u']],
    ['outside home: up to the root', '/srv/infra/prod', '/home/u', ['/srv/infra/prod', '/srv/infra', '/srv', '/']],
    ['the root', '/', '/home/u', ['/']],
    ['above home: up to the root, never down into home', '/home', '/home/u', ['/home', '/']],
    ['a trailing slash is the same directory', '/home/u/repo/', '/home/u', ['/home/u/repo', '/home/u']],
    ['a home that is a prefix of another directory is not it', '/home/u2/repo', '/home/u', ['/home/u2/repo', '/home/u2', '/home', '/']],
  ];
  for (const [name, cwd, home, want] of cases) test(name, () => assert.deepEqual(searchDirs(cwd, home), want));
});

describe('findProjectFile', () => {
  const file = { isDirectory: () => false } as Stats;
  const dir = { isDirectory: () => true } as Stats;
  const fake = (entries: Record<string, Stats>) => {
    const asked: string[] = [];
    return { asked, stat: (p: string) => (asked.push(p), entries[p]) };
  };

  test('the nearest file wins, and nothing above it is looked at', () => {
    const fs = fake({ '/home/u/repo/prod/.mfa-exec': file, '/home/u/repo/.mfa-exec': file });
    assert.equal(findProjectFile('/home/u/repo/prod/mod', '/home/u', fs.stat), '/home/u/repo/prod/.mfa-exec');
    assert.deepEqual(fs.asked, ['/home/u/repo/prod/mod/.mfa-exec', '/home/u/repo/prod/.mfa-exec']);
  });

  test('none: one stat per directory up to home, nothing more', () => {
    const fs = fake({ '/home/.mfa-exec': file });
    assert.equal(findProjectFile('/home/u/a/b', '/home/u', fs.stat), undefined);
    assert.deepEqual(fs.asked, ['/home/u/a/b/.mfa-exec', '/home/u/a/.mfa-exec', '/home/u/.mfa-exec']);
  });

  test('a directory named .mfa-exec is not a project file: the walk goes on', () => {
    const fs = fake({ '/home/u/repo/.mfa-exec': dir, '/home/u/.mfa-exec': file });
    assert.equal(findProjectFile('/home/u/repo', '/home/u', fs.stat), '/home/u/.mfa-exec');
  });
});
