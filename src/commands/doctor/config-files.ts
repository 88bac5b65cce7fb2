/** doctor: do the config files exist and parse, and is the credentials file private? */
import fs from 'node:fs';
import { configFilePaths } from '../../aws-config/paths.ts';
import type { AwsFiles } from '../../aws-config/types.ts';
import { isMfaExecError } from '../../errors.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import { platform } from '../../platform/index.ts';
import { openToOthers } from '../../private-io.ts';
import type { Finding, LoadedFiles } from './finding.ts';

export function checkConfigFiles(rt: Runtime, loaded: LoadedFiles): Finding[] {
  const paths = configFilePaths(rt.env, rt.homedir, rt.cwd);
  if ('error' in loaded) {
    const { error } = loaded;
    return [['fail', isMfaExecError(error) ? error.message : String(error)], ...credentialsFileMode(paths.credentialsFile)];
  }
  return [...existence(loaded.files, rt.env), ...credentialsFileMode(paths.credentialsFile)];
}

/** A missing file is worth saying: a typo in AWS_CONFIG_FILE reads exactly like no file at all. */
function existence(files: AwsFiles, env: NodeJS.ProcessEnv): Finding[] {
  const { configFile, credentialsFile, missing } = files;
  const from = (variable: string) => (env[variable] ? ` (${variable} points there: a typo?)` : '');
  if (missing.includes(configFile) && missing.includes(credentialsFile)) {
    return [
      [
        'fail',
        `no AWS config files: neither ${configFile}${from('AWS_CONFIG_FILE')} nor ${credentialsFile}${from('AWS_SHARED_CREDENTIALS_FILE')} exists; profiles are defined there (aws configure creates them)`,
      ],
    ];
  }
  const findings: Finding[] = [];
  if (missing.includes(configFile)) {
    findings.push([
      env.AWS_CONFIG_FILE ? 'fail' : 'warn',
      `${configFile} does not exist${from('AWS_CONFIG_FILE')}: roles (role_arn, source_profile) and MFA devices (mfa_serial) are set there`,
    ]);
  } else if (missing.includes(credentialsFile) && env.AWS_SHARED_CREDENTIALS_FILE) {
    findings.push(['fail', `${credentialsFile} does not exist${from('AWS_SHARED_CREDENTIALS_FILE')}`]);
  }
  if (findings.length === 0)
    findings.push(['ok', `config files parse (${files.profiles.size} profiles in ${configFile}, ${credentialsFile})`]);
  return findings;
}

/** The credentials file holds long-term keys; the config file normally does not. */
function credentialsFileMode(file: string): Finding[] {
  try {
    const stat = fs.statSync(file);
    const mode = stat.mode & 0o777;
    if (!platform.modeBits) return [['ok', `${file} exists (Windows: its ACLs, not a mode, say who can read it)`]];
    if (openToOthers(stat))
      return [['warn', `${file} holds long-term keys and has mode ${mode.toString(8)}: others can read it; run chmod 600 ${file}`]];
    return [['ok', `${file} is private (mode ${mode.toString(8)})`]];
  } catch {
    return [['ok', `${file} does not exist`]];
  }
}
