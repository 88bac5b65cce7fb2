/**
 * doctor: which key store answers (and would receive new keys), whether the key directory is
 * private, and which profiles keep long-term keys in plain text that `mfa-exec import` could
 * move into the store. Opens no secret; the keyring is asked only whether it answers.
 */
import fs from 'node:fs';
import { isMfaExecError } from '../../errors.ts';
import { shellWord } from '../../shell-quote.ts';
import { openStores } from '../../keystore/select-store.ts';
import { isPrivateDir } from '../../private-io.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import type { Finding, LoadedFiles } from './finding.ts';

export async function checkKeyStore(rt: Runtime, loaded: LoadedFiles): Promise<Finding[]> {
  const findings: Finding[] = [];
  let stores;
  try {
    stores = openStores({ settings: rt.settings.keyStore, env: rt.env, homedir: rt.homedir, logger: rt.logger });
  } catch (error) {
    return [['fail', isMfaExecError(error) ? error.message : String(error)]];
  }
  const { choice, dir } = stores;
  for (const note of choice.notes) findings.push(['warn', note]);
  const files = stores.file.listSync();
  const indexed = stores.keyring().indexed();
  const fileStore = `encrypted files in ${dir}${files.length ? ` (${files.length} ${files.length === 1 ? 'profile' : 'profiles'})` : ''}`;
  if (choice.backend === 'file') {
    findings.push(['ok', `key store: ${fileStore}, chosen by ${choice.source}`]);
  } else {
    const probe = await stores.keyring().probe();
    const keyring = `the OS keyring${indexed.size ? ` (${indexed.size} ${indexed.size === 1 ? 'profile' : 'profiles'} stored by mfa-exec)` : ''}`;
    if (probe.ok)
      findings.push([
        'ok',
        `key store: ${keyring} answers${choice.backend === 'keyring' ? `, chosen by ${choice.source}` : '; new keys go there'}`,
      ]);
    else if (choice.backend === 'keyring')
      findings.push(['fail', `key store: ${choice.source} chooses the OS keyring, but ${probe.reason}`]);
    else if (indexed.size > 0) findings.push(['warn', `key store: ${keyring} holds keys, but ${probe.reason}; unlock or start it`]);
    else findings.push(['ok', `key store: ${probe.reason}; new keys go to ${fileStore}`]);
  }
  if (fs.existsSync(dir) && !isPrivateDir(dir)) {
    findings.push([
      'warn',
      `the key directory ${dir} is not private (mode 700, yours, not a symlink); mfa-exec fixes the mode when it next uses the keys, or refuses it`,
    ]);
  }

  if ('files' in loaded) {
    const aws = loaded.files;
    const plain = [...aws.profiles.values()]
      .filter((p) => p.origin.aws_access_key_id === aws.credentialsFile && p.values.aws_secret_access_key !== undefined)
      .filter((p) => p.values.aws_session_token === undefined && !p.values.aws_access_key_id?.trim().startsWith('ASIA'))
      .map((p) => p.name);
    if (plain.length > 0) {
      findings.push([
        'ok',
        `long-term keys in plain text in ${aws.credentialsFile} for ${plain.map((p) => `'${p}'`).join(', ')}; 'mfa-exec import ${plain.map(shellWord).join(' ')}' moves them into the key store`,
      ]);
    }
  }
  return findings;
}
