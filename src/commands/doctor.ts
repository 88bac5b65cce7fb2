/**
 * doctor: checks what makes credential injection work or silently fail. Prints one line per
 * check (ok / warn / fail) on stdout; exit 0 when nothing needs attention, 1 otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFilePaths, loadAwsFiles } from '../aws-config/load.ts';
import { fileId, findTarget } from '../child/find-target.ts';
import { isMfaExecError } from '../errors.ts';
import type { Runtime } from './profile-credentials.ts';
import { defaultShimDir } from './shim.ts';

type Level = 'ok' | 'warn' | 'fail';

export function doctorCommand(rt: Runtime, self: string, out: (text: string) => void): number {
  const home = rt.homedir ?? os.homedir();
  const results: [Level, string][] = [];
  const say = (level: Level, text: string) => results.push([level, text]);

  // 1. Config files: syntax and permissions.
  const paths = configFilePaths(rt.env, home);
  try {
    const files = loadAwsFiles(rt.env, home);
    say('ok', `config files parse (${files.profiles.size} profiles in ${paths.configFile}, ${paths.credentialsFile})`);
  } catch (error) {
    say('fail', isMfaExecError(error) ? error.message : String(error));
  }
  // The credentials file holds long-term keys; the config file normally does not.
  for (const file of [paths.credentialsFile]) {
    try {
      const mode = fs.statSync(file).mode & 0o777;
      if (mode & 0o077) say('warn', `${file} holds long-term keys and has mode ${mode.toString(8)}: others can read it; run chmod 600 ${file}`);
      else say('ok', `${file} is private (mode ${mode.toString(8)})`);
    } catch {
      say('ok', `${file} does not exist`);
    }
  }

  // 2. Shims: which PATH directories hold shims, and does each find a real program after them?
  const selfId = fileId(fs.realpathSync(self));
  const pathDirs = (rt.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const shimDirs = new Set<string>();
  const defaultDir = defaultShimDir(rt.env, home);
  for (const dir of [...pathDirs, defaultDir]) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      if (fileId(file) !== selfId || name === 'mfa-exec' || name === 'cli.js') continue;
      shimDirs.add(dir);
      const shimIndex = pathDirs.findIndex((p) => path.resolve(p) === path.resolve(dir));
      if (shimIndex < 0) {
        say('warn', `shim ${file} is not on PATH; add: export PATH="${dir}:$PATH"`);
        continue;
      }
      try {
        const real = findTarget(name, { pathEnv: rt.env.PATH ?? '', cwd: process.cwd(), selfIds: new Set(selfId ? [selfId] : []) });
        const realIndex = pathDirs.findIndex((p) => path.resolve(p) === path.dirname(real.path));
        if (realIndex >= 0 && realIndex < shimIndex) say('warn', `'${name}' resolves to ${real.path} before the shim in ${dir}: move ${dir} earlier in PATH`);
        else say('ok', `shim '${name}' → ${real.path}`);
      } catch (error) {
        say('fail', `shim '${name}' in ${dir}: ${(error as Error).message}`);
      }
    }
  }
  if (shimDirs.size === 0) say('ok', `no shims installed (mfa-exec shim install terraform aws …)`);

  // 3. What silently overrides injected credentials.
  const { AWS_PROFILE, MFA_EXEC_PROFILE } = rt.env;
  if (AWS_PROFILE && MFA_EXEC_PROFILE && AWS_PROFILE !== MFA_EXEC_PROFILE) {
    say('warn', `AWS_PROFILE=${AWS_PROFILE} is exported while MFA_EXEC_PROFILE=${MFA_EXEC_PROFILE}: shims use ${MFA_EXEC_PROFILE}, tools run outside mfa-exec use ${AWS_PROFILE}`);
  }
  for (const finding of pinnedCredentialSettings(process.cwd())) say('warn', finding);

  for (const [level, text] of results) out(`${level.padEnd(4)}  ${text}\n`);
  return results.some(([level]) => level !== 'ok') ? 1 : 0;
}

/**
 * Terraform/Terragrunt files in a directory that pin a profile or credentials file: Terraform then
 * reads ~/.aws itself and ignores the credentials mfa-exec put in its environment.
 */
export function pinnedCredentialSettings(dir: string): string[] {
  const findings: string[] = [];
  let names: string[] = [];
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
      if (m) findings.push(`${name}:${i + 1} sets ${m[1]}: Terraform will read ~/.aws itself and ignore the injected credentials; remove it (use AWS_PROFILE / MFA_EXEC_PROFILE instead)`);
    });
  }
  return findings;
}
