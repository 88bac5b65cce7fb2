/** Temporary AWS credentials as STS returns them. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Absent only for credentials we did not mint (a profile's own session token). */
  expiration?: Date;
}

/** Credentials within this margin of expiry are never reused (AWS CLI and aws-vault use 5 min too). */
export const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

export function isFresh(creds: { expiration?: Date }, now: number, marginMs = EXPIRY_MARGIN_MS): boolean {
  return creds.expiration === undefined || creds.expiration.getTime() - now >= marginMs;
}
