/** Temporary AWS credentials as STS returns them (or long-term keys, which have no expiry). */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Absent only for credentials we did not mint (a profile's own session token, long-term keys). */
  expiration?: Date;
}
