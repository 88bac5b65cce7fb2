/** doctor: do the config files parse, and is the credentials file private? */
import fs from 'node:fs';
import { loadAwsFiles } from '../../aws-config/load.ts';
import { configFilePaths } from '../../aws-config/paths.ts';
import { isMfaExecError } from '../../errors.ts';
import type { Runtime } from '../../runtime.ts';
import type { Finding } from './finding.ts';

export function checkConfigFiles(rt: Runtime): Finding[] {
  const findings: Finding[] = [];
  const paths = configFilePaths(rt.env, rt.homedir, rt.cwd);
  try {
    const files = loadAwsFiles(rt.env, rt.homedir, rt.cwd);
    findings.push(['ok', `config files parse (${files.profiles.size} profiles in ${paths.configFile}, ${paths.credentialsFile})`]);
  } catch (error) {
    findings.push(['fail', isMfaExecError(error) ? error.message : String(error)]);
  }
  // The credentials file holds long-term keys; the config file normally does not.
  const file = paths.credentialsFile;
  try {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077)
      findings.push(['warn', `${file} holds long-term keys and has mode ${mode.toString(8)}: others can read it; run chmod 600 ${file}`]);
    else findings.push(['ok', `${file} is private (mode ${mode.toString(8)})`]);
  } catch {
    findings.push(['ok', `${file} does not exist`]);
  }
  return findings;
}
