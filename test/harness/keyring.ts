// Every access key the front knows: users' long-term keys, sessions it minted for
// GetSessionToken and GetFederationToken, and role sessions moto issued (seen in AssumeRole
// answers passing through).
import { randomBytes, randomInt } from 'node:crypto';

interface Base {
  accessKeyId: string;
  secretAccessKey: string;
}
export interface LongTermKey extends Base {
  kind: 'user';
  user: string;
  arn: string;
}
export interface MintedSession extends Base {
  kind: 'session';
  user: string;
  /** The long-term key GetSessionToken was signed with: calls made with the session act as it. */
  sourceKeyId: string;
  arn: string; // the user's ARN: that is who GetSessionToken credentials act as
  sessionToken: string;
  expiresAt: number;
  mfa: boolean;
}
export interface RoleSession extends Base {
  kind: 'role';
  role: string; // role name
  arn: string; // arn:aws:sts::<acct>:assumed-role/<role>/<session>
  sessionToken: string;
  expiresAt: number;
  /** Assumed with another role's session (role chaining): the console refuses SessionDuration. */
  chained: boolean;
}
/** GetFederationToken credentials: act as the user that made them, with the name given. */
export interface FederationSession extends Base {
  kind: 'federation';
  user: string;
  sourceKeyId: string;
  name: string; // the Name parameter
  arn: string; // arn:aws:sts::<acct>:federated-user/<name>
  sessionToken: string;
  expiresAt: number;
}
export type KnownKey = LongTermKey | MintedSession | RoleSession | FederationSession;
export type SessionKey = MintedSession | RoleSession | FederationSession;

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomFrom(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** New session key material, expiring durationSeconds from now (whole seconds, as AWS writes it). */
function fresh(durationSeconds: number, now: number): Base & { sessionToken: string; expiresAt: number } {
  return {
    accessKeyId: 'ASIA' + randomFrom(UPPER_ALNUM, 16),
    secretAccessKey: randomBytes(30).toString('base64'), // 40 characters
    sessionToken: 'FwoGZXIvYXdzE' + randomBytes(180).toString('base64'),
    expiresAt: Math.floor(now / 1000) * 1000 + durationSeconds * 1000,
  };
}

export class KeyRing {
  private readonly keys = new Map<string, KnownKey>();

  add(key: KnownKey): void {
    this.keys.set(key.accessKeyId, key);
  }

  get(accessKeyId: string): KnownKey | undefined {
    return this.keys.get(accessKeyId);
  }

  mint(user: LongTermKey, durationSeconds: number, mfa: boolean, now = Date.now()): MintedSession {
    const session: MintedSession = {
      kind: 'session',
      user: user.user,
      sourceKeyId: user.accessKeyId,
      arn: user.arn,
      mfa,
      ...fresh(durationSeconds, now),
    };
    this.add(session);
    return session;
  }

  /** GetFederationToken's keys: `arn` is the federated-user ARN, calls act as `user`. */
  mintFederation(user: LongTermKey, name: string, durationSeconds: number, now = Date.now()): FederationSession {
    const accountId = user.arn.split(':')[4]!;
    const session: FederationSession = {
      kind: 'federation',
      user: user.user,
      sourceKeyId: user.accessKeyId,
      name,
      arn: `arn:aws:sts::${accountId}:federated-user/${name}`,
      ...fresh(durationSeconds, now),
    };
    this.add(session);
    return session;
  }

  /** A deleted access key: unknown from now on. */
  forget(accessKeyId: string): void {
    this.keys.delete(accessKeyId);
  }

  /** Makes a session (minted, federation or role) count as expired from now on. */
  expire(accessKeyId: string): void {
    const k = this.keys.get(accessKeyId);
    if (!k || k.kind === 'user') throw new Error(`${accessKeyId} is not a session key`);
    k.expiresAt = Date.now() - 1;
  }
}
