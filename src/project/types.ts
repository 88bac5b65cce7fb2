/**
 * A project file (`.mfa-exec`, found by walking up from the working directory): what it says,
 * whether the person approved it, and what of it takes effect. Types only.
 */

/** `confirm =`: on or off, and the patterns it adds to the built-in list (src/guardrails/destructive.ts). */
export interface ConfirmSetting {
  on: boolean;
  patterns: readonly string[];
}

/** The settings as the file writes them (src/project/parse.ts). */
export interface ProjectSettings {
  /** `profile =`: the profile when none is chosen explicitly. */
  profile?: string;
  /** `allowed_account_ids =`: 12-digit account IDs, in the file's order, without repeats. */
  allowedAccountIds?: readonly string[];
  confirm?: ConfirmSetting;
  /** `min_lifetime =`, in seconds (0: no minimum, not even the default for apply/destroy). */
  minLifetimeSeconds?: number;
  /** `server =`: terraform/tofu apply and destroy run under --server. */
  server?: boolean;
}

/**
 * What a file may do without approval: only refuse more (an account list, confirmation). Kept in
 * the trust record of the content last approved or denied, so that a change that drops a
 * restriction (or adds an account) does not loosen anything until it is approved in turn.
 */
export interface Restrictions {
  allowedAccountIds?: readonly string[];
  confirm: boolean;
  confirmPatterns: readonly string[];
}

/** What mfa-exec remembers of one project file (src/project/trust-store.ts). */
export interface TrustRecord {
  /** The file's absolute path, as the walk finds it. */
  path: string;
  /** SHA-256 of the content decided on. */
  sha256: string;
  decision: 'allow' | 'deny';
  /** When (ISO 8601). */
  at: string;
  /** The restrictions of that content. */
  restrictions: Restrictions;
}

/**
 * Where the file stands: approved as it is; denied as it is (quietly not used); new (never
 * decided on) or changed since the last decision (said once per run, with the next step).
 */
export type TrustState = 'approved' | 'denied' | 'new' | 'changed';

/** What takes effect in this directory tree. */
export interface Applied extends Restrictions {
  profile?: string;
  minLifetimeSeconds?: number;
  server?: boolean;
}

/** The project file that applies to the working directory, as loaded (src/project/load.ts). */
export type Project =
  | {
      file: string;
      /** Used: its settings (approved) or its restrictions (otherwise) take effect. */
      state: TrustState;
      settings: ProjectSettings;
      sha256: string;
      record?: TrustRecord;
      applied: Applied;
    }
  | {
      file: string;
      /** Not used at all: another user can write it, or it is not a regular file. */
      state: 'ignored';
      why: string;
    };
