/**
 * What a memo (src/memo/) is keyed by and checked against, the same in the run that records it
 * (record.ts, in the warm bundle) and in the one that replays it (replay.ts, in dist/cli.js). A
 * leaf: node:fs and node:path only, no node:crypto (whose load alone costs more than a replay).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The memo format; a memo of another is never read. */
export const MEMO_VERSION = 1;

/** The memos' directory in the cache directory (private, as the credential entries beside it). */
export const MEMO_DIR = 'memo';

/** A memo's file name: its key, and nothing else (what `clear` and the pruning remove); `.seen`: a command line noted once (record.ts). */
export const MEMO_NAME = /^[0-9a-f]{28}\.(json|seen)$/;

/**
 * How a file was looked at, and so how it is looked at again: `s` stat (links followed), `l` lstat
 * (the path itself, as an O_NOFOLLOW open sees it), `r` / `R` realpath (JavaScript's / the
 * system's); `S` / `L` as `s` / `l` for an open, which of a directory depends on what it is (owner,
 * mode, identity) and not on what is in it (each entry read is a look of its own): a directory
 * opened that gains a file is the same, one listed or stat'ed is not.
 */
export type Look = 's' | 'l' | 'r' | 'R' | 'S' | 'L';

/**
 * A string for what a look at `file` finds: for a file (or directory), its identity and every
 * field that changes with its content, links or permissions (mode, owner, device, inode, size,
 * mtime, ctime: ctime changes with each of them and cannot be set back); `-` for nothing there; the
 * error code for a look that fails; a realpath's answer.
 */
export function fingerprint(look: Look, file: string): string {
  try {
    if (look === 'r' || look === 'R') return look === 'r' ? fs.realpathSync(file) : fs.realpathSync.native(file);
    const follow = look === 's' || look === 'S';
    const stat = follow ? fs.statSync(file, { throwIfNoEntry: false }) : fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stat) return '-';
    const what = `${stat.mode}:${stat.uid}:${stat.dev}:${stat.ino}`;
    return (look === 'S' || look === 'L') && stat.isDirectory() ? what : `${what}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  } catch (error) {
    return `!${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

/** The ctime (ms) a fingerprint records, for the racy-file rule of record.ts; undefined for none. */
export function fingerprintCtime(print: string): number | undefined {
  const fields = print.split(':');
  return fields.length === 7 ? Number(fields[6]) : undefined;
}

/**
 * A 112-bit hash of a string, as 28 hex digits: two 56-bit lanes of a multiply–xorshift hash
 * (cyrb53's mixing), seeded apart. Not cryptographic: it names memo files and stands for the
 * values of environment variables in them (which the memo's private file holds no less safely
 * than the credentials beside it); an accidental match of two differing strings is ~2⁻¹¹².
 */
export function hash(text: string): string {
  return lane(text, 0x9e3779b9) + lane(text, 0x85ebca6b);
}

function lane(text: string, seed: number): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // 24 bits of h2 and 32 of h1: 56 bits, 14 hex digits.
  return ((h2 >>> 0) & 0xffffff).toString(16).padStart(6, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** What makes two runs the same run before anything is read: where, as whom, with what, of which build. */
export interface KeyParts {
  /** The warm bundle's hash (boot.ts): another build never replays this one's memos. */
  bundle: string;
  /** dist/cli.js as started (argv[1]): a shim's name and path, or the entry itself. */
  entry: string;
  /** The arguments, or null for a shim: the arguments a shim's decision read are in the memo (record.ts). */
  args: readonly string[] | null;
  cwd: string;
  homedir: string;
}

export function memoKey(parts: KeyParts): string {
  const { bundle, entry, args, cwd, homedir } = parts;
  // The user and groups too: which PATH entry is executable for us depends on them (newgrp, a new group).
  const groups = process.getgroups?.().sort((a, b) => a - b) ?? [];
  const who = [
    process.execPath,
    process.version,
    process.platform,
    process.arch,
    process.getuid?.() ?? -1,
    process.getgid?.() ?? -1,
    groups,
  ];
  return hash(JSON.stringify([MEMO_VERSION, bundle, who, entry, args, cwd, homedir]));
}

export function memoFile(cacheDir: string, key: string): string {
  return path.join(cacheDir, MEMO_DIR, `${key}.json`);
}

/** The names in the environment, in order (names, not values: no secret): a variable added or removed is another run. */
export function envNames(env: NodeJS.ProcessEnv): string {
  return Object.keys(env).sort().join('\0');
}

/** A variable's value as the memo keeps it; null for unset. */
export function valueHash(value: string | undefined): string | null {
  return value === undefined ? null : hash(value);
}

/** What a replay does: start the target (exec, shims), or print and exit (credential-process, env, status). */
export type Effect =
  | {
      run: {
        file: string;
        argv0: string;
        /** The target's arguments: ours (argv[2…]) from this index on (a shim's: 0, all of them). */
        args: number;
        /** The child's environment: ours without these, with these set. */
        remove: string[];
        set: Record<string, string>;
        /** Of `set`, those that begin with the process id of the mfa-exec that starts the target (recursion.ts's marker), which is left out. */
        pidFirst: string[];
      };
    }
  | { out: string; code: number };

/** The child's environment of a `run` effect, for the process `pid` that starts it. */
export function childEnv(run: Extract<Effect, { run: unknown }>['run'], env: NodeJS.ProcessEnv, pid: number): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...env };
  for (const name of run.remove) delete child[name];
  Object.assign(child, run.set);
  for (const name of run.pidFirst) child[name] = `${pid} ${run.set[name]}`;
  return child;
}

/** A memo file: the memos of one key, newest first (one per situation: another set of variables, say, in another terminal). */
export interface MemoFile {
  version: number;
  key: string;
  memos: Memo[];
}

/** At most this many memos in a file: a command line run in turn from a few terminals keeps one for each. */
export const MAX_SITUATIONS = 4;

/** One memo (record.ts makes it, replay.ts checks it). */
export interface Memo {
  /** Recorded at, and valid before (ms since the epoch; record.ts says how `until` is found). */
  from: number;
  until: number;
  /** envNames of the environment. */
  names: string;
  /** The variables the decision read, with valueHash of each. */
  env: Array<[string, string | null]>;
  /** A shim's arguments the decision read: their number (when read) and those at each index read. */
  args?: { length?: number; at: Array<[number, string | null]> };
  /** Every look at a file the decision took, with what it found. */
  files: Array<[Look, string, string]>;
  effect: Effect;
}
