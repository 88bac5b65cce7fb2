// Every access key the front knows: users' long-term keys, sessions it minted for
// GetSessionToken, and role sessions moto issued (seen in AssumeRole answers passing through).
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
}
export type KnownKey = LongTermKey | MintedSession | RoleSession;

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomFrom(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
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
      accessKeyId: 'ASIA' + randomFrom(UPPER_ALNUM, 16),
      secretAccessKey: randomBytes(30).toString('base64'), // 40 characters
      sessionToken: 'FwoGZXIvYXdzE' + randomBytes(180).toString('base64'),
      expiresAt: Math.floor(now / 1000) * 1000 + durationSeconds * 1000,
      mfa,
    };
    this.add(session);
    return session;
  }

  /** A deleted access key: unknown from now on. */
  forget(accessKeyId: string): void {
    this.keys.delete(accessKeyId);
  }

  /** Makes a session (minted or role) count as expired from now on. */
  expire(accessKeyId: string): void {
    const k = this.keys.get(accessKeyId);
    if (!k || k.kind === 'user') throw new Error(`${accessKeyId} is not a session key`);
    k.expiresAt = Date.now() - 1;
  }
}
