/** doctor: which PATH directories hold shims, and does each find a real program after them? */
import fs from 'node:fs';
import path from 'node:path';
import { fileId, findTarget } from '../../child/find-target.ts';
import { OWN_NAMES } from '../../invocation.ts';
import type { Runtime } from '../../runtime.ts';
import { defaultShimDir } from '../shim.ts';
import type { Finding } from './finding.ts';

export function checkShims(rt: Runtime): Finding[] {
  const findings: Finding[] = [];
  const selfId = fileId(fs.realpathSync(rt.self.path));
  const pathDirs = (rt.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const shimDirs = new Set<string>();
  for (const dir of [...pathDirs, defaultShimDir(rt.env, rt.homedir)]) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      if (fileId(file) !== selfId || OWN_NAMES.has(name)) continue;
      shimDirs.add(dir);
      const shimIndex = pathDirs.findIndex((p) => path.resolve(p) === path.resolve(dir));
      if (shimIndex < 0) {
        findings.push(['warn', `shim ${file} is not on PATH; add: export PATH="${dir}:$PATH"`]);
        continue;
      }
      try {
        const real = findTarget(name, { pathEnv: rt.env.PATH ?? '', cwd: rt.cwd, selfIds: new Set(selfId ? [selfId] : []) });
        const realIndex = pathDirs.findIndex((p) => path.resolve(p) === path.dirname(real.path));
        if (realIndex >= 0 && realIndex < shimIndex)
          findings.push(['warn', `'${name}' resolves to ${real.path} before the shim in ${dir}: move ${dir} earlier in PATH`]);
        else findings.push(['ok', `shim '${name}' → ${real.path}`]);
      } catch (error) {
        findings.push(['fail', `shim '${name}' in ${dir}: ${(error as Error).message}`]);
      }
    }
  }
  if (shimDirs.size === 0) findings.push(['ok', `no shims installed (mfa-exec shim install terraform aws …)`]);
  return findings;
}
