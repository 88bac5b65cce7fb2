import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import type { CacheRef } from '../../src/credentials/cache-key.ts';
import { CACHE_SCHEMA_VERSION, ensureCacheDir, entryPath, readCredentials, readEntry, writeEntry } from '../../src/credentials/cache.ts';
import type { Credentials } from '../../src/aws/credentials.ts';
import { CacheError, ExitCode } from '../../src/errors.ts';
import { createLogger, silentLogger, type Logger } from '../../src/log.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-cache-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));

let counter = 0;
/** A fresh, private cache directory for one test. */
function freshDir(): string {
  const dir = join(ROOT, `c${++counter}`);
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const MIN = 60_000;
const SECRET = 'cacheSecretKey/EXAMPLE+000000000000000';
const TOKEN = 'FwoGZXIvYXdzEXAMPLEcachedSessionToken';

const SESSION_REF: CacheRef = {
  kind: 'session',
  key: 'fedcba9876543210fedcba9876543210fedcba98',
  request: { endpoint: '', source: 'static:AKIABASE', profile: 'base', mfaSerial: 'arn:aws:iam::1:mfa/alice', durationSeconds: 28_800 },
};
const REF: CacheRef = {
  kind: 'role',
  key: '0123456789abcdef0123456789abcdef01234567',
  request: {
    endpoint: '',
    source: 'static:AKIABASE',
    profile: 'admin',
    durationSeconds: 3600,
    roleArn: 'arn:aws:iam::1:role/Admin',
    parent: SESSION_REF.key,
  },
};

function creds(msLeft: number): Credentials {
  return { accessKeyId: 'ASIACACHED00EXAMPLE0', secretAccessKey: SECRET, sessionToken: TOKEN, expiration: new Date(NOW + msLeft) };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createLogger(true, (l) => lines.push(l)),
    { lines },
  );
}

function validEntryJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: CACHE_SCHEMA_VERSION,
    kind: 'role',
    request: REF.request,
    accessKeyId: 'ASIACACHED00EXAMPLE0',
    secretAccessKey: SECRET,
    sessionToken: TOKEN,
    expiration: new Date(NOW + 60 * MIN).toISOString(),
    createdAt: new Date(NOW).toISOString(),
    ...overrides,
  });
}

/** Writes a file at the entry path by hand, with the given mode. */
function plant(dir: string, text: string, mode = 0o600, ref: CacheRef = REF): string {
  const file = entryPath(dir, ref);
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
  return file;
}

describe('write then read', () => {
  test('round trip of a role entry', () => {
    const dir = freshDir();
    writeEntry(dir, REF, creds(60 * MIN), NOW);
    const entry = readEntry(dir, REF, NOW, silentLogger);
    assert.ok(entry);
    assert.equal(entry.version, CACHE_SCHEMA_VERSION);
    assert.equal(entry.kind, 'role');
    assert.deepEqual(entry.request, REF.request);
    assert.equal(entry.createdAt, new Date(NOW).toISOString());
    assert.deepEqual(readCredentials(dir, REF, NOW, silentLogger), creds(60 * MIN));
  });

  test('round trip of a session entry without a session token', () => {
    const dir = freshDir();
    const c: Credentials = { accessKeyId: 'ASIAX', secretAccessKey: 's', expiration: new Date(NOW + 60 * MIN) };
    writeEntry(dir, SESSION_REF, c, NOW);
    assert.deepEqual(readCredentials(dir, SESSION_REF, NOW, silentLogger), { ...c, sessionToken: undefined });
  });

  test('session and role entries with the same key are different files', () => {
    const dir = freshDir();
    const role: CacheRef = { ...REF, key: 'k'.repeat(40) };
    const session: CacheRef = { ...SESSION_REF, key: 'k'.repeat(40) };
    writeEntry(dir, role, creds(60 * MIN), NOW);
    assert.equal(readEntry(dir, session, NOW, silentLogger), undefined);
    assert.notEqual(entryPath(dir, role), entryPath(dir, session));
  });

  test('a second write replaces the first', () => {
    const dir = freshDir();
    writeEntry(dir, REF, creds(10 * MIN), NOW);
    writeEntry(dir, REF, { ...creds(50 * MIN), accessKeyId: 'ASIASECOND0EXAMPLE00' }, NOW);
    assert.equal(readCredentials(dir, REF, NOW, silentLogger)?.accessKeyId, 'ASIASECOND0EXAMPLE00');
  });

  test('files are 0600 and no temporary file is left behind', () => {
    const dir = freshDir();
    writeEntry(dir, REF, creds(60 * MIN), NOW);
    writeEntry(dir, SESSION_REF, creds(60 * MIN), NOW);
    assert.deepEqual(readdirSync(dir).sort(), [`role-${REF.key}.json`, `session-${SESSION_REF.key}.json`].sort());
    for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
  });

  test('0600 even under a permissive umask', () => {
    const dir = freshDir();
    const old = process.umask(0o000);
    try {
      writeEntry(dir, REF, creds(60 * MIN), NOW);
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(entryPath(dir, REF)).mode & 0o777, 0o600);
  });

  test('a failed write throws CacheError and leaves no temporary file', () => {
    const dir = freshDir();
    mkdirSync(entryPath(dir, REF)); // a directory where the file should go: rename fails
    assert.throws(
      () => writeEntry(dir, REF, creds(60 * MIN), NOW),
      (e: unknown) => e instanceof CacheError && e.exitCode === ExitCode.cantCreate && !e.message.includes(SECRET),
    );
    assert.deepEqual(readdirSync(dir), [`role-${REF.key}.json`]);
  });

  test('writing into a missing directory throws CacheError', () => {
    assert.throws(() => writeEntry(join(ROOT, 'does-not-exist'), REF, creds(60 * MIN), NOW), CacheError);
  });

  test('credentials without an expiry are not cached', () => {
    const dir = freshDir();
    writeEntry(dir, REF, { accessKeyId: 'AKIALONG', secretAccessKey: 's' }, NOW);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('freshness: credentials within 5 minutes of expiry are not reused', () => {
  const cases: [string, number, boolean][] = [
    ['1 h left', 60 * MIN, true],
    ['exactly 5 min left', 5 * MIN, true],
    ['4 min 59.999 s left', 5 * MIN - 1, false],
    ['1 min left', MIN, false],
    ['expired an hour ago', -60 * MIN, false],
  ];
  for (const [name, left, fresh] of cases) {
    test(`${name} → ${fresh ? 'hit' : 'miss'}`, () => {
      const dir = freshDir();
      writeEntry(dir, REF, creds(left), NOW);
      assert.equal(readCredentials(dir, REF, NOW, silentLogger) !== undefined, fresh);
      assert.ok(readEntry(dir, REF, NOW, silentLogger), 'readEntry still returns the stale entry (for status/list)');
    });
  }
});

describe('anything suspicious at the entry path is a miss, never a throw', () => {
  const cases: { name: string; setup: (dir: string) => void }[] = [
    { name: 'no file', setup: () => {} },
    { name: 'a 0644 file', setup: (d) => plant(d, validEntryJson(), 0o644) },
    { name: 'a 0640 file', setup: (d) => plant(d, validEntryJson(), 0o640) },
    { name: 'a 0602 file', setup: (d) => plant(d, validEntryJson(), 0o602) },
    { name: 'another schema version', setup: (d) => plant(d, validEntryJson({ version: CACHE_SCHEMA_VERSION + 1 })) },
    { name: 'no schema version', setup: (d) => plant(d, validEntryJson({ version: undefined })) },
    { name: 'schema version as a string', setup: (d) => plant(d, validEntryJson({ version: String(CACHE_SCHEMA_VERSION) })) },
    { name: 'an unknown kind', setup: (d) => plant(d, validEntryJson({ kind: 'other' })) },
    { name: 'no secret key', setup: (d) => plant(d, validEntryJson({ secretAccessKey: undefined })) },
    { name: 'an expiration that is not a date', setup: (d) => plant(d, validEntryJson({ expiration: 'soon' })) },
    { name: 'truncated JSON', setup: (d) => plant(d, validEntryJson().slice(0, 40)) },
    { name: 'corrupt JSON', setup: (d) => plant(d, '{"version": 1,,}') },
    { name: 'an empty file', setup: (d) => plant(d, '') },
    { name: 'JSON null', setup: (d) => plant(d, 'null') },
    { name: 'a JSON array', setup: (d) => plant(d, '[1,2]') },
    { name: 'a JSON string', setup: (d) => plant(d, '"x"') },
    { name: 'binary garbage', setup: (d) => plant(d, '\u0000\u00ff\u0001') },
    { name: 'a directory', setup: (d) => mkdirSync(entryPath(d, REF)) },
    {
      name: 'a symlink to a valid private entry',
      setup: (d) => {
        const real = join(d, 'elsewhere.json');
        writeFileSync(real, validEntryJson(), { mode: 0o600 });
        symlinkSync(real, entryPath(d, REF));
      },
    },
    { name: 'a dangling symlink', setup: (d) => symlinkSync(join(d, 'nowhere'), entryPath(d, REF)) },
    {
      name: 'a private file owned by another user',
      setup: (d) => {
        const file = plant(d, validEntryJson());
        if (process.getuid?.() === 0) chownSync(file, 65534, 65534);
        else chmodSync(file, 0o644); // cannot chown without root: fall back to another refusal
      },
    },
    { name: 'the cache directory does not exist', setup: (d) => rmSync(d, { recursive: true }) },
    // Trusted by shape no more: every field is checked for its type and bounds.
    { name: 'a session token that is an object', setup: (d) => plant(d, validEntryJson({ sessionToken: {} })) },
    { name: 'a session token that is an empty string', setup: (d) => plant(d, validEntryJson({ sessionToken: '' })) },
    { name: 'a session token with a newline', setup: (d) => plant(d, validEntryJson({ sessionToken: 'abc\ndef' })) },
    { name: 'an access key id that is a number', setup: (d) => plant(d, validEntryJson({ accessKeyId: 12345 })) },
    { name: 'an access key id with a space', setup: (d) => plant(d, validEntryJson({ accessKeyId: 'ASIA X' })) },
    { name: 'a secret key that is an array', setup: (d) => plant(d, validEntryJson({ secretAccessKey: ['x'] })) },
    { name: 'an expiration in year 9999', setup: (d) => plant(d, validEntryJson({ expiration: '9999-12-31T23:59:59.000Z' })) },
    {
      name: 'an expiration 13 h ahead (a role lasts 12 h at most)',
      setup: (d) => plant(d, validEntryJson({ expiration: new Date(NOW + 13 * 60 * MIN).toISOString() })),
    },
    {
      name: 'an expiration 2 h ahead for a role asked for 1 h',
      setup: (d) => plant(d, validEntryJson({ expiration: new Date(NOW + 120 * MIN).toISOString() })),
    },
    { name: 'an expiration that is a number', setup: (d) => plant(d, validEntryJson({ expiration: NOW + 60 * MIN })) },
    { name: 'no creation time', setup: (d) => plant(d, validEntryJson({ createdAt: undefined })) },
    { name: 'the kind of the other step', setup: (d) => plant(d, validEntryJson({ kind: 'session' })) },
    { name: 'no request (schema version 1 shape)', setup: (d) => plant(d, validEntryJson({ request: undefined })) },
    {
      name: "another role's entry renamed over this one",
      setup: (d) => plant(d, validEntryJson({ request: { ...REF.request, roleArn: 'arn:aws:iam::1:role/Reader' } })),
    },
    {
      name: 'the same role for another profile',
      setup: (d) => plant(d, validEntryJson({ request: { ...REF.request, profile: 'reader' } })),
    },
    {
      name: 'the same role with another external id',
      setup: (d) => plant(d, validEntryJson({ request: { ...REF.request, externalId: 'x' } })),
    },
    {
      name: 'the same role from another source key',
      setup: (d) => plant(d, validEntryJson({ request: { ...REF.request, source: 'static:AKIAOTHER' } })),
    },
    {
      name: 'the same role asked for another duration',
      setup: (d) => plant(d, validEntryJson({ request: { ...REF.request, durationSeconds: 900 } })),
    },
    {
      name: 'the same role through another endpoint',
      setup: (d) => plant(d, validEntryJson({ request: { ...REF.request, endpoint: 'http://127.0.0.1:5000' } })),
    },
    {
      name: 'a request with a number where a string goes',
      setup: (d) => plant(d, validEntryJson({ request: { ...REF.request, roleArn: 1 } })),
    },
    // The directory itself is checked on every read: too open, a symlink, or someone else's.
    {
      name: 'a valid entry in a directory others can write to (0777)',
      setup: (d) => {
        plant(d, validEntryJson());
        chmodSync(d, 0o777);
      },
    },
    {
      name: 'a valid entry in a directory others can read (0750)',
      setup: (d) => {
        plant(d, validEntryJson());
        chmodSync(d, 0o750);
      },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const dir = freshDir();
      c.setup(dir);
      const logger = recordingLogger();
      assert.doesNotThrow(() => {
        assert.equal(readEntry(dir, REF, NOW, logger), undefined);
        assert.equal(readCredentials(dir, REF, NOW, logger), undefined);
      });
      for (const line of logger.lines) assert.ok(!line.includes(SECRET) && !line.includes(TOKEN), `secret in log: ${line}`);
    });
  }

  test('the cache directory is a symlink to a private directory holding a valid entry: a miss', () => {
    const real = freshDir();
    plant(real, validEntryJson());
    const link = join(ROOT, `link-${++counter}`);
    symlinkSync(real, link);
    assert.ok(readEntry(real, REF, NOW, silentLogger), 'the entry is valid where it really is');
    assert.equal(readEntry(link, REF, NOW, silentLogger), undefined);
  });

  test('an expiry just within the asked duration is a hit (the bound is not too tight)', () => {
    const dir = freshDir();
    plant(dir, validEntryJson({ expiration: new Date(NOW + 60 * MIN).toISOString() }));
    assert.ok(readCredentials(dir, REF, NOW, silentLogger));
    // The clock moved back a little since the write: still ours.
    assert.ok(readCredentials(dir, REF, NOW - 2 * MIN, silentLogger));
  });

  test('a valid planted 0600 file is a hit (the cases above fail for their own reason)', () => {
    const dir = freshDir();
    plant(dir, validEntryJson());
    assert.ok(readCredentials(dir, REF, NOW, silentLogger));
  });

  test('a 0400 file is fine (readable by us only)', () => {
    const dir = freshDir();
    plant(dir, validEntryJson(), 0o400);
    assert.ok(readEntry(dir, REF, NOW, silentLogger));
  });

  test('a symlink is reported as such', () => {
    const dir = freshDir();
    symlinkSync(join(dir, 'nowhere'), entryPath(dir, REF));
    const logger = recordingLogger();
    readEntry(dir, REF, NOW, logger);
    assert.ok(
      logger.lines.some((l) => /symbolic link/.test(l)),
      logger.lines.join(''),
    );
  });
});

describe('regression: a FIFO at the entry path is a miss, not a hang', () => {
  // open(O_RDONLY) on a FIFO blocks until a writer appears; the warm path would hang for ever.
  // Run the read in a child process so that a hang fails this test instead of the whole file.
  // The child says when its modules are loaded; only readEntry itself is given a bound (10 s for
  // a call that returns in microseconds or never), so a slow start on a busy machine is no failure.
  test('readEntry returns undefined promptly', async () => {
    const dir = freshDir();
    execFileSync('mkfifo', [entryPath(dir, REF)]);
    const cacheModule = pathToFileURL(join(import.meta.dirname, '../../src/credentials/cache.ts')).href;
    const logModule = pathToFileURL(join(import.meta.dirname, '../../src/log.ts')).href;
    const script =
      `const { readEntry } = await import(${JSON.stringify(cacheModule)});` +
      `const { silentLogger } = await import(${JSON.stringify(logModule)});` +
      `process.stdout.write('loaded\\n');` +
      `process.stdout.write(String(readEntry(${JSON.stringify(dir)}, ${JSON.stringify(REF)}, ${NOW}, silentLogger)));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    let bound: NodeJS.Timeout | undefined;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      bound ??= stdout.startsWith('loaded\n')
        ? setTimeout(() => {
            hung = true;
            child.kill('SIGKILL');
          }, 10_000)
        : undefined;
    });
    await new Promise((resolve) => child.once('close', resolve));
    clearTimeout(bound);
    assert.equal(hung, false, 'readEntry hung on a FIFO (killed 10 s after the modules had loaded)');
    assert.equal(stdout, 'loaded\nundefined', stderr);
  });
});

describe('regression: a symlink at the entry path is replaced, not written through', () => {
  test('the link target keeps its content and mode; the entry becomes a regular 0600 file', () => {
    const dir = freshDir();
    const victim = join(ROOT, `victim-${++counter}`);
    writeFileSync(victim, 'precious\n', { mode: 0o644 });
    chmodSync(victim, 0o644);
    symlinkSync(victim, entryPath(dir, REF));

    writeEntry(dir, REF, creds(60 * MIN), NOW);

    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(statSync(victim).mode & 0o777, 0o644);
    const st = lstatSync(entryPath(dir, REF));
    assert.ok(st.isFile() && !st.isSymbolicLink());
    assert.equal(st.mode & 0o777, 0o600);
    assert.ok(readCredentials(dir, REF, NOW, silentLogger));
  });

  test('a dangling link does not create its target', () => {
    const dir = freshDir();
    const target = join(ROOT, `would-be-created-${++counter}`);
    symlinkSync(target, entryPath(dir, REF));
    writeEntry(dir, REF, creds(60 * MIN), NOW);
    assert.equal(existsSync(target), false);
    assert.ok(lstatSync(entryPath(dir, REF)).isFile());
  });
});

describe('ensureCacheDir', () => {
  test('creates a missing directory (and its parents) with mode 0700', () => {
    const dir = join(ROOT, `new-${++counter}`, 'deeper', 'mfa-exec');
    const old = process.umask(0o022);
    try {
      ensureCacheDir(dir, silentLogger);
    } finally {
      process.umask(old);
    }
    assert.ok(statSync(dir).isDirectory());
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  test('an existing 0700 directory is left alone, silently', () => {
    const dir = freshDir();
    const logger = recordingLogger();
    ensureCacheDir(dir, logger);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(logger.lines, []);
  });

  for (const mode of [0o755, 0o750, 0o701, 0o777]) {
    test(`a ${mode.toString(8)} directory is fixed to 0700, with a warning`, () => {
      const dir = freshDir();
      chmodSync(dir, mode);
      const logger = recordingLogger();
      ensureCacheDir(dir, logger);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.ok(
        logger.lines.some((l) => l.includes('warning') && l.includes(mode.toString(8)) && l.includes(dir)),
        logger.lines.join(''),
      );
    });
  }

  test('a symlinked cache directory is refused with CacheError (exit 73)', () => {
    const real = freshDir();
    const link = join(ROOT, `link-${++counter}`);
    symlinkSync(real, link);
    assert.throws(
      () => ensureCacheDir(link, silentLogger),
      (e: unknown) => e instanceof CacheError && e.exitCode === ExitCode.cantCreate && e.message.includes(link),
    );
  });

  test('a symlink to a 0755 directory is refused and its target is not chmod-ed', () => {
    const real = freshDir();
    chmodSync(real, 0o755);
    const link = join(ROOT, `link-${++counter}`);
    symlinkSync(real, link);
    assert.throws(() => ensureCacheDir(link, silentLogger), CacheError);
    assert.equal(statSync(real).mode & 0o777, 0o755);
  });

  test('a dangling symlink is refused', () => {
    const link = join(ROOT, `link-${++counter}`);
    symlinkSync(join(ROOT, 'nowhere-at-all'), link);
    assert.throws(() => ensureCacheDir(link, silentLogger), CacheError);
  });

  test('a regular file in the way is refused', () => {
    const file = join(ROOT, `file-${++counter}`);
    writeFileSync(file, '');
    assert.throws(() => ensureCacheDir(file, silentLogger), CacheError);
  });

  test('a symlinked parent (e.g. ~/.cache on another disk) is fine', () => {
    const realParent = freshDir();
    const linkParent = join(ROOT, `parent-link-${++counter}`);
    symlinkSync(realParent, linkParent);
    const dir = join(linkParent, 'mfa-exec');
    ensureCacheDir(dir, silentLogger);
    assert.equal(statSync(join(realParent, 'mfa-exec')).mode & 0o777, 0o700);
  });

  test('a directory owned by another user is refused', { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false }, () => {
    const dir = freshDir();
    chownSync(dir, 65534, 65534);
    assert.throws(
      () => ensureCacheDir(dir, silentLogger),
      (e: unknown) => e instanceof CacheError && /belongs to uid 65534/.test(e.message),
    );
  });
});
