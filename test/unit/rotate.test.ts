// rotate's steps (src/commands/rotate-key.ts) with a fake IAM, a fake place to keep the key, a
// real journal in a temp directory and signals from an EventEmitter: every failure path says
// which key is live and where it is stored, and no interruption leaves two live keys unnoticed.
// (keys-rotate.test.ts and keys-interrupted.test.ts run the built CLI against moto's IAM.)
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Credentials } from '../../src/aws/credentials.ts';
import type { IamApi, ListedKey, NewAccessKey } from '../../src/aws/iam.ts';
import { iamUser, replaceKey, settleInterrupted, type KeyHome, type Rotation } from '../../src/commands/rotate-key.ts';
import { ExitCode, isMfaExecError, type MfaExecError } from '../../src/errors.ts';
import { KeyStoreError } from '../../src/keystore/errors.ts';
import { rotationJournal } from '../../src/keystore/rotation-journal.ts';
import type { LongTermKeys } from '../../src/keystore/types.ts';
import { createLogger } from '../../src/log.ts';

const ROOT = mkdtempSync(join(tmpdir(), 'mfa-exec-rotate-'));
after(() => rmSync(ROOT, { recursive: true, force: true }));
let dirs = 0;

const NOW = Date.parse('2026-12-01T10:00:00Z');
const ARN = 'arn:aws:iam::123456789012:user/team/alice';
const OLD: LongTermKeys = { accessKeyId: 'AKIAOLD0000000000000', secretAccessKey: 'old-secret' };
const NEW: NewAccessKey = { accessKeyId: 'AKIANEW0000000000000', secretAccessKey: 'new-secret' };
const SESSION: Credentials = { accessKeyId: 'ASIASESSION000000000', secretAccessKey: 's', sessionToken: 't' };
const awsError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

interface Call {
  op: string;
  key?: string;
}

/** IAM with two keys at most, the way AWS counts them; each call recorded; faults by operation. */
function fakeIam(opts: { keys?: ListedKey[]; fail?: Partial<Record<string, Error>>; notYet?: number; arn?: string } = {}) {
  const calls: Call[] = [];
  const keys: ListedKey[] = opts.keys ? [...opts.keys] : [{ accessKeyId: OLD.accessKeyId, created: new Date(NOW - 86_400_000) }];
  let notYet = opts.notYet ?? 0;
  const fail = (op: string) => {
    const error = opts.fail?.[op];
    if (error) throw error;
  };
  const iam: IamApi = {
    async callerIdentity(creds) {
      calls.push({ op: 'GetCallerIdentity', key: creds.accessKeyId });
      fail('GetCallerIdentity');
      if (creds.accessKeyId === NEW.accessKeyId && notYet-- > 0) throw awsError('InvalidClientTokenId', 403);
      return opts.arn ?? ARN;
    },
    async createAccessKey() {
      calls.push({ op: 'CreateAccessKey' });
      fail('CreateAccessKey');
      if (keys.length >= 2) throw awsError('LimitExceeded', 409);
      keys.push({ accessKeyId: NEW.accessKeyId, created: new Date(NOW) });
      return NEW;
    },
    async deleteAccessKey(_creds, _user, id) {
      calls.push({ op: 'DeleteAccessKey', key: id });
      fail('DeleteAccessKey');
      const at = keys.findIndex((k) => k.accessKeyId === id);
      if (at < 0) throw awsError('NoSuchEntity', 404);
      keys.splice(at, 1);
    },
    async listAccessKeys() {
      calls.push({ op: 'ListAccessKeys' });
      fail('ListAccessKeys');
      return keys.map((k) => ({ ...k }));
    },
  };
  return { iam, calls, keys, ops: () => calls.map((c) => (c.key ? `${c.op} ${c.key}` : c.op)) };
}

/** Where the key is kept: one slot, as a store or the credentials file holds it. */
function fakeHome(opts: { fail?: Error; during?: () => void } = {}) {
  const home = { stored: OLD.accessKeyId, kept: 0 };
  const keyHome: KeyHome = {
    where: 'the encrypted file /keys/dev.keys',
    async keep(keys) {
      opts.during?.();
      if (opts.fail) throw opts.fail;
      home.kept++;
      home.stored = keys.accessKeyId;
    },
  };
  return { home, keyHome };
}

function rotation(iam: IamApi, home: KeyHome, extra: Partial<Rotation> = {}) {
  const lines: string[] = [];
  const logger = createLogger(true, (l) => lines.push(l));
  const dir = join(ROOT, `keys${++dirs}`);
  const dropped: string[] = [];
  const signals = new EventEmitter();
  const r: Rotation = {
    profile: 'dev',
    logger,
    iam,
    place: { region: 'us-east-1', timeoutMs: 1000 },
    iamCreds: SESSION,
    arn: ARN,
    userName: 'alice',
    oldKeys: OLD,
    home,
    journal: rotationJournal(dir, 'dev', logger),
    dropSessions: (id) => (dropped.push(id), 1),
    now: () => NOW,
    delaysMs: [1, 1, 1],
    signals,
    ...extra,
  };
  return { r, lines, dropped, signals };
}

async function rejected(promise: Promise<unknown>): Promise<MfaExecError> {
  const error = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(isMfaExecError(error), String(error));
  assert.doesNotMatch(error.message, /old-secret|new-secret/, 'no secret in the message');
  return error;
}

describe('replaceKey: the new key proven, kept, the old one deleted', () => {
  test('IAM takes the new key in after two refusals: kept, the old key deleted and its sessions dropped, the journal gone', async () => {
    const { iam, ops, keys } = fakeIam({ notYet: 2 });
    const { home, keyHome } = fakeHome();
    const { r, dropped, lines } = rotation(iam, keyHome);
    assert.deepEqual(await replaceKey(r), NEW);
    assert.deepEqual(ops(), [
      'CreateAccessKey',
      `GetCallerIdentity ${NEW.accessKeyId}`,
      `GetCallerIdentity ${NEW.accessKeyId}`,
      `GetCallerIdentity ${NEW.accessKeyId}`,
      `DeleteAccessKey ${OLD.accessKeyId}`,
    ]);
    assert.equal(home.stored, NEW.accessKeyId);
    assert.deepEqual(
      keys.map((k) => k.accessKeyId),
      [NEW.accessKeyId],
    );
    assert.deepEqual(dropped, [OLD.accessKeyId]);
    assert.equal(r.journal.read(), undefined);
    assert.match(lines.join(''), /deleted the old key AKIA…0000; dropped 1 cached entry/);
  });

  test('CreateAccessKey refused (two keys already): nothing changed, nothing stored, no journal left', async () => {
    const { iam, ops } = fakeIam({ keys: [{ accessKeyId: OLD.accessKeyId }, { accessKeyId: 'AKIAOTHER00000000000' }] });
    const { home, keyHome } = fakeHome();
    const { r } = rotation(iam, keyHome);
    const error = await rejected(replaceKey(r));
    assert.equal(error.exitCode, ExitCode.stsDenied);
    assert.match(
      error.message,
      /IAM CreateAccessKey for user alice failed \(LimitExceeded: .*IAM allows two access keys per user.*Nothing was changed: the old key AKIA…0000 is still live and in the encrypted file/,
    );
    assert.doesNotMatch(error.message, /finds it and deletes it/);
    assert.deepEqual(ops(), ['CreateAccessKey']);
    assert.equal(home.kept, 0);
    assert.equal(r.journal.read(), undefined);
  });

  test('CreateAccessKey without an answer (the connection dropped): the journal stays for the next rotate, and the error says so', async () => {
    const { iam } = fakeIam({ fail: { CreateAccessKey: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) } });
    const { r } = rotation(iam, fakeHome().keyHome);
    const error = await rejected(replaceKey(r));
    assert.equal(error.exitCode, ExitCode.stsUnavailable);
    assert.match(error.message, /If IAM made a key all the same, the next 'mfa-exec rotate' of this profile finds it and deletes it\./);
    const record = r.journal.read();
    assert.deepEqual(record, { profile: 'dev', user: 'alice', oldKeyId: OLD.accessKeyId, startedAt: NOW });
  });

  test('the store fails after the key was created: the new key is deleted again, the old one is said to be live and stored (74)', async () => {
    const { iam, ops, keys } = fakeIam();
    const { home, keyHome } = fakeHome({
      fail: new KeyStoreError('keystore-io', 'Cannot write the key file /keys/dev.keys: no space left on the device.'),
    });
    const { r } = rotation(iam, keyHome);
    const error = await rejected(replaceKey(r));
    assert.equal(error.exitCode, ExitCode.keyStore);
    assert.match(
      error.message,
      /^Cannot keep the new key in the encrypted file \/keys\/dev\.keys: Cannot write the key file .*no space left.* The new key AKIANEW0000000000000 was deleted again\. The old key AKIAOLD0000000000000 is still live and still in the encrypted file \/keys\/dev\.keys: nothing else was changed\.$/,
    );
    assert.deepEqual(ops().slice(-1), [`DeleteAccessKey ${NEW.accessKeyId}`]);
    assert.deepEqual(
      keys.map((k) => k.accessKeyId),
      [OLD.accessKeyId],
    );
    assert.equal(home.stored, OLD.accessKeyId);
    assert.equal(r.journal.read(), undefined);
  });

  test('the undo’s own DeleteAccessKey fails: the command to delete the new key is given, and the journal keeps it for the next rotate', async () => {
    const { iam } = fakeIam({ fail: { DeleteAccessKey: awsError('ServiceFailure', 500) } });
    const { keyHome } = fakeHome({ fail: new KeyStoreError('keystore-io', 'The disk is full.') });
    const { r } = rotation(iam, keyHome);
    const error = await rejected(replaceKey(r));
    assert.match(
      error.message,
      /The new key AKIANEW0000000000000 is live but stored nowhere, and deleting it failed \(ServiceFailure: ServiceFailure happened\): delete it with 'aws iam delete-access-key --user-name alice --access-key-id AKIANEW0000000000000', or run 'mfa-exec rotate' for this profile again, which does\. The old key AKIAOLD0000000000000 is still live and still in /,
    );
    assert.equal(r.journal.read()?.newKeyId, NEW.accessKeyId);
  });

  test('the new key never works: deleted again, with the reason', async () => {
    const { iam, ops } = fakeIam({ notYet: 99 });
    const { r } = rotation(iam, fakeHome().keyHome);
    const error = await rejected(replaceKey(r));
    assert.match(error.message, /^The new key AKIA…0000 does not work: InvalidClientTokenId: .* was deleted again\./);
    assert.equal(ops().filter((o) => o.startsWith('GetCallerIdentity')).length, 4, 'the first try and one per delay');
  });

  test('DeleteAccessKey of the old key fails: the new key is stored and used; the journal stays so that the next rotate deletes the old one', async () => {
    const { iam } = fakeIam({ fail: { DeleteAccessKey: awsError('ServiceFailure', 500) } });
    const { home, keyHome } = fakeHome();
    const { r } = rotation(iam, keyHome);
    const error = await rejected(replaceKey(r));
    assert.equal(error.exitCode, ExitCode.stsUnavailable);
    assert.match(
      error.message,
      /The old key AKIAOLD0000000000000 is still live but no longer stored anywhere: delete it with 'aws iam delete-access-key --user-name alice --access-key-id AKIAOLD0000000000000', or run 'mfa-exec rotate'/,
    );
    assert.equal(home.stored, NEW.accessKeyId);
    assert.equal(r.journal.read()?.newKeyId, NEW.accessKeyId);
  });
});

describe('replaceKey: Ctrl-C (SIGINT, SIGTERM, SIGHUP) is held until one stored key works', () => {
  test('while IAM takes the new key in: the new key is deleted again, exit 130, the old one stays', async () => {
    const { iam, ops, keys } = fakeIam({ notYet: 99 });
    const { home, keyHome } = fakeHome();
    const { r, signals, lines } = rotation(iam, keyHome, { delaysMs: [60_000] });
    const running = replaceKey(r);
    while (!ops().some((o) => o.startsWith('GetCallerIdentity'))) await new Promise((resolve) => setImmediate(resolve));
    signals.emit('SIGINT');
    const error = await rejected(running);
    assert.equal(error.exitCode, 130);
    assert.equal(error.kind, 'cancelled');
    assert.match(
      error.message,
      /^rotate was interrupted \(SIGINT\) while IAM took the new key AKIA…0000 in\. The new key AKIANEW0000000000000 was deleted again\. The old key AKIAOLD0000000000000 is still live and still in/,
    );
    assert.equal(home.kept, 0);
    assert.deepEqual(
      keys.map((k) => k.accessKeyId),
      [OLD.accessKeyId],
    );
    assert.equal(r.journal.read(), undefined);
    assert.match(lines.join(''), /SIGINT: finishing or undoing the key change first/);
    assert.equal(signals.listenerCount('SIGINT'), 0, 'the handlers are gone');
  });

  test('SIGTERM once the new key is being kept: the rotation finishes (old key deleted), exit 143', async () => {
    const { iam, keys } = fakeIam();
    const { r, signals } = rotation(iam, fakeHome().keyHome);
    const { home, keyHome } = fakeHome({ during: () => void signals.emit('SIGTERM') });
    const error = await rejected(replaceKey({ ...r, home: keyHome }));
    assert.equal(error.exitCode, 143);
    assert.match(
      error.message,
      /interrupted \(SIGTERM\) after the new key AKIANEW0000000000000 was stored .* so it finished first: the old key AKIAOLD0000000000000 is deleted\./,
    );
    assert.equal(home.stored, NEW.accessKeyId);
    assert.deepEqual(
      keys.map((k) => k.accessKeyId),
      [NEW.accessKeyId],
    );
  });
});

describe('settleInterrupted: the next rotate finishes what a killed one left', () => {
  const settle = (iam: IamApi, r: Rotation, stored: string) =>
    settleInterrupted({ ...r, oldKeys: { accessKeyId: stored, secretAccessKey: 'x' }, where: 'w' });

  test('killed before the new key was stored (at the rename): the new key, stored nowhere, is deleted; a rotation follows', async () => {
    const { iam, ops, keys } = fakeIam({ keys: [{ accessKeyId: OLD.accessKeyId }, { accessKeyId: NEW.accessKeyId }] });
    const { r, lines } = rotation(iam, fakeHome().keyHome);
    r.journal.write({ profile: 'dev', user: 'alice', oldKeyId: OLD.accessKeyId, startedAt: NOW, newKeyId: NEW.accessKeyId });
    assert.equal(await settle(iam, r, OLD.accessKeyId), 'none');
    assert.deepEqual(ops(), ['ListAccessKeys', `DeleteAccessKey ${NEW.accessKeyId}`]);
    assert.deepEqual(
      keys.map((k) => k.accessKeyId),
      [OLD.accessKeyId],
    );
    assert.match(
      lines.join(''),
      /interrupted before it stored the new key AKIANEW0000000000000: that key is live but stored nowhere \(its secret is lost\); deleting it/,
    );
    assert.equal(r.journal.read(), undefined);
  });

  test('killed after the new key was stored: the old key is deleted and the rotation is finished', async () => {
    const { iam, ops } = fakeIam({ keys: [{ accessKeyId: OLD.accessKeyId }, { accessKeyId: NEW.accessKeyId }] });
    const { r, dropped } = rotation(iam, fakeHome().keyHome);
    r.journal.write({ profile: 'dev', user: 'alice', oldKeyId: OLD.accessKeyId, startedAt: NOW, newKeyId: NEW.accessKeyId });
    assert.equal(await settle(iam, r, NEW.accessKeyId), 'finished');
    assert.deepEqual(ops(), ['ListAccessKeys', `DeleteAccessKey ${OLD.accessKeyId}`]);
    assert.deepEqual(dropped, [OLD.accessKeyId]);
  });

  test('killed before IAM answered CreateAccessKey: a key made while the call could run is deleted; an older one, a later one, one without a date are the user’s', async () => {
    const mine = { accessKeyId: 'AKIAMINE000000000000', created: new Date(NOW + 1000) };
    const theirs = { accessKeyId: 'AKIATHEIRS0000000000', created: new Date(NOW - 3 * 86_400_000) };
    const later = { accessKeyId: 'AKIALATER00000000000', created: new Date(NOW + 2 * 86_400_000) };
    const undated = { accessKeyId: 'AKIAUNDATED000000000' };
    for (const other of [mine, theirs, later, undated]) {
      const { iam, ops } = fakeIam({ keys: [{ accessKeyId: OLD.accessKeyId }, other] });
      const { r, lines } = rotation(iam, fakeHome().keyHome);
      r.journal.write({ profile: 'dev', user: 'alice', oldKeyId: OLD.accessKeyId, startedAt: NOW });
      assert.equal(await settle(iam, r, OLD.accessKeyId), 'none');
      assert.deepEqual(
        ops(),
        other === mine ? ['ListAccessKeys', `DeleteAccessKey ${mine.accessKeyId}`] : ['ListAccessKeys'],
        other.accessKeyId,
      );
      if (other !== mine) assert.match(lines.join(''), new RegExp(`the key ${other.accessKeyId} was not made while it ran.*left alone`));
      assert.equal(r.journal.read(), undefined);
    }
  });

  test('a journal that does not fit the stored key or the user is out of date: removed, nothing deleted', async () => {
    const { iam, ops } = fakeIam();
    const { r, lines } = rotation(iam, fakeHome().keyHome);
    r.journal.write({ profile: 'dev', user: 'bob', oldKeyId: OLD.accessKeyId, startedAt: NOW, newKeyId: NEW.accessKeyId });
    assert.equal(await settle(iam, r, OLD.accessKeyId), 'none');
    assert.deepEqual(ops(), []);
    assert.match(lines.join(''), /records an interrupted rotate of other keys .* out of date: removed/);
    assert.equal(r.journal.read(), undefined);
  });

  test('no journal: nothing asked of IAM', async () => {
    const { iam, ops } = fakeIam();
    const { r } = rotation(iam, fakeHome().keyHome);
    assert.equal(await settle(iam, r, OLD.accessKeyId), 'none');
    assert.deepEqual(ops(), []);
  });
});

describe('iamUser: rotate replaces IAM user keys only', () => {
  test('the user name is the last part of the ARN, paths included', async () => {
    const { iam } = fakeIam();
    assert.deepEqual(await iamUser(iam, SESSION, { region: 'us-east-1', timeoutMs: 1 }, 'dev'), { arn: ARN, userName: 'alice' });
  });
  for (const arn of [
    'arn:aws:sts::123456789012:assumed-role/Admin/me',
    'arn:aws:iam::123456789012:root',
    'arn:aws:sts::123456789012:federated-user/me',
  ]) {
    test(`${arn}: refused before anything is created (78)`, async () => {
      const { iam, ops } = fakeIam({ arn });
      const error = await rejected(iamUser(iam, SESSION, { region: 'us-east-1', timeoutMs: 1 }, 'dev'));
      assert.equal(error.exitCode, ExitCode.config);
      assert.equal(
        error.message,
        `The keys of profile 'dev' belong to ${arn}, not to an IAM user; rotate only replaces IAM user access keys. Nothing was changed.`,
      );
      assert.deepEqual(ops(), [`GetCallerIdentity ${SESSION.accessKeyId}`]);
    });
  }
  test('GetCallerIdentity fails: nothing changed, the class of the failure as the exit code', async () => {
    const { iam } = fakeIam({ fail: { GetCallerIdentity: awsError('InvalidClientTokenId', 403) } });
    const error = await rejected(iamUser(iam, SESSION, { region: 'us-east-1', timeoutMs: 1 }, 'dev'));
    assert.equal(error.exitCode, ExitCode.stsDenied);
    assert.match(error.message, /GetCallerIdentity for profile 'dev' failed .* Nothing was changed\./);
  });
});
