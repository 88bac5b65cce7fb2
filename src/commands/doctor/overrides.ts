/** doctor: what silently overrides the credentials mfa-exec injects, or reads the AWS files past its view. */
import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../pipeline/runtime.ts';
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
  findings.push(...pinnedSettings(rt.cwd));
  return findings;
}

/**
 * Terraform/Terragrunt files in a directory that pin a profile or the files to read. A pinned
 * profile is served: Terraform reads it from mfa-exec's view of the AWS files, where it runs
 * `mfa-exec credential-process` (one MFA session for all). A pinned file is read by Terraform
 * itself, past the view: profiles in it are not served, and its [default] may win over --server.
 */
function pinnedSettings(dir: string): Finding[] {
  const findings: Finding[] = [];
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
      if (!m) return;
      const where = `${name}:${i + 1}`;
      if (m[1] === 'profile') {
        findings.push([
          'ok',
          `${where} pins a profile: served by mfa-exec (Terraform reads it from mfa-exec's view of your AWS files, one MFA session for all; --debug says which profiles it serves)`,
        ]);
      } else {
        findings.push([
          'warn',
          `${where} sets ${m[1]}: Terraform reads that file itself, past mfa-exec's view, so profiles there are not served by mfa-exec (and with --server its [default] may win); remove it and let AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE point at the files`,
        ]);
      }
    });
  }
  return findings;
}
