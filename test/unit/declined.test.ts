// A declined question (Cancel, no answer in time) is answered the same way for the runs that
// waited behind it (src/credentials/declined.ts), and only for those.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { declinedBy, declinedSince, noteDeclined } from '../../src/credentials/declined.ts';
import { isMfaExecError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { NoTerminalError, PromptCancelledError, promptTimedOut } from '../../src/prompt/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-declined-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('declined questions', () => {
  test('what counts: a cancel, a dialog nobody answered; not "no terminal", not any other error', () => {
    assert.equal(declinedBy(new PromptCancelledError('MFA prompt')), 'cancelled');
    assert.equal(declinedBy(promptTimedOut('MFA prompt', 'the zenity dialog', 120_000)), 'timeout');
    assert.equal(declinedBy(new NoTerminalError('no terminal')), undefined);
    assert.equal(declinedBy(new Error('x')), undefined);
  });

  test('a run that waited since before the note fails the same way; one that started after it asks', () => {
    noteDeclined(dir, 'k1', 'cancelled', 1_000);
    const error = declinedSince(dir, 'k1', 900, 'dev', silentLogger);
    assert.ok(isMfaExecError(error, 'cancelled'));
    assert.equal(error.exitCode, 130);
    assert.match(
      error.message,
      /The prompt for profile 'dev' in another mfa-exec was cancelled while this one waited for it; not asking again\./,
    );
    assert.equal(declinedSince(dir, 'k1', 1_001, 'dev', silentLogger), undefined);
    assert.equal(declinedSince(dir, 'other-chain', 0, 'dev', silentLogger), undefined);
    noteDeclined(dir, 'k1', 'timeout', 2_000);
    const late = declinedSince(dir, 'k1', 1_500, 'dev', silentLogger);
    assert.ok(isMfaExecError(late, 'no-terminal'));
    assert.equal(late.exitCode, 66);
  });
});
