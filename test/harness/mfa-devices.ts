// The front's registry of virtual MFA devices: which codes are valid, and which were used.
import { STEP_SECONDS, counterAt, totpForCounter } from './totp.ts';

export type MfaCheck = 'ok' | 'unknown-serial' | 'not-owner' | 'wrong-code' | 'reused-code';

interface Device {
  seed: string;
  user: string;
  used: Set<number>; // time-step counters whose code was accepted
}

export class MfaDevices {
  private readonly devices = new Map<string, Device>();

  add(serial: string, seed: string, user: string): void {
    this.devices.set(serial, { seed, user, used: new Set() });
  }

  seed(serial: string): string {
    const d = this.devices.get(serial);
    if (!d) throw new Error(`no MFA device ${serial}`);
    return d.seed;
  }

  /** Like AWS: the code of the current 30 s window or of either neighbour is accepted, once. */
  consume(serial: string, code: string, user: string, now = Date.now()): MfaCheck {
    const d = this.devices.get(serial);
    if (!d) return 'unknown-serial';
    if (d.user !== user) return 'not-owner';
    const current = counterAt(now);
    for (const counter of [current - 1, current, current + 1]) {
      if (totpForCounter(d.seed, counter) !== code) continue;
      if (d.used.has(counter)) return 'reused-code';
      d.used.add(counter);
      for (const old of d.used) if (old < current - 1) d.used.delete(old);
      return 'ok';
    }
    return 'wrong-code';
  }

  /**
   * An unused code of the current or the next window (not the previous one: it may expire
   * before it arrives), waiting for a new window if both are used.
   */
  async fresh(serial: string): Promise<string> {
    const d = this.devices.get(serial);
    if (!d) throw new Error(`no MFA device ${serial}`);
    for (;;) {
      const current = counterAt(Date.now());
      const counter = [current, current + 1].find((c) => !d.used.has(c));
      if (counter !== undefined) return totpForCounter(d.seed, counter);
      const nextWindowMs = (current + 1) * STEP_SECONDS * 1000 - Date.now();
      await new Promise((r) => setTimeout(r, nextWindowMs + 50));
    }
  }
}
