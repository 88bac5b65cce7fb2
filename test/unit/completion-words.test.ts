// What shell completion offers (src/commands/completion-words.ts), from the commands' table and
// the profile names: table-driven, the words typed after `mfa-exec` with the last one being
// completed. The scripts in the real shells: test/e2e/completion.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { completeWords, type Completion } from '../../src/commands/completion-words.ts';
import { COMMANDS } from '../../src/commands/table.ts';

const PROFILES = ['carol', 'carol-reader', 'default', 'reader', 'role'];
const PROMPTS = ['auto', 'terminal', 'none'];
const words = (...w: string[]): Completion => ({ kind: 'words', words: w });

const CASES: [string, Completion][] = [
  // the command word
  ['', words(...COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]))],
  ['st', words('status')],
  ['ex', words('exec', 'export')],
  ['terra', { kind: 'commands' }], // no subcommand: `mfa-exec terraform …` runs a program
  [
    '-',
    words(
      '--profile',
      '-p',
      '--debug',
      '--help',
      '-h',
      '--version',
      '-v',
      '-V',
      '--duration',
      '-d',
      '--session-duration',
      '--no-session',
      '--mfa-token',
      '--region',
      '--server',
      '--prompt',
    ),
  ],
  // option values, before or after the command word
  ['-p ', words(...PROFILES)],
  ['--profile r', words('reader', 'role')],
  ['-p role st', words('status')],
  ['env --format ', words('sh', 'fish', 'powershell', 'dotenv', 'json', 'terragrunt')],
  ['add --backend k', words('keyring')],
  ['shim --dir ', { kind: 'dirs' }],
  ['-d 1', words()],
  ['--prompt ', words(...PROMPTS)],
  ['login --prompt n', words('none')],
  // the options a command takes, only those
  [
    'status --',
    words('--profile', '--debug', '--help', '--version', '--prompt', '--duration', '--session-duration', '--no-session', '--json'),
  ],
  ['login --no', words('--no-session', '--no-browser')],
  ['console --s', words('--session-duration', '--stdout', '--service')],
  ['list --j', words('--json')],
  ['list --se', words()],
  // words after the command
  ['status ', words(...PROFILES)],
  ['status c', words('carol', 'carol-reader')],
  ['status reader ', words()],
  ['status --json r', words('reader', 'role')],
  ['export r', words('reader', 'role')],
  ['import carol ', words('carol-reader', 'default', 'reader', 'role')],
  ['shim ', words('install', 'list', 'remove')],
  ['shim install ', { kind: 'commands' }],
  ['completion ', words('bash', 'zsh', 'fish')],
  ['help c', words('credential-process', 'clear', 'completion', 'console')],
  ['console ', words(...PROFILES)],
  ['allow ', { kind: 'files' }],
  ['deny ./x ', words()],
  ['list ', words()],
  ['doctor ', words()],
  // exec: aws-vault's `exec PROFILE -- command`, or a command; the target's words are its own
  ['exec ', words(...PROFILES)],
  ['exec ro', words('role')],
  ['exec terr', { kind: 'commands' }],
  ['exec role ', words('--')],
  ['exec role -- ', { kind: 'commands' }],
  ['exec role -- aws ', { kind: 'files' }],
  ['exec -d 1h role -- aws ', { kind: 'files' }],
  ['exec terraform pl', { kind: 'files' }],
  ['exec -- ', { kind: 'commands' }],
  ['-- ', { kind: 'commands' }],
  ['-p role -- aws s3 ', { kind: 'files' }],
  ['terraform -p ', { kind: 'files' }], // the target's own options
  ['-p role terraform ', { kind: 'files' }],
];

describe('completeWords', () => {
  for (const [typed, want] of CASES) {
    test(`mfa-exec ${typed}▏`, () => {
      const got = completeWords(typed.split(' '), COMMANDS, () => PROFILES, PROMPTS);
      if (want.kind === 'words' && got.kind === 'words') assert.deepEqual([...got.words].sort(), [...want.words].sort());
      else assert.deepEqual(got, want);
    });
  }

  test('the profiles are read only when a profile is what is completed', () => {
    let read = 0;
    const profiles = () => {
      read++;
      return PROFILES;
    };
    completeWords(['st'], COMMANDS, profiles);
    completeWords(['env', '--format', ''], COMMANDS, profiles);
    completeWords(['-p', 'role', '--', 'aws', ''], COMMANDS, profiles);
    assert.equal(read, 0);
    completeWords(['status', ''], COMMANDS, profiles);
    assert.equal(read, 1);
  });
});
