// Views on disk: made whole or not at all, found only while intact, replaced when changed, pruned
// by name and age only; and the child environment that points at them and back.
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { configFilePaths, viewVariables, withoutView } from '../../src/aws-config/paths.ts';
import { defaultOutranksEndpoint, refuseOwnFiles } from '../../src/config-view/fallback.ts';
import { provideView } from '../../src/config-view/provide.ts';
import { findView, viewKey, viewPaths, type ViewSpec } from '../../src/config-view/store.ts';
import { makeView } from '../../src/config-view/write.ts';
import { isMfaExecError } from '../../src/errors.ts';
import { createLogger, silentLogger } from '../../src/log.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-views-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));
let n = 0;
const freshCache = () => join(ROOT, `cache${++n}`);
const NOW = Date.now();
const DAY = 24 * 3600 * 1000;

const SPEC: ViewSpec = {
  configFile: '/home/u/.aws/config',
  credentialsFile: '/home/u/.aws/credentials',
  configText:
    '[default]\nregion = eu-west-1\n[profile role]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = me\nmfa_serial = arn:aws:iam::1:mfa/me\n',
  credentialsText: '[me]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = SECRETSECRETSECRETSECRET\n',
  command: ['/usr/bin/node', '/opt/mfa-exec/dist/cli.js'],
  deferDefault: false,
};

function debugLines(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger(true, (l) => lines.push(l)) };
}

describe('viewKey', () => {
  test('changes with every input, and only with them', () => {
    const base = viewKey(SPEC);
    assert.match(base, /^[0-9a-f]{32}$/);
    assert.equal(viewKey({ ...SPEC }), base);
    const variants: Partial<ViewSpec>[] = [
      { configFile: '/other/config' },
      { credentialsFile: '/other/credentials' },
      { configText: `${SPEC.configText}output = json\n` },
      { credentialsText: undefined },
      { configText: undefined },
      { command: ['/usr/local/bin/node', '/opt/mfa-exec/dist/cli.js'] },
      { deferDefault: true },
      { storeStamp: '1764366000000.123' },
    ];
    const keys = variants.map((v) => viewKey({ ...SPEC, ...v }));
    assert.equal(new Set([base, ...keys]).size, variants.length + 1);
  });

  test("a file's identity as read stands for its text: the key changes with the identity, not the text read with it", () => {
    const identified = { ...SPEC, configIdentity: '2049:17:120:1764366000000.123:1764366000000.123' };
    assert.notEqual(viewKey(identified), viewKey(SPEC));
    assert.equal(viewKey({ ...identified, configText: `${SPEC.configText}output = json\n` }), viewKey(identified));
    assert.notEqual(viewKey({ ...identified, configIdentity: '2049:17:120:1764366000000.123:1764366000001.5' }), viewKey(identified));
    assert.notEqual(viewKey({ ...identified, credentialsIdentity: '2049:18:90:1.5:1.5' }), viewKey(identified));
  });
});

describe('makeView / findView', () => {
  test('a made view is found: config, credentials and stamp 0400 in a 0700 directory; the view holds no key', () => {
    const cache = freshCache();
    const made = makeView(SPEC, cache, silentLogger, NOW);
    assert.deepEqual(made.paths, viewPaths(cache, viewKey(SPEC)));
    assert.equal(statSync(made.paths.dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(cache, 'views')).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(made.paths.dir).sort(), ['config', 'credentials', 'stamp']);
    for (const f of readdirSync(made.paths.dir)) {
      assert.equal(statSync(join(made.paths.dir, f)).mode & 0o777, 0o400, f);
      const text = readFileSync(join(made.paths.dir, f), 'utf8');
      assert.ok(!text.includes('AKIAEXAMPLE') && !text.includes('SECRETSECRET'), f);
    }
    assert.match(
      readFileSync(made.paths.config, 'utf8'),
      /credential_process = \/usr\/bin\/node \/opt\/mfa-exec\/dist\/cli\.js credential-process --profile=role/,
    );
    const found = findView(cache, viewKey(SPEC), NOW, silentLogger);
    assert.deepEqual(found?.paths, made.paths);
    assert.equal(found?.stamp.served, 2);
    assert.deepEqual(found?.stamp.left, [{ profile: 'default', why: 'it holds no credentials' }]);
    assert.equal(readdirSync(join(cache, 'views')).length, 1, 'no temporary directory left');
  });

  test('no view yet: a miss, said by nothing (the first run of a new file is no event)', () => {
    const { lines, logger } = debugLines();
    assert.equal(findView(freshCache(), viewKey(SPEC), NOW, logger), undefined);
    assert.deepEqual(lines, []);
  });

  const tampered: Record<string, (paths: ReturnType<typeof viewPaths>) => void> = {
    'a file rewritten (same size)': (p) => {
      const text = readFileSync(p.config, 'utf8');
      chmodSync(p.config, 0o600);
      writeFileSync(p.config, text.replace('eu-west-1', 'eu-west-9'));
      chmodSync(p.config, 0o400);
      utimesSync(p.config, new Date(NOW + 5000), new Date(NOW + 5000));
    },
    'a file grown': (p) => {
      chmodSync(p.credentials, 0o600);
      appendFileSync(p.credentials, '[x]\nregion = y\n');
      chmodSync(p.credentials, 0o400);
    },
    'a file replaced by another (rename)': (p) => {
      const copy = `${p.config}.new`;
      writeFileSync(copy, readFileSync(p.config), { mode: 0o400 });
      renameSync(copy, p.config);
    },
    'a file made writable': (p) => chmodSync(p.config, 0o600),
    'a file replaced by a symbolic link': (p) => {
      const target = join(ROOT, `target${++n}`);
      writeFileSync(target, readFileSync(p.config), { mode: 0o400 });
      rmSync(p.config);
      symlinkSync(target, p.config);
    },
    'the directory opened to others': (p) => chmodSync(p.dir, 0o755),
    'the views directory opened to others': (p) => chmodSync(join(p.dir, '..'), 0o777),
    'the stamp unreadable as a stamp': (p) => {
      chmodSync(join(p.dir, 'stamp'), 0o600);
      writeFileSync(join(p.dir, 'stamp'), '{"version":1,"files":{}}');
      chmodSync(join(p.dir, 'stamp'), 0o400);
    },
    'a file gone': (p) => rmSync(p.credentials),
  };
  for (const [what, tamper] of Object.entries(tampered)) {
    test(`${what}: not found (said under --debug), and made again in its place`, () => {
      const cache = freshCache();
      const { paths } = makeView(SPEC, cache, silentLogger, NOW);
      const original = readFileSync(paths.config, 'utf8');
      tamper(paths);
      const { lines, logger } = debugLines();
      assert.equal(findView(cache, viewKey(SPEC), NOW, logger), undefined);
      assert.match(lines.join(''), /config view: .* (is not in a private directory|has no usable stamp|has a (config|credentials) file)/);
      const again = makeView(SPEC, cache, silentLogger, NOW);
      assert.deepEqual(again.paths, paths);
      assert.ok(findView(cache, viewKey(SPEC), NOW, silentLogger));
      assert.equal(readFileSync(paths.config, 'utf8'), original);
      assert.deepEqual(readdirSync(join(cache, 'views')), [viewKey(SPEC)], 'nothing left aside');
    });
  }

  test('made twice (as by two runs at once): the second finds the first in place and uses it', () => {
    const cache = freshCache();
    const first = makeView(SPEC, cache, silentLogger, NOW);
    const ino = lstatSync(first.paths.config).ino;
    const second = makeView(SPEC, cache, silentLogger, NOW);
    assert.deepEqual(second.paths, first.paths);
    assert.equal(lstatSync(first.paths.config).ino, ino, 'the view in place was kept');
    assert.deepEqual(readdirSync(join(cache, 'views')), [viewKey(SPEC)]);
  });

  test('files the AWS CLI refuses: ConfigError, nothing written', () => {
    const cache = freshCache();
    assert.throws(
      () => makeView({ ...SPEC, configText: '[default]\nregion = a\nregion = b\n' }, cache, silentLogger, NOW),
      (e: unknown) => isMfaExecError(e, 'config'),
    );
  });

  test('a found view last marked used over a day ago is marked again (for pruning); a recent one is left alone', () => {
    const cache = freshCache();
    const { paths } = makeView(SPEC, cache, silentLogger, NOW);
    const stamp = join(paths.dir, 'stamp');
    utimesSync(stamp, new Date(NOW - 2 * DAY), new Date(NOW - 2 * DAY));
    assert.ok(findView(cache, viewKey(SPEC), NOW, silentLogger));
    assert.ok(Math.abs(statSync(stamp).mtimeMs - NOW) < 1000);
    utimesSync(stamp, new Date(NOW - 3600_000), new Date(NOW - 3600_000));
    assert.ok(findView(cache, viewKey(SPEC), NOW, silentLogger));
    assert.ok(Math.abs(statSync(stamp).mtimeMs - (NOW - 3600_000)) < 1000);
  });
});

describe('pruning, when a view is made', () => {
  test('views unused for a week and stale scratch directories go; recent views, the new one, and anything not ours stay', () => {
    const cache = freshCache();
    const old = makeView({ ...SPEC, configText: '[default]\n' }, cache, silentLogger, NOW);
    const recent = makeView({ ...SPEC, configText: '[default]\nregion = r\n' }, cache, silentLogger, NOW);
    utimesSync(join(old.paths.dir, 'stamp'), new Date(NOW - 8 * DAY), new Date(NOW - 8 * DAY));
    utimesSync(join(recent.paths.dir, 'stamp'), new Date(NOW - 6 * DAY), new Date(NOW - 6 * DAY));
    const views = join(cache, 'views');
    const staleTmp = join(views, `.tmp-123-${'a'.repeat(12)}`);
    const freshTmp = join(views, `.tmp-124-${'b'.repeat(12)}`);
    mkdirSync(staleTmp);
    writeFileSync(join(staleTmp, 'config'), 'x');
    utimesSync(staleTmp, new Date(NOW - 2 * 3600_000), new Date(NOW - 2 * 3600_000));
    mkdirSync(freshTmp);
    const foreign = join(views, 'notes');
    mkdirSync(foreign);
    utimesSync(foreign, new Date(NOW - 30 * DAY), new Date(NOW - 30 * DAY));
    // An old view holding a file of the user's: our files go, the directory and their file stay.
    const mixed = join(views, 'f'.repeat(32));
    mkdirSync(mixed, { mode: 0o700 });
    writeFileSync(join(mixed, 'config'), 'ours');
    writeFileSync(join(mixed, 'precious.xlsx'), 'theirs');
    utimesSync(mixed, new Date(NOW - 30 * DAY), new Date(NOW - 30 * DAY));
    // A symbolic link named like a view, to a directory with a 'config' in it: never followed.
    const elsewhere = join(ROOT, `elsewhere${++n}`);
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'config'), 'not ours');
    const link = join(views, 'e'.repeat(32));
    symlinkSync(elsewhere, link);

    const { lines, logger } = debugLines();
    const current = makeView(SPEC, cache, logger, NOW);
    const left = readdirSync(views).sort();
    assert.deepEqual(
      left,
      [
        ...[current.paths.dir, recent.paths.dir].map((d) => d.slice(views.length + 1)),
        'e'.repeat(32),
        'f'.repeat(32),
        'notes',
        freshTmp.slice(views.length + 1),
      ].sort(),
    );
    assert.deepEqual(readdirSync(mixed), ['precious.xlsx']);
    assert.equal(readFileSync(join(elsewhere, 'config'), 'utf8'), 'not ours');
    assert.match(lines.join(''), /removed .*unused for a week/);
  });
});

describe('provideView', () => {
  test('a cache directory mfa-exec refuses (a symbolic link): no view, a warning, the command goes on', async () => {
    const target = join(ROOT, `real${++n}`);
    mkdirSync(target, { mode: 0o700 });
    const cache = join(ROOT, `link${n}`);
    symlinkSync(target, cache);
    const lines: string[] = [];
    const view = await provideView(SPEC, {
      cacheDir: cache,
      logger: createLogger(false, (l) => lines.push(l)),
      now: () => NOW,
      load: async () => ({ makeView, refuseOwnFiles }),
    });
    assert.equal(view, undefined);
    assert.match(lines.join(''), /warning: .*symbolic link.* The command gets your own AWS files/);
  });

  // Issue 17: every SDK ranks [default]'s credentials above the container endpoint.
  test('--server, a view that cannot be made, [default] with keys: the run fails (73), saying which setting, before anything runs', async () => {
    const target = join(ROOT, `real${++n}`);
    mkdirSync(target, { mode: 0o700 });
    const cache = join(ROOT, `link${n}`);
    symlinkSync(target, cache);
    const lines: string[] = [];
    const ctx = {
      cacheDir: cache,
      logger: createLogger(false, (l) => lines.push(l)),
      now: () => NOW,
      load: async () => ({ makeView, refuseOwnFiles }),
    };
    const keys = `[default]\naws_access_key_id = AKIADEFAULT000000000\naws_secret_access_key = SECRETSECRETSECRETSECRET\n${SPEC.credentialsText}`;
    await assert.rejects(
      Promise.resolve(provideView({ ...SPEC, deferDefault: true, credentialsText: keys }, ctx)),
      (e: unknown) =>
        isMfaExecError(e, 'cache') &&
        e.exitCode === 73 &&
        /symbolic link.* Nor can the command get your own AWS files instead: \[default\] in \/home\/u\/\.aws\/credentials sets aws_access_key_id, which every AWS SDK would use before the --server endpoint\. Nothing was run\./.test(
          e.message,
        ) &&
        !e.message.includes('SECRETSECRET'),
    );
    assert.deepEqual(lines, [], 'no warning that the command goes on');
    // Without --server the injected keys outrank the files: the command goes on, told why.
    assert.equal(await provideView({ ...SPEC, credentialsText: keys }, ctx), undefined);
    // --server with a [default] that holds only a region: the endpoint is reached; the files may stand in.
    assert.equal(await provideView({ ...SPEC, deferDefault: true }, ctx), undefined);
  });

  test('defaultOutranksEndpoint: the [default] settings by which an SDK finds credentials, from either file; role parameters alone are none', () => {
    const spec = (config: string, credentials = '') => ({ ...SPEC, configText: config, credentialsText: credentials, deferDefault: true });
    const cases: [string, string, string | undefined][] = [
      ['[default]\nregion = r\nmfa_serial = arn:aws:iam::1:mfa/me\nduration_seconds = 900\n', '', undefined],
      [
        '[default]\nregion = r\n',
        '[default]\naws_access_key_id = A\naws_secret_access_key = S\n',
        '[default] in /home/u/.aws/credentials sets aws_access_key_id',
      ],
      ['[default]\ncredential_process = /bin/own\n', '', '[default] in /home/u/.aws/config sets credential_process'],
      [
        '[default]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Environment\n',
        '',
        '[default] in /home/u/.aws/config sets role_arn',
      ],
      ['[default]\nsso_session = corp\n', '', '[default] in /home/u/.aws/config sets sso_session'],
      ['[default]\nweb_identity_token_file = /t\n', '', '[default] in /home/u/.aws/config sets web_identity_token_file'],
      ['[profile default]\nlogin_session = arn:aws:iam::1:user/me\n', '', '[default] in /home/u/.aws/config sets login_session'],
      [
        '[default]\nregion = r\n',
        '[default]\n\uFEFFaws_access_key_id = A\n',
        '[default] in /home/u/.aws/credentials sets aws_access_key_id',
      ],
      ['[profile other]\ncredential_process = /bin/own\n', '', undefined],
    ];
    for (const [config, credentials, want] of cases)
      assert.equal(defaultOutranksEndpoint(spec(config, credentials)), want, config + credentials);
  });

  test('found without loading the code that makes views', async () => {
    const cache = freshCache();
    makeView(SPEC, cache, silentLogger, NOW);
    const view = await provideView(SPEC, {
      cacheDir: cache,
      logger: silentLogger,
      now: () => NOW,
      load: () => Promise.reject(new Error('loaded')),
    });
    assert.equal(view?.dir, viewPaths(cache, viewKey(SPEC)).dir);
  });
});

describe('the child environment and nested runs', () => {
  const home = '/home/u';
  const view = '/home/u/.cache/mfa-exec/views/0123456789abcdef0123456789abcdef';

  test('the child gets the view and the user files behind it: absolute when set, empty when the default', () => {
    assert.deepEqual(viewVariables(view, { AWS_CONFIG_FILE: 'proj/config' }, home, '/work'), {
      AWS_CONFIG_FILE: `${view}/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${view}/credentials`,
      MFA_EXEC_VIEW: view,
      MFA_EXEC_USER_CONFIG_FILE: '/work/proj/config',
      MFA_EXEC_USER_CREDENTIALS_FILE: '',
    });
  });

  test('a nested run reads the user files, never the view; a path the command changed is honoured', () => {
    const child = { ...viewVariables(view, { AWS_CONFIG_FILE: 'proj/config' }, home, '/work') };
    assert.deepEqual(configFilePaths(child, home, '/elsewhere'), {
      configFile: '/work/proj/config',
      credentialsFile: '/home/u/.aws/credentials',
    });
    // and a grandchild gets the same markers again
    assert.deepEqual(viewVariables(view, child, home, '/elsewhere'), child);
    const changed = { ...child, AWS_SHARED_CREDENTIALS_FILE: '/tmp/creds' };
    assert.equal(configFilePaths(changed, home, '/x').credentialsFile, '/tmp/creds');
    assert.equal(
      configFilePaths({ ...child, MFA_EXEC_VIEW: '/some/other/view' }, home, '/x').configFile,
      `${view}/config`,
      'markers of another view do not apply',
    );
  });

  test('withoutView puts back what the user had (or nothing) and drops the markers; a changed path stays', () => {
    const child = { PATH: '/bin', ...viewVariables(view, {}, home, '/work') };
    assert.deepEqual(withoutView(child), { PATH: '/bin' });
    const set = viewVariables(view, { AWS_CONFIG_FILE: '/etc/aws/config' }, home, '/work');
    assert.deepEqual(withoutView({ ...set, AWS_SHARED_CREDENTIALS_FILE: '/tmp/c' }), {
      AWS_CONFIG_FILE: '/etc/aws/config',
      AWS_SHARED_CREDENTIALS_FILE: '/tmp/c',
    });
    const plain = { AWS_CONFIG_FILE: '/x' };
    assert.equal(withoutView(plain), plain);
  });

  test('a view file read as the user file (markers gone) is refused with a clear message, not looped', () => {
    const cache = freshCache();
    const { paths } = makeView(SPEC, cache, silentLogger, NOW);
    assert.throws(
      () => parseAwsFiles(readFileSync(paths.config, 'utf8'), paths.config, undefined, '/none'),
      (e: unknown) =>
        isMfaExecError(e, 'config') &&
        e.message.startsWith(`${paths.config} is a file mfa-exec wrote for a command it ran`) &&
        e.message.includes('AWS_CONFIG_FILE points at it without MFA_EXEC_VIEW'),
    );
    assert.throws(
      () => parseAwsFiles(undefined, '/none', readFileSync(paths.credentials, 'utf8'), paths.credentials),
      /AWS_SHARED_CREDENTIALS_FILE points at it/,
    );
  });
});
