/**
 * doctor: which PATH directories hold shims, and does each find a real program after them?
 * A shim is a link to our entry point (what `shim install` makes) or one of the checkout's launcher
 * files (shims/terraform: `require('../dist/cli.js')`). Each directory is looked at once, however
 * often PATH names it and whether or not it is also the default shim directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileId, findTarget } from '../../child/find-target.ts';
import { shimsDir } from '../../dirs.ts';
import { ExitCode, isMfaExecError } from '../../errors.ts';
import { OWN_NAMES } from '../../own-names.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import type { Finding } from './finding.ts';

interface Shim {
  dir: string;
  name: string;
  file: string;
  launcher: boolean;
}

export function checkShims(rt: Runtime): Finding[] {
  const selfId = fileId(fs.realpathSync(rt.self.path));
  if (selfId === undefined) return [['warn', `cannot identify ${rt.self.path}; shims not checked`]];
  const pathDirs = (rt.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const shims = findShims([...pathDirs, shimsDir(rt.env, rt.homedir)], selfId);
  if (shims.length === 0) return [['ok', `no shims installed (mfa-exec shim install terraform aws …)`]];

  // Every shim file is us: none of them may be taken for the real program.
  const selfIds = new Set([selfId, ...shims.map((s) => fileId(s.file)).filter((id): id is string => id !== undefined)]);
  const positionOf = (dir: string) => pathDirs.findIndex((p) => sameDir(p, dir));
  const findings: Finding[] = [];
  for (const { dir, name, file, launcher } of shims) {
    const shimIndex = positionOf(dir);
    if (shimIndex < 0) {
      findings.push(['warn', `shim ${file} is not on PATH; add: export PATH="${dir}:$PATH"`]);
      continue;
    }
    try {
      const real = findTarget(name, { pathEnv: rt.env.PATH ?? '', cwd: rt.cwd, selfIds });
      const realIndex = positionOf(path.dirname(real.path));
      if (realIndex >= 0 && realIndex < shimIndex)
        findings.push(['warn', `'${name}' resolves to ${real.path} before the shim in ${dir}: move ${dir} earlier in PATH`]);
      else findings.push(['ok', `shim '${name}' → ${real.path}`]);
    } catch (error) {
      // A program that is not installed (yet) is no fault of the shim: the checkout's launchers come
      // as a set, and `shim install terraform aws terragrunt tofu` is what the README suggests.
      const absent = isMfaExecError(error, 'target') && error.exitCode === ExitCode.notFound;
      if (launcher && absent) findings.push(['ok', `shim '${name}' in ${dir}: no real '${name}' after it on PATH (not installed?)`]);
      else if (absent)
        findings.push([
          'note',
          `shim '${name}' in ${dir}: no real '${name}' after it on PATH (not installed?); the shim runs nothing until it is`,
        ]);
      else findings.push(['fail', `shim '${name}' in ${dir}: ${(error as Error).message}`]);
    }
  }
  return findings;
}

function findShims(dirs: readonly string[], selfId: string): Shim[] {
  const shims: Shim[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    const key = realDir(dir);
    if (seen.has(key)) continue;
    seen.add(key);
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (OWN_NAMES.has(name)) continue;
      const file = path.join(dir, name);
      if (fileId(file) === selfId) shims.push({ dir, name, file, launcher: false });
      else if (isLauncher(file, selfId)) shims.push({ dir, name, file, launcher: true });
    }
  }
  return shims;
}

/** A small `#!/usr/bin/env node` file whose require('…') (or import('…'), as launchers did before) is our entry point. */
function isLauncher(file: string, selfId: string): boolean {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > 4096) return false;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  if (!text.startsWith('#!/usr/bin/env node')) return false;
  const target = /\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/.exec(text)?.[1];
  if (target === undefined) return false;
  return fileId(path.resolve(path.dirname(fs.realpathSync(file)), target)) === selfId;
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

function sameDir(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b) || realDir(a) === realDir(b);
}
