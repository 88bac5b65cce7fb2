// The --server refresher with a fake resolution and a fake clock: requests never wait for a human
// (nor for a lock held by one), the renewal notice is said once and only when a code will be
// needed, mfa_process runs in the background and is aborted on close.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan, type Plan } from '../../src/aws-config/plan.ts';
import { writeEntry } from '../../src/credentials/cache.ts';
import { planCacheRefs } from '../../src/credentials/cache-key.ts';
import type { MissContext } from '../../src/credentials/miss.ts';
import type { Credentials } from '../../src/aws/credentials.ts';
import { createLogger } from '../../src/log.ts';
import { platformFor } from '../../src/platform/index.ts';
import { NoTerminalError } from '../../src/prompt/errors.ts';
import { canAskInBackground, createRefresher, type RefresherContext } from '../../src/server/refresher.ts';
import { readSettings } from '../../src/settings.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-refresher-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));
const MIN = 60_000;
const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const SERIAL = 'arn:aws:iam::111111111111:mfa/alice';
const LOGIN = 'mfa-exec login -p admin';

function plan(mfaProcess?: string): Plan {
  const config =
    `[profile base]\nmfa_serial = ${SERIAL}\n${mfaProcess ? `mfa_process = ${mfaProcess}\n` : ''}` +
    '[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\n';
  const credentials = '[base]\naws_access_key_id = AKIABASE000EXAMPLE00\naws_secret_access_key = baseSecret\n';
  return resolvePlan(parseAwsFiles(config, '/c', credentials, '/k'), 'admin', {});
}

const creds = (id: string, expiresAt: number): Credentials => ({
  accessKeyId: id,
  secretAccessKey: 's',
  sessionToken: 't',
  expiration: new Date(expiresAt),
});

let counter = 0;
/** `prompt`: the run's prompt (default terminal: nothing may be asked while the command runs). */
function setup(p: Plan, resolve: RefresherContext['resolve'], opts: { sessionEndsAt?: number; prompt?: string } = {}) {
  const dir = join(ROOT, `c${++counter}`);
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o700);
  let clock = T0;
  const lines: string[] = [];
  const settings = readSettings({ MFA_EXEC_PROMPT: opts.prompt ?? 'terminal' });
  if (opts.sessionEndsAt !== undefined) {
    writeEntry(dir, planCacheRefs(p, undefined).session!, creds('ASIASESSION', opts.sessionEndsAt), clock);
  }
  const ctx: RefresherContext = {
    env: {},
    homedir: dir,
    settings,
    prompt: settings.prompt,
    cacheDir: dir,
    logger: createLogger(false, (l) => lines.push(l)),
    now: () => clock,
    onDemand: () => Promise.reject(new Error('not used')),
    loginCommand: LOGIN,
    answerWithinMs: 50,
    checkEveryMs: 3_600_000,
    resolve,
  };
  return { ctx, lines, advance: (ms: number) => (clock += ms) };
}

const needsCode = () => Promise.reject(new NoTerminalError('a code is needed'));

describe('createRefresher', () => {
  test('a slow quiet resolution (a lock held by login at its prompt) does not hold the request: the valid credentials now, the new ones next', async () => {
    const first = creds('ASIAFIRST', T0 + 30 * MIN);
    const { ctx } = setup(plan(), () => new Promise((r) => setTimeout(() => r(creds('ASIANEW', T0 + 60 * MIN)), 300)));
    const refresher = createRefresher(plan(), first, 'terraform', ctx);
    try {
      const started = Date.now();
      assert.equal((await refresher.get()).accessKeyId, 'ASIAFIRST');
      assert.ok(Date.now() - started < 250, `answered after ${Date.now() - started} ms`);
      await new Promise((r) => setTimeout(r, 350));
      assert.equal((await refresher.get()).accessKeyId, 'ASIANEW');
    } finally {
      refresher.close();
    }
  });

  test('a code needed within the notice window: said once over many requests, with the login command; the valid credentials are served', async () => {
    const p = plan();
    const first = creds('ASIAFIRST', T0 + 10 * MIN);
    const { ctx, lines } = setup(p, needsCode, { sessionEndsAt: T0 + 5 * MIN });
    const refresher = createRefresher(p, first, 'terraform', ctx);
    try {
      for (let i = 0; i < 10; i++) assert.equal((await refresher.get()).accessKeyId, 'ASIAFIRST');
      const notices = lines.filter((l) => l.includes('renewing them needs a new MFA code'));
      assert.equal(notices.length, 1, lines.join(''));
      assert.match(notices[0]!, /the MFA session of profile 'admin' ends before the credentials of 'terraform'/);
      assert.ok(notices[0]!.includes(`run in another terminal: ${LOGIN} (or set mfa_process in the profile)`));
    } finally {
      refresher.close();
    }
  });

  test('no notice while the credentials have more than the window left, nor when the session outlives them', async () => {
    const p = plan();
    const early = setup(p, needsCode, { sessionEndsAt: T0 + 20 * MIN });
    const a = createRefresher(p, creds('ASIAFIRST', T0 + 60 * MIN), 'terraform', early.ctx);
    const late = setup(p, needsCode, { sessionEndsAt: T0 + 2 * 60 * MIN });
    const b = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', late.ctx);
    try {
      await a.get();
      await b.get();
      assert.deepEqual([...early.lines, ...late.lines], []);
      // Time passes for the first: now it is in the window, and the session ends first.
      early.advance(50 * MIN);
      await a.get();
      assert.equal(early.lines.filter((l) => l.includes('needs a new MFA code')).length, 1);
    } finally {
      a.close();
      b.close();
    }
  });

  test('expired, with a code needed: a clear error naming the login command', async () => {
    const p = plan();
    const { ctx, advance } = setup(p, needsCode);
    const refresher = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', ctx);
    try {
      advance(11 * MIN);
      await assert.rejects(refresher.get(), (e: Error) => e.message.includes(`Run '${LOGIN}' in another terminal`));
    } finally {
      refresher.close();
    }
  });

  test('with an mfa_process: run once, in the background, never the terminal; close() aborts it', async () => {
    const p = plan('ykman oath accounts code -s aws');
    const renewals: MissContext[] = [];
    const resolve: RefresherContext['resolve'] = (_plan, c) => {
      if (!c.renew) return needsCode();
      renewals.push(c);
      return new Promise(() => {}); // still waiting for the key to be touched
    };
    const { ctx, lines } = setup(p, resolve, { sessionEndsAt: T0 + 5 * MIN });
    const refresher = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', ctx);
    for (let i = 0; i < 5; i++) assert.equal((await refresher.get()).accessKeyId, 'ASIAFIRST');
    assert.equal(renewals.length, 1);
    assert.equal(renewals[0]!.prompt, 'none');
    assert.ok(renewals[0]!.background && !renewals[0]!.background.aborted);
    assert.deepEqual(lines, [], 'nothing to say while mfa_process runs');
    refresher.close();
    assert.equal(renewals[0]!.background.aborted, true);
  });

  test('what an mfa_process renewal brings is served, and it is not run again for it (even inside the window)', async () => {
    const p = plan('ykman oath accounts code -s aws');
    let runs = 0;
    const resolve: RefresherContext['resolve'] = (_plan, c) => {
      if (!c.renew) return needsCode();
      runs++;
      return Promise.resolve(creds('ASIARENEWED', T0 + 12 * MIN)); // a notice longer than what renewal gives
    };
    const { ctx, lines } = setup(p, resolve, { sessionEndsAt: T0 + 5 * MIN });
    const refresher = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', ctx);
    try {
      await refresher.get();
      await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 5; i++) assert.equal((await refresher.get()).accessKeyId, 'ASIARENEWED');
      assert.equal(runs, 1);
      assert.deepEqual(lines, []);
    } finally {
      refresher.close();
    }
  });

  test('a failed mfa_process: said once, with its reason, and not run again for the same credentials', async () => {
    const p = plan('false');
    let runs = 0;
    const resolve: RefresherContext['resolve'] = (_plan, c) => {
      if (!c.renew) return needsCode();
      runs++;
      return Promise.reject(new NoTerminalError("The mfa_process of profile 'admin' exited with code 1."));
    };
    const { ctx, lines } = setup(p, resolve, { sessionEndsAt: T0 + 5 * MIN });
    const refresher = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', ctx);
    try {
      for (let i = 0; i < 5; i++) {
        await refresher.get();
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(runs, 1);
      const notices = lines.filter((l) => l.includes('needs a new MFA code'));
      assert.equal(notices.length, 1, lines.join(''));
      assert.match(notices[0]!, /exited with code 1/);
      assert.doesNotMatch(notices[0]!, /set mfa_process/);
    } finally {
      refresher.close();
    }
  });

  describe('a prompt that can ask without the terminal (a desktop dialog, a YubiKey)', () => {
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };

    test('asks once in the background through that prompt, never the terminal; what it brings is served; close() closes the dialog', async () => {
      const p = plan();
      const renewals: MissContext[] = [];
      let answer: (c: Credentials) => void = () => {};
      const resolve: RefresherContext['resolve'] = (_plan, c) => {
        if (!c.renew) return needsCode();
        renewals.push(c);
        return new Promise((r) => (answer = r)); // the person is at the dialog
      };
      const { ctx, lines } = setup(p, resolve, { sessionEndsAt: T0 + 5 * MIN, prompt: 'zenity' });
      const refresher = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', ctx);
      try {
        for (let i = 0; i < 5; i++) assert.equal((await refresher.get()).accessKeyId, 'ASIAFIRST');
        assert.equal(renewals.length, 1, 'asked once');
        const asked = renewals[0]!;
        assert.equal(asked.prompt, 'zenity');
        assert.equal(asked.mfaProcess, false);
        assert.ok(asked.background && !asked.background.aborted, 'in the background: no terminal, closed on abort');
        assert.match(asked.promptReason!, /'terraform' \(still running\) run out at .*profile 'admin'/);
        assert.deepEqual(lines, [], 'nothing said while the dialog is up');
        answer(creds('ASIARENEWED', T0 + 60 * MIN));
        await settle();
        assert.equal((await refresher.get()).accessKeyId, 'ASIARENEWED');
        assert.deepEqual(lines, []);
      } finally {
        refresher.close();
      }
      assert.equal(renewals[0]!.background!.aborted, true);
    });

    test('cancelled (or no desktop): the notice once, with why, and not asked again for the same credentials', async () => {
      const p = plan();
      let asked = 0;
      const resolve: RefresherContext['resolve'] = (_plan, c) => {
        if (!c.renew) return needsCode();
        asked++;
        return Promise.reject(new NoTerminalError('MFA prompt cancelled.'));
      };
      const { ctx, lines } = setup(p, resolve, { sessionEndsAt: T0 + 5 * MIN, prompt: 'desktop' });
      const refresher = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', ctx);
      try {
        for (let i = 0; i < 5; i++) {
          await refresher.get();
          await settle();
        }
        assert.equal(asked, 1);
        const notices = lines.filter((l) => l.includes('needs a new MFA code'));
        assert.equal(notices.length, 1, lines.join(''));
        assert.match(notices[0]!, /MFA prompt cancelled/);
        assert.ok(notices[0]!.includes(`run in another terminal: ${LOGIN}`));
      } finally {
        refresher.close();
      }
    });

    test('mfa_process first; when it fails, the prompt at once; the notice only when both fail', async () => {
      const p = plan('false');
      const how: string[] = [];
      const resolve: RefresherContext['resolve'] = (_plan, c) => {
        if (!c.renew) return needsCode();
        how.push(c.prompt);
        return Promise.reject(new NoTerminalError(c.prompt === 'none' ? 'mfa_process exited with code 1.' : 'no answer in 120 s.'));
      };
      const { ctx, lines } = setup(p, resolve, { sessionEndsAt: T0 + 5 * MIN, prompt: 'ykman' });
      const refresher = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', ctx);
      try {
        for (let i = 0; i < 3; i++) {
          await refresher.get();
          await settle();
        }
        assert.deepEqual(how, ['none', 'ykman']);
        const notices = lines.filter((l) => l.includes('needs a new MFA code'));
        assert.equal(notices.length, 1, lines.join(''));
        assert.match(notices[0]!, /no answer in 120 s/);
      } finally {
        refresher.close();
      }
    });

    test('auto asks in the background only when there is a desktop to show a dialog on', () => {
      assert.equal(canAskInBackground('auto', {}), false, 'no display: the notice, as before');
      assert.equal(canAskInBackground('auto', { DISPLAY: ':0', PATH: '/nonexistent' }), false, 'no dialog program');
      for (const name of ['zenity', 'kdialog', 'osascript', 'desktop', 'ykman']) assert.equal(canAskInBackground(name, {}), true, name);
      for (const name of ['terminal', 'none']) assert.equal(canAskInBackground(name, { DISPLAY: ':0' }), false, name);
    });

    test("auto's desktop is the injected platform's: zenity with a display, osascript on macOS, none on Windows", () => {
      const bin = mkdtempSync(join(tmpdir(), 'mfa-exec-refresher-bin-'));
      try {
        for (const program of ['zenity', 'osascript']) writeFileSync(join(bin, program), '#!/bin/sh\n', { mode: 0o755 });
        const env = { DISPLAY: ':0', PATH: bin };
        assert.equal(canAskInBackground('auto', env, platformFor('linux')), true, 'Linux: zenity');
        assert.equal(canAskInBackground('auto', { PATH: bin }, platformFor('darwin')), true, 'macOS: osascript, no display needed');
        assert.equal(
          canAskInBackground('auto', { DISPLAY: ':0', PATH: '/nonexistent' }, platformFor('darwin')),
          false,
          'macOS without osascript',
        );
        assert.equal(canAskInBackground('auto', env, platformFor('win32')), false, 'Windows: no dialog');
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    });

    test('none: never asks, says so as before', async () => {
      const p = plan();
      let asked = 0;
      const resolve: RefresherContext['resolve'] = (_plan, c) => (c.renew ? (asked++, needsCode()) : needsCode());
      const { ctx, lines } = setup(p, resolve, { sessionEndsAt: T0 + 5 * MIN, prompt: 'none' });
      const refresher = createRefresher(p, creds('ASIAFIRST', T0 + 10 * MIN), 'terraform', ctx);
      try {
        await refresher.get();
        await settle();
        assert.equal(asked, 0);
        assert.equal(lines.filter((l) => l.includes('needs a new MFA code')).length, 1);
      } finally {
        refresher.close();
      }
    });
  });
});
