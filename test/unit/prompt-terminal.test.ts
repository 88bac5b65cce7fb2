// The terminal driver (src/prompt/terminal.ts) alone, in a real pseudo-terminal (the harness's
// pexpect driver), for what the mutation pass found untested (issue 17): Ctrl-D (end of file) on
// an empty line cancels the MFA and the passphrase prompts at once, exit 130 — without that check
// the prompt never returns. The line itself, and Ctrl-C, for contrast.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { REPO_ROOT, runInPty } from '../harness/index.ts';

const ASK = fileURLToPath(new URL('../fixtures/prompt/ask.ts', import.meta.url));
const env = { PATH: '/usr/bin:/bin', HOME: '/nonexistent', LANG: 'C.UTF-8' };
const ask = (kind: string, steps: Parameters<typeof runInPty>[1]['steps']) =>
  runInPty([process.execPath, '--import', 'tsx', ASK, kind], { env, cwd: REPO_ROOT, steps, timeoutMs: 30_000 });

describe('the terminal prompt in a pseudo-terminal', { timeout: 120_000 }, () => {
  for (const [kind, question] of [
    ['mfa-code', 'Enter MFA code for arn:aws:iam::1:mfa/me: '],
    ['passphrase', 'Passphrase: '],
  ] as const) {
    const title = kind === 'passphrase' ? 'Passphrase prompt' : 'MFA prompt';
    test(`${kind}: Ctrl-D on an empty line cancels (exit 130), it does not wait for more`, async () => {
      const r = await ask(kind, [{ expect: question, send: '\x04' }, { expect: 'error kind=' }]);
      assert.equal(r.exitStatus, 130, r.output);
      assert.match(r.output, new RegExp(`error kind=cancelled exit=130 ${title} cancelled`));
    });
    test(`${kind}: a line is the answer; Ctrl-C cancels (exit 130)`, async () => {
      const line = await ask(kind, [{ expect: question, send: '123456\r' }, { expect: 'answer=' }]);
      assert.equal(line.exitStatus, 0, line.output);
      assert.match(line.output, /answer="123456"/);
      const cancelled = await ask(kind, [{ expect: question, send: '\x03' }, { expect: 'error kind=' }]);
      assert.equal(cancelled.exitStatus, 130, cancelled.output);
    });
  }
});
