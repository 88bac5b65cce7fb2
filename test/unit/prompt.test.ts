// The prompt drivers' table (src/prompt/drivers.ts) and the `none` driver; the terminal driver is
// tested end to end in a pseudo-terminal (test/e2e/prompt-cancel.test.ts, keys-prompt.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMfaExecError } from '../../src/errors.ts';
import { DRIVERS, openPrompt, withPrompt } from '../../src/prompt/drivers.ts';
import type { Question } from '../../src/prompt/types.ts';

const question: Question = {
  kind: 'mfa-code',
  message: 'Enter MFA code for arn:aws:iam::1:mfa/me: ',
  secret: false,
  title: 'MFA prompt',
  unanswerable: "Profile 'p' needs an MFA code; run 'mfa-exec login --profile p' in a terminal first.",
};

describe('the drivers table', () => {
  test('has the terminal and none', () => assert.deepEqual(Object.keys(DRIVERS).sort(), ['none', 'terminal']));
  test('an unknown name is refused', () => assert.throws(() => openPrompt('zenity-typo', {}), /no prompt driver named 'zenity-typo'/));
  test('a driver knows its name', () => {
    for (const name of Object.keys(DRIVERS)) assert.equal(openPrompt(name, {}).name, name);
  });
});

describe('none: nobody is asked', () => {
  test('a question fails at once with exit 66 and the caller’s next step', async () => {
    const error = await openPrompt('none', {})
      .ask(question)
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.equal(error.exitCode, 66);
    assert.equal(error.message, question.unanswerable);
  });
  test('a confirmation too; a question without its own words names itself', async () => {
    const error = await openPrompt('none', {})
      .confirm('Delete? [y/N] ')
      .catch((e: unknown) => e);
    assert.ok(isMfaExecError(error, 'no-terminal'));
    assert.match(error.message, /^Confirmation: there is no terminal to ask on\.$/);
  });
  test('say drops the line; withPrompt closes the driver after use, also when it throws', async () => {
    await assert.rejects(
      withPrompt('none', {}, async (p) => {
        p.say('nobody hears this');
        return p.ask(question);
      }),
      /needs an MFA code/,
    );
  });
});
