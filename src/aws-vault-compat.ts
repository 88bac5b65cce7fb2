/**
 * aws-vault settings that have no effect here are reported, never silently ignored: one warning
 * line each, on every run that resolves credentials (where the setting would have mattered).
 * Pure. What each aws-vault command and setting maps to: README "Coming from aws-vault".
 */
import { AWS_VAULT_PROMPTS, type Settings } from './settings.ts';

/**
 * aws-vault backends mfa-exec honours (src/keystore/backend.ts): `file` is its encrypted files,
 * the others the OS keyring. The rest (pass, kwallet, op, …) are warned about.
 */
const SUPPORTED_BACKENDS: ReadonlySet<string> = new Set(['file', 'keychain', 'secret-service', 'wincred']);

export function awsVaultWarnings(settings: Pick<Settings, 'awsVaultBackend' | 'awsVaultPrompt'>): string[] {
  const warnings: string[] = [];
  const backend = settings.awsVaultBackend;
  if (backend !== undefined && !SUPPORTED_BACKENDS.has(backend)) {
    warnings.push(
      `AWS_VAULT_BACKEND=${backend} is ignored: mfa-exec's key store is the OS keyring (keychain, secret-service, wincred) or encrypted files (file); long-term keys come from the shared credentials file or from there. Set MFA_EXEC_BACKEND, or unset AWS_VAULT_BACKEND to silence this.`,
    );
  }
  const prompt = settings.awsVaultPrompt;
  // The names mfa-exec has a driver for are honoured (settings.ts), silently.
  if (prompt !== undefined && !AWS_VAULT_PROMPTS.has(prompt)) {
    const instead =
      prompt === 'pass'
        ? "set 'mfa_process = pass otp <name>' on the profile instead"
        : "the code comes from --mfa-token, MFA_EXEC_MFA_TOKEN, the profile's mfa_process, or mfa-exec's prompt (the terminal, else a desktop dialog; see --prompt)";
    warnings.push(`AWS_VAULT_PROMPT=${prompt} is not supported: ${instead}. Unset AWS_VAULT_PROMPT to silence this.`);
  }
  return warnings;
}
