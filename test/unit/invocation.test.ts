import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { selectProfile } from '../../src/aws-config/select-profile.ts';
import { ExitCode, UsageError } from '../../src/errors.ts';
import { executableInvokedAs } from '../../src/executable.ts';
import { parseCommandLine, parseInvocation, type Invocation } from '../../src/commands/invocation.ts';
import { COMMANDS as TABLE } from '../../src/commands/table.ts';
import type { Options } from '../../src/options.ts';

const COMMANDS = TABLE.map((c) => c.name);

const DEFAULTS: Options = {
  noSession: false,
  debug: false,
  server: false,
  json: false,
  fromEnv: false,
  yes: false,
  help: false,
  version: false,
};

function command(argv: string[]): Extract<Invocation, { kind: 'command' }> {
  const inv = parseInvocation(argv, '/usr/local/bin/mfa-exec');
  assert.equal(inv.kind, 'command');
  return inv as Extract<Invocation, { kind: 'command' }>;
}

/** A UsageError (exit 64) whose message matches every pattern. */
function usageError(...patterns: RegExp[]) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof UsageError, `expected UsageError, got ${String(e)}`);
    assert.equal(e.exitCode, ExitCode.usage);
    assert.equal(e.exitCode, 64);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  };
}

describe('parseInvocation: the invoked name decides the mode', () => {
  const cases: { name: string; invokedAs: string; argv: string[]; want: Invocation['kind']; shimName?: string }[] = [
    { name: 'mfa-exec on PATH', invokedAs: '/usr/local/bin/mfa-exec', argv: ['-p', 'x', 'aws'], want: 'command' },
    { name: 'bare mfa-exec', invokedAs: 'mfa-exec', argv: [], want: 'command' },
    { name: 'the bundle itself', invokedAs: '/usr/lib/node_modules/mfa-exec/dist/cli.js', argv: ['status'], want: 'command' },
    { name: 'relative cli.js', invokedAs: 'dist/cli.js', argv: [], want: 'command' },
    { name: 'a shim symlink', invokedAs: '/home/u/.mfa-exec/shims/terraform', argv: ['plan'], want: 'shim', shimName: 'terraform' },
    { name: 'a shim with a dotted name', invokedAs: '/s/kubectl.1.29', argv: [], want: 'shim', shimName: 'kubectl.1.29' },
    { name: 'a name that merely contains mfa-exec', invokedAs: '/s/mfa-exec-helper', argv: [], want: 'shim', shimName: 'mfa-exec-helper' },
    { name: 'a release file run before renaming', invokedAs: './mfa-exec-linux-x64', argv: ['--version'], want: 'command' },
    { name: 'the darwin-arm64 release file', invokedAs: '/Users/u/Downloads/mfa-exec-darwin-arm64', argv: [], want: 'command' },
    { name: 'the Windows release file', invokedAs: 'C:/Users/u/Downloads/mfa-exec-windows-x64.exe', argv: [], want: 'command' },
    { name: 'the Windows executable installed', invokedAs: 'mfa-exec.exe', argv: ['status'], want: 'command' },
    {
      name: 'a release name for a platform that has none',
      invokedAs: '/s/mfa-exec-linux-riscv64',
      argv: [],
      want: 'shim',
      shimName: 'mfa-exec-linux-riscv64',
    },
    { name: 'a name that is a subcommand word', invokedAs: '/s/env', argv: ['FOO=1', 'sh'], want: 'shim', shimName: 'env' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.invokedAs} → ${c.want}`, () => {
      const inv = parseInvocation(c.argv, c.invokedAs);
      assert.equal(inv.kind, c.want);
      if (inv.kind === 'shim') {
        assert.equal(inv.name, c.shimName);
        assert.deepEqual(inv.args, c.argv);
      }
    });
  }
});

describe('shim mode passes every argument untouched, options included', () => {
  const argvs: string[][] = [
    [],
    ['--help'],
    ['-h'],
    ['-v'],
    ['--version'],
    ['-p', 'prod'],
    ['--profile=prod', 'plan'],
    ['--', 'x'],
    ['exec', '--server'],
    ['plan', '-out', 'f', '--unknown-to-us', '-d', 'nonsense'],
    ['status', '--json'],
    ['', ' ', '-'],
  ];
  for (const argv of argvs) {
    test(`terraform ${JSON.stringify(argv)}`, () => {
      const inv = parseInvocation(argv, '/home/u/shims/terraform');
      assert.deepEqual(inv, { kind: 'shim', name: 'terraform', args: argv });
    });
  }

  test('the args array is a copy, not the caller’s array', () => {
    const argv = ['plan'];
    const inv = parseInvocation(argv, '/s/terraform');
    assert.ok(inv.kind === 'shim');
    assert.notEqual(inv.args, argv);
  });
});

describe('command mode: subcommands, options and the target command', () => {
  const cases: { name: string; argv: string[]; command: string; options?: Partial<Options>; args?: string[] }[] = [
    { name: 'no arguments means exec', argv: [], command: 'exec', args: [] },
    { name: 'exec with a target', argv: ['exec', 'aws', 's3', 'ls'], command: 'exec', args: ['aws', 's3', 'ls'] },
    {
      name: 'without a subcommand word, exec is meant',
      argv: ['aws', 'sts', 'get-caller-identity'],
      command: 'exec',
      args: ['aws', 'sts', 'get-caller-identity'],
    },
    {
      name: 'the target starts at the first non-option word; its options stay its own',
      argv: ['-p', 'x', 'terraform', 'plan', '-out', 'f'],
      command: 'exec',
      options: { profile: 'x' },
      args: ['terraform', 'plan', '-out', 'f'],
    },
    {
      name: 'our own option names after the target belong to the target',
      argv: ['-p', 'x', 'aws', '--profile', 'other', '-d', 'junk', '--help', '-v'],
      command: 'exec',
      options: { profile: 'x' },
      args: ['aws', '--profile', 'other', '-d', 'junk', '--help', '-v'],
    },
    {
      name: '-- ends options',
      argv: ['-p', 'x', '--', '-weird-binary', '--flag'],
      command: 'exec',
      options: { profile: 'x' },
      args: ['-weird-binary', '--flag'],
    },
    {
      name: 'exec -- target',
      argv: ['exec', '--profile', 'x', '--', 'terraform', '--', 'y'],
      command: 'exec',
      options: { profile: 'x' },
      args: ['terraform', '--', 'y'],
    },
    { name: 'a -- after the target belongs to it', argv: ['terraform', '--', 'x'], command: 'exec', args: ['terraform', '--', 'x'] },
    { name: '--profile NAME', argv: ['--profile', 'prod', 'make'], command: 'exec', options: { profile: 'prod' }, args: ['make'] },
    { name: '--profile=NAME', argv: ['--profile=prod', 'make'], command: 'exec', options: { profile: 'prod' }, args: ['make'] },
    { name: '--profile=a=b keeps everything after the first =', argv: ['--profile=a=b'], command: 'exec', options: { profile: 'a=b' } },
    { name: 'the last --profile wins', argv: ['-p', 'a', '--profile', 'b'], command: 'exec', options: { profile: 'b' } },
    { name: '-d seconds', argv: ['-d', '3600', 'x'], command: 'exec', options: { duration: 3600 }, args: ['x'] },
    { name: '-d 15m', argv: ['-d', '15m'], command: 'exec', options: { duration: 900 } },
    { name: '--duration 1h', argv: ['--duration', '1h'], command: 'exec', options: { duration: 3600 } },
    { name: '--duration=1h30m', argv: ['--duration=1h30m'], command: 'exec', options: { duration: 5400 } },
    { name: '--session-duration 12h', argv: ['--session-duration', '12h'], command: 'exec', options: { sessionDuration: 43200 } },
    { name: '--mfa-token', argv: ['--mfa-token', '123456', 'x'], command: 'exec', options: { mfaToken: '123456' }, args: ['x'] },
    { name: '--no-session', argv: ['--no-session', 'x'], command: 'exec', options: { noSession: true }, args: ['x'] },
    { name: '--region', argv: ['--region', 'eu-west-1', 'x'], command: 'exec', options: { region: 'eu-west-1' }, args: ['x'] },
    { name: '--debug', argv: ['--debug', 'x'], command: 'exec', options: { debug: true }, args: ['x'] },
    { name: '-h', argv: ['-h'], command: 'exec', options: { help: true } },
    { name: '--help', argv: ['--help'], command: 'exec', options: { help: true } },
    { name: '-v', argv: ['-v'], command: 'exec', options: { version: true } },
    { name: '--version', argv: ['--version'], command: 'exec', options: { version: true } },
    { name: '--server (exec)', argv: ['exec', '--server', 'x'], command: 'exec', options: { server: true }, args: ['x'] },
    { name: '--server without the exec word', argv: ['--server', 'x'], command: 'exec', options: { server: true }, args: ['x'] },
    {
      name: 'env --format',
      argv: ['env', '--format', 'json', '-p', 'x'],
      command: 'env',
      options: { format: 'json', profile: 'x' },
      args: [],
    },
    { name: 'env --format=dotenv', argv: ['env', '--format=dotenv'], command: 'env', options: { format: 'dotenv' }, args: [] },
    { name: 'status --json', argv: ['status', '--json'], command: 'status', options: { json: true }, args: [] },
    { name: 'list --json', argv: ['list', '--json'], command: 'list', options: { json: true }, args: [] },
    {
      name: 'shim --dir',
      argv: ['shim', '--dir', '/s', 'terraform', 'aws'],
      command: 'shim',
      options: { dir: '/s' },
      args: ['terraform', 'aws'],
    },
    {
      name: 'non-exec commands keep parsing options after a positional word',
      argv: ['shim', 'terraform', '--dir', '/s', 'aws'],
      command: 'shim',
      options: { dir: '/s' },
      args: ['terraform', 'aws'],
    },
    {
      name: 'credential-process',
      argv: ['credential-process', '-p', 'x', '-d', '1h'],
      command: 'credential-process',
      options: { profile: 'x', duration: 3600 },
      args: [],
    },
    { name: 'login', argv: ['login', '-p', 'x'], command: 'login', options: { profile: 'x' }, args: [] },
    { name: 'clear', argv: ['clear', '--debug'], command: 'clear', options: { debug: true }, args: [] },
    { name: 'doctor', argv: ['doctor'], command: 'doctor', args: [] },
    // Options before the subcommand (issue 9): `mfa-exec -p NAME status`, `mfa-exec --debug env`.
    {
      name: 'options before the subcommand: -p NAME status',
      argv: ['-p', 'x', 'status'],
      command: 'status',
      options: { profile: 'x' },
      args: [],
    },
    {
      name: 'options before the subcommand: --debug env',
      argv: ['--debug', 'env', '--format', 'json'],
      command: 'env',
      options: { debug: true, format: 'json' },
      args: [],
    },
    {
      name: 'options on both sides of the subcommand',
      argv: ['-p', 'x', 'login', '-d', '1h'],
      command: 'login',
      options: { profile: 'x', duration: 3600 },
      args: [],
    },
    {
      name: '--profile=NAME before the subcommand',
      argv: ['--profile=x', 'status', '--json'],
      command: 'status',
      options: { profile: 'x', json: true },
      args: [],
    },
    {
      name: 'an option value that is a subcommand word is the value',
      argv: ['-p', 'status', 'status'],
      command: 'status',
      options: { profile: 'status' },
      args: [],
    },
    { name: 'options before exec', argv: ['--debug', 'exec', '--', 'aws'], command: 'exec', options: { debug: true }, args: ['aws'] },
    {
      name: 'a program named like a subcommand goes after --',
      argv: ['-p', 'x', '--', 'env'],
      command: 'exec',
      options: { profile: 'x' },
      args: ['env'],
    },
    {
      name: 'a subcommand word after the target is the target’s',
      argv: ['-p', 'x', 'make', 'env'],
      command: 'exec',
      options: { profile: 'x' },
      args: ['make', 'env'],
    },
    { name: 'a lone - is a word, not an option', argv: ['-'], command: 'exec', args: ['-'] },
    { name: 'a value may be a lone -', argv: ['-p', '-', 'x'], command: 'exec', options: { profile: '-' }, args: ['x'] },
  ];
  for (const c of cases) {
    test(`${c.name}: ${JSON.stringify(c.argv)}`, () => {
      const inv = command(c.argv);
      assert.equal(inv.command, c.command);
      assert.deepEqual(inv.options, { ...DEFAULTS, ...c.options });
      if (c.args) assert.deepEqual(inv.args, c.args);
    });
  }

  test('every subcommand word is recognised in first position', () => {
    for (const name of COMMANDS) assert.equal(command([name]).command, name);
    assert.deepEqual([...COMMANDS].sort(), [
      'add',
      'allow',
      'clear',
      'completion',
      'console',
      'credential-process',
      'deny',
      'doctor',
      'env',
      'exec',
      'help',
      'import',
      'list',
      'login',
      'remove',
      'rotate',
      'shim',
      'status',
      'version',
    ]);
  });

  test('--prompt is taken by every command (an agent may add it to all); console takes --stdout (-s), --path, --service', () => {
    for (const name of COMMANDS) assert.equal(command([name, '--prompt', 'none']).options.prompt, 'none', name);
    assert.equal(command(['--prompt=zenity', '-p', 'x', '--', 'aws']).options.prompt, 'zenity');
    const c = command(['console', '-p', 'dev', '-s', '--path', 's3/home', '-d', '2h', '--region', 'eu-west-1']);
    assert.deepEqual([c.options.stdout, c.options.consolePath, c.options.duration, c.options.region], [true, 's3/home', 7200, 'eu-west-1']);
    assert.equal(command(['console', '--service', 'ec2']).options.service, 'ec2');
    assert.throws(() => command(['status', '--stdout']), usageError(/'--stdout' for 'mfa-exec status'/));
    assert.throws(() => command(['exec', '--path', 'x', '--', 'true']), usageError(/'--path' for 'mfa-exec exec'/));
  });

  test('parseCommandLine is the command-mode half of parseInvocation', () => {
    assert.deepEqual(parseCommandLine(['-p', 'x', 'aws']), parseInvocation(['-p', 'x', 'aws'], 'mfa-exec'));
  });

  test('the caller’s argv is not modified', () => {
    const argv = ['-p', 'x', '--', 'a'];
    command(argv);
    assert.deepEqual(argv, ['-p', 'x', '--', 'a']);
  });
});

describe('command mode: usage errors (exit 64) name the offending option', () => {
  const cases: { name: string; argv: string[]; error: RegExp[] }[] = [
    { name: 'unknown long option', argv: ['--frobnicate', 'x'], error: [/'--frobnicate'/] },
    { name: 'unknown long option with a value', argv: ['--frobnicate=1'], error: [/'--frobnicate'/] },
    { name: 'unknown short option', argv: ['-x', 'y'], error: [/'-x'/] },
    { name: 'bundled short options are not supported', argv: ['-hv'], error: [/'-hv'/] },
    { name: 'unknown option after a subcommand', argv: ['status', '--nope'], error: [/'--nope'/, /status/] },
    { name: '-p at the end', argv: ['-p'], error: [/'-p'/, /needs a value/] },
    { name: '--profile at the end', argv: ['env', '--profile'], error: [/'--profile'/, /needs a value/] },
    { name: '-p followed by another option', argv: ['-p', '--debug', 'x'], error: [/'-p'/, /needs a value/] },
    { name: '-d at the end', argv: ['-d'], error: [/'-d'/] },
    { name: '--mfa-token at the end', argv: ['--mfa-token'], error: [/'--mfa-token'/] },
    { name: '--region followed by an option', argv: ['--region', '-p', 'x'], error: [/'--region'/] },
    { name: 'a flag given a value', argv: ['--no-session=yes'], error: [/'--no-session'/, /takes no value/] },
    { name: '--debug=1', argv: ['--debug=1'], error: [/'--debug'/] },
    { name: 'bad duration', argv: ['-d', 'soon', 'x'], error: [/-d/, /soon/] },
    { name: 'zero duration', argv: ['--duration', '0'], error: [/--duration/] },
    { name: 'bad session duration', argv: ['--session-duration', '1x'], error: [/--session-duration/] },
    { name: '--server is for exec only (env)', argv: ['env', '--server'], error: [/'--server'/, /env/] },
    { name: '--server is for exec only (credential-process)', argv: ['credential-process', '--server'], error: [/'--server'/] },
    { name: '--format is for env only (exec)', argv: ['--format', 'json', 'x'], error: [/'--format'/, /exec/] },
    { name: '--format is for env only (status)', argv: ['status', '--format', 'json'], error: [/'--format'/] },
    { name: '--json is for status/list only (exec)', argv: ['--json', 'x'], error: [/'--json'/] },
    { name: '--json is for status/list only (env)', argv: ['env', '--json'], error: [/'--json'/] },
    { name: '--dir is for shim only', argv: ['--dir', '/s', 'x'], error: [/'--dir'/] },
    { name: '--dir is for shim only (doctor)', argv: ['doctor', '--dir', '/s'], error: [/'--dir'/] },
    { name: 'an option before the subcommand is checked against it', argv: ['--server', 'status'], error: [/'--server'/, /status/] },
    { name: '--json before env', argv: ['--json', 'env'], error: [/'--json'/, /env/] },
    { name: 'a name of Object.prototype is no option', argv: ['--constructor', 'x'], error: [/'--constructor'/] },
  ];
  for (const c of cases) {
    test(`${c.name}: ${JSON.stringify(c.argv)}`, () => {
      assert.throws(() => parseInvocation(c.argv, 'mfa-exec'), usageError(...c.error));
    });
  }
});

describe("aws-vault's `exec PROFILE -- cmd`: the first word may be a profile (exec decides with the config)", () => {
  const cases: { argv: string[]; profileFirst?: { profile: string; command: string[] }; args: string[] }[] = [
    {
      argv: ['exec', 'prod', '--', 'aws', 's3', 'ls'],
      profileFirst: { profile: 'prod', command: ['aws', 's3', 'ls'] },
      args: ['prod', '--', 'aws', 's3', 'ls'],
    },
    { argv: ['exec', 'prod', '--'], profileFirst: { profile: 'prod', command: [] }, args: ['prod', '--'] },
    { argv: ['exec', 'prod'], profileFirst: { profile: 'prod', command: [] }, args: ['prod'] },
    {
      argv: ['exec', '-d', '1h', 'prod', '--', 'make'],
      profileFirst: { profile: 'prod', command: ['make'] },
      args: ['prod', '--', 'make'],
    },
    { argv: ['--debug', 'exec', 'prod', '--', 'make'], profileFirst: { profile: 'prod', command: ['make'] }, args: ['prod', '--', 'make'] },
    // not the form: a profile is already given, no `exec` word, or the word is not followed by `--`
    { argv: ['exec', '-p', 'x', 'prod', '--', 'make'], args: ['prod', '--', 'make'] },
    { argv: ['prod', '--', 'make'], args: ['prod', '--', 'make'] },
    { argv: ['exec', 'terraform', 'plan'], args: ['terraform', 'plan'] },
    { argv: ['exec', 'terraform', 'plan', '--', 'x'], args: ['terraform', 'plan', '--', 'x'] },
    { argv: ['exec', '--', 'prod', '--', 'make'], args: ['prod', '--', 'make'] },
  ];
  for (const c of cases) {
    test(JSON.stringify(c.argv), () => {
      const inv = command(c.argv);
      assert.equal(inv.command, 'exec');
      assert.deepEqual(inv.args, c.args);
      assert.deepEqual(inv.profileFirst, c.profileFirst);
    });
  }
});

describe('regression: an empty option value is a missing value, not a silent fallback', () => {
  // `mfa-exec -p "$PROFILE" terraform apply` with PROFILE unset gives `-p ''`; selectProfile then
  // treats '' as "nothing asked" and silently falls back to AWS_PROFILE or [default].
  const cases: string[][] = [
    ['--profile=', 'terraform', 'apply'],
    ['-p', '', 'terraform', 'apply'],
    ['--region=', 'x'],
    ['--mfa-token=', 'x'],
    ['env', '--format='],
    ['shim', '--dir='],
  ];
  for (const argv of cases) {
    test(JSON.stringify(argv), () => {
      assert.throws(() => parseInvocation(argv, 'mfa-exec'), usageError(/needs a value|empty/));
    });
  }
});

describe('selectProfile: --profile, then MFA_EXEC_PROFILE, AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_VAULT, then default', () => {
  const cases: { name: string; flag?: string; env: NodeJS.ProcessEnv; want: { name: string; requested?: string; from: string } }[] = [
    { name: 'nothing asked', env: {}, want: { name: 'default', from: 'the default' } },
    {
      name: 'flag wins over everything',
      flag: 'f',
      env: { MFA_EXEC_PROFILE: 'm', AWS_PROFILE: 'a', AWS_DEFAULT_PROFILE: 'd' },
      want: { name: 'f', requested: 'f', from: '--profile' },
    },
    {
      name: 'MFA_EXEC_PROFILE over AWS_PROFILE',
      env: { MFA_EXEC_PROFILE: 'm', AWS_PROFILE: 'a' },
      want: { name: 'm', requested: 'm', from: 'MFA_EXEC_PROFILE' },
    },
    {
      name: 'AWS_PROFILE over AWS_DEFAULT_PROFILE',
      env: { AWS_PROFILE: 'a', AWS_DEFAULT_PROFILE: 'd' },
      want: { name: 'a', requested: 'a', from: 'AWS_PROFILE' },
    },
    {
      name: 'AWS_DEFAULT_PROFILE alone',
      env: { AWS_DEFAULT_PROFILE: 'd' },
      want: { name: 'd', requested: 'd', from: 'AWS_DEFAULT_PROFILE' },
    },
    {
      name: 'an empty variable counts as unset',
      env: { MFA_EXEC_PROFILE: '', AWS_PROFILE: 'a' },
      want: { name: 'a', requested: 'a', from: 'AWS_PROFILE' },
    },
    {
      name: 'inside an `mfa-exec exec reader` shell (AWS_PROFILE removed), AWS_VAULT names the profile',
      env: { AWS_VAULT: 'reader' },
      want: { name: 'reader', requested: 'reader', from: 'AWS_VAULT (the profile of the mfa-exec exec shell this runs in)' },
    },
    {
      name: 'a profile chosen in that shell wins over AWS_VAULT',
      env: { AWS_VAULT: 'reader', AWS_PROFILE: 'a' },
      want: { name: 'a', requested: 'a', from: 'AWS_PROFILE' },
    },
    {
      name: 'asking for "default" explicitly is a request',
      env: { AWS_PROFILE: 'default' },
      want: { name: 'default', requested: 'default', from: 'AWS_PROFILE' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = selectProfile(c.flag, c.env);
      assert.deepEqual({ ...got }, c.want);
    });
  }
});

describe('key commands', () => {
  test('add PROFILE --env --backend file; import takes several profiles; remove --yes; rotate --mfa-token', () => {
    const add = command(['add', 'dev', '--env', '--backend', 'file']);
    assert.equal(add.command, 'add');
    assert.deepEqual(add.args, []);
    assert.equal(add.options.profile, 'dev', 'a PROFILE word is the command’s profile');
    assert.equal(add.options.fromEnv, true);
    assert.equal(add.options.backend, 'file');
    assert.deepEqual(command(['import', 'a', 'b c']).args, ['a', 'b c']);
    assert.equal(command(['remove', '--yes', 'dev']).options.yes, true);
    assert.equal(command(['rotate', 'dev', '--mfa-token', '123456']).options.mfaToken, '123456');
  });

  test('their options belong to them only', () => {
    assert.throws(() => parseCommandLine(['exec', '--backend', 'file', '--', 'true']), usageError(/--backend/));
    assert.throws(() => parseCommandLine(['remove', '--env', 'dev']), usageError(/--env/));
    assert.throws(() => parseCommandLine(['add', '--yes', 'dev']), usageError(/--yes/));
  });
});

describe("aws-vault's positional profiles: `status PROFILE`, `env PROFILE` (and `export PROFILE`), `login`, `clear`, `remove`", () => {
  const cases: { argv: string[]; command: string; profile: string; options?: Partial<Options> }[] = [
    { argv: ['status', 'reader'], command: 'status', profile: 'reader' },
    { argv: ['status', 'reader', '--json'], command: 'status', profile: 'reader', options: { json: true } },
    { argv: ['env', 'reader', '--format', 'json'], command: 'env', profile: 'reader', options: { format: 'json' } },
    { argv: ['export', 'reader'], command: 'env', profile: 'reader' },
    { argv: ['login', 'reader', '-d', '1h'], command: 'login', profile: 'reader', options: { duration: 3600 } },
    { argv: ['clear', 'reader'], command: 'clear', profile: 'reader' },
    { argv: ['remove', 'reader', '--yes'], command: 'remove', profile: 'reader', options: { yes: true } },
    { argv: ['credential-process', 'reader'], command: 'credential-process', profile: 'reader' },
    { argv: ['console', 'reader', '-s'], command: 'console', profile: 'reader', options: { stdout: true } },
    { argv: ['login', 'sso-dev', '--no-browser'], command: 'login', profile: 'sso-dev', options: { noBrowser: true } },
    { argv: ['--debug', 'status', 'reader'], command: 'status', profile: 'reader', options: { debug: true } },
    { argv: ['-p', 'reader', 'status', 'reader'], command: 'status', profile: 'reader', options: {} },
  ];
  for (const c of cases) {
    test(JSON.stringify(c.argv), () => {
      const inv = command(c.argv);
      assert.equal(inv.command, c.command);
      assert.equal(inv.named, true);
      assert.deepEqual(inv.args, []);
      assert.deepEqual(inv.options, { ...DEFAULTS, profile: c.profile, ...c.options });
    });
  }

  test('without a command word exec is meant, and says so', () => {
    assert.equal(command(['aws', 's3', 'ls']).named, false);
    assert.equal(command(['exec', 'aws']).named, true);
  });

  const errors: { argv: string[]; error: RegExp[] }[] = [
    { argv: ['list', 'extra'], error: [/'mfa-exec list' takes no arguments/, /'extra'/] },
    { argv: ['doctor', 'a', 'b'], error: [/'mfa-exec doctor'/, /'a', 'b'/] },
    { argv: ['version', 'x'], error: [/'mfa-exec version'/, /'x'/] },
    { argv: ['status', 'a', 'b'], error: [/'mfa-exec status' takes PROFILE/, /'b'/] },
    { argv: ['env', 'a', 'b', 'c'], error: [/'mfa-exec env'/, /'b', 'c'/] },
    { argv: ['clear', 'a', 'b'], error: [/'mfa-exec clear'/, /'b'/] },
    { argv: ['help', 'status', 'env'], error: [/'mfa-exec help'/, /'env'/] },
    { argv: ['status', 'a', '-p', 'b'], error: [/two profiles/, /'a'/, /'b'/] },
    { argv: ['status', ''], error: [/empty profile name/] },
    { argv: ['allow', 'a', 'b'], error: [/'mfa-exec allow' takes PATH at most/, /'b'/] },
    { argv: ['console', 'a', 'b'], error: [/'mfa-exec console' takes PROFILE at most/, /'b'/] },
  ];
  for (const c of errors) {
    test(`a word the command does not take: ${JSON.stringify(c.argv)}`, () => {
      assert.throws(() => parseInvocation(c.argv, 'mfa-exec'), usageError(...c.error));
    });
  }

  test('-V is --version, as -v is', () => {
    assert.equal(command(['-V']).options.version, true);
    assert.equal(command(['status', '-V']).options.version, true);
  });

  test('COMMAND --help is not held to the words the command takes', () => {
    const inv = command(['list', 'extra', '--help']);
    assert.equal(inv.options.help, true);
  });
});

describe('executableInvokedAs: the single executable renamed is mfa-exec; linked under another name, a shim', () => {
  const cases: Array<[string, string, boolean, string, number?]> = [
    ['mfa', '/home/u/bin/mfa', false, 'mfa-exec'],
    ['/home/u/bin/mfa', '/home/u/bin/mfa', false, 'mfa-exec'],
    ['terraform', '/home/u/bin/mfa', false, 'terraform'],
    ['/home/u/.local/share/mfa-exec/shims/aws', '/home/u/bin/mfa-exec-linux-x64', false, '/home/u/.local/share/mfa-exec/shims/aws'],
    // A hard link named terraform: its own name, but the file has two.
    ['terraform', '/home/u/shims/terraform', false, 'terraform', 2],
    ['MFA', 'C:\\Tools\\mfa.exe', true, 'mfa-exec'],
    ['C:\\Tools\\Mfa.EXE', 'C:\\Tools\\mfa.exe', true, 'mfa-exec'],
    ['aws', 'C:\\Tools\\mfa.exe', true, 'aws'],
  ];
  for (const [argv0, execPath, windows, want, links = 1] of cases) {
    test(`${argv0} (${execPath}, ${links} link${links === 1 ? '' : 's'}) → ${want}`, () =>
      assert.equal(executableInvokedAs(argv0, execPath, links, windows), want));
  }
});
