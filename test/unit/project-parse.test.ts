// The project file's text → its settings (src/project/parse.ts): botocore's INI rules without
// section headers, and a clear error for anything it does not know.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExitCode, isMfaExecError } from '../../src/errors.ts';
import { parseProjectFile } from '../../src/project/parse.ts';
import type { ProjectSettings } from '../../src/project/types.ts';

const FILE = '/home/u/repo/prod/.mfa-exec';

describe('parseProjectFile: what a file says', () => {
  const cases: [string, string, ProjectSettings][] = [
    ['an empty file says nothing', '', {}],
    ['comments and blank lines only', '# a project\n; more\n\n', {}],
    ['profile', 'profile = prod\n', { profile: 'prod' }],
    ["':' is a delimiter too, as in ~/.aws/config", 'profile: prod\n', { profile: 'prod' }],
    ['keys are lower-cased, values trimmed', 'PROFILE =   prod  \n', { profile: 'prod' }],
    ['an inline # is part of the value (botocore)', 'profile = prod # the live one\n', { profile: 'prod # the live one' }],
    ['one account', 'allowed_account_ids = 111111111111\n', { allowedAccountIds: ['111111111111'] }],
    [
      'accounts separated by commas, spaces, or continuation lines; repeats dropped',
      'allowed_account_ids = 111111111111, 222222222222\n  333333333333 111111111111\n',
      { allowedAccountIds: ['111111111111', '222222222222', '333333333333'] },
    ],
    ['confirm = true', 'confirm = true\n', { confirm: { on: true, patterns: [] } }],
    ['confirm = TRUE (any case, as botocore)', 'confirm = TRUE\n', { confirm: { on: true, patterns: [] } }],
    ['confirm = false', 'confirm = false\n', { confirm: { on: false, patterns: [] } }],
    [
      'confirm with commands: on, and the commands added',
      'confirm = terragrunt apply, make   deploy*\n',
      { confirm: { on: true, patterns: ['terragrunt apply', 'make deploy*'] } },
    ],
    [
      'confirm with true and commands, one per continuation line',
      'confirm = true\n    terragrunt run-all apply\n',
      { confirm: { on: true, patterns: ['terragrunt run-all apply'] } },
    ],
    ['min_lifetime in units', 'min_lifetime = 30m\n', { minLifetimeSeconds: 1800 }],
    ['min_lifetime in seconds', 'min_lifetime = 2700\n', { minLifetimeSeconds: 2700 }],
    ['min_lifetime = 0: none, not even the default', 'min_lifetime = 0\n', { minLifetimeSeconds: 0 }],
    ['server', 'server = true\n', { server: true }],
    [
      'everything together',
      'profile = prod\nallowed_account_ids = 222222222222\nconfirm = true\nmin_lifetime = 1h\nserver = false\n',
      {
        profile: 'prod',
        allowedAccountIds: ['222222222222'],
        confirm: { on: true, patterns: [] },
        minLifetimeSeconds: 3600,
        server: false,
      },
    ],
  ];
  for (const [name, text, want] of cases) test(name, () => assert.deepEqual(parseProjectFile(text, FILE), want));
});

describe('parseProjectFile: refused, naming the file (exit 78)', () => {
  const cases: [string, string, RegExp][] = [
    [
      'a misspelt setting must not read as no restriction',
      'allowed_accounts_ids = 111111111111\n',
      /'allowed_accounts_ids' is not a setting/,
    ],
    ['a section header', '[project]\nprofile = prod\n', /line 1: '\[project\]' is a section header; this file has none/],
    [
      '[DEFAULT] too (botocore would merge it into every section)',
      'profile = a\n[DEFAULT]\nconfirm = true\n',
      /line 2: '\[DEFAULT\]' is a section header/,
    ],
    ['an account id of 11 digits', 'allowed_account_ids = 11111111111\n', /'11111111111', which is not a 12-digit AWS account ID/],
    ['an account alias', 'allowed_account_ids = prod-account\n', /not a 12-digit AWS account ID/],
    ['an empty account list', 'allowed_account_ids =\n', /lists no account/],
    ['an empty profile', 'profile =\n', /names no profile/],
    ['confirm = no must not read as a command named no', 'confirm = no\n', /is not true or false/],
    ['confirm = yes (botocore booleans are true/false)', 'confirm = yes\n', /is not true or false/],
    ['false mixed with commands', 'confirm = false, terragrunt apply\n', /mixes false with commands/],
    ['min_lifetime that is no duration', 'min_lifetime = soon\n', /is not a duration/],
    ['min_lifetime over 12 h', 'min_lifetime = 13h\n', /longer than the 12 h/],
    ['server = maybe', 'server = maybe\n', /neither true nor false/],
    ['a repeated setting (botocore refuses it too)', 'profile = a\nprofile = b\n', /'profile' is set twice/],
    ['a line without a delimiter', 'profile prod\n', /line 1: 'profile prod' is neither/],
    ['a byte order mark', '\ufeffprofile = prod\n', /byte order mark/],
  ];
  for (const [name, text, message] of cases) {
    test(name, () => {
      assert.throws(
        () => parseProjectFile(text, FILE),
        (error: unknown) => {
          assert.ok(isMfaExecError(error, 'config'), String(error));
          assert.equal(error.exitCode, ExitCode.config);
          assert.ok(error.message.includes(FILE), error.message);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /the AWS CLI refuses this file/, 'the AWS CLI never reads a project file');
          return true;
        },
      );
    });
  }
});
