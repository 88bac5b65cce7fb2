// startFakeAws: moto (real IAM/STS, auth mode) behind the front (real MFA and session keys).
import { createAccount } from './iam-setup.ts';
import type { ConsoleFederation } from './console-federation.ts';
import { Front, type CallLogEntry, type FaultKind } from './front.ts';
import { enableMotoAuth, startMoto } from './moto.ts';
import type { FakeAwsSpec } from './spec.ts';
import { totp } from './totp.ts';

export interface FakeAwsUser {
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string;
}

export interface FakeAws {
  /** The front's URL: set AWS_ENDPOINT_URL_STS to this. */
  endpoint: string;
  motoEndpoint: string;
  accountId: string;
  users: Record<string, FakeAwsUser>;
  roles: Record<string, { arn: string }>;
  /** The code for the current 30 s window (offset -1/+1: the neighbours AWS also accepts). */
  totp(serial: string, windowOffset?: number, at?: number): string;
  /** A code the front accepts right now, waiting for the next window if the valid ones are used. */
  freshTotp(serial: string): Promise<string>;
  mfaSeed(serial: string): string;
  /** Calls per STS/IAM Action, as the front saw them. */
  calls: Record<string, number>;
  log: CallLogEntry[];
  resetCalls(): void;
  /** The next n calls of `action` fail with `kind`, after `skip` calls that pass. */
  failNext(action: string, n?: number, kind?: FaultKind, skip?: number): void;
  delay(ms: number): void;
  /** The front treats this session key (minted, federation or role) as expired from now on. */
  expireCredentials(accessKeyId: string): void;
  /** The console federation endpoint: set MFA_EXEC_FEDERATION_URL to this (`${endpoint}/federation`). */
  federationUrl: string;
  /**
   * Its calls per Action ('getSigninToken', 'login', 'console' for the fake console's pages), its
   * log (never a secret), `expireSigninTokens()`, `consoleSessions()` and `sessionTokenRefusal`.
   */
  federation: ConsoleFederation;
  close(): Promise<void>;
}

export async function startFakeAws(spec: FakeAwsSpec): Promise<FakeAws> {
  const moto = await startMoto();
  let front: Front | undefined;
  try {
    const account = await createAccount(moto.endpoint, spec);
    await enableMotoAuth(moto.endpoint);
    front = await Front.start(moto.endpoint, account);
    const f = front;
    let closing: Promise<void> | undefined;
    const users: Record<string, FakeAwsUser> = {};
    for (const u of Object.values(account.users)) {
      users[u.name] = {
        arn: u.arn,
        accessKeyId: u.accessKeyId,
        secretAccessKey: u.secretAccessKey,
        ...(u.mfaSerial ? { mfaSerial: u.mfaSerial } : {}),
      };
    }
    const roles: Record<string, { arn: string }> = {};
    for (const r of Object.values(account.roles)) roles[r.name] = { arn: r.arn };
    return {
      endpoint: f.endpoint,
      motoEndpoint: moto.endpoint,
      accountId: account.accountId,
      users,
      roles,
      totp: (serial, windowOffset = 0, at = Date.now()) => totp(f.mfa.seed(serial), at, windowOffset),
      freshTotp: (serial) => f.mfa.fresh(serial),
      mfaSeed: (serial) => f.mfa.seed(serial),
      calls: f.calls,
      log: f.log,
      resetCalls: () => f.resetCalls(),
      failNext: (action, n, kind, skip) => f.failNext(action, n, kind, skip),
      delay: (ms) => f.delay(ms),
      expireCredentials: (id) => f.keys.expire(id),
      federationUrl: `${f.endpoint}/federation`,
      federation: f.federation,
      close: () => (closing ??= Promise.all([f.close(), moto.stop()]).then(() => undefined)),
    };
  } catch (err) {
    await front?.close();
    await moto.stop();
    throw err;
  }
}
