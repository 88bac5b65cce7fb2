/**
 * rotate's steps once the old key and the credentials for IAM are known (rotate.ts): whose key it
 * is, then the new key created, proven, kept where the old one was, the old one deleted. At
 * every point an interruption leaves one key that is stored and works, or the next rotate knows
 * which key to delete and does it:
 * - a journal (keystore/rotation-journal.ts, no secret) is written before CreateAccessKey and
 *   names the new key once IAM answered; it goes when the rotation is settled;
 * - SIGINT, SIGTERM and SIGHUP are held from CreateAccessKey on: before the new key is kept, it
 *   is deleted again (undo); after, the old key is deleted (finish); then the run ends 128+N;
 * - a SIGKILL leaves the journal: the next rotate of the profile deletes the key that is stored
 *   nowhere (the new one, its secret lost) or the old one (the new one was kept), and says so.
 * IAM and STS come in as `iam` (unit tests pass a fake), as fetch.ts takes StsApi.
 */
import { constants } from 'node:os';
import type { AwsPlace } from '../aws/client.ts';
import type { Credentials } from '../aws/credentials.ts';
import { describeAwsError } from '../aws/errors.ts';
import { iamError, type IamApi } from '../aws/iam.ts';
import { ConfigError, ExitCode, isMfaExecError, MfaExecError } from '../errors.ts';
import type { RotationJournal, RotationRecord } from '../keystore/rotation-journal.ts';
import type { LongTermKeys } from '../keystore/types.ts';
import { mask, type Logger } from '../log.ts';

/** How long a new key may take to work (IAM is eventually consistent; seconds, usually). */
const PROPAGATION_DELAYS_MS = [1_000, 2_000, 3_000, 4_000, 5_000, 5_000, 10_000, 10_000, 10_000, 10_000];
/** A key IAM lists as made this long before the journal's start is not the one rotate made (clock skew allowance). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/**
 * A rotate killed before IAM answered CreateAccessKey: the key it may have made was made during
 * that call, which the SDK gives up on well within this; a key made later is someone else's.
 */
const CREATE_CALL_MS = 5 * 60 * 1000;
const HELD_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type HeldSignal = (typeof HELD_SIGNALS)[number];

/** Where the profile's key is kept: the key store or the credentials file. */
export interface KeyHome {
  /** For messages: "the encrypted file …", "/home/u/.aws/credentials". */
  where: string;
  /** Keeps the new key in place of the old one (read back, or the file checked): throws when it cannot. */
  keep(keys: LongTermKeys): Promise<void>;
}

/** Where signals come from (process; an EventEmitter in unit tests). */
export interface SignalSource {
  on(signal: HeldSignal, listener: () => void): unknown;
  off(signal: HeldSignal, listener: () => void): unknown;
}

export interface Rotation {
  profile: string;
  logger: Logger;
  iam: IamApi;
  place: AwsPlace;
  iamCreds: Credentials;
  /** The IAM user's ARN and name (GetCallerIdentity of the old key's credentials). */
  arn: string;
  userName: string;
  /** The key stored now. */
  oldKeys: LongTermKeys;
  home: KeyHome;
  journal: RotationJournal;
  /** Drops the cached sessions made from a key of this profile (the key commands' dropSessions); how many. */
  dropSessions(accessKeyId: string): number;
  now: () => number;
  /** The waits between proofs of the new key (tests: shorter). */
  delaysMs?: readonly number[];
  signals?: SignalSource;
}

/** Step 3: the IAM user the key belongs to (rotate replaces only IAM user keys). */
export async function iamUser(
  iam: IamApi,
  iamCreds: Credentials,
  place: AwsPlace,
  profile: string,
): Promise<{ arn: string; userName: string }> {
  let arn: string;
  try {
    arn = await iam.callerIdentity(iamCreds, place);
  } catch (error) {
    throw iamError(`GetCallerIdentity for profile '${profile}'`, error, 'Nothing was changed.');
  }
  const userName = /^arn:[^:]+:iam::\d+:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  if (!userName) {
    throw new ConfigError(
      `The keys of profile '${profile}' belong to ${arn}, not to an IAM user; rotate only replaces IAM user access keys. Nothing was changed.`,
    );
  }
  return { arn, userName };
}

/** The exit code for a run ended by `signal` (128+N). */
function signalExit(signal: HeldSignal): number {
  return 128 + constants.signals[signal];
}

/** The signals caught while held; `aborted` ends a wait for IAM at once. */
interface Held {
  readonly caught: HeldSignal | undefined;
  readonly aborted: Promise<never>;
  release(): void;
}

function holdSignals(source: SignalSource, logger: Logger): Held {
  let caught: HeldSignal | undefined;
  let abort: (error: Error) => void = () => {};
  const aborted = new Promise<never>((_, reject) => (abort = reject));
  aborted.catch(() => {}); // observed by whoever races it
  const listeners = HELD_SIGNALS.map((signal) => {
    const listener = () => {
      if (caught === undefined) logger.warn(`${signal}: finishing or undoing the key change first, so that one stored key works`);
      caught ??= signal;
      abort(new Error(signal));
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    get caught() {
      return caught;
    },
    aborted,
    release() {
      for (const [signal, listener] of listeners) source.off(signal, listener);
    },
  };
}

/**
 * Steps 4 to 6 of rotate: create, prove, keep the new key; delete the old one. Returns the new
 * key. Throws MfaExecError saying which key is live and where it is stored, whatever happened.
 */
export async function replaceKey(r: Rotation): Promise<LongTermKeys> {
  const { iam, iamCreds, userName, place, oldKeys, home, logger, journal } = r;
  const record: RotationRecord = { profile: r.profile, user: userName, oldKeyId: oldKeys.accessKeyId, startedAt: r.now() };
  journal.write(record);
  const held = holdSignals(r.signals ?? process, logger);
  try {
    let created: LongTermKeys;
    try {
      created = await iam.createAccessKey(iamCreds, userName, place);
    } catch (error) {
      // IAM may have made a key all the same (a reply lost): then the journal stays, and the next rotate looks.
      const refused = isRefused(error);
      if (refused) journal.clear();
      throw iamError(
        `IAM CreateAccessKey for user ${userName}`,
        error,
        `Nothing was changed: the old key ${mask(oldKeys.accessKeyId)} is still live and in ${home.where}.${refused ? '' : " If IAM made a key all the same, the next 'mfa-exec rotate' of this profile finds it and deletes it."}`,
      );
    }
    journal.write({ ...record, newKeyId: created.accessKeyId });
    logger.info(`created access key ${mask(created.accessKeyId)}; checking that it works (IAM takes a few seconds to know a new key)`);
    try {
      await proveKey(r, created, held);
    } catch (error) {
      const why = held.caught
        ? `rotate was interrupted (${held.caught}) while IAM took the new key ${mask(created.accessKeyId)} in.`
        : `The new key ${mask(created.accessKeyId)} does not work: ${isMfaExecError(error) ? error.message : describeAwsError(error)}.`;
      return await undo(r, created, why, error, held);
    }
    try {
      await home.keep(created);
    } catch (error) {
      return await undo(
        r,
        created,
        `Cannot keep the new key in ${home.where}: ${isMfaExecError(error) ? error.message : String(error)}`,
        error,
        held,
      );
    }
    logger.info(`stored the new key ${mask(created.accessKeyId)} in ${home.where}`);
    await deleteOld(r, oldKeys.accessKeyId, created.accessKeyId, home.where);
    if (held.caught) {
      throw new MfaExecError(
        `rotate was interrupted (${held.caught}) after the new key ${created.accessKeyId} was stored in ${home.where}, so it finished first: the old key ${oldKeys.accessKeyId} is deleted.`,
        signalExit(held.caught),
        { kind: 'cancelled' },
      );
    }
    return created;
  } finally {
    held.release();
  }
}

/**
 * Step 6: the old key goes, and so do the sessions made from it; the journal then goes too. `kept`
 * is the key stored in its place (where: `where`). Also how the next rotate finishes a killed one.
 */
async function deleteOld(r: Omit<Rotation, 'home'>, oldKeyId: string, kept: string, where: string): Promise<void> {
  const { iam, iamCreds, userName, place } = r;
  const dropped = r.dropSessions(oldKeyId);
  try {
    await iam.deleteAccessKey(iamCreds, userName, oldKeyId, place);
  } catch (error) {
    throw iamError(
      `IAM DeleteAccessKey of the old key ${oldKeyId}`,
      error,
      `The new key ${kept} is live and in ${where}, and mfa-exec uses it from now on. The old key ${oldKeyId} is still live but no longer stored anywhere: delete it with 'aws iam delete-access-key --user-name ${userName} --access-key-id ${oldKeyId}', or run 'mfa-exec rotate' for this profile again, which does.`,
    );
  }
  r.journal.clear();
  r.logger.info(
    `deleted the old key ${mask(oldKeyId)}${dropped > 0 ? `; dropped ${dropped} cached ${dropped === 1 ? 'entry' : 'entries'} made from it (the next run asks for an MFA code)` : ''}`,
  );
}

/** The new key is deleted again; the error says why, and what is live where. */
async function undo(r: Rotation, created: LongTermKeys, why: string, cause: unknown, held: Held): Promise<never> {
  const { iam, iamCreds, userName, place, oldKeys, home } = r;
  const unchanged = `The old key ${oldKeys.accessKeyId} is still live and still in ${home.where}: nothing else was changed.`;
  const exitCode = held.caught ? signalExit(held.caught) : isMfaExecError(cause) ? cause.exitCode : ExitCode.stsUnavailable;
  const kind = held.caught ? 'cancelled' : undefined;
  try {
    await iam.deleteAccessKey(iamCreds, userName, created.accessKeyId, place);
  } catch (error) {
    throw new MfaExecError(
      `${why} The new key ${created.accessKeyId} is live but stored nowhere, and deleting it failed (${describeAwsError(error)}): delete it with 'aws iam delete-access-key --user-name ${userName} --access-key-id ${created.accessKeyId}', or run 'mfa-exec rotate' for this profile again, which does. ${unchanged}`,
      exitCode,
      { cause, ...(kind ? { kind } : {}) },
    );
  }
  r.journal.clear();
  throw new MfaExecError(`${why} The new key ${created.accessKeyId} was deleted again. ${unchanged}`, exitCode, {
    cause,
    ...(kind ? { kind } : {}),
  });
}

/** IAM refused or failed before doing anything (no key was made): not a lost reply. */
function isRefused(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

/** GetCallerIdentity with the new key until it answers as the same user (IAM propagation), bounded; a held signal ends the wait. */
async function proveKey(r: Rotation, keys: LongTermKeys, held: Held): Promise<void> {
  const delays = r.delaysMs ?? PROPAGATION_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    if (held.caught) throw new Error(held.caught);
    try {
      const who = await Promise.race([r.iam.callerIdentity(keys, r.place), held.aborted]);
      if (who !== r.arn) throw new MfaExecError(`it acts as ${who}, not as ${r.arn}`, ExitCode.stsDenied);
      r.logger.debug(`rotate: the new key works (attempt ${attempt + 1})`);
      return;
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      const notYet = /InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient|AuthFailure/.test(name);
      const delay = delays[attempt];
      if (held.caught || !notYet || delay === undefined) throw error;
      r.logger.debug(`rotate: the new key is not accepted yet (${name}); again in ${delay / 1000} s`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, delay))), held.aborted]).finally(() => clearTimeout(timer));
    }
  }
}

/**
 * Before a rotation: what an interrupted one of this profile left (its journal), settled. The
 * stored key says how far it got: still the old key → the new key is stored nowhere (its secret
 * lost) and is deleted; the new key → the old one was not deleted yet, and is now ('finished': no
 * new rotation is needed). Keys IAM lists that the journal does not name are the user's, never
 * touched. Returns whether the rotation is finished.
 */
export async function settleInterrupted(
  r: Omit<Rotation, 'home' | 'delaysMs' | 'signals'> & { where: string },
): Promise<'finished' | 'none'> {
  const { journal, logger, iam, iamCreds, userName, place, oldKeys } = r;
  const record = journal.read();
  if (!record) return 'none';
  const stored = oldKeys.accessKeyId;
  if (record.user !== userName || (stored !== record.oldKeyId && stored !== record.newKeyId)) {
    logger.warn(
      `${journal.file} records an interrupted rotate of other keys (key ${record.oldKeyId} of IAM user ${record.user}); the stored key is ${mask(stored)} of ${userName}, so it is out of date: removed`,
    );
    journal.clear();
    return 'none';
  }
  let listed;
  try {
    listed = await iam.listAccessKeys(iamCreds, userName, place);
  } catch (error) {
    throw iamError(
      `IAM ListAccessKeys for user ${userName}`,
      error,
      `An earlier rotate of profile '${r.profile}' was interrupted (${journal.file}); mfa-exec must see the user's keys to finish it. Nothing was changed.`,
    );
  }
  if (stored === record.newKeyId) {
    // The new key was kept; the old one may still be live.
    if (listed.some((k) => k.accessKeyId === record.oldKeyId)) {
      logger.warn(
        `an earlier rotate of profile '${r.profile}' was interrupted after it stored the new key ${mask(stored)} in ${r.where}; deleting the old key ${record.oldKeyId} to finish it`,
      );
      await deleteOld(r, record.oldKeyId, stored, r.where);
    }
    journal.clear();
    return 'finished';
  }
  // The old key is still the stored one: the new key (if IAM made it) is stored nowhere. Without
  // its id (killed before IAM answered), a key counts as the rotate's only when it was made while
  // CreateAccessKey could have been running; any other is the user's (made by hand, by CI, by a
  // teammate, days later), named and left alone.
  const during = (k: (typeof listed)[number]) => {
    const created = k.created?.getTime();
    return (
      created !== undefined && created >= record.startedAt - CLOCK_SKEW_MS && created <= record.startedAt + CREATE_CALL_MS + CLOCK_SKEW_MS
    );
  };
  const others = listed.filter((k) => k.accessKeyId !== stored);
  const made = others.filter((k) => (record.newKeyId !== undefined ? k.accessKeyId === record.newKeyId : during(k)));
  if (record.newKeyId === undefined) {
    for (const key of others.filter((k) => !made.includes(k))) {
      logger.warn(
        `an earlier rotate of profile '${r.profile}' was interrupted before IAM answered; the key ${key.accessKeyId} was not made while it ran${key.created ? ` (made ${key.created.toISOString()})` : ''}, so it is not the rotate's: left alone`,
      );
    }
  }
  for (const key of made) {
    logger.warn(
      `an earlier rotate of profile '${r.profile}' was interrupted before it stored the new key ${key.accessKeyId}: that key is live but stored nowhere (its secret is lost); deleting it`,
    );
    try {
      await iam.deleteAccessKey(iamCreds, userName, key.accessKeyId, place);
    } catch (error) {
      throw iamError(
        `IAM DeleteAccessKey of the key ${key.accessKeyId} an interrupted rotate left`,
        error,
        `It is stored nowhere: delete it with 'aws iam delete-access-key --user-name ${userName} --access-key-id ${key.accessKeyId}'. The key ${stored} is live and in ${r.where}; nothing else was changed.`,
      );
    }
    logger.info(`deleted the key ${mask(key.accessKeyId)} an interrupted rotate left`);
  }
  journal.clear();
  return 'none';
}
