/**
 * The config view's text, case by case: what a served profile keeps and loses, where its
 * credential_process line goes, what --server does to [default], what happens to secrets,
 * comments, [DEFAULT] and odd layouts. (config-view-botocore.test.ts checks what botocore reads
 * from the same kind of text; these pin the text itself, including what only the Go and JS
 * SDKs care about.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildView } from '../../src/config-view/build.ts';
import { isCredentialKey, SECRET_KEYS } from '../../src/config-view/keys.ts';
import { layoutOf } from '../../src/config-view/layout.ts';
import { renderView } from '../../src/config-view/render.ts';
import { decideServing } from '../../src/config-view/serve.ts';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { ConfigError } from '../../src/errors.ts';

const CONFIG = '/home/u/.aws/config';
const CREDS = '/home/u/.aws/credentials';
const NODE = '/usr/bin/node';
const CLI = '/opt/mfa-exec/dist/cli.js';
const cp = (profile: string) => `credential_process = ${NODE} ${CLI} credential-process --profile=${profile}`;
const SK = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function view(config: string | undefined, credentials?: string, deferDefault = false) {
  return buildView({
    configFile: CONFIG,
    credentialsFile: CREDS,
    configText: config,
    credentialsText: credentials,
    command: [NODE, CLI],
    deferDefault,
  });
}

/** The view's text without its first (comment) line. */
const body = (text: string) => text.slice(text.indexOf('\n') + 1);

describe('config view: served profiles', () => {
  test('a role keeps region, output, s3; loses everything that finds credentials; ends with our command', () => {
    const v = view(
      '[profile admin]\nregion = us-east-1\nrole_arn = arn:aws:iam::2:role/Admin\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n' +
        'role_session_name = me\nexternal_id = x\nduration_seconds = 3600\noutput = json\ns3 =\n  addressing_style = path\n' +
        'credential_source = Environment\nweb_identity_token_file = /t\nsso_session = s\nsso_account_id = 1\nlogin_session = l\ncredential_process = /own\nmfa_process = totp\nendpoint_url = http://x\n',
      `[base]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = ${SK}\n`,
    );
    // source_profile + credential_source together: mfa-exec (like botocore) refuses the role itself
    assert.deepEqual(v.served, ['base']);
    const ok = view(
      '[profile admin]\nregion = us-east-1\nrole_arn = arn:aws:iam::2:role/Admin\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n' +
        'role_session_name = me\nexternal_id = x\nduration_seconds = 3600\noutput = json\ns3 =\n  addressing_style = path\nendpoint_url = http://x\n',
      `[base]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = ${SK}\n`,
    );
    assert.deepEqual(ok.served, ['admin', 'base']);
    assert.equal(
      body(ok.config),
      `\n[profile admin]\nregion = us-east-1\noutput = json\ns3 =\n  addressing_style = path\nendpoint_url = http://x\n${cp('admin')}\n`,
    );
    assert.equal(body(ok.credentials), `\n[base]\n${cp('base')}\n`);
  });

  test('the key list: what a served profile loses', () => {
    for (const key of [
      'aws_access_key_id',
      'aws_secret_access_key',
      'aws_session_token',
      'aws_security_token',
      'role_arn',
      'source_profile',
      'credential_source',
      'web_identity_token_file',
      'login_session',
      'credential_process',
      'role_session_name',
      'external_id',
      'duration_seconds',
      'mfa_serial',
      'mfa_process',
      'sso_session',
      'sso_start_url',
      'sso_region',
      'sso_account_id',
      'sso_role_name',
      'sso_registration_scopes',
    ]) {
      assert.ok(isCredentialKey(key), key);
    }
    for (const key of [
      'region',
      'output',
      's3',
      'services',
      'endpoint_url',
      'ca_bundle',
      'cli_pager',
      'aws_account_id',
      'sts_regional_endpoints',
      'max_attempts',
      'retry_mode',
    ]) {
      assert.ok(!isCredentialKey(key), key);
    }
    assert.deepEqual([...SECRET_KEYS].sort(), [
      'aws_access_key_id',
      'aws_secret_access_key',
      'aws_security_token',
      'aws_session_token',
      'mfa_process',
    ]);
  });

  test('a profile in both files gets the command in both sections', () => {
    const v = view(
      '[profile both]\nregion = r\nmfa_serial = arn:aws:iam::1:mfa/b\n',
      `[both]\naws_access_key_id = AKIAB\naws_secret_access_key = ${SK}\n`,
    );
    assert.deepEqual(v.served, ['both']);
    assert.equal(body(v.config), `\n[profile both]\nregion = r\n${cp('both')}\n`);
    assert.equal(body(v.credentials), `\n[both]\n${cp('both')}\n`);
  });

  test('[default] and [profile default] both name the default profile: both are rewritten', () => {
    const v = view(
      '[default]\nregion = a\n[profile default]\nrole_arn = arn:aws:iam::1:role/D\nsource_profile = k\n',
      `[k]\naws_access_key_id = AKIAK\naws_secret_access_key = ${SK}\n`,
    );
    assert.deepEqual(v.served, ['default', 'k']);
    assert.equal(body(v.config), `\n[default]\nregion = a\n${cp('default')}\n\n[profile default]\n${cp('default')}\n`);
  });

  test('headers are kept as written (minus trailing text), so every SDK finds the same names', () => {
    const v = view(
      `[profile "my name"]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = k\n[profile café] ; note\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = k\n`,
      `[k]\naws_access_key_id = AKIAK\naws_secret_access_key = ${SK}\n`,
    );
    assert.deepEqual(v.served, ['my name', 'café', 'k']);
    assert.equal(
      body(v.config),
      `\n[profile "my name"]\ncredential_process = ${NODE} ${CLI} credential-process --profile='my name'\n\n[profile café]\ncredential_process = ${NODE} ${CLI} credential-process --profile='café'\n`,
    );
  });
});

describe('config view: what is left as written', () => {
  test('web identity, own credential_process, region-only, an SSO sign-in without a role: as written, and said why', () => {
    const config =
      '[profile signin]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://x/start#\nsso_region = eu-west-1\n' +
      '[profile own]\ncredential_process = /usr/bin/vault-creds --x\n[profile wi]\nrole_arn = arn:aws:iam::1:role/W\nweb_identity_token_file = /t\n[default]\nregion = r\n[services s]\ns3 =\n  endpoint_url = http://l\n';
    const v = view(config);
    assert.deepEqual(v.served, []);
    assert.equal(body(v.config), `\n${config.replaceAll('\n[', '\n\n[')}`);
    assert.deepEqual(
      v.left.map((l) => [l.profile, l.why]),
      [
        ['signin', 'it holds no credentials'],
        ['own', 'it has a credential_process of its own'],
        ['wi', 'it uses web_identity_token_file, which the SDK resolves itself'],
        ['default', 'it holds no credentials'],
      ],
    );
  });

  test('IAM Identity Center and `aws login` profiles are served, and so are roles from them; the [sso-session] stays as written', () => {
    const v = view(
      '[profile r]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = sso\n[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = x\nregion = eu-west-1\n' +
        '[sso-session corp]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n[profile console]\nlogin_session = arn:aws:iam::1:user/u\nregion = eu-west-1\n',
    );
    assert.deepEqual(v.served, ['r', 'sso', 'console']);
    assert.equal(
      body(v.config),
      `\n[profile r]\n${cp('r')}\n\n[profile sso]\nregion = eu-west-1\n${cp('sso')}\n\n[sso-session corp]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n\n[profile console]\nregion = eu-west-1\n${cp('console')}\n`,
    );
  });

  test('a role whose source has its own credential_process is served (mfa-exec runs that process)', () => {
    const v = view(
      '[profile r]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = p\nmfa_serial = arn:aws:iam::1:mfa/m\n[profile p]\ncredential_process = /usr/bin/own\n',
    );
    assert.deepEqual(v.served, ['r']);
    assert.match(v.config, /\[profile p\]\ncredential_process = \/usr\/bin\/own\n/);
  });

  test('a role mfa-exec refuses is served all the same (credential-process says why); one with no source or credential_source other than Environment is not', () => {
    const v = view(
      '[profile nosource]\nrole_arn = arn:aws:iam::1:role/N\n[profile ec2]\nrole_arn = arn:aws:iam::1:role/E\ncredential_source = Ec2InstanceMetadata\n' +
        '[profile long]\nrole_arn = arn:aws:iam::1:role/L\nsource_profile = k\nduration_seconds = 99999\n[profile k]\naws_access_key_id = AKIAK\naws_secret_access_key = s\n' +
        '[profile viaec2]\nrole_arn = arn:aws:iam::1:role/V\nsource_profile = ec2\n',
    );
    assert.deepEqual(v.served, ['long', 'k']);
    assert.equal(v.refused.length, 1);
    assert.match(v.refused[0]!.why, /role duration for profile 'long' is 27h46m39s/);
    assert.deepEqual(
      v.left.map((l) => [l.profile, l.why]),
      [
        ['nosource', 'it has role_arn but neither source_profile nor credential_source'],
        ['ec2', 'it uses credential_source = Ec2InstanceMetadata, which the SDK resolves itself'],
        ['viaec2', "its source profile 'ec2' uses credential_source = Ec2InstanceMetadata, which the SDK resolves itself"],
      ],
    );
    assert.match(v.config, /\[profile ec2\]\nrole_arn = arn:aws:iam::1:role\/E\ncredential_source = Ec2InstanceMetadata\n/);
    assert.match(v.config, /\[profile long\]\ncredential_process = .* credential-process --profile=long\n/);
  });
});

describe('config view: secrets', () => {
  test('no key, token or mfa_process anywhere, even in sections nobody serves, even in comments', () => {
    const v = view(
      `# aws_secret_access_key = ${SK}\n[profile sso] # ${SK}\nsso_account_id = 1\nsso_role_name = r\naws_access_key_id = AKIASSO\naws_secret_access_key = ${SK}\n; ${SK}\n[plugins]\nmfa_process = oathtool -b SEEDSEED\n`,
      `[DEFAULT]\naws_session_token = ${SK}\n[x]\nregion = r\n  ; ${SK}\n`,
    );
    const text = v.config + v.credentials;
    assert.ok(!text.includes(SK) && !text.includes('AKIASSO') && !text.includes('SEEDSEED'), text);
    assert.ok(!/aws_secret|aws_session|aws_security|aws_access|mfa_process/.test(text), text);
  });

  test('an indented secret line that botocore reads as part of a value is dropped too (JS and Go read it as a setting)', () => {
    const v = view(undefined, `[x]\nregion = r\n  aws_secret_access_key = ${SK}\n  more = text\n`);
    assert.equal(body(v.credentials), '\n[x]\nregion = r\n  more = text\n');
  });

  // Issue 17: two ways a secret reached the view.
  test('a key line behind a byte order mark (botocore: another key; the JS SDK trims the mark) is left out', () => {
    const v = view(
      `[profile a]\n\uFEFFmfa_process = oathtool -b SEEDSEED\nregion = r\n`,
      `[x]\n\uFEFFaws_access_key_id = AKIABOM\n\uFEFFaws_secret_access_key = ${SK}\n  \uFEFFaws_session_token = ${SK}\nregion = r\n`,
    );
    assert.equal(body(v.credentials), '\n[x]\nregion = r\n');
    assert.equal(body(v.config), '\n[profile a]\nregion = r\n');
  });

  test('a secret setting inside a value (an inline comment to the JS SDK, part of the value to botocore) is cut off', () => {
    const v = view(
      `[profile a]\nregion = eu-west-1 ;aws_secret_access_key=${SK}\noutput = json # AWS_Session_Token: ${SK}\ncli_pager =\tx;\uFEFFmfa_process = seed SEEDSEED\n`,
      `[x]\nregion = r\n  more ;aws_access_key_id = AKIAHIDDEN\n  ; aws_secret_access_key = ${SK}\nother = ;aws_session_token=${SK}\nkept = a;b #c\n`,
    );
    assert.equal(body(v.config), '\n[profile a]\nregion = eu-west-1\noutput = json\ncli_pager =\tx\n');
    assert.equal(body(v.credentials), '\n[x]\nregion = r\n  more\nkept = a;b #c\n');
    const text = v.config + v.credentials;
    assert.ok(!text.includes(SK) && !text.includes('AKIAHIDDEN') && !text.includes('SEEDSEED'), text);
  });

  test('in a served section, an indented credential line is dropped, unless it is inside a nested block', () => {
    const v = view(
      '[profile p]\nregion = r\n  role_arn = arn:aws:iam::1:role/Hidden\nrole_arn = arn:aws:iam::1:role/P\nsource_profile = k\ns3 =\n  role_arn = nested-is-harmless\n',
      `[k]\naws_access_key_id = AKIAK\naws_secret_access_key = ${SK}\n`,
    );
    assert.equal(body(v.config), `\n[profile p]\nregion = r\ns3 =\n  role_arn = nested-is-harmless\n${cp('p')}\n`);
  });
});

describe('config view: --server defers the default profile to the endpoint', () => {
  test('[default] with keys, a role, a credential_process or SSO: left with none of them, and no command', () => {
    for (const defaults of [
      `[default]\nregion = r\naws_access_key_id = AKIAD\naws_secret_access_key = ${SK}\n`,
      '[default]\nregion = r\nrole_arn = arn:aws:iam::1:role/D\nsource_profile = k\nmfa_serial = arn:aws:iam::1:mfa/m\n',
      '[default]\nregion = r\ncredential_process = /usr/bin/own\n',
      '[default]\nregion = r\nsso_account_id = 1\nsso_role_name = x\nsso_start_url = u\nsso_region = r\n',
    ]) {
      const v = view(
        defaults,
        `[k]\naws_access_key_id = AKIAK\naws_secret_access_key = ${SK}\n[default]\naws_access_key_id = AKIAD2\naws_secret_access_key = ${SK}\n`,
        true,
      );
      assert.equal(body(v.config), '\n[default]\nregion = r\n', defaults);
      assert.equal(body(v.credentials), `\n[k]\n${cp('k')}\n\n[default]\n`, defaults);
    }
  });

  test('other profiles are still served', () => {
    const v = view(
      '[profile p]\nrole_arn = arn:aws:iam::1:role/P\nsource_profile = default\n',
      `[default]\naws_access_key_id = AKIAD\naws_secret_access_key = ${SK}\n`,
      true,
    );
    assert.equal(body(v.config), `\n[profile p]\n${cp('p')}\n`);
    assert.equal(body(v.credentials), '\n[default]\n');
  });
});

describe('config view: layout', () => {
  test('an indented header after a served section stays a header (written at column 0)', () => {
    const v = view(
      '[profile x]\n    region = a\n    role_arn = arn:aws:iam::1:role/X\n    source_profile = k\n    [profile y]\nregion = b\n',
      `[k]\naws_access_key_id = AKIAK\naws_secret_access_key = ${SK}\n`,
    );
    assert.equal(body(v.config), `\n[profile x]\n    region = a\n${cp('x')}\n\n[profile y]\nregion = b\n`);
  });

  test('continuation lines and blank lines inside a value move with their setting', () => {
    const sections = layoutOf('[a]\nk = 1\n  two\n\n  three\n\n# c\n\nj = 2\n   ; c\n  cont\n');
    assert.deepEqual(sections, [
      {
        name: 'a',
        header: '[a]',
        settings: [
          { key: 'k', lines: ['k = 1', '  two', '', '  three'] },
          { key: 'j', lines: ['j = 2', '  cont'] },
        ],
      },
    ]);
  });

  test('CRLF and lone CR become \\n', () => {
    const v = view('[default]\r\nregion = r\r[profile x]\r\noutput = json\r\n');
    assert.equal(body(v.config), '\n[default]\nregion = r\n\n[profile x]\noutput = json\n');
  });

  test('missing files give a view file with only its first line; the first line names the source', () => {
    const v = view(undefined, undefined);
    assert.equal(v.config, `# Written by mfa-exec from ${CONFIG}; edit that file, not this one.\n`);
    assert.equal(v.credentials, `# Written by mfa-exec from ${CREDS}; edit that file, not this one.\n`);
    const odd = renderView({ configFile: '/tmp/a\nb', credentialsFile: CREDS }, { commands: new Map() });
    assert.equal(odd.config.split('\n').length, 2, 'a line break in a path does not end the comment');
  });

  test('files the AWS CLI refuses are refused', () => {
    assert.throws(() => view('[default]\nregion = a\nregion = b\n'), ConfigError);
    assert.throws(() => view('region = a\n'), ConfigError);
  });
});

describe('config view: [DEFAULT]', () => {
  test('its credential settings go into the sections that inherit them, but not into served ones', () => {
    const v = view(
      '[DEFAULT]\nregion = d\nrole_arn = arn:aws:iam::1:role/Inherited\n[profile served]\nsource_profile = k\n[profile sso]\nsso_account_id = 1\nsso_role_name = r\nsso_start_url = u\nsso_region = r\n[profile own]\nrole_arn = arn:aws:iam::1:role/Own\nweb_identity_token_file = /t\n',
      `[k]\naws_access_key_id = AKIAK\naws_secret_access_key = ${SK}\n`,
    );
    assert.deepEqual(v.served, ['served', 'k']);
    assert.equal(
      body(v.config),
      `\n[DEFAULT]\nregion = d\n\n[profile served]\n${cp('served')}\n\n[profile sso]\nsso_account_id = 1\nsso_role_name = r\nsso_start_url = u\nsso_region = r\nrole_arn = arn:aws:iam::1:role/Inherited\n\n[profile own]\nrole_arn = arn:aws:iam::1:role/Own\nweb_identity_token_file = /t\n`,
    );
    assert.deepEqual(v.notes, [`[DEFAULT] in ${CONFIG}: role_arn written into the sections that inherit it and not into served ones`]);
  });
});

describe('config view: serving decisions follow botocore', () => {
  const decide = (config: string, credentials?: string) =>
    Object.fromEntries(
      [...decideServing(parseAwsFiles(config, CONFIG, credentials, CREDS))].map(([n, d]) => [n, d.serve ? `served (${d.source})` : d.why]),
    );

  test('keys in the credentials file outrank a credential_process; keys in the config file do not', () => {
    assert.deepEqual(
      decide(
        '[profile a]\ncredential_process = /x\naws_access_key_id = A\naws_secret_access_key = S\n[profile b]\ncredential_process = /y\n',
        '[b]\naws_access_key_id = B\naws_secret_access_key = S\n',
      ),
      { a: 'it has a credential_process of its own', b: `served (keys in ${CREDS})` },
    );
  });

  test('role_arn with web_identity_token_file is web identity, not a role', () => {
    assert.deepEqual(
      decide(
        '[profile w]\nrole_arn = r\nweb_identity_token_file = /t\nsource_profile = k\n[profile k]\naws_access_key_id = A\naws_secret_access_key = S\n',
      ),
      {
        w: 'it uses web_identity_token_file, which the SDK resolves itself',
        k: `served (keys in ${CONFIG})`,
      },
    );
  });

  test('SSO outranks keys (sso_account_id or sso_role_name present); keys in the credentials file outrank login_session', () => {
    assert.deepEqual(decide('[profile s]\nsso_role_name = r\n', '[s]\naws_access_key_id = A\naws_secret_access_key = S\n'), {
      s: 'served (IAM Identity Center (sso_*))',
    });
    assert.deepEqual(
      decide('[profile l]\nlogin_session = arn:aws:iam::1:user/u\n', '[l]\naws_access_key_id = A\naws_secret_access_key = S\n'),
      {
        l: `served (keys in ${CREDS})`,
      },
    );
    assert.deepEqual(decide('[profile l]\nlogin_session = arn:aws:iam::1:user/u\ncredential_process = /x\n'), {
      l: 'served (`aws login` (login_session))',
    });
  });
});

describe("config view: profiles whose keys are in mfa-exec's key store", () => {
  const config =
    '[default]\nregion = eu-west-1\n[profile me]\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile admin]\nrole_arn = arn:aws:iam::2:role/A\nsource_profile = me\n[profile sso]\nsso_account_id = 1\nsso_role_name = r\n';
  test('served when the store holds them (and roles from them); without the store, left (the SDK finds no credentials either)', () => {
    const holds = new Set(['me', 'sso', 'default']);
    const withStore = buildView(
      {
        configFile: CONFIG,
        credentialsFile: CREDS,
        configText: config,
        command: [NODE, CLI],
      },
      (p) => holds.has(p),
    );
    assert.deepEqual(withStore.served, ['default', 'me', 'admin', 'sso']); // sso: served as IAM Identity Center (mfa-exec says what it lacks)
    assert.deepEqual(withStore.left, []);
    assert.match(withStore.config, /\[profile admin\]\ncredential_process = .* --profile=admin\n/);
    const without = view(config);
    assert.deepEqual(without.served, ['sso']); // IAM Identity Center, whatever the store holds
    assert.match(
      without.left.find((l) => l.profile === 'admin')!.why,
      /its source profile 'me' gets credentials elsewhere: it holds no credentials/,
    );
  });
});
