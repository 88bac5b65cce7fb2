// What a test needs from the machine (a tool, root), and what happens when it is missing: outside
// CI the test skips and says why; under CI=true it fails, because .ci/run installs or checks
// every tool a test needs, so a skip there would only hide a missing step (issue 17).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

export const CI = process.env.CI === 'true';

/**
 * The `skip` option for tests that need `what`: false when `missing` is undefined, else the reason
 * (outside CI), or (under CI) the reason after a failing test is registered in its place.
 */
export function needs(what: string, missing: string | undefined | false): string | false {
  if (!missing) return false;
  if (CI) test(`CI provides ${what}`, () => assert.fail(`${missing}: .ci/run installs or checks it, so under CI=true this does not skip`));
  return `${missing}${CI ? ' (under CI=true: failed)' : ''}`;
}

/** needs() for root (a chown to another user, a mount). */
export function needsRoot(why: string): string | false {
  return needs('root', process.getuid?.() !== 0 && `not root: cannot ${why}`);
}

/** The first of `paths` that exists, and needs() for it. */
export function needsFile(what: string, paths: readonly string[]): { path: string | undefined; skip: string | false } {
  const path = paths.find((p) => existsSync(p));
  return { path, skip: needs(what, path === undefined && `${what} is not installed (looked for ${paths.join(', ')})`) };
}

/** needs() for a Python module importable by `python`. */
export function needsPython(python: string, modules: string): string | false {
  const probe = spawnSync(python, ['-c', `import ${modules}`], { encoding: 'utf8' });
  return needs(
    `python modules ${modules}`,
    probe.status !== 0 &&
      `${modules} not importable with ${python}: ${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}`,
  );
}
