// The keyring store against a real Secret Service (gnome-keyring on a private session bus, from
// test/harness/secret-service.ts), and what it does when there is none, or one that hangs.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isKeyStoreError, type KeyStoreErrorKind } from '../../src/keystore/errors.ts';
import { runKeyringChild, type KeyringRequest } from '../../src/keystore/keyring-process.ts';
import { KeyringKeyStore } from '../../src/keystore/keyring-store.ts';
import { selectStore } from '../../src/keystore/select-store.ts';
import { platformFor } from '../../src/platform/index.ts';
import { readSettings } from '../../src/settings.ts';
import { secretServiceMissing, startSecretService, type SecretService } from '../harness/secret-service.ts';

const missing = process.platform !== 'linux' ? 'the Secret Service harness is Linux-only' : secretServiceMissing();
if (missing) console.log(`SKIPPING the Secret Service tests: ${missing}`);
// CI installs gnome-keyring (scripts/ci-keyring-deps.sh): there a skip would hide a missing step.
if (missing && process.env.CI === 'true') {
  test('CI runs the Secret Service tests', () => assert.fail(`they cannot run: ${missing}`));
}

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const OTHER = { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' };

/** The environment of a user whose session bus is `bus` (or who has none). */
function envWith(bus: { DBUS_SESSION_BUS_ADDRESS?: string }): Record<string, string | undefined> {
  const { DBUS_SESSION_BUS_ADDRESS: _, ...rest } = process.env;
  return { ...rest, ...bus };
}

async function assertKeyStoreError(promise: Promise<unknown>, kind: KeyStoreErrorKind, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isKeyStoreError(error, kind), `expected a ${kind} KeyStoreError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /wJalrXUtnFEMI|je7MtGbClwBF/);
    return true;
  });
}

describe('keyring store on a real Secret Service', { skip: missing }, () => {
  let ss: SecretService;
  let store: KeyringKeyStore;
  before(async () => {
    ss = await startSecretService();
    store = new KeyringKeyStore({ env: envWith(ss.env) });
  });
  after(async () => ss?.stop());

  test('a keyring answers', async () => {
    assert.deepEqual(await store.probe(), { ok: true });
  });

  test('set, get, list, replace, remove', async () => {
    assert.equal(await store.get('dev'), undefined);
    await store.set('dev', KEYS);
    await store.set('Prod Admin/ü', OTHER);
    assert.deepEqual(await store.get('dev'), KEYS);
    assert.deepEqual(await store.get('Prod Admin/ü'), OTHER);
    assert.deepEqual(await store.list(), ['Prod Admin/ü', 'dev']);
    await store.set('dev', OTHER);
    assert.deepEqual(await store.get('dev'), OTHER);
    assert.equal(await store.remove('dev'), true);
    assert.equal(await store.remove('dev'), false);
    assert.equal(await store.get('dev'), undefined);
    assert.deepEqual(await store.list(), ['Prod Admin/ü']);
  });

  test('the default backend choice finds this keyring', async () => {
    const { store: chosen, notes } = await selectStore({
      env: envWith(ss.env),
      settings: readSettings({}).keyStore,
      homedir: '/nonexistent-home',
    });
    assert.equal(chosen.kind, 'keyring');
    assert.match(notes.join('\n'), /the OS keyring, because it answered/);
  });

  test('entries of another service are not ours', async () => {
    const other = new KeyringKeyStore({ env: envWith(ss.env), service: 'something-else' });
    await other.set('dev', KEYS);
    assert.equal(await store.get('dev'), undefined);
    assert.deepEqual(await other.list(), ['dev']);
    assert.equal(await other.remove('dev'), true);
  });

  test('an entry mfa-exec did not write is refused, not misread', async () => {
    const answer = await runKeyringChild(
      { op: 'set', service: 'mfa-exec', account: 'foreign', value: 'hunter2' },
      { env: envWith(ss.env), timeoutMs: 10_000 },
    );
    assert.equal(answer.ok, true);
    await assertKeyStoreError(store.get('foreign'), 'keystore-corrupt', /profile 'foreign' .*not a key pair that mfa-exec stored/);
    assert.equal(await store.remove('foreign'), true);
  });
});

describe('keyring store when the keyring cannot answer', { skip: missing }, () => {
  test('a locked collection: a clear "unavailable" error, at once, not a prompt that never ends', async () => {
    const ss = await startSecretService();
    try {
      const store = new KeyringKeyStore({ env: envWith(ss.env) });
      await store.set('dev', KEYS);
      ss.lock();
      const t0 = Date.now();
      await assertKeyStoreError(
        store.get('dev'),
        'keystore-unavailable',
        /Cannot read the keys of profile 'dev' in the Secret Service keyring: .*Unlock the keyring, or use the encrypted file/,
      );
      await assertKeyStoreError(store.set('prod', OTHER), 'keystore-unavailable', /Cannot store the keys of profile 'prod'/);
      assert.ok(Date.now() - t0 < 10_000);
    } finally {
      await ss.stop();
    }
  });

  test('a hung session bus: the probe and a call give up at their deadlines', async () => {
    const ss = await startSecretService();
    try {
      const store = new KeyringKeyStore({ env: envWith(ss.env), probeTimeoutMs: 1_000, timeoutMs: 1_500 });
      ss.freeze();
      let t0 = Date.now();
      const probe = await store.probe();
      assert.equal(probe.ok, false);
      assert.match(probe.ok ? '' : probe.reason, /did not answer \(no answer within 1\.0 s\); is the D-Bus session bus hung\?/);
      assert.ok(Date.now() - t0 < 3_000, `probe took ${Date.now() - t0} ms`);
      t0 = Date.now();
      await assertKeyStoreError(store.get('dev'), 'keystore-unavailable', /did not answer/);
      assert.ok(Date.now() - t0 < 3_500, `get took ${Date.now() - t0} ms`);
    } finally {
      await ss.stop();
    }
  });
});

describe('keyring store with no keyring at all', { skip: process.platform !== 'linux' && 'Linux-only' }, () => {
  test('no session bus: the probe says so quickly', async () => {
    const t0 = Date.now();
    const probe = await new KeyringKeyStore({ env: envWith({}) }).probe();
    assert.equal(probe.ok, false);
    assert.match(probe.ok ? '' : probe.reason, /no keyring answers \(.*DBUS_SESSION_BUS_ADDRESS/);
    assert.ok(Date.now() - t0 < 3_000);
  });

  test('the default backend choice falls back to the encrypted file, saying why', async () => {
    const { store, notes } = await selectStore({ env: envWith({}), settings: readSettings({}).keyStore, homedir: '/nonexistent-home' });
    assert.equal(store.kind, 'file');
    assert.match(notes.join('\n'), /encrypted files in \/nonexistent-home\/\.local\/share\/mfa-exec\/keys, because no keyring answers/);
  });

  test('a bus address that leads nowhere; a call names the profile and the way out', async () => {
    const store = new KeyringKeyStore({ env: envWith({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }) });
    const probe = await store.probe();
    assert.equal(probe.ok, false);
    await assertKeyStoreError(
      store.get('dev'),
      'keystore-unavailable',
      /Cannot read the keys of profile 'dev' in the Secret Service keyring: no keyring answers .*--backend file or MFA_EXEC_BACKEND=file/,
    );
  });

  test('the library missing (no prebuilt binary for this platform): unavailable, said so', async () => {
    const store = new KeyringKeyStore({
      env: envWith({}),
      run: (request, options) => runKeyringChild(request, { ...options, modulePath: '/nonexistent/keyring/index.js' }),
    });
    const probe = await store.probe();
    assert.match(probe.ok ? '' : probe.reason, /the keyring library cannot be loaded here/);
  });
});

describe("the platform's keyring, injected", () => {
  /** A store on `name` whose helper only records what it is asked. */
  function recording(name: NodeJS.Platform): { store: KeyringKeyStore; requests: KeyringRequest[] } {
    const requests: KeyringRequest[] = [];
    const run = (request: KeyringRequest) => {
      requests.push(request);
      return Promise.resolve({ ok: true as const });
    };
    return { store: new KeyringKeyStore({ env: {}, platform: platformFor(name), run }), requests };
  }

  test('Linux: the Secret Service, pinned in every request (never the kernel keyring)', async () => {
    const { store, requests } = recording('linux');
    assert.equal(store.name, 'the Secret Service keyring');
    await store.probe();
    await store.remove('dev');
    assert.deepEqual(
      requests.map((r) => r.entry),
      [{ linux: { store: 'secret-service' } }, { linux: { store: 'secret-service' } }],
    );
  });

  for (const [name, keyring] of [
    ['darwin', 'the macOS Keychain'],
    ['win32', 'the Windows Credential Manager'],
  ] as const) {
    test(`${name}: ${keyring}, opened with the library's defaults`, async () => {
      const { store, requests } = recording(name);
      assert.equal(store.name, keyring);
      assert.match(store.describe('dev'), new RegExp(`^${keyring} \\(service 'mfa-exec', account 'dev'\\)$`));
      await store.probe();
      assert.equal(requests[0]?.entry, undefined);
    });
  }

  test('the helper opens the entry with the options the request carries', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mfa-exec-keyring-'));
    try {
      const library = path.join(dir, 'keyring.cjs');
      // A stand-in for @napi-rs/keyring whose password is the options its Entry was opened with.
      await writeFile(
        library,
        'exports.Entry = class { constructor(s, a, o) { this.o = o; } getPassword() { return JSON.stringify(this.o ?? null); } };\n',
      );
      const ask = (entry?: KeyringRequest['entry']) =>
        runKeyringChild(
          { op: 'get', service: 'mfa-exec', account: 'dev', ...(entry ? { entry } : {}) },
          { env: {}, timeoutMs: 10_000, modulePath: library },
        );
      assert.deepEqual(await ask({ linux: { store: 'secret-service' } }), { ok: true, value: '{"linux":{"store":"secret-service"}}' });
      assert.deepEqual(await ask(), { ok: true, value: 'null' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the child gets no secret of ours, no AWS credentials and no NODE_OPTIONS; the rest of the environment it does', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mfa-exec-keyring-env-'));
    try {
      const library = path.join(dir, 'keyring.cjs');
      // A stand-in for @napi-rs/keyring whose password is the names of the child's environment.
      await writeFile(library, 'exports.Entry = class { getPassword() { return Object.keys(process.env).sort().join(" "); } };\n');
      const env = {
        PATH: process.env.PATH!,
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1/bus',
        NODE_OPTIONS: '--require /x.js',
        MFA_EXEC_FILE_PASSPHRASE: 'pp',
        AWS_VAULT_FILE_PASSPHRASE: 'vp',
        MFA_EXEC_MFA_TOKEN: '123456',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 's',
        AWS_SESSION_TOKEN: 't',
        AWS_SECURITY_TOKEN: 't',
        AWS_CONTAINER_AUTHORIZATION_TOKEN: 'server-token',
      };
      const answer = await runKeyringChild(
        { op: 'get', service: 'mfa-exec', account: 'dev' },
        { env, timeoutMs: 10_000, modulePath: library },
      );
      assert.equal(answer.ok, true, JSON.stringify(answer));
      const names = (answer as { value: string }).value.split(' ');
      assert.ok(names.includes('PATH') && names.includes('DBUS_SESSION_BUS_ADDRESS'), names.join(' '));
      for (const dropped of Object.keys(env).filter((n) => n !== 'PATH' && n !== 'DBUS_SESSION_BUS_ADDRESS')) {
        assert.ok(!names.includes(dropped), `${dropped} reached the keyring's child`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
