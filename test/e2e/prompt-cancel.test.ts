// Ctrl-C at the MFA prompt, the way a person meets it: in a real terminal, under a shell that
// goes on afterwards. mfa-exec must be gone (exit 130) without any further key, leave the
// terminal's settings as they were, and leave the next line typed to whoever reads next.
// Regression: a blocking read of /dev/tty kept Node alive after "MFA prompt cancelled." until
// Enter was pressed, and that line was swallowed. Nothing is typed before rc=130 shows, so a
// process that waits for a key never gets there: no clock decides (how soon is the bench's).
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { CLI_PATH, runInPty, startFakeAws, type FakeAws } from '../harness/index.ts';
import { SPEC, makeScenario, type Scenario } from './scenario.ts';

describe('Ctrl-C at the MFA prompt ends mfa-exec at once', { timeout: 60_000 }, () => {
  let aws: FakeAws;
  let s: Scenario;
  before(async () => {
    aws = await startFakeAws(SPEC);
  });
  after(() => aws?.close());
  beforeEach(async () => {
    s = await makeScenario(aws);
    aws.resetCalls();
  });
  afterEach(() => s.cleanup());

  const commands: [string, string[]][] = [
    ['exec', ['-p', 'role', '--', 'true']],
    ['credential-process', ['credential-process', '--profile', 'role']],
    ['login', ['login', '--profile', 'role']],
  ];
  for (const [what, args] of commands) {
    test(`${what}: exit 130 without another key, terminal settings unchanged, the next typed line not swallowed`, async () => {
      const script =
        'before=$(stty -g); "$MFA" "$@"; echo "rc=$?"; [ "$(stty -g)" = "$before" ] && echo tty-same; read line; echo "got=$line"';
      const r = await runInPty(['/bin/bash', '-c', script, 'bash', ...args], {
        env: { ...s.env, MFA: CLI_PATH },
        steps: [
          { expect: `Enter MFA code for ${s.serial}: `, send: '\x03' },
          { expect: 'rc=130' },
          { expect: 'tty-same' },
          { send: 'hello\r' },
          { expect: 'got=hello' },
        ],
        timeoutMs: 20_000,
      });
      assert.equal(r.exitStatus, 0, r.output);
      assert.match(r.output, /MFA prompt cancelled/, r.output);
      assert.equal(aws.calls.GetSessionToken ?? 0, 0, 'no STS call after a cancel');
      const left = await readdir(join(s.home, '.cache', 'mfa-exec')).catch(() => [] as string[]);
      assert.deepEqual(
        left.filter((n) => n.startsWith('lock-') || n.startsWith('.tmp-')),
        [],
        'the lock is released',
      );
    });
  }
});
