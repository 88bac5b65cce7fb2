// `npm run demo -- --keep`: the demo runs start to finish (no terminal: it passes the code with
// --mfa-token), keeps its local AWS, and prints the variables that let another shell use it by
// hand: pasted into a shell, the aws shim, status and login work there, with the codes the demo
// keeps showing. Ctrl-C ends it cleanly and removes its files.
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { REPO_ROOT, pythonTool } from '../harness/index.ts';
import { dirname } from 'node:path';

const run = promisify(execFile);

test('demo --keep: the variables printed serve another shell; Ctrl-C stops it', { timeout: 120_000 }, async () => {
  const demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--keep'], {
    cwd: REPO_ROOT,
    env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin:${dirname(pythonTool('aws'))}`, HOME: process.env.HOME, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  demo.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  demo.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 90_000;
    while (!/code: \d{6} \(bob: (\d{6})\)/.test(out)) {
      assert.ok(Date.now() < deadline && demo.exitCode === null, `the demo did not get to its codes:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const exports = out.split('\n').filter((l) => l.startsWith('export '));
    assert.deepEqual(
      exports.map((l) => /^export (\w+)=/.exec(l)![1]),
      [
        'AWS_CONFIG_FILE',
        'AWS_SHARED_CREDENTIALS_FILE',
        'XDG_CACHE_HOME',
        'XDG_DATA_HOME',
        'AWS_ENDPOINT_URL_STS',
        'AWS_ENDPOINT_URL_IAM',
        'AWS_EC2_METADATA_DISABLED',
        'AWS_PROFILE',
        'PATH',
      ],
    );
    const home = /^export AWS_CONFIG_FILE='(.*)\/\.aws\/config'$/m.exec(out)![1]!;
    const bobCode = /code: \d{6} \(bob: (\d{6})\)/.exec(out)![1]!;
    // Another shell: only what was printed, on top of a plain environment.
    const script = `${exports.join('\n')}
aws sts get-caller-identity --output text --query Arn
mfa-exec status
mfa-exec login bob --mfa-token ${bobCode}
mfa-exec status bob`;
    const shell = await run('/bin/sh', ['-c', script], {
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin:${dirname(pythonTool('aws'))}`, HOME: process.env.HOME, LANG: 'C.UTF-8' },
      timeout: 60_000,
    });
    assert.match(shell.stdout, /:assumed-role\/hc-master\//, 'the aws shim runs as the role, from the demo’s cache');
    assert.match(shell.stdout, /^role: ready/m);
    assert.match(shell.stdout, /^bob: ready/m, 'a code the demo showed logs bob in');

    process.kill(-demo.pid!, 'SIGINT');
    assert.equal(await exited, 0, out);
    assert.match(out, /Stopping the local AWS and removing its files/);
    assert.ok(!existsSync(home), 'its temporary home is gone');
  } finally {
    if (demo.exitCode === null) process.kill(-demo.pid!, 'SIGKILL');
  }
});
