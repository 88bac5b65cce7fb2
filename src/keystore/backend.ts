/**
 * Which key store, first that is set: --backend, MFA_EXEC_BACKEND, then aws-vault's
 * AWS_VAULT_BACKEND (file -> file; keychain, secret-service, wincred -> keyring; its other
 * backends are ignored, with a note); otherwise "auto". Pure, and light: `list` loads it without
 * the stores themselves.
 */
import { ConfigError, UsageError } from '../errors.ts';
import type { KeyStoreSettings } from '../settings.ts';
import type { StoreKind } from './types.ts';

export interface BackendChoice {
  backend: StoreKind | 'auto';
  /** Why, for --debug: "--backend file", "MFA_EXEC_BACKEND=keyring", "default". */
  source: string;
  notes: string[];
}

const AWS_VAULT_KEYRINGS = new Set(['keychain', 'secret-service', 'wincred']);

export function chooseBackend(flag: string | undefined, settings: KeyStoreSettings): BackendChoice {
  const notes: string[] = [];
  if (flag !== undefined) {
    if (flag !== 'keyring' && flag !== 'file')
      throw new UsageError(`--backend ${JSON.stringify(flag)} is not a key store: use --backend keyring or --backend file.`);
    return { backend: flag, source: `--backend ${flag}`, notes };
  }
  const own = settings.backend;
  if (own) {
    if (own !== 'keyring' && own !== 'file')
      throw new ConfigError(
        `MFA_EXEC_BACKEND=${JSON.stringify(own)} is not a key store: set it to keyring or file, or unset it to use the keyring when one answers.`,
      );
    return { backend: own, source: `MFA_EXEC_BACKEND=${own}`, notes };
  }
  const vault = settings.awsVaultBackend;
  if (vault === 'file') return { backend: 'file', source: 'AWS_VAULT_BACKEND=file', notes };
  if (vault && AWS_VAULT_KEYRINGS.has(vault)) return { backend: 'keyring', source: `AWS_VAULT_BACKEND=${vault}`, notes };
  if (vault) notes.push(`AWS_VAULT_BACKEND=${vault} is an aws-vault backend mfa-exec does not have; ignoring it`);
  return { backend: 'auto', source: 'default', notes };
}
