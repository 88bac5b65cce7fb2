import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ExitCode, isMfaExecError } from '../../src/errors.ts';
import { FileKeyStore } from '../../src/keystore/file-store.ts';
import type { ProbeResult } from '../../src/keystore/keyring-store.ts';
import {
  chooseBackend as chooseBackendFromSettings,
  passphraseSource as passphraseFromSettings,
  selectStore,
  type ProbedKeyStore,
} from '../../src/keystore/select-store.ts';
import { readSettings } from '../../src/settings.ts';

const chooseBackend = (flag: string | undefined, env: NodeJS.ProcessEnv) => chooseBackendFromSettings(flag, readSettings(env).keyStore);
const passphraseSource = (env: NodeJS.ProcessEnv, ask: (() => Promise<string>) | undefined, dir: string) =>
  passphraseFromSettings(readSettings(env).keyStore, ask, dir);

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-keyselect-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));
let counter = 0;

describe('chooseBackend', () => {
  const cases: [string | undefined, Record<string, string>, string, string][] = [
    [undefined, {}, 'auto', 'default'],
    ['file', { MFA_EXEC_BACKEND: 'keyring' }, 'file', '--backend file'],
    ['keyring', { AWS_VAULT_BACKEND: 'file' }, 'keyring', '--backend keyring'],
    [undefined, { MFA_EXEC_BACKEND: 'file', AWS_VAULT_BACKEND: 'keychain' }, 'file', 'MFA_EXEC_BACKEND=file'],
    [undefined, { MFA_EXEC_BACKEND: 'keyring' }, 'keyring', 'MFA_EXEC_BACKEND=keyring'],
    [undefined, { MFA_EXEC_BACKEND: '', AWS_VAULT_BACKEND: 'file' }, 'file', 'AWS_VAULT_BACKEND=file'],
    [undefined, { AWS_VAULT_BACKEND: 'keychain' }, 'keyring', 'AWS_VAULT_BACKEND=keychain'],
    [undefined, { AWS_VAULT_BACKEND: 'secret-service' }, 'keyring', 'AWS_VAULT_BACKEND=secret-service'],
    [undefined, { AWS_VAULT_BACKEND: 'wincred' }, 'keyring', 'AWS_VAULT_BACKEND=wincred'],
    [undefined, { AWS_VAULT_BACKEND: 'pass' }, 'auto', 'default'],
  ];
  for (const [flag, env, backend, source] of cases) {
    test(`${flag ? `--backend ${flag} ` : ''}${JSON.stringify(env)} -> ${backend}`, () => {
      const choice = chooseBackend(flag, env);
      assert.equal(choice.backend, backend);
      assert.equal(choice.source, source);
    });
  }

  test("aws-vault's other backends are ignored, with a note", () => {
    assert.match(chooseBackend(undefined, { AWS_VAULT_BACKEND: 'kwallet' }).notes.join('\n'), /AWS_VAULT_BACKEND=kwallet .* ignoring it/);
  });

  test('a bad --backend is a usage error (64); a bad MFA_EXEC_BACKEND a config error (78)', () => {
    assert.throws(
      () => chooseBackend('vault', {}),
      (e: unknown) => isMfaExecError(e) && e.exitCode === ExitCode.usage && /--backend "vault" is not a key store/.test(e.message),
    );
    assert.throws(
      () => chooseBackend(undefined, { MFA_EXEC_BACKEND: 'Keyring' }),
      (e: unknown) => isMfaExecError(e) && e.exitCode === ExitCode.config && /MFA_EXEC_BACKEND="Keyring"/.test(e.message),
    );
  });
});

describe('passphraseSource', () => {
  const ask = async (): Promise<string> => 'typed';
  test('MFA_EXEC_FILE_PASSPHRASE, then AWS_VAULT_FILE_PASSPHRASE, then the prompt', async () => {
    const both = passphraseSource({ MFA_EXEC_FILE_PASSPHRASE: 'mine', AWS_VAULT_FILE_PASSPHRASE: 'vault' }, ask, '/d');
    assert.equal(both.source, 'MFA_EXEC_FILE_PASSPHRASE');
    assert.equal(await both.get(), 'mine');
    const vault = passphraseSource({ MFA_EXEC_FILE_PASSPHRASE: '', AWS_VAULT_FILE_PASSPHRASE: 'vault' }, ask, '/d');
    assert.equal(await vault.get(), 'vault');
    const prompt = passphraseSource({}, ask, '/d');
    assert.equal(prompt.source, 'prompt');
    assert.equal(await prompt.get(), 'typed');
  });

  test('nothing to ask with: a no-terminal error (66) naming the variable', async () => {
    const none = passphraseSource({}, undefined, '/home/u/.local/share/mfa-exec/keys');
    assert.equal(none.source, 'none');
    await assert.rejects(
      none.get(),
      (e: unknown) => isMfaExecError(e, 'no-terminal') && e.exitCode === ExitCode.noTerminal && /MFA_EXEC_FILE_PASSPHRASE/.test(e.message),
    );
  });
});

describe('selectStore', () => {
  function fakeKeyring(answers: boolean): ProbedKeyStore & { probes: number } {
    const fake = {
      kind: 'keyring' as const,
      probes: 0,
      describe: () => 'fake keyring',
      async probe(): Promise<ProbeResult> {
        fake.probes++;
        return answers ? { ok: true } : { ok: false, reason: 'no keyring answers (no bus)' };
      },
      get: async () => undefined,
      set: async () => {},
      remove: async () => false,
      list: async () => [],
      indexed: () => new Set<string>(),
    };
    return fake;
  }
  function input(env: Record<string, string>, keyring: ProbedKeyStore, extra: { flag?: string; profile?: string } = {}) {
    const home = join(ROOT, `h${++counter}`);
    return {
      ...extra,
      env,
      settings: readSettings(env).keyStore,
      homedir: home,
      makeKeyring: () => keyring,
      makeFile: (dir: string, passphrase: () => Promise<string>) => new FileKeyStore({ dir, passphrase, scrypt: { N: 1024, r: 8, p: 1 } }),
    };
  }

  test('auto: the keyring when it answers', async () => {
    const keyring = fakeKeyring(true);
    const { store, notes } = await selectStore(input({}, keyring));
    assert.equal(store, keyring);
    assert.match(notes.join('\n'), /the OS keyring, because it answered/);
  });

  test('auto: the encrypted file when no keyring answers, saying why', async () => {
    const { store, notes } = await selectStore(input({ MFA_EXEC_FILE_PASSPHRASE: 'x' }, fakeKeyring(false)));
    assert.equal(store.kind, 'file');
    assert.match(
      notes.join('\n'),
      /encrypted files in .*mfa-exec\/keys, because no keyring answers \(no bus\) \(passphrase from MFA_EXEC_FILE_PASSPHRASE\)/,
    );
  });

  test('auto: a profile with a key file stays in the file, without probing the keyring', async () => {
    const keyring = fakeKeyring(true);
    const args = input({ MFA_EXEC_FILE_PASSPHRASE: 'pw' }, keyring, { profile: 'dev' });
    const first = await selectStore({ ...args, makeKeyring: () => fakeKeyring(false) });
    await first.store.set('dev', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' });
    const { store, notes } = await selectStore(args);
    assert.equal(store.kind, 'file');
    assert.equal(keyring.probes, 0);
    assert.match(notes.join('\n'), /because profile 'dev' has a key file there/);
    assert.equal((await store.get('dev'))?.secretAccessKey, 'secret');
    const other = await selectStore({ ...args, profile: 'prod' });
    assert.equal(other.store, keyring, 'another profile still goes to the keyring');
  });

  test('an explicit backend is used as chosen; a keyring chosen by name is probed first, and refused when none answers', async () => {
    const keyring = fakeKeyring(true);
    assert.equal((await selectStore(input({ MFA_EXEC_BACKEND: 'keyring' }, keyring))).store, keyring);
    assert.equal(keyring.probes, 1);
    const none = fakeKeyring(false);
    await assert.rejects(selectStore(input({ MFA_EXEC_BACKEND: 'keyring' }, none)), (e: Error & { exitCode?: number; kind?: string }) => {
      assert.equal(e.kind, 'keystore-unavailable');
      assert.equal(e.exitCode, 74);
      assert.match(e.message, /MFA_EXEC_BACKEND=keyring chooses the OS keyring, and none can be used here: .*Nothing was asked or stored/);
      return true;
    });
    const file = await selectStore(input({ AWS_VAULT_BACKEND: 'file' }, fakeKeyring(true)));
    assert.equal(file.store.kind, 'file');
    assert.match(file.notes.join('\n'), /chosen by AWS_VAULT_BACKEND=file \(passphrase from nowhere/);
  });

  test('the file store asks the injected prompt, once, only when a secret is touched', async () => {
    let asked = 0;
    const args = { ...input({ MFA_EXEC_BACKEND: 'file' }, fakeKeyring(false)), askPassphrase: async () => (asked++, 'typed pw') };
    const { store } = await selectStore(args);
    assert.deepEqual(await store.list(), []);
    assert.equal(asked, 0);
    await store.set('dev', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 's1' });
    await store.set('prod', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 's2' });
    assert.equal(asked, 1);
    const againEnv = { MFA_EXEC_BACKEND: 'file', MFA_EXEC_FILE_PASSPHRASE: 'typed pw' };
    const again = await selectStore({ ...args, env: againEnv, settings: readSettings(againEnv).keyStore });
    assert.equal((await again.store.get('prod'))?.secretAccessKey, 's2');
  });
});
