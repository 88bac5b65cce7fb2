import { UsageError } from './errors.ts';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * Parses a duration as aws-vault and humans write it: `3600` (seconds), `90s`, `15m`, `1h`,
 * `1h30m`. Returns whole seconds. `what` names the flag or setting for the error message.
 */
export function parseDuration(text: string, what: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return checked(Number(trimmed), text, what);
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!parts || trimmed === '') {
    throw new UsageError(`${what} '${text}' is not a duration: use seconds (3600) or units like 15m, 1h, 1h30m.`);
  }
  const [, h = '0', m = '0', s = '0'] = parts;
  return checked(Number(h) * UNIT_SECONDS.h! + Number(m) * UNIT_SECONDS.m! + Number(s), text, what);
}

function checked(seconds: number, text: string, what: string): number {
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(`${what} '${text}' must be a positive duration.`);
  }
  return seconds;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}
