// `mfa-exec completion bash|zsh|fish`: each script loaded into the real shell and asked what it
// completes: subcommands, the options a command takes, option values, actions, and profile names
// read from the AWS config files (both files, as the AWS CLI reads them). bash and fish answer
// without a terminal (the completion function / `complete -C`); zsh's completion needs its line
// editor, so it is typed at, with Tab, in a pseudo-terminal.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH, makeHome, runCli, runInPty, writeAwsFiles, type TempHome } from '../harness/index.ts';
import { script } from './scenario.ts';

const run = promisify(execFile);
const shell = (name: string) => [`/usr/bin/${name}`, `/bin/${name}`].find((f) => existsSync(f));
const BASH = shell('bash');
const ZSH = shell('zsh');
const FISH = shell('fish');
const missing = (name: string, found: string | undefined) =>
  found ? false : process.env.CI === 'true' ? false : `${name} is not installed (apt-get install -y ${name}; .ci/run does)`;

const CONFIG = `[default]
region = eu-west-1

[profile role]
source_profile = source
role_arn = arn:aws:iam::123456789012:role/admin

[profile reader]
source_profile = source
role_arn = arn:aws:iam::123456789012:role/reader

[profile carol-reader]
source_profile = carol
role_arn = arn:aws:iam::123456789012:role/reader
`;
const CREDENTIALS = `[source]
aws_access_key_id = AKIAEXAMPLEEXAMPLE01
aws_secret_access_key = secret

[carol]
aws_access_key_id = AKIAEXAMPLEEXAMPLE02
aws_secret_access_key = secret
`;

describe('shell completion', { timeout: 120_000 }, () => {
  let t: TempHome;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    t = await makeHome();
    await writeAwsFiles(t.home, { config: CONFIG, credentials: CREDENTIALS });
    const bin = join(t.home, 'bin');
    await mkdir(bin);
    await symlink(CLI_PATH, join(bin, 'mfa-exec'));
    await script(join(bin, 'terrafake'), '#!/bin/sh\n'); // a program for exec's target
    env = { HOME: t.home, PATH: `${bin}:${process.execPath.replace(/\/node$/, '')}:/usr/bin:/bin`, LANG: 'C.UTF-8', TERM: 'xterm' };
  });
  after(() => t?.cleanup());

  /** [what is typed after `mfa-exec `, the candidates wanted (exactly, sorted), or a check]. */
  const CASES: [string, string[] | ((got: string[]) => void)][] = [
    ['st', ['status']],
    ['ex', ['exec', 'export']],
    ['status ', ['carol', 'carol-reader', 'default', 'reader', 'role', 'source']],
    ['-p r', ['reader', 'role']],
    ['--profile car', ['carol', 'carol-reader']],
    ['env --format p', ['powershell']],
    ['add --backend ', ['file', 'keyring']],
    ['--pro', ['--profile', '--prompt']],
    ['--prompt n', ['none']],
    ['console --st', ['--stdout']],
    ['status --j', ['--json']],
    ['status --ser', []],
    ['shim ', ['install', 'list', 'remove']],
    ['completion ', ['bash', 'fish', 'zsh']],
    ['help ro', ['rotate']],
    ['exec ro', ['role']],
    ['import carol ', (got) => assert.ok(got.includes('source') && !got.includes('carol'), got.join(' '))],
    ['-- terra', (got) => assert.ok(got.includes('terrafake'), got.join(' '))],
    ['list ', []],
  ];

  test('the words come from one place: `completion words` answers what the scripts ask', async () => {
    const r = await runCli(['completion', 'words', '--', 'status', 'r'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ':words\nreader\nrole\n');
    assert.equal((await runCli(['completion', 'words', '--', '--', ''], { env })).stdout, ':commands\n');
  });

  test(
    'bash: the script registers the function, which completes as the table and the AWS files say',
    { skip: missing('bash', BASH) },
    async () => {
      const script = await runCli(['completion', 'bash'], { env });
      assert.equal(script.code, 0, script.stderr);
      for (const [typed, want] of CASES) {
        const words = ['mfa-exec', ...typed.split(' ')];
        const program = `eval "$(mfa-exec completion bash)"
complete -p mfa-exec >/dev/null || exit 9
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
$(complete -p mfa-exec | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')
printf '%s\\n' "\${COMPREPLY[@]}"`;
        const { stdout } = await run(BASH!, ['--norc', '--noprofile', '-c', program], { env, cwd: t.home });
        check(`bash: mfa-exec ${typed}`, stdout, want);
      }
    },
  );

  test('fish: `complete -C` with the script sourced', { skip: missing('fish', FISH) }, async () => {
    for (const [typed, want] of CASES) {
      const program = `mfa-exec completion fish | source; complete -C ${fishQuote(`mfa-exec ${typed}`)}`;
      const { stdout } = await run(FISH!, ['--no-config', '-c', program], { env, cwd: t.home });
      // complete -C prints "candidate<TAB>description"; a command or file candidate may have one.
      check(`fish: mfa-exec ${typed}`, stdout.replace(/\t.*$/gm, ''), want);
    }
  });

  test('zsh: Tab at the line editor completes a subcommand, a profile, an option value', { skip: missing('zsh', ZSH) }, async () => {
    const r = await runInPty([ZSH!, '-f', '-i'], {
      env,
      cwd: t.home,
      steps: [
        // No highlighting of the suffix zsh adds, so what is completed is plain text on the line.
        {
          send: `zle_highlight=(none); autoload -Uz compinit && compinit -u -D && eval "$(mfa-exec completion zsh)" && echo ready-$((40+2))\r`,
        },
        { expect: 'ready-42' },
        // Each expected text appears first by the Tab before it (an expect consumes what it matched).
        { send: 'mfa-exec stat\t' },
        { expect: 'mfa-exec status' },
        { send: '\x15mfa-exec status carol-\t' },
        { expect: 'carol-reader' },
        { send: '\x15mfa-exec env --format po\t' },
        { expect: 'powershell' },
        { send: '\x15mfa-exec -p r\t' },
        { expect: /reader\s+role/ },
        { send: '\x15exit\r' },
      ],
      timeoutMs: 60_000,
    });
    assert.equal(r.exitStatus, 0, r.output);
  });
});

function check(what: string, stdout: string, want: string[] | ((got: string[]) => void)): void {
  const got = stdout.split('\n').filter(Boolean).sort();
  if (typeof want === 'function') want(got);
  else assert.deepEqual(got, want, what);
}

function fishQuote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
