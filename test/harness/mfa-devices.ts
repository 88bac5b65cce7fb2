// The front's registry of virtual MFA devices: which codes are valid, and which were used.
import { counterAt, totpForCounter } from './totp.ts';

export type MfaCheck = 'ok' | 'unknown-serial' | 'not-owner' | 'wrong-code' | 'reused-code';

interface Device {
  seed: string;
  user: string;
  lastUsedCounter: number;
}

export class MfaDevices {
  private readonly devices = new Map<string, Device>();

  add(serial: string, seed: string, user: string): void {
    this.devices.set(serial, { seed, user, lastUsedCounter: -Infinity });
  }

  seed(serial: string): string {
    const d = this.devices.get(serial);
    if (!d) throw new Error(`no MFA device ${serial}`);
    return d.seed;
  }

  /**
   * Like AWS: the code of the current 30 s window or of either neighbour is accepted, once.
   * A window at or before the last accepted one is refused (RFC 6238 §5.2), so the same code
   * cannot be replayed and an older one cannot be slipped in after a newer one.
   */
  consume(serial: string, code: string, user: string, now = Date.now()): MfaCheck {
    const d = this.devices.get(serial);
    if (!d) return 'unknown-serial';
    if (d.user !== user) return 'not-owner';
    const current = counterAt(now);
    for (const counter of [current - 1, current, current + 1]) {
      if (totpForCounter(d.seed, counter) !== code) continue;
      if (counter <= d.lastUsedCounter) return 'reused-code';
      d.lastUsedCounter = counter;
      return 'ok';
    }
    return 'wrong-code';
  }

  /** A code the front will accept now, waiting for the next window if all valid ones are used. */
  async fresh(serial: string): Promise<string> {
    const d = this.devices.get(serial);
    if (!d) throw new Error(`no MFA device ${serial}`);
    for (;;) {
      const current = counterAt(Date.now());
      const counter = Math.max(current, d.lastUsedCounter + 1);
      if (counter <= current + 1) return totpForCounter(d.seed, counter);
      const nextWindowMs = (current + 1) * 30_000 - Date.now();
      await new Promise((r) => setTimeout(r, nextWindowMs + 50));
    }
  }
}
