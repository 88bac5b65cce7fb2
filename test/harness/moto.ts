// Starts moto_server on a free loopback port in its own process group and stops it.
// moto only reloads with -r, so there is a single process; we still kill the whole group.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pythonTool } from './python-bin.ts';
import { killGroup, trackGroup, untrackGroup } from './reaper.ts';

export interface Moto {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

// moto_server's own main(), plus a leash: moto exits when its stdin (a pipe from this test
// process) reaches EOF, so it cannot outlive a test process that was killed outright.
const LEASHED_MOTO = `
import os, sys, threading
def leash():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=leash, daemon=True).start()
from moto.server import main
main(sys.argv[1:])
`;

/** The interpreter moto_server runs with (its #! line), which is the one that has moto. */
function motoPython(): string {
  const script = pythonTool('moto_server');
  const shebang = /^#!(\S+python[\d.]*)\s*$/m.exec(readFileSync(script, 'utf8').split('\n', 1)[0] ?? '');
  return shebang?.[1] ?? pythonTool('python3');
}

export async function startMoto(timeoutMs = 15_000): Promise<Moto> {
  const child = spawn(motoPython(), ['-c', LEASHED_MOTO, '-H', '127.0.0.1', '-p', '0'], {
    detached: true, // own process group: stop() and the exit reaper kill -pgid
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1' },
  });
  const pid = child.pid!;
  trackGroup(pid);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const stop = async (): Promise<void> => {
    untrackGroup(pid);
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(pid, 'SIGKILL'); // moto keeps nothing worth flushing; SIGTERM can take a second
    await exited;
  };

  let log = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`moto_server did not start in ${timeoutMs} ms:\n${log}`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        const m = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`moto_server exited (${code}) before listening:\n${log}`));
      });
    });
    // Keep draining moto's request log so its pipes never fill up and block it.
    child.stdout!.removeAllListeners('data').resume();
    child.stderr!.removeAllListeners('data').resume();
    return { endpoint: `http://127.0.0.1:${port}`, pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Switches moto to auth mode: from now on it verifies signatures, identity and trust policies. */
export async function enableMotoAuth(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: '0',
  });
  if (!res.ok) throw new Error(`moto reset-auth failed: ${res.status} ${await res.text()}`);
}
