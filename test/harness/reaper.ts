// Process groups the harness started (moto, CLI runs, pty drivers). If the test process exits
// without cleaning up (a crash, a failed assertion before `after`), they are killed on 'exit'.
const groups = new Set<number>();
let installed = false;

export function trackGroup(pgid: number): void {
  groups.add(pgid);
  if (!installed) {
    installed = true;
    process.once('exit', () => {
      for (const g of groups) killGroup(g, 'SIGKILL');
    });
  }
}

export function untrackGroup(pgid: number): void {
  groups.delete(pgid);
}

/** Signal a whole process group; false if it no longer exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals = 'SIGTERM'): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
