// Opening a URL in the browser (src/open-url.ts): $BROWSER as xdg-open and Python read it, else the platform's opener.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openUrl, openers } from '../../src/open-url.ts';
import { platformFor } from '../../src/platform/index.ts';

const URL = 'https://example.test/federation?Action=login&SigninToken=s3cret';

describe('openers', () => {
  const cases: [string, Record<string, string>, NodeJS.Platform, string[][]][] = [
    ['linux default: xdg-open', {}, 'linux', [['xdg-open', URL]]],
    ['macOS: open', {}, 'darwin', [['open', URL]]],
    [
      'Windows: rundll32 from System32, no shell to mangle & in the URL',
      { SYSTEMROOT: 'C:\\WINDOWS' },
      'win32',
      [['C:\\WINDOWS\\System32\\rundll32.exe', 'url.dll,FileProtocolHandler', URL]],
    ],
    [
      'Windows: $BROWSER is a semicolon-separated list',
      { BROWSER: 'C:\\b\\ff.exe;edge' },
      'win32',
      [
        ['C:\\b\\ff.exe', URL],
        ['edge', URL],
      ],
    ],
    ['$BROWSER wins on every platform', { BROWSER: 'firefox' }, 'darwin', [['firefox', URL]]],
    ['$BROWSER words are split; the URL goes last', { BROWSER: 'firefox --new-tab' }, 'linux', [['firefox', '--new-tab', URL]]],
    ['%s stands for the URL', { BROWSER: 'chromium --app=%s --x' }, 'linux', [['chromium', `--app=${URL}`, '--x']]],
    [
      'a colon-separated list is tried in order',
      { BROWSER: 'w3m:lynx' },
      'linux',
      [
        ['w3m', URL],
        ['lynx', URL],
      ],
    ],
    ['an empty or blank $BROWSER is unset', { BROWSER: '  ' }, 'linux', [['xdg-open', URL]]],
  ];
  for (const [name, env, platform, want] of cases) test(name, () => assert.deepEqual(openers(URL, env, platformFor(platform)), want));
});

describe('openUrl', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-exec-open-'));
  const script = (name: string, body: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o700 });
    return file;
  };
  const got = path.join(dir, 'got');
  const fails = script('fails', 'exit 3');
  const records = script('records', `printf '%s' "$1" > '${got}'`);
  const stays = script('stays', 'sleep 2');

  test('the first opener that fails hands on to the next; the URL arrives whole', async () => {
    fs.rmSync(got, { force: true });
    const opened = await openUrl(URL, { env: { BROWSER: `${fails}:/no/such/browser:${records}` } });
    assert.equal(opened, records);
    assert.equal(fs.readFileSync(got, 'utf8'), URL);
  });

  test('the browser gets the environment without our secrets (the passphrase, an MFA code) or AWS credentials (a wrapped shell, --server)', async () => {
    fs.rmSync(got, { force: true });
    const env = script('env', `env > '${got}'`);
    await openUrl(URL, {
      env: {
        BROWSER: env,
        PATH: '/usr/bin:/bin',
        MFA_EXEC_FILE_PASSPHRASE: 'pp',
        AWS_VAULT_FILE_PASSPHRASE: 'vp',
        MFA_EXEC_MFA_TOKEN: '123456',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_SECURITY_TOKEN: 'token',
        AWS_CONTAINER_AUTHORIZATION_TOKEN: 'server-token',
        AWS_REGION: 'eu-west-1',
      },
    });
    const seen = fs.readFileSync(got, 'utf8');
    assert.match(seen, /^PATH=\/usr\/bin:\/bin$/m);
    assert.match(seen, /^AWS_REGION=eu-west-1$/m);
    assert.doesNotMatch(
      seen,
      /PASSPHRASE|MFA_EXEC_MFA_TOKEN|AWS_ACCESS_KEY_ID|AWS_SECRET|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN|AUTHORIZATION_TOKEN/,
    );
  });

  test('none works: undefined, and nothing thrown (the caller says what to do)', async () => {
    assert.equal(await openUrl(URL, { env: { BROWSER: `${fails}:/no/such/browser` } }), undefined);
  });

  test('an opener still running after the grace period counts as opened (a browser that stays)', async () => {
    const opened = await openUrl(URL, { env: { BROWSER: stays }, graceMs: 200 });
    assert.equal(opened, stays);
  });
});
