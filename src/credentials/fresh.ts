/** When cached credentials are still worth handing out. */

/** Credentials within this margin of expiry are never reused (AWS CLI and aws-vault use 5 min too). */
export const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

export function isFresh(creds: { expiration?: Date }, now: number, marginMs = EXPIRY_MARGIN_MS): boolean {
  return creds.expiration === undefined || creds.expiration.getTime() - now >= marginMs;
}
