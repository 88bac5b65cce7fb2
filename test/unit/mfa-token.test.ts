// Where an MFA code comes from (src/mfa/token.ts), with a fake prompt in place of the terminal:
// the question asked, the retries of what cannot be a code, and the order of the sources.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isMfaExecError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { createTokenProvider, type TokenProviderOptions } from '../../src/mfa/token.ts';
import { recordUsed } from '../../src/mfa/used-codes.ts';
import { openPrompt } from '../../src/prompt/drivers.ts';
import type { Prompt, Question } from '../../src/prompt/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-token-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SERIAL = 'arn:aws:iam::123456789012:mfa/me';
const T0 = Date.parse('2026-03-01T12:00:07Z');

/** A prompt that answers from a list and records what it was asked and told. */
function fakePrompt(answers: string[]): Prompt & { asked: Question[]; said: string[]; closed: number } {
  const asked: Question[] = [];
  const said: string[] = [];
  return {
    name: 'fake',
    asked,
    said,
    closed: 0,
    ask(q) {
      asked.push(q);
      const answer = answers.shift();
      return answer === undefined ? Promise.reject(new Error('no more answers')) : Promise.resolve(answer);
    },
    confirm: () => Promise.resolve(false),
    say: (m) => void said.push(m),
    close() {
      this.closed++;
    },
  };
}

const provider = (prompt: Prompt, extra: Partial<TokenProviderOptions> = {}) =>
  createTokenProvider({ digits: 6, cacheDir: dir, logger: silentLogger, now: () => T0, prompt, ...extra });
let caches = 0;
/** A cache directory of its own (0700, as the cache is), so that recorded codes do not leak between tests. */
const freshCache = () => {
  const cache = join(dir, `c${++caches}`);
  mkdirSync(cache, { mode: 0o700 });
  return cache;
};

describe('createTokenProvider with a prompt', () => {
  test('asks the AWS CLI’s question, with the profile and device as context', async () => {
    const prompt = fakePrompt(['123 456']);
    const got = await provider(prompt, { reason: 'the MFA session ends in 3m' }).next({ serial: SERIAL, profile: 'dev', retry: false });
    assert.deepEqual(got, { code: '123456', source: 'fake', canRetry: true });
    assert.equal(prompt.asked[0]!.message, `Enter MFA code for ${SERIAL}: `);
    assert.equal(prompt.asked[0]!.kind, 'mfa-code');
    assert.deepEqual(prompt.asked[0]!.context, { profile: 'dev', mfaSerial: SERIAL });
    assert.deepEqual(prompt.said, ['the MFA session ends in 3m']);
  });

  test('what is not a code is said and asked again', async () => {
    const prompt = fakePrompt(['12345', 'abcdef', '654321']);
    const got = await provider(prompt).next({ serial: SERIAL, profile: 'dev', retry: false });
    assert.equal(got.code, '654321');
    assert.deepEqual(prompt.said, ['an MFA code has 6 digits, not 5; try again.', 'an MFA code has digits only; try again.']);
  });

  test('a rejected code: said, then asked again; close lets go of the prompt', async () => {
    const prompt = fakePrompt(['111111']);
    const tokens = provider(prompt);
    assert.equal((await tokens.next({ serial: SERIAL, profile: 'dev', retry: true })).code, '111111');
    assert.deepEqual(prompt.said, [`AWS rejected that code for ${SERIAL}.`]);
    tokens.close();
    assert.equal(prompt.closed, 1);
  });

  test('--mfa-token comes first and is never asked again', async () => {
    const prompt = fakePrompt([]);
    assert.deepEqual(await provider(prompt, { flagToken: '222222' }).next({ serial: SERIAL, profile: 'dev', retry: false }), {
      code: '222222',
      source: '--mfa-token',
      canRetry: false,
    });
    assert.equal(prompt.asked.length, 0);
  });

  test('with the none driver: exit 66 at once, in one line saying what a person should run', async () => {
    const error = await provider(openPrompt('none', {}))
      .next({ serial: SERIAL, profile: 'dev', retry: false })
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.match(
      error.message,
      /^Profile 'dev' needs an MFA code for .*mfa\/me, and the prompt is 'none': nobody is asked\. A person should run 'mfa-exec login --profile dev' first/,
    );
    assert.doesNotMatch(error.message, /\n/);
  });

  test('the default prompt with no terminal and no desktop says so, and how to pass a code', async () => {
    const error = await provider(openPrompt('auto', {}, { terminal: false }))
      .next({ serial: SERIAL, profile: 'dev', retry: false })
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.match(error.message, /but there is no terminal to ask on\. Pass one with --mfa-token CODE/);
    assert.match(error.message, /\(No dialog either: no desktop session \(DISPLAY and WAYLAND_DISPLAY are unset\)\.\)$/);
  });

  test('the profile’s ykman account reaches the question', async () => {
    const prompt = fakePrompt(['123456']);
    await provider(prompt).next({ serial: SERIAL, profile: 'dev', ykmanAccount: 'AWS:me', retry: false });
    assert.deepEqual(prompt.asked[0]!.context, { profile: 'dev', mfaSerial: SERIAL, ykmanAccount: 'AWS:me' });
  });
});

describe('an unattended prompt (a YubiKey) that gives a code AWS already took', () => {
  test('waits for the next 30 s window instead of asking again at once', async () => {
    const sub = mkdtempSync(join(dir, 'unattended-'));
    let clock = T0; // 12:00:07: 23 s left in this window
    const slept: number[] = [];
    const device = { ...fakePrompt(['111111', '111111', '222222']), unattended: true };
    const tokens = createTokenProvider({
      digits: 6,
      cacheDir: sub,
      logger: silentLogger,
      now: () => clock,
      prompt: device,
      sleep: (ms) => {
        slept.push(ms);
        clock += ms;
        return Promise.resolve();
      },
    });
    tokens.accepted(SERIAL, '111111');
    const got = await tokens.next({ serial: SERIAL, profile: 'dev', retry: false });
    assert.equal(got.code, '222222');
    assert.equal(device.asked.length, 3);
    assert.deepEqual(slept, [24_000, 1_000], 'to the window’s end (+1 s), then 1 s more within the next window');
    assert.ok(
      device.said.every((line) => /waiting \d+ s for the next one/.test(line)),
      device.said.join('\n'),
    );
  });
});

// Issue 17: the mutation pass found no unit test for the order of the sources, for a used code
// typed at the prompt (a reused code was sent to AWS once that check was removed), or for the
// tries running out.
describe('createTokenProvider: where a code comes from, in order', () => {
  const REQUEST = { serial: SERIAL, profile: 'dev', mfaProcess: 'otp-tool', retry: false };
  const mfaProcess = (code: string) => {
    const ran: string[] = [];
    return { ran, run: async (command: string) => (ran.push(command), code) };
  };

  test('--mfa-token, then MFA_EXEC_MFA_TOKEN, then mfa_process, then the prompt; each later one untouched', async () => {
    const cases: [Partial<TokenProviderOptions>, string, string][] = [
      [{ flagToken: '111111', envToken: '222222' }, '111111', '--mfa-token'],
      [{ envToken: '222222' }, '222222', 'MFA_EXEC_MFA_TOKEN'],
      [{}, '333333', 'mfa_process'],
    ];
    for (const [given, code, source] of cases) {
      const prompt = fakePrompt(['444444']);
      const proc = mfaProcess('333333\n');
      const got = await provider(prompt, { cacheDir: freshCache(), runMfaProcess: proc.run, ...given }).next(REQUEST);
      assert.deepEqual(got, { code, source, canRetry: false }, source);
      assert.equal(prompt.asked.length, 0, `${source}: the prompt is not asked`);
      assert.deepEqual(proc.ran, source === 'mfa_process' ? ['otp-tool'] : [], `${source}: mfa_process`);
    }
    const prompt = fakePrompt(['444444']);
    const got = await provider(prompt, { cacheDir: freshCache() }).next({ ...REQUEST, mfaProcess: undefined });
    assert.deepEqual(got, { code: '444444', source: 'fake', canRetry: true }, 'no other source: the prompt');
  });

  test('an empty MFA_EXEC_MFA_TOKEN is no code; a bad given code fails at once (65), never falling through to the prompt', async () => {
    const prompt = fakePrompt(['444444']);
    assert.equal(
      (await provider(prompt, { cacheDir: freshCache(), envToken: '' }).next({ ...REQUEST, mfaProcess: undefined })).code,
      '444444',
    );
    for (const given of [{ flagToken: '12345' }, { envToken: 'abcdef' }, { runMfaProcess: mfaProcess('no code').run }]) {
      const p = fakePrompt(['444444']);
      const error = await provider(p, { cacheDir: freshCache(), ...given })
        .next(REQUEST)
        .catch((e: unknown) => e);
      assert.ok(isMfaExecError(error, 'mfa-input') && error.exitCode === 65, JSON.stringify(given));
      assert.equal(p.asked.length, 0);
    }
  });

  test('a code typed at the prompt that AWS accepted already is said and asked again, never returned', async () => {
    const cache = freshCache();
    recordUsed(cache, SERIAL, '555555', T0 - 10_000);
    const prompt = fakePrompt(['555555', '666666']);
    const got = await provider(prompt, { cacheDir: cache }).next({ ...REQUEST, mfaProcess: undefined });
    assert.equal(got.code, '666666');
    assert.equal(prompt.asked.length, 2);
    assert.match(prompt.said.at(-1)!, /^that code was already used and AWS refuses it twice; wait for the next one \(about \d+ s\)\.$/);
  });

  test('a code accepted earlier in this run (not yet on disk) is refused at the prompt too', async () => {
    const prompt = fakePrompt(['777777', '777777', '888888']);
    const tokens = provider(prompt, { cacheDir: join(dir, 'no-such-cache') });
    assert.equal((await tokens.next({ ...REQUEST, mfaProcess: undefined })).code, '777777');
    tokens.accepted(SERIAL, '777777');
    assert.equal((await tokens.next({ ...REQUEST, mfaProcess: undefined, retry: true })).code, '888888');
    assert.match(prompt.said.join('\n'), /that code was already used/);
  });

  test('a used code given up front (--mfa-token) fails at once (65) with the wait', async () => {
    const cache = freshCache();
    recordUsed(cache, SERIAL, '555555', T0 - 10_000);
    const error = await provider(fakePrompt([]), { cacheDir: cache, flagToken: '555555' })
      .next(REQUEST)
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'mfa-input'));
    assert.match(error.message, /The MFA code from --mfa-token was already accepted by AWS for .* Wait for the next code/);
  });

  test('five answers that are no usable code: the tries are used up (65), nothing sent', async () => {
    const cache = freshCache();
    recordUsed(cache, SERIAL, '555555', T0 - 10_000);
    const prompt = fakePrompt(['', '12', 'abcdef', '555555', '1234567', '999999']);
    const error = await provider(prompt, { cacheDir: cache })
      .next({ ...REQUEST, mfaProcess: undefined })
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'mfa-input') && error.exitCode === 65);
    assert.equal(error.message, `No usable MFA code for ${SERIAL} after 5 tries.`);
    assert.equal(prompt.asked.length, 5, 'the sixth answer is never asked for');
  });

  test('a code used under 30 s ago: the prompt says to wait for the next one before asking', async () => {
    const cache = freshCache();
    recordUsed(cache, SERIAL, '555555', T0 - 5_000);
    const prompt = fakePrompt(['123123']);
    await provider(prompt, { cacheDir: cache }).next({ ...REQUEST, mfaProcess: undefined });
    assert.match(prompt.said[0]!, /a code for .* was used 5 s ago; AWS accepts each code once, so wait for the next one/);
  });
});
