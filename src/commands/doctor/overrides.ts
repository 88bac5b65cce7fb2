/** doctor: what silently overrides the credentials mfa-exec injects. */
import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../runtime.ts';
import type { Finding } from './finding.ts';

export function checkOverrides(rt: Runtime): Finding[] {
  const findings: Finding[] = [];
  const { AWS_PROFILE, MFA_EXEC_PROFILE } = rt.env;
  if (AWS_PROFILE && MFA_EXEC_PROFILE && AWS_PROFILE !== MFA_EXEC_PROFILE) {
    findings.push([
      'warn',
      `AWS_PROFILE=${AWS_PROFILE} is exported while MFA_EXEC_PROFILE=${MFA_EXEC_PROFILE}: shims use ${MFA_EXEC_PROFILE}, tools run outside mfa-exec use ${AWS_PROFILE}`,
    ]);
  }
  for (const finding of pinnedCredentialSettings(rt.cwd)) findings.push(['warn', finding]);
  return findings;
}

/**
 * Terraform/Terragrunt files in a directory that pin a profile or credentials file: Terraform then
 * reads ~/.aws itself and ignores the credentials mfa-exec put in its environment.
 */
function pinnedCredentialSettings(dir: string): string[] {
  const findings: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.(tf|tf\.json|hcl)$/.test(n));
  } catch {
    return findings;
  }
  // An attribute anywhere on a line (`provider "aws" { profile = "x" }` is one line too), outside comments.
  const pattern = /(?:^|[{;,\s])"?(profile|shared_credentials_files?|shared_config_files)"?\s*[=:]/;
  for (const name of names) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8');
    } catch {
      continue;
    }
    text.split(/\r?\n/).forEach((line, i) => {
      const m = pattern.exec(line.replace(/(#|\/\/).*$/, ''));
      if (m)
        findings.push(
          `${name}:${i + 1} sets ${m[1]}: Terraform will read ~/.aws itself and ignore the injected credentials; remove it (use AWS_PROFILE / MFA_EXEC_PROFILE instead)`,
        );
    });
  }
  return findings;
}
