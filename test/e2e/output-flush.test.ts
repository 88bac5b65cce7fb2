// Everything a subcommand prints reaches a slow reader. Regression: `list` called process.exit()
// while stdout (a pipe) still held data, so `mfa-exec list --json | …` was cut at the pipe's
// 64 KiB and the JSON was invalid from about 230 profiles on.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI_COMMAND, makeHome, runCli, type TempHome } from '../harness/index.ts';

let temp: TempHome;
before(async () => {
  temp = await makeHome();
  const profiles = Array.from(
    { length: 3000 },
    (_, i) => `[profile p${i}]\nregion = us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/u${i}\n`,
  );
  await writeFile(join(temp.home, 'config'), profiles.join('\n'));
});
after(() => temp.cleanup());

/**
 * No Node on PATH: mfa-exec is run as CLI_COMMAND ([node, dist/cli.js] or the executable), given
 * to sh as its arguments ("$@") and to python as JSON.
 */
const environment = () => ({
  HOME: temp.home,
  PATH: '/usr/bin:/bin',
  AWS_CONFIG_FILE: join(temp.home, 'config'),
  MFA_CLI: JSON.stringify(CLI_COMMAND),
});

test('list --json through a pipe whose reader starts late: all of it, valid JSON', async () => {
  // The reader sleeps first, so the pipe is full when mfa-exec has written its last byte.
  const r = await runCli(['-c', '"$@" list --json | { sleep 1; cat; }', 'sh', ...CLI_COMMAND], {
    env: environment(),
    argv0Path: '/bin/sh',
    timeoutMs: 30_000,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.length > 65_536, `${r.stdout.length} bytes`);
  const rows = JSON.parse(r.stdout) as { profile: string }[];
  assert.equal(rows.length, 3000);
  assert.equal(rows.at(-1)!.profile, 'p2999');
});

test('list --json into a non-blocking pipe whose reader starts late: all of it (written synchronously, waiting while the pipe is full)', async () => {
  const reader = [
    'import json, os, subprocess, sys, time',
    'r, w = os.pipe()',
    'os.set_blocking(w, False)',
    "p = subprocess.Popen([*json.loads(os.environ['MFA_CLI']), 'list', '--json'], stdout=w)",
    'os.close(w)',
    'time.sleep(1)',
    'data = b"".join(iter(lambda: os.read(r, 65536), b""))',
    'sys.stdout.write(f"{p.wait()} {len(data)}\\n")',
    'sys.stdout.flush()',
    'sys.stdout.buffer.write(data)',
  ].join('\n');
  const r = await runCli(['-c', reader], { env: environment(), argv0Path: '/usr/bin/python3', timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const [head, ...rest] = r.stdout.split('\n');
  assert.match(head!, /^0 \d+$/, 'mfa-exec exited 0');
  const rows = JSON.parse(rest.join('\n')) as { profile: string }[];
  assert.equal(rows.length, 3000);
});

test('list --json | head: the reader going away ends the output quietly, exit 0', async () => {
  const r = await runCli(['-c', '{ "$@" list --json; echo "exit $?" >&2; } | head -c 100', 'sh', ...CLI_COMMAND], {
    env: environment(),
    argv0Path: '/bin/sh',
    timeoutMs: 30_000,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.length, 100);
  assert.equal(r.stderr, 'exit 0\n');
});
