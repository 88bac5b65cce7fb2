// Real paths of the Python tools (aws, moto_server, python3). On this machine they are pyenv
// shims, which re-run `pyenv exec` on every call (slow) and need PYENV_* state; resolving to
// the real interpreter's bin dir keeps a controlled PATH small and fast.
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';

const cache = new Map<string, string>();

function run(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function pythonTool(name: string): string {
  const hit = cache.get(name);
  if (hit) return hit;
  const found = run('which', [name]);
  if (!found) throw new Error(`harness: '${name}' is not on PATH (needed for e2e tests)`);
  const real = found.includes('/.pyenv/shims/') ? (run('pyenv', ['which', name]) ?? found) : realpathSync(found);
  cache.set(name, real);
  return real;
}
