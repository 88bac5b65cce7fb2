/**
 * mfa-exec's own environment variables, read in one place. Numbers that do not parse fall back
 * to their default (a typo must not break every shim); a duration is checked only when it is
 * used, so that a bad MFA_EXEC_SESSION_DURATION fails the run that needs it with a clear error.
 */
import { parseDuration } from './duration.ts';

const DEFAULT_STS_TIMEOUT_MS = 10_000;
const DEFAULT_MFA_PROCESS_TIMEOUT_MS = 60_000;
/** --server says this long before the served credentials run out that renewing them needs a new MFA code. */
const DEFAULT_RENEWAL_NOTICE_MS = 15 * 60 * 1000;
/** How long a dialog (or a YubiKey) may take to answer before the question fails (exit 66). */
const DEFAULT_PROMPT_TIMEOUT_MS = 120_000;
/**
 * The prompt when none is named: the terminal when there is one, else a desktop dialog, else
 * nobody (src/prompt/auto.ts).
 */
export const DEFAULT_PROMPT = 'auto';
/**
 * aws-vault's prompt names (AWS_VAULT_PROMPT) that name a driver of mfa-exec's with the same
 * meaning; its others (wincredui, pass) are warned about (aws-vault-compat.ts) and the default is used.
 */
export const AWS_VAULT_PROMPTS: ReadonlySet<string> = new Set(['terminal', 'zenity', 'kdialog', 'osascript', 'ykman']);

export interface Settings {
  /** MFA_EXEC_DEBUG=1: --debug, also for shims. */
  readonly debug: boolean;
  /** MFA_EXEC_SERVER=1: --server, also for shims. */
  readonly server: boolean;
  /**
   * MFA_EXEC_DISABLE: every shim runs its real program straight through, nothing injected. `1`,
   * `true`, `yes`, `on` (any case) disable; unset, empty, `0`, `false`, `no`, `off` do not; any
   * other value disables too, with `disabledWarning` (the person meant something: fail safe).
   */
  readonly disabled: boolean;
  /** The one warning line for a MFA_EXEC_DISABLE value that is none of those words. */
  readonly disabledWarning: string | undefined;
  /** MFA_EXEC_MFA_TOKEN: an MFA code for automation. */
  readonly mfaToken: string | undefined;
  /**
   * MFA_EXEC_CONFIRMED: the account ID for which a destructive command is confirmed without asking
   * (a job without a terminal); mfa-exec also leaves it to the command it ran after a confirmation.
   */
  readonly confirmedAccount: string | undefined;
  /** MFA_EXEC_MFA_DIGITS: the code length, 6 (default) to 8. */
  readonly mfaDigits: number;
  /** MFA_EXEC_STS_TIMEOUT (seconds): how long each STS attempt may take. */
  readonly stsTimeoutMs: number;
  /** MFA_EXEC_MFA_PROCESS_TIMEOUT (seconds): how long mfa_process may take. */
  readonly mfaProcessTimeoutMs: number;
  /**
   * MFA_EXEC_RENEWAL_NOTICE (a duration): how long before the credentials run out `--server` says a
   * new MFA code will be needed (and runs mfa_process), and under which `login` renews an ending session.
   */
  readonly renewalNoticeMs: number;
  /** AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL: where STS is (the SDK reads the same variables). */
  readonly stsEndpoint: string | undefined;
  /** AWS_REGION, else AWS_DEFAULT_REGION. */
  readonly region: string | undefined;
  /** MFA_EXEC_SESSION_DURATION in seconds; throws UsageError when it is not a duration. */
  sessionDurationSeconds(): number | undefined;
  /**
   * aws-vault's lifetimes, in seconds (each throws UsageError when it is not a duration):
   * AWS_ASSUME_ROLE_TTL (role credentials, when -d is not given), AWS_SESSION_TOKEN_TTL (an MFA
   * session that is itself the credentials) and AWS_CHAINED_SESSION_TOKEN_TTL (an MFA session
   * that roles are assumed from), when neither --session-duration nor MFA_EXEC_SESSION_DURATION is set.
   */
  awsVaultTtls(): AwsVaultTtls;
  /** AWS_VAULT_BACKEND and AWS_VAULT_PROMPT as set (aws-vault-compat.ts says what they mean here). */
  readonly awsVaultBackend: string | undefined;
  readonly awsVaultPrompt: string | undefined;
  /** Where long-term keys are stored (src/keystore/select-store.ts decides). */
  readonly keyStore: KeyStoreSettings;
  /**
   * The prompt driver that asks the person (src/prompt/drivers.ts names them): --prompt, else
   * MFA_EXEC_PROMPT, else AWS_VAULT_PROMPT when it names one of AWS_VAULT_PROMPTS, else 'auto'.
   * A name no driver has is refused where a prompt is opened (exit 64); where nobody may be
   * asked, a run passes 'none' instead.
   */
  readonly prompt: string;
  /** MFA_EXEC_PROMPT_TIMEOUT (a duration, default 120 s): how long a dialog or a YubiKey may take to answer. */
  readonly promptTimeoutMs: number;
  /**
   * MFA_EXEC_FEDERATION_URL: the console's federation endpoint (`https://signin.aws.amazon.com/federation`
   * and its partitions' equivalents by default), for `console`: tests and private partitions.
   */
  readonly federationUrl: string | undefined;
}

export interface AwsVaultTtls {
  assumeRoleSeconds?: number;
  sessionSeconds?: number;
  chainedSessionSeconds?: number;
}

export interface KeyStoreSettings {
  /** MFA_EXEC_BACKEND: 'keyring' or 'file' (anything else is refused where it is used). */
  readonly backend: string | undefined;
  /** AWS_VAULT_BACKEND: aws-vault's choice, honoured when MFA_EXEC_BACKEND is not set. */
  readonly awsVaultBackend: string | undefined;
  /** MFA_EXEC_FILE_PASSPHRASE, else AWS_VAULT_FILE_PASSPHRASE: the encrypted file's passphrase (a secret). */
  readonly filePassphrase: { readonly value: string; readonly from: 'MFA_EXEC_FILE_PASSPHRASE' | 'AWS_VAULT_FILE_PASSPHRASE' } | undefined;
}

/** What the command line says about settings that a variable can also give (--prompt). */
export interface SettingFlags {
  prompt?: string | undefined;
}

export function readSettings(env: NodeJS.ProcessEnv, flags: SettingFlags = {}): Settings {
  const disable = switchValue(env.MFA_EXEC_DISABLE);
  return {
    debug: env.MFA_EXEC_DEBUG === '1',
    server: env.MFA_EXEC_SERVER === '1',
    disabled: disable !== false,
    disabledWarning:
      disable === undefined
        ? `MFA_EXEC_DISABLE=${JSON.stringify(env.MFA_EXEC_DISABLE)} is not one of 1, true, yes, on (or 0, false, no, off); taken as set: the shim runs its program untouched`
        : undefined,
    mfaToken: env.MFA_EXEC_MFA_TOKEN || undefined,
    confirmedAccount: env.MFA_EXEC_CONFIRMED || undefined,
    mfaDigits: digits(env.MFA_EXEC_MFA_DIGITS),
    stsTimeoutMs: milliseconds(env.MFA_EXEC_STS_TIMEOUT) ?? DEFAULT_STS_TIMEOUT_MS,
    mfaProcessTimeoutMs: milliseconds(env.MFA_EXEC_MFA_PROCESS_TIMEOUT) ?? DEFAULT_MFA_PROCESS_TIMEOUT_MS,
    renewalNoticeMs: durationMs(env.MFA_EXEC_RENEWAL_NOTICE) ?? DEFAULT_RENEWAL_NOTICE_MS,
    stsEndpoint: env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    sessionDurationSeconds() {
      return duration(env, 'MFA_EXEC_SESSION_DURATION');
    },
    awsVaultTtls() {
      const ttls: AwsVaultTtls = {};
      const role = duration(env, 'AWS_ASSUME_ROLE_TTL');
      const session = duration(env, 'AWS_SESSION_TOKEN_TTL');
      const chained = duration(env, 'AWS_CHAINED_SESSION_TOKEN_TTL');
      if (role !== undefined) ttls.assumeRoleSeconds = role;
      if (session !== undefined) ttls.sessionSeconds = session;
      if (chained !== undefined) ttls.chainedSessionSeconds = chained;
      return ttls;
    },
    prompt:
      flags.prompt || env.MFA_EXEC_PROMPT || (AWS_VAULT_PROMPTS.has(env.AWS_VAULT_PROMPT ?? '') ? env.AWS_VAULT_PROMPT! : DEFAULT_PROMPT),
    promptTimeoutMs: promptTimeoutMs(env),
    federationUrl: env.MFA_EXEC_FEDERATION_URL || undefined,
    awsVaultBackend: env.AWS_VAULT_BACKEND || undefined,
    awsVaultPrompt: env.AWS_VAULT_PROMPT || undefined,
    keyStore: {
      backend: env.MFA_EXEC_BACKEND || undefined,
      awsVaultBackend: env.AWS_VAULT_BACKEND || undefined,
      filePassphrase: env.MFA_EXEC_FILE_PASSPHRASE
        ? { value: env.MFA_EXEC_FILE_PASSPHRASE, from: 'MFA_EXEC_FILE_PASSPHRASE' }
        : env.AWS_VAULT_FILE_PASSPHRASE
          ? { value: env.AWS_VAULT_FILE_PASSPHRASE, from: 'AWS_VAULT_FILE_PASSPHRASE' }
          : undefined,
    },
  };
}

/** An on/off variable: true or false for the words people use (any case), undefined for anything else. */
function switchValue(text: string | undefined): boolean | undefined {
  const word = (text ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(word)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(word)) return false;
  return undefined;
}

/** MFA_EXEC_PROMPT_TIMEOUT in milliseconds (a duration; the default when unset or not a duration). */
export function promptTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  return durationMs(env.MFA_EXEC_PROMPT_TIMEOUT) ?? DEFAULT_PROMPT_TIMEOUT_MS;
}

function duration(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const text = env[variable];
  return text ? parseDuration(text, variable) : undefined;
}

function digits(text: string | undefined): number {
  const n = Number(text ?? 6);
  return Number.isInteger(n) && n >= 6 && n <= 8 ? n : 6;
}

/** A duration (`900`, `15m`, `1h`) in milliseconds; undefined when unset or not a duration. */
function durationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  try {
    return parseDuration(text, 'a duration') * 1000;
  } catch {
    return undefined;
  }
}

/** A count of seconds in milliseconds; undefined when unset or not a positive number. */
function milliseconds(text: string | undefined): number | undefined {
  const seconds = Number(text);
  return text && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
