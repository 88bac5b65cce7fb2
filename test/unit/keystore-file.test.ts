import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { ExitCode } from '../../src/errors.ts';
import { isKeyStoreError, type KeyStoreErrorKind } from '../../src/keystore/errors.ts';
import { FileKeyStore } from '../../src/keystore/file-store.ts';
import { fileNameOf, profileOf } from '../../src/keystore/file-name.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from '../../src/keystore/kdf.ts';
import { keysDir } from '../../src/dirs.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-keystore-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));

/** Cheap parameters: these tests are about the format and the store, not about KDF strength. */
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const OTHER = { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' };

let counter = 0;
function freshDir(): string {
  return join(ROOT, `t${++counter}`, 'mfa-exec', 'keys');
}

function makeStore(dir: string, passphrase = 'correct horse', scrypt: ScryptParams = FAST): FileKeyStore & { asked: () => number } {
  let asked = 0;
  const store = new FileKeyStore({
    dir,
    scrypt,
    passphrase: async () => {
      asked++;
      return passphrase;
    },
  });
  return Object.assign(store, { asked: () => asked });
}

async function assertKeyStoreError(promise: Promise<unknown>, kind: KeyStoreErrorKind, pattern?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isKeyStoreError(error, kind), `expected a ${kind} KeyStoreError, got ${String(error)}`);
    if (pattern) assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /wJalrXUtnFEMI|je7MtGbClwBF|correct horse/, 'no secret in the message');
    return true;
  });
}

describe('encrypted file store', () => {
  test('round trip: keys come back, the dir is 0700 and the file 0600, no secret or key id in the file', async () => {
    const dir = freshDir();
    const store = makeStore(dir);
    await store.set('dev', KEYS);
    assert.deepEqual(await store.get('dev'), KEYS);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const file = join(dir, 'dev.keys');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(KEYS.secretAccessKey) && !text.includes(KEYS.accessKeyId));
    assert.match(text, /^mfa-exec encrypted keys v1\n\{"profile":"dev","kdf":"scrypt","N":1024,"r":8,"p":1,/);
    assert.deepEqual(readdirSync(dir), ['dev.keys'], 'no temporary file left behind');
    assert.equal(store.asked(), 1, 'the passphrase is asked once per store');
  });

  test('the default scrypt parameters work (and how long a derive takes here)', async () => {
    const store = makeStore(freshDir(), 'pw', DEFAULT_SCRYPT);
    const t0 = performance.now();
    await store.set('dev', KEYS);
    const t1 = performance.now();
    assert.deepEqual(await makeStore(store.dir, 'pw', DEFAULT_SCRYPT).get('dev'), KEYS);
    const t2 = performance.now();
    console.log(`# scrypt N=2^17 r=8 p=1: set ${Math.round(t1 - t0)} ms, get ${Math.round(t2 - t1)} ms`);
  });

  test('every write has a new salt and nonce; replacing keys keeps one file', async () => {
    const store = makeStore(freshDir());
    await store.set('dev', KEYS);
    const first = readFileSync(store.fileOf('dev'), 'utf8');
    await store.set('dev', KEYS);
    const second = readFileSync(store.fileOf('dev'), 'utf8');
    assert.notEqual(first, second);
    await store.set('dev', OTHER);
    assert.deepEqual(await store.get('dev'), OTHER);
    assert.deepEqual(await store.list(), ['dev']);
  });

  test('list, has, remove and a missing profile never ask for the passphrase', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    await makeStore(dir).set('Prod Admin', OTHER);
    const store = makeStore(dir);
    assert.deepEqual(await store.list(), ['Prod Admin', 'dev']);
    assert.equal(store.has('dev'), true);
    assert.equal(store.has('nope'), false);
    assert.equal(await store.get('nope'), undefined);
    assert.equal(await store.remove('dev'), true);
    assert.equal(await store.remove('dev'), false);
    assert.deepEqual(await store.list(), ['Prod Admin']);
    assert.equal(store.asked(), 0);
    assert.deepEqual(await makeStore(join(ROOT, 'never-created')).list(), []);
  });

  test('wrong passphrase: typed error (exit 79), the file is unchanged', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const file = join(dir, 'dev.keys');
    const before = readFileSync(file);
    const wrong = makeStore(dir, 'Correct horse');
    await assertKeyStoreError(
      wrong.get('dev'),
      'keystore-passphrase',
      /Wrong passphrase for the encrypted key files in .* \(the keys of profile 'dev'\).*no AWS call/,
    );
    await wrong.get('dev').catch((error: { exitCode: number }) => assert.equal(error.exitCode, ExitCode.keyStorePassphrase));
    assert.deepEqual(readFileSync(file), before);
  });

  test('a wrong passphrase is asked for again while its source gives another, three tries at most', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const given: (string | undefined)[] = [];
    const answers = ['typo', 'still wrong', 'correct horse'];
    const store = new FileKeyStore({
      dir,
      scrypt: FAST,
      passphrase: async (wrong) => (given.push(wrong?.kind), answers.shift()!),
    });
    assert.deepEqual(await store.get('dev'), KEYS);
    assert.deepEqual(given, [undefined, 'keystore-passphrase', 'keystore-passphrase'], 'asked again with the reason');
    await store.set('prod', OTHER); // the one that opened the store is kept
    assert.equal(given.length, 3);

    // A source that ignores the reason and gives the same wrong one: three tries, then the error.
    let tries = 0;
    const stubborn = new FileKeyStore({ dir, scrypt: FAST, passphrase: async () => (tries++, 'typo') });
    await assertKeyStoreError(stubborn.get('dev'), 'keystore-passphrase', /^No passphrase of 3 tries opened .* Wrong passphrase/);
    assert.equal(tries, 3);
  });

  test('a passphrase that does not open the existing files stores nothing', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const before = readFileSync(join(dir, 'dev.keys'));
    await assertKeyStoreError(
      makeStore(dir, 'typo').set('dev', OTHER),
      'keystore-passphrase',
      /does not open the keys of profile 'dev' in /,
    );
    await assertKeyStoreError(makeStore(dir, 'typo').set('prod', OTHER), 'keystore-passphrase', /Nothing was stored for 'prod'/);
    assert.deepEqual(readFileSync(join(dir, 'dev.keys')), before);
    assert.deepEqual(await makeStore(dir).list(), ['dev']);
    await makeStore(dir).set('prod', OTHER); // the right passphrase still works
    assert.deepEqual(await makeStore(dir).get('prod'), OTHER);
  });

  test('an empty passphrase is refused; a failing prompt propagates', async () => {
    await assertKeyStoreError(makeStore(freshDir(), '').set('dev', KEYS), 'keystore-passphrase', /empty/);
    const cancelled = new FileKeyStore({ dir: freshDir(), scrypt: FAST, passphrase: () => Promise.reject(new Error('cancelled')) });
    await assert.rejects(cancelled.set('dev', KEYS), /cancelled/);
  });

  test('keys that are not keys are refused before anything is written', async () => {
    const store = makeStore(freshDir());
    await assertKeyStoreError(store.set('dev', { accessKeyId: '', secretAccessKey: 'x' }), 'keystore-io', /nothing was stored/);
    await assertKeyStoreError(store.set('dev', { accessKeyId: 'AKIA X', secretAccessKey: 'x' }), 'keystore-io');
    assert.equal(existsSync(store.dir), false);
  });

  test('a file copied over another profile is refused, naming both profiles', async () => {
    const dir = freshDir();
    const store = makeStore(dir);
    await store.set('dev', KEYS);
    await store.set('prod', OTHER);
    copyFileSync(join(dir, 'dev.keys'), join(dir, 'prod.keys'));
    await assertKeyStoreError(makeStore(dir).get('prod'), 'keystore-corrupt', /holds the keys of profile 'dev', not of 'prod'/);
  });

  test('editing the profile name inside the header breaks the authentication', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const text = readFileSync(join(dir, 'dev.keys'), 'utf8').replace('"profile":"dev"', '"profile":"prod"');
    writeFileSync(join(dir, 'prod.keys'), text, { mode: 0o600 });
    await assertKeyStoreError(makeStore(dir).get('prod'), 'keystore-corrupt', /authentication tag/);
  });

  test('a flipped byte in the ciphertext: corrupt, never wrong keys', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const file = join(dir, 'dev.keys');
    const lines = readFileSync(file, 'utf8').split('\n');
    const body = Buffer.from(lines[2]!, 'base64');
    body[3]! ^= 0x01;
    lines[2] = body.toString('base64');
    writeFileSync(file, lines.join('\n'));
    await assertKeyStoreError(makeStore(dir).get('dev'), 'keystore-corrupt', /damaged or modified.*did not change it/);
  });

  test('every truncation of a file is a clear "corrupt" error', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const file = join(dir, 'dev.keys');
    const whole = readFileSync(file);
    const store = makeStore(dir);
    for (let length = 0; length < whole.length; length++) {
      writeFileSync(file, whole.subarray(0, length));
      await assertKeyStoreError(store.get('dev'), 'keystore-corrupt', /key file .*dev\.keys of profile 'dev' cannot be used/);
    }
  });

  test('foreign, future and oversized files are refused with a reason', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'dev.keys');
    const cases: [string | Buffer, RegExp][] = [
      ['[default]\naws_access_key_id = AKIA\n', /not an mfa-exec key file/],
      ['mfa-exec encrypted keys v2\n{}\nAAAA\n', /format 'mfa-exec encrypted keys v2'.*newer mfa-exec/],
      [Buffer.from([0xff, 0xfe, 0x00]), /not text/],
      ['x'.repeat(100_000), /bytes long/],
    ];
    for (const [content, reason] of cases) {
      writeFileSync(file, content, { mode: 0o600 });
      await assertKeyStoreError(makeStore(dir).get('dev'), 'keystore-corrupt', reason);
    }
  });

  // Regression (a fuzz of the header on main): `kdf: {"toString":0}` made openKeys throw a TypeError
  // (a stack trace, exit 70) while building its reason. A malformed header is a corrupt file: exit 74.
  test('header values that are objects, arrays or null: a clear "corrupt" error (exit 74), never a TypeError', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const file = join(dir, 'dev.keys');
    const text = readFileSync(file, 'utf8');
    const cases: [string, RegExp][] = [
      ['"kdf":{"toString":0}', /its header is invalid: unknown key derivation \{"toString":0\}/],
      ['"kdf":{"valueOf":{},"toString":{}}', /unknown key derivation \{"valueOf":\{\},"toString":\{\}\}/],
      ['"kdf":null', /unknown key derivation null/],
      ['"kdf":["scrypt"]', /unknown key derivation \["scrypt"\]/],
      ['"kdf":"' + 'x'.repeat(200) + '"', /unknown key derivation "x{39}…/],
    ];
    for (const [kdf, reason] of cases) {
      writeFileSync(file, text.replace('"kdf":"scrypt"', kdf));
      await assertKeyStoreError(makeStore(dir).get('dev'), 'keystore-corrupt', reason);
      await makeStore(dir)
        .get('dev')
        .catch((error: { exitCode: number }) => assert.equal(error.exitCode, ExitCode.keyStore));
    }
    writeFileSync(file, text.replace('"cipher":"aes-256-gcm"', '"cipher":{"toString":0}'));
    await assertKeyStoreError(makeStore(dir).get('dev'), 'keystore-corrupt', /unknown cipher \{"toString":0\}/);
  });

  test('header parameters a reader will not run: huge scrypt cost is refused before deriving', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const file = join(dir, 'dev.keys');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"N":1024', `"N":${2 ** 24}`));
    await assertKeyStoreError(makeStore(dir).get('dev'), 'keystore-corrupt', /scrypt N=16777216/);
    writeFileSync(file, text.replace('"N":1024', `"N":${2 ** 20}`).replace('"r":8', '"r":32'));
    await assertKeyStoreError(makeStore(dir).get('dev'), 'keystore-corrupt', /MiB/);
  });

  test('a symlink, a FIFO, a file others can read: refused, without hanging', async () => {
    const dir = freshDir();
    await makeStore(dir).set('dev', KEYS);
    const file = join(dir, 'dev.keys');
    symlinkSync(file, join(dir, 'link.keys'));
    await assertKeyStoreError(makeStore(dir).get('link'), 'keystore-corrupt', /symbolic link/);
    execFileSync('mkfifo', ['-m', '600', join(dir, 'fifo.keys')]);
    await assertKeyStoreError(makeStore(dir).get('fifo'), 'keystore-corrupt', /not a regular file/);
    chmodSync(file, 0o644);
    await assertKeyStoreError(makeStore(dir).get('dev'), 'keystore-io', /mode 644.*chmod 600/);
  });

  test('an open key directory is made private on write; a symlinked one is refused', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    await makeStore(dir).set('dev', KEYS);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const real = freshDir();
    mkdirSync(real, { recursive: true, mode: 0o700 });
    const linked = join(ROOT, `link${++counter}`);
    symlinkSync(real, linked);
    await assertKeyStoreError(makeStore(linked).set('dev', KEYS), 'keystore-io', /symbolic link/);
  });

  // Issue 17: not only doctor's report. Each use of the store's files checks the directory first.
  test('a key directory others can write to (0777) is made private when keys are read, has or removed, and said so', async () => {
    for (const use of ['get', 'has', 'remove'] as const) {
      const dir = freshDir();
      await makeStore(dir).set('dev', KEYS);
      chmodSync(dir, 0o777);
      const warnings: string[] = [];
      const store = new FileKeyStore({
        dir,
        scrypt: FAST,
        passphrase: async () => 'correct horse',
        logger: { debugEnabled: false, debug: () => {}, info: () => {}, warn: (m) => void warnings.push(m) },
      });
      if (use === 'get') assert.deepEqual(await store.get('dev'), KEYS);
      else if (use === 'has') assert.equal(store.has('dev'), true);
      else assert.equal(await store.remove('dev'), true);
      assert.equal(statSync(dir).mode & 0o777, 0o700, use);
      assert.equal(warnings.length, 1, use);
      assert.match(warnings[0]!, /the key directory .* had mode 777; changed it to 700/);
    }
  });

  test('a key directory that is a symlink or someone else’s is refused when keys are read (74, naming it); a missing one holds none', async () => {
    const real = freshDir();
    await makeStore(real).set('dev', KEYS);
    const linked = join(ROOT, `link${++counter}`);
    symlinkSync(real, linked);
    await assertKeyStoreError(makeStore(linked).get('dev'), 'keystore-io', /key directory .*link\d+ is a symbolic link/);
    assert.throws(
      () => makeStore(linked).has('dev'),
      (e: unknown) => isKeyStoreError(e, 'keystore-io') && e.exitCode === ExitCode.keyStore,
    );
    assert.equal(await makeStore(freshDir()).get('dev'), undefined);
    assert.equal(makeStore(freshDir()).has('dev'), false);
  });

  test(
    'a key directory of another user is refused when keys are read (74, naming it)',
    { skip: process.getuid?.() !== 0 && 'needs root to chown' },
    async () => {
      const foreign = freshDir();
      await makeStore(foreign).set('dev', KEYS);
      execFileSync('chown', ['65534', foreign]);
      await assertKeyStoreError(makeStore(foreign).get('dev'), 'keystore-io', new RegExp(`key directory ${foreign} belongs to uid 65534`));
    },
  );

  test('keysDir: XDG_DATA_HOME if absolute, else ~/.local/share', () => {
    assert.equal(keysDir({ XDG_DATA_HOME: '/x/data' }, '/home/u'), '/x/data/mfa-exec/keys');
    assert.equal(keysDir({ XDG_DATA_HOME: 'relative' }, '/home/u'), '/home/u/.local/share/mfa-exec/keys');
    assert.equal(keysDir({}, '/home/u'), '/home/u/.local/share/mfa-exec/keys');
  });
});

describe('key file names', () => {
  test('readable for plain names, distinct for names that differ only in case', () => {
    assert.equal(fileNameOf('dev'), 'dev.keys');
    assert.equal(fileNameOf('team-a.prod_1'), 'team-a.prod_1.keys');
    assert.equal(fileNameOf('Dev'), '%44ev.keys');
    assert.equal(fileNameOf('a/b c'), 'a%2Fb%20c.keys');
    assert.equal(fileNameOf('.hidden'), '%2Ehidden.keys');
    assert.equal(fileNameOf(''), undefined);
    assert.equal(fileNameOf('x'.repeat(300)), undefined);
    assert.equal(profileOf('.tmp-123-abc'), undefined);
    assert.equal(profileOf('dev.json'), undefined);
    assert.equal(profileOf('%64ev.keys'), undefined, 'only the canonical spelling names a profile');
  });

  test('any profile name maps to one file name and back', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }), (profile) => {
        const name = fileNameOf(profile);
        if (name === undefined) return;
        assert.ok(!name.includes('/') && name !== '.' && name !== '..' && !name.startsWith('.'));
        assert.equal(
          name,
          name.toLowerCase().replace(/%[0-9a-f]{2}/g, (m) => m.toUpperCase()),
          'no upper-case letter outside %XX',
        );
        if (Buffer.from(profile, 'utf8').toString('utf8') === profile) assert.equal(profileOf(name), profile);
      }),
      { numRuns: 2000 },
    );
  });
});
