import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadAwsFiles, parseAwsFiles, profileName } from '../../src/aws-config/load.ts';
import { configFilePaths } from '../../src/aws-config/paths.ts';
import { nodeFileSystem, type FileSystemLike } from '../../src/aws-config/read-file.ts';
import { shlexSplit } from '../../src/aws-config/shlex.ts';
import type { AwsFiles } from '../../src/aws-config/types.ts';
import { ConfigError } from '../../src/errors.ts';

const CONFIG = '/home/u/.aws/config';
const CREDS = '/home/u/.aws/credentials';

function profilesOf(files: AwsFiles): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, p] of files.profiles) {
    assert.equal(p.name, name);
    out[name] = { ...p.values };
  }
  return out;
}

function parse(config: string | undefined, credentials?: string): AwsFiles {
  return parseAwsFiles(config, CONFIG, credentials, CREDS);
}

describe('shlexSplit is Python shlex.split (expected values printed by Python 3.11)', () => {
  const cases: [string, string[] | undefined][] = [
    ['profile x', ['profile', 'x']],
    ['profile "my name"', ['profile', 'my name']],
    ["profile 'a b'", ['profile', 'a b']],
    ['profile a b', ['profile', 'a', 'b']],
    ['profileX y', ['profileX', 'y']],
    ['profile', ['profile']],
    ['profile "unbal', undefined],
    ['profile a\\ b', ['profile', 'a b']],
    ["profile ''", ['profile', '']],
    ['profile ""', ['profile', '']],
    ['profile  x  ', ['profile', 'x']],
    ['profile\tx', ['profile', 'x']],
    ['profile\u000bx', ['profile\u000bx']],
    ['profile "a\\"b"', ['profile', 'a"b']],
    ['profile "a\\xb"', ['profile', 'a\\xb']],
    ["profile 'a\\b'", ['profile', 'a\\b']],
    ['profile a\\', undefined],
    ['profile x#y', ['profile', 'x#y']],
    ['profile a"b c"d', ['profile', 'ab cd']],
    ['profile ""x', ['profile', 'x']],
    ['profile 日本', ['profile', '日本']],
    ['profile dev.eu-west-1', ['profile', 'dev.eu-west-1']],
    ['profile "a\\\\b"', ['profile', 'a\\b']],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => assert.deepEqual(shlexSplit(input), want));
  }
});

describe('profileName: which config-file sections are profiles (botocore build_profile_map)', () => {
  const cases: [string, string | undefined][] = [
    ['default', 'default'],
    ['profile default', 'default'],
    ['profile dev', 'dev'],
    ['profile "my name"', 'my name'],
    ['profile a b', undefined],
    ['profile', undefined],
    ['profileX', undefined],
    ['profileX y', 'y'], // starts with "profile", two words: botocore takes it
    ['profile "unbalanced', undefined],
    ["profile ''", ''],
    ['Default', undefined],
    [' default', undefined],
    ['DEFAULT', undefined],
    ['sso-session corp', undefined],
    ['services s3', undefined],
    ['preview', undefined],
    ['profile dev.eu-west-1', 'dev.eu-west-1'],
    ['profile café', 'café'],
  ];
  for (const [section, want] of cases) {
    test(`[${section}] -> ${String(want)}`, () => assert.equal(profileName(section), want));
  }
});

describe('parseAwsFiles', () => {
  test('both files missing: no profiles, paths kept', () => {
    const files = parse(undefined, undefined);
    assert.equal(files.profiles.size, 0);
    assert.equal(files.configFile, CONFIG);
    assert.equal(files.credentialsFile, CREDS);
  });

  test('config profiles, non-profile sections skipped', () => {
    const files = parse(
      '[default]\nregion = eu-west-1\n[profile dev]\nrole_arn = arn:r\nsource_profile = default\n' +
        '[sso-session corp]\nsso_region = x\n[services s]\ns3 =\n  endpoint_url = http://x\n[preview]\ncloudfront = true\n',
    );
    assert.deepEqual(profilesOf(files), {
      default: { region: 'eu-west-1' },
      dev: { role_arn: 'arn:r', source_profile: 'default' },
    });
  });

  test('regression: [default] then [profile default] — the later section replaces, no merge', () => {
    assert.deepEqual(profilesOf(parse('[default]\na = 1\n[profile default]\nb = 2\n')), { default: { b: '2' } });
    assert.deepEqual(profilesOf(parse('[profile default]\nb = 2\n[default]\na = 1\n')), { default: { a: '1' } });
  });

  test('regression: [profile x] and [profile "x"] are different sections naming one profile', () => {
    const files = parse('[profile x]\na = 1\n[other]\n[profile "x"]\nb = 2\n[profile y]\n');
    assert.deepEqual(profilesOf(files), { x: { b: '2' }, y: {} });
    assert.deepEqual([...files.profiles.keys()], ['x', 'y'], 'keeps the first position, like a Python dict');
  });

  test('credentials file overrides the config file key by key, and records where each key came from', () => {
    const files = parse(
      '[default]\nregion = eu-west-1\naws_access_key_id = OLD\n',
      '[default]\naws_access_key_id = NEW\naws_secret_access_key = S\n[ci]\naws_access_key_id = C\n',
    );
    assert.deepEqual(profilesOf(files), {
      default: { region: 'eu-west-1', aws_access_key_id: 'NEW', aws_secret_access_key: 'S' },
      ci: { aws_access_key_id: 'C' },
    });
    const d = files.profiles.get('default');
    assert.deepEqual({ ...d?.origin }, { region: CONFIG, aws_access_key_id: CREDS, aws_secret_access_key: CREDS });
    assert.deepEqual({ ...files.profiles.get('ci')?.origin }, { aws_access_key_id: CREDS });
  });

  test('credentials file: section names are profile names as they are', () => {
    const files = parse('[profile a]\nx = 1\n', '[profile a]\ny = 2\n[a]\nz = 3\n[default]\n');
    assert.deepEqual(profilesOf(files), { a: { x: '1', z: '3' }, 'profile a': { y: '2' }, default: {} });
  });

  test('[DEFAULT] in the credentials file reaches every credentials section (and so every profile there)', () => {
    const files = parse('[profile a]\nregion = r\n', '[DEFAULT]\naws_access_key_id = K\n[a]\n[b]\naws_access_key_id = B\n');
    assert.deepEqual(profilesOf(files), { a: { region: 'r', aws_access_key_id: 'K' }, b: { aws_access_key_id: 'B' } });
  });

  test('[DEFAULT] in the config file reaches non-profile sections too but is not a profile', () => {
    assert.deepEqual(profilesOf(parse('[DEFAULT]\nregion = d\n[profile a]\n[preview]\n')), { a: { region: 'd' } });
  });

  test('quoted, unicode, dotted and empty profile names', () => {
    const files = parse(
      '[profile "my name"]\na=1\n[profile café]\nb=2\n[profile dev.eu-west-1]\nc=3\n[profile \'\']\nd=4\n[profile 日本 語]\ne=5\n',
    );
    assert.deepEqual(profilesOf(files), { 'my name': { a: '1' }, café: { b: '2' }, 'dev.eu-west-1': { c: '3' }, '': { d: '4' } });
  });

  test('values are null-prototype records: __proto__ and constructor are plain keys', () => {
    const files = parse('[default]\n__proto__ = p\nconstructor = c\n', '[default]\ntoString = t\n');
    const values = files.profiles.get('default')?.values;
    assert.ok(values);
    assert.equal(Object.getPrototypeOf(values), null);
    assert.deepEqual(Object.keys(values).sort(), ['__proto__', 'constructor', 'tostring']);
    assert.equal(values['__proto__'], 'p');
    assert.equal(Object.hasOwn(values, 'hasOwnProperty'), false);
  });

  test('an error in either file names that file', () => {
    assert.throws(
      () => parse('[default]\nbad line\n', ''),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${CONFIG} line 2:`),
    );
    assert.throws(
      () => parse('', '[default]\nbad line\n'),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${CREDS} line 2:`),
    );
  });
});

describe('configFilePaths (botocore: expandvars, then expanduser)', () => {
  const home = '/home/u';
  const cwd = '/work/dir';
  const cases: { name: string; env: NodeJS.ProcessEnv; config: string; credentials: string }[] = [
    { name: 'defaults', env: {}, config: '/home/u/.aws/config', credentials: '/home/u/.aws/credentials' },
    {
      name: 'AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE with ~',
      env: { AWS_CONFIG_FILE: '~/cfg/config', AWS_SHARED_CREDENTIALS_FILE: '~/cfg/creds' },
      config: '/home/u/cfg/config',
      credentials: '/home/u/cfg/creds',
    },
    { name: 'bare ~ is the home directory', env: { AWS_CONFIG_FILE: '~' }, config: '/home/u', credentials: '/home/u/.aws/credentials' },
    {
      name: '$VAR and ${VAR} expanded, unknown $VARS kept',
      env: { AWS_CONFIG_FILE: '$ROOT/${SUB}/config', AWS_SHARED_CREDENTIALS_FILE: '/x/$NOPE/${ALSO_NOPE}/c', ROOT: '/srv', SUB: 'aws' },
      config: '/srv/aws/config',
      credentials: '/x/$NOPE/${ALSO_NOPE}/c',
    },
    {
      name: 'expandvars runs before expanduser: a variable holding ~ is expanded',
      env: { AWS_CONFIG_FILE: '$CFG', CFG: '~/from-var' },
      config: '/home/u/from-var',
      credentials: '/home/u/.aws/credentials',
    },
    {
      name: 'relative path resolved against cwd',
      env: { AWS_CONFIG_FILE: 'conf/aws' },
      config: '/work/dir/conf/aws',
      credentials: '/home/u/.aws/credentials',
    },
    {
      name: 'empty variable counts as unset',
      env: { AWS_CONFIG_FILE: '' },
      config: '/home/u/.aws/config',
      credentials: '/home/u/.aws/credentials',
    },
    {
      name: '~user is not expanded (relative to cwd)',
      env: { AWS_CONFIG_FILE: '~bob/c' },
      config: '/work/dir/~bob/c',
      credentials: '/home/u/.aws/credentials',
    },
    { name: 'a ~ not at the start stays', env: { AWS_CONFIG_FILE: '/a/~/c' }, config: '/a/~/c', credentials: '/home/u/.aws/credentials' },
    {
      name: 'unclosed ${ stays',
      env: { AWS_CONFIG_FILE: '/a/${X/c', X: 'no' },
      config: '/a/${X/c',
      credentials: '/home/u/.aws/credentials',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(configFilePaths(c.env, home, cwd), { configFile: c.config, credentialsFile: c.credentials });
    });
  }
  test('homedir with a trailing slash', () => {
    assert.equal(configFilePaths({}, '/home/u/', cwd).configFile, '/home/u/.aws/config');
  });
  test('linear time on a long unclosed ${${${... (the obvious regex is quadratic)', () => {
    const started = performance.now();
    const path = `/${'${'.repeat(200_000)}$A`;
    assert.equal(configFilePaths({ AWS_CONFIG_FILE: path, A: 'a' }, home, cwd).configFile, `/${'${'.repeat(200_000)}a`);
    assert.ok(performance.now() - started < 500);
  });
  test('a relative path resolves against the working directory given', () => {
    assert.equal(configFilePaths({ AWS_CONFIG_FILE: 'rel' }, home, '/some/dir').configFile, '/some/dir/rel');
  });
});

describe('loadAwsFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-exec-load-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('reads exactly the two files through the injected file system', () => {
    const reads: string[] = [];
    const fs: FileSystemLike = {
      readFile(path) {
        reads.push(path);
        return path.endsWith('config') ? '[profile a]\nregion = r\n' : undefined;
      },
    };
    const files = loadAwsFiles({ AWS_CONFIG_FILE: '/etc/aws/config' }, '/home/u', '/', fs);
    assert.deepEqual(reads, ['/etc/aws/config', '/home/u/.aws/credentials']);
    assert.deepEqual(profilesOf(files), { a: { region: 'r' } });
  });

  test('missing files (ENOENT, and ENOTDIR when ~/.aws is a file) are just empty', () => {
    writeFileSync(join(dir, 'not-a-dir'), '');
    const files = loadAwsFiles(
      { AWS_CONFIG_FILE: join(dir, 'nope'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'not-a-dir', 'credentials') },
      dir,
      dir,
    );
    assert.equal(files.profiles.size, 0);
  });

  test('real files, CRLF and credentials override', () => {
    writeFileSync(join(dir, 'config'), '[default]\r\nregion = eu-west-1\r\n[profile p]\r\nmfa_serial = arn:m\r\n');
    writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AK\nregion = us-east-1\n');
    const files = loadAwsFiles({ AWS_CONFIG_FILE: '~/config', AWS_SHARED_CREDENTIALS_FILE: '~/credentials' }, dir, dir);
    assert.deepEqual(profilesOf(files), { default: { region: 'us-east-1', aws_access_key_id: 'AK' }, p: { mfa_serial: 'arn:m' } });
    assert.equal(files.configFile, join(dir, 'config'));
  });

  test("a regular file's identity as read changes with each write (in place or replaced); a missing file has none", () => {
    const path = join(dir, 'identity');
    const env = { AWS_CONFIG_FILE: path, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'nope') };
    writeFileSync(path, '[default]\nregion = eu-west-1\n');
    const first = loadAwsFiles(env, dir, dir);
    assert.match(first.identities?.config ?? '', /^\d+:\d+:\d+:[\d.]+:[\d.]+$/);
    assert.equal(first.identities?.credentials, undefined);
    assert.equal(loadAwsFiles(env, dir, dir).identities?.config, first.identities?.config);
    // The same length in place, with the file's times set back: the change time still moves.
    const { mtime } = statSync(path);
    writeFileSync(path, '[default]\nregion = eu-west-2\n');
    utimesSync(path, mtime, mtime);
    const inPlace = loadAwsFiles(env, dir, dir);
    assert.notEqual(inPlace.identities?.config, first.identities?.config);
    writeFileSync(`${path}.new`, '[default]\nregion = eu-west-3\n');
    renameSync(`${path}.new`, path);
    assert.notEqual(loadAwsFiles(env, dir, dir).identities?.config, inPlace.identities?.config);
  });

  test('a directory where the file should be is a ConfigError naming it', () => {
    mkdirSync(join(dir, 'adir'));
    assert.throws(
      () => loadAwsFiles({ AWS_CONFIG_FILE: join(dir, 'adir') }, dir, dir),
      (e: unknown) => e instanceof ConfigError && e.message.includes(join(dir, 'adir')) && /is a directory/.test(e.message),
    );
  });

  test('unreadable file is a ConfigError naming it', { skip: process.getuid?.() === 0 ? 'root can read anything' : false }, () => {
    const path = join(dir, 'locked');
    writeFileSync(path, '[default]\n', { mode: 0o000 });
    assert.throws(
      () => nodeFileSystem.readFile(path),
      (e: unknown) => e instanceof ConfigError && e.message.includes(path) && /permission denied/.test(e.message),
    );
  });

  test('invalid UTF-8 is a ConfigError (Python: UnicodeDecodeError)', () => {
    const path = join(dir, 'latin1');
    writeFileSync(path, Buffer.from('[default]\nregion = caf\xe9\n', 'latin1'));
    assert.throws(
      () => nodeFileSystem.readFile(path),
      (e: unknown) => e instanceof ConfigError && e.message.includes(path) && /UTF-8/.test(e.message),
    );
  });

  test('regression: a UTF-8 BOM is kept (not silently dropped) so the file is refused like the AWS CLI does', () => {
    const path = join(dir, 'bom');
    writeFileSync(path, '\ufeff[default]\nregion = x\n');
    assert.equal(nodeFileSystem.readFile(path)?.charCodeAt(0), 0xfeff);
    assert.throws(() => loadAwsFiles({ AWS_CONFIG_FILE: path }, dir, dir), /byte order mark/);
  });
});
