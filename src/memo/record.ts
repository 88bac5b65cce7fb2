/**
 * Memos of warm runs: a warm command's decision (which program, which environment; or which
 * output) is a function of the files it looked at, the environment variables it read, the
 * arguments, and the clock. A run of the warm bundle records all four while it decides, and keeps
 * the decision with them in a private file (identity.ts's Memo); the next identical run replays it
 * from dist/cli.js (replay.ts) after a few stats, without loading the bundle. So a shim costs
 * little more than a bare Node start, and every change that could change the decision (an edited
 * config, a renewed or cleared cache entry, another AWS_PROFILE, a new program on PATH, a project
 * file) makes the next run decide again, because it changed something the decision looked at.
 *
 * What is recorded, while the run decides (until it starts the target, or until the command ends),
 * and while it decides again dry (below):
 * - files: every synchronous node:fs look (stat, lstat, exists, access, open, read, readdir,
 *   readlink, realpath) as a fingerprint taken after the call (identity.ts); the
 *   /proc/self/fd/N paths of an open directory as that directory's path. The functions of the
 *   node:fs module object are watched: in the bundle every use is a read of one (esbuild), but an
 *   ES module's named import (`import { statSync }`) is bound before and would go unseen;
 * - the environment: the names (all of them) and a hash of every value read; values copied whole
 *   into the child's environment ({...env}) are the child's, not read, except AWS_* and
 *   MFA_EXEC_* ones the child gets unchanged (set to the value they had, or copied: a replay
 *   could not tell);
 * - a shim's arguments: their number and each one, when read (`terraform plan` and
 *   `terraform apply` are one memo until a guardrail looks at the subcommand);
 * - the clock: the decision is made again, dry, as if later (10 min, 1 min, 10 s): the memo holds
 *   until the latest instant that decides the same (a cache entry near its renewal gets a short
 *   one). Dry runs write nothing and call nothing (a write fails, on-demand code is refused), and
 *   one that would warn, write or look at this process does not decide the same.
 *
 * No memo is kept of a run that wrote a file, wrote to stderr (a warning or a note is the user's to
 * see each time), loaded on-demand code (STS, a prompt, the view writer), read a secret of ours
 * (the key files' passphrase, an MFA code), looked at /proc, /dev, its parent process, a terminal
 * or `ps` (systemTools), read a file asynchronously, failed, or looked at a file changed in the
 * last RACY_MS (a change in the same clock tick as the look would go unseen: git's "racy" rule) or
 * changed since. A command line's first run is only noted (store.ts). A memo holds what the run
 * gave its target, credentials included, as the cache entries beside it do: private files, removed
 * by `clear`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { systemTools } from '../platform/tools.ts';
import type { RunOptions } from '../child/run.ts';
import type { Invocation } from '../commands/invocation.ts';
import { cacheDir } from '../dirs.ts';
import { createLogger } from '../log.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { SECRET_VARIABLES } from '../secret-variables.ts';
import { childEnv, envNames, fingerprint, fingerprintCtime, memoKey, valueHash, type Effect, type Look, type Memo } from './identity.ts';
import { keep, LONGEST_MS, seenBefore } from './store.ts';

/** How far ahead the decision is made again, longest first (the first is store.ts's LONGEST_MS). */
const WINDOWS_MS = [LONGEST_MS, 60_000, 10_000];
/** A file changed this recently may change again within one timestamp tick unseen. */
export const RACY_MS = 3000;

const LOOKS: Record<string, Look> = {
  statSync: 's',
  existsSync: 's',
  accessSync: 's',
  readdirSync: 's',
  opendirSync: 's',
  readFileSync: 's',
  lstatSync: 'l',
  readlinkSync: 'l',
  realpathSync: 'r',
};
const WRITES = [
  'writeFileSync',
  'appendFileSync',
  'renameSync',
  'unlinkSync',
  'rmSync',
  'rmdirSync',
  'mkdirSync',
  'mkdtempSync',
  'symlinkSync',
  'linkSync',
  'chmodSync',
  'fchmodSync',
  'lchmodSync',
  'chownSync',
  'fchownSync',
  'lchownSync',
  'utimesSync',
  'futimesSync',
  'lutimesSync',
  'truncateSync',
  'ftruncateSync',
  'copyFileSync',
  'cpSync',
];
/** Asynchronous looks are not seen: a run that uses one is not kept. */
const UNSEEN = ['stat', 'lstat', 'access', 'readFile', 'open', 'readdir', 'realpath', 'readlink', 'opendir', 'exists'];
const OPEN_WRITES = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND;
const DRY = Symbol('dry run');

export interface RecordSpec {
  cacheDir: string;
  /** memoKey of this run (identity.ts). */
  key: string;
  /** The environment as the process got it (a copy). */
  env: NodeJS.ProcessEnv;
  /** Our arguments (argv[2…]): the target's are the last of them, which the memo names by where they start. */
  argv: readonly string[];
  /** A shim: its arguments' reads are recorded (for exec and the commands, the arguments are in the key). */
  shim: boolean;
  now: number;
}

type Mode = 'record' | 'dry' | 'off';
type Go = (rt: Runtime) => Promise<number> | number;

/** The commands whose runs are kept (the warm ones a program or a prompt calls again and again); a shim's are exec's. */
const KEPT = new Set(['exec', 'credential-process', 'env', 'status']);

/**
 * A recording for this run, or undefined when it is not one to keep: another command, --debug or
 * MFA_EXEC_DEBUG=1 (which decide in full, and say so), MFA_EXEC_MEMO=0, --help / --version.
 * (cli.ts stops it for --server; the single executable and Windows' .cmd shims have no replay.)
 */
export function recordingFor(
  invocation: Invocation,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  homedir: string,
  bundle: string,
): Recording | undefined {
  if (env.MFA_EXEC_MEMO === '0' || env.MFA_EXEC_DEBUG === '1') return undefined;
  const shim = invocation.kind === 'shim';
  if (!shim && (!KEPT.has(invocation.command) || invocation.options.help || invocation.options.version)) return undefined;
  if (!shim && argv.length <= 2) return undefined;
  // --debug (ours, or anywhere: boot.ts, which never replays such a command line, cannot tell whose it is): none is kept.
  if (!shim && argv.includes('--debug')) return undefined;
  const cwd = process.cwd();
  const cache = cacheDir(env, homedir);
  const key = memoKey({ bundle, entry: argv[1] ?? '', args: shim ? null : argv.slice(2), cwd, homedir });
  const now = Date.now();
  if (!seenBefore(cache, key, now)) return undefined;
  return new Recording({ cacheDir: cache, key, env, argv: argv.slice(2), shim, now });
}

/** One run's recording: `env` and `args` are what the run must use; `run` drives it. */
export class Recording {
  readonly env: NodeJS.ProcessEnv;
  /** A shim's arguments, watched (undefined for the other runs). */
  readonly args: string[] | undefined;
  private mode: Mode = 'record';
  /** Why no memo is kept (the first reason seen). */
  impure: string | undefined;
  /** A dry run did what the run it stands for would show or keep (wrote, warned, looked at this process): it does not decide the same. */
  private dryDiffers = false;
  /** The command failed (after its target was started, maybe): no memo. */
  private failed = false;
  private readonly envReads = new Map<string, string | null>();
  private readonly argReads = new Map<number, string | null>();
  private argLength: number | undefined;
  private readonly looks = new Map<string, [Look, string, string]>();
  private readonly dirs = new Map<number, string>();
  private readonly restore: Array<() => void> = [];
  private looking = false;

  constructor(private readonly spec: RecordSpec) {
    this.env = this.watchEnv(spec.env);
    this.args = spec.shim ? this.watchArgs([...spec.argv]) : undefined;
    this.patch();
  }

  /**
   * Runs the command (`go`, given the runtime to use) with this recording, and keeps a memo of it
   * when it can: after the target started (while it runs), or after the command's output.
   */
  async run(go: Go, rt: Runtime): Promise<number> {
    let finishing: Promise<void> | undefined;
    const out: string[] = [];
    const recorded: Runtime = {
      ...rt,
      env: this.env,
      out: (text) => {
        out.push(text);
        rt.out(text);
      },
      onDemand: () => {
        this.taint('on-demand code was loaded');
        return rt.onDemand();
      },
      runTarget: (options) => {
        if (this.mode !== 'record') return rt.runTarget(options);
        const effect = this.effectOf(options);
        this.stop();
        const started = rt.runTarget(options);
        // Once the target has started (spawn is synchronous), not before: it must not wait for the dry runs.
        finishing = new Promise((next) => setImmediate(next)).then(() => this.finish(go, rt, effect));
        return started;
      },
    };
    try {
      const code = await go(recorded);
      if (this.mode === 'record') {
        this.stop();
        finishing = this.finish(go, rt, { out: out.join(''), code });
      }
      await finishing;
      return code;
    } catch (error) {
      this.failed = true;
      throw error;
    } finally {
      this.stop();
    }
  }

  /** Stops recording for good: node:fs and stderr as they were. */
  stop(): void {
    this.mode = 'off';
    for (const undo of this.restore.splice(0)) undo();
  }

  /** Something no memo may stand for: while recording, no memo; in a dry run, that run does not decide the same. */
  private taint(why: string): void {
    if (this.mode === 'record') this.impure ??= why;
    else if (this.mode === 'dry') this.dryDiffers = true;
  }

  private effectOf(options: RunOptions): Extract<Effect, { run: unknown }> {
    const parent = this.spec.env;
    const child = options.env;
    const remove = Object.keys(parent).filter((name) => child[name] === undefined);
    const set: Record<string, string> = {};
    const pidFirst: string[] = [];
    const ours = `${process.pid} `;
    for (const [name, value] of Object.entries(child)) {
      if (value === undefined || parent[name] === value) continue;
      // recursion.ts's marker names our process: the replaying one's goes there.
      if (value.startsWith(ours)) pidFirst.push(name);
      set[name] = value.startsWith(ours) ? value.slice(ours.length) : value;
    }
    // A variable of ours or AWS's passed on unchanged may have been set to the value it had (then a
    // replay must not pass on another value) or copied (then it must): its value is a dependency.
    if (this.mode === 'record') {
      for (const [name, value] of Object.entries(parent))
        if (/^(AWS_|MFA_EXEC_)/.test(name) && !this.envReads.has(name)) this.readVariable(name, value);
    }
    return { run: { file: options.file, argv0: options.argv0, args: this.argsFrom(options.args), remove, set, pidFirst } };
  }

  /** Where the target's arguments start in ours (a shim's: 0), so that the memo need not hold them. */
  private argsFrom(args: readonly string[]): number {
    if (this.args !== undefined && args === this.args) return 0;
    const ours = this.spec.argv;
    const from = ours.length - args.length;
    if (from >= 0 && args.every((arg, i) => arg === ours[from + i])) return from;
    this.taint("the target's arguments are not the last of ours");
    return -1;
  }

  /** The memo, when the run may have one and the decision holds a while. Never throws. */
  private async finish(go: Go, rt: Runtime, effect: Effect): Promise<void> {
    try {
      if (this.impure) return;
      const expected = normalized(effect, this.spec.env);
      let until: number | undefined;
      for (const ahead of WINDOWS_MS) {
        const later = await this.dryRun(go, rt, this.spec.now + ahead);
        if (later !== undefined && normalized(later, this.spec.env) === expected) {
          until = this.spec.now + ahead;
          break;
        }
      }
      // The dry runs' looks count too (a file only a later decision reads): checked for racy files with the rest.
      const files = [...this.looks.values()];
      const racy = files.some(([, , print]) => (fingerprintCtime(print) ?? -Infinity) > this.spec.now - RACY_MS);
      if (until === undefined || racy || this.failed || this.impure) return;
      // Still as they were: a cache entry removed since (`clear` while the target ran) leaves no memo behind.
      if (files.some(([look, file, print]) => fingerprint(look, file) !== print)) return;
      const memo: Memo = {
        from: this.spec.now,
        until,
        names: envNames(this.spec.env),
        env: [...this.envReads],
        ...(this.args ? { args: { ...(this.argLength === undefined ? {} : { length: this.argLength }), at: [...this.argReads] } } : {}),
        files,
        effect,
      };
      keep(this.spec.cacheDir, this.spec.key, memo);
    } catch {
      // no memo: the next run decides again
    }
  }

  /**
   * The effect the command would have at `at`, decided without writing or calling anything;
   * undefined if it cannot, or if it would write, warn, or look at this process (dryDiffers).
   * What it reads is recorded as the run's reads are.
   */
  private async dryRun(go: Go, rt: Runtime, at: number): Promise<Effect | undefined> {
    let effect: Effect | undefined;
    const out: string[] = [];
    const dry: Runtime = {
      ...rt,
      env: this.env,
      now: () => at,
      logger: createLogger(false, () => {
        this.dryDiffers = true;
      }),
      out: (text) => out.push(text),
      onDemand: () => Promise.reject(DRY),
      runTarget: (options) => {
        effect = this.effectOf(options);
        return Promise.resolve(0);
      },
    };
    this.mode = 'dry';
    this.dryDiffers = false;
    this.patch();
    try {
      const code = await go(dry);
      return this.dryDiffers ? undefined : (effect ?? { out: out.join(''), code });
    } catch {
      return undefined;
    } finally {
      this.stop();
    }
  }

  private watchEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    let copying: string | symbol | undefined;
    return new Proxy(env, {
      getOwnPropertyDescriptor: (target, name) => {
        copying = name;
        return Reflect.getOwnPropertyDescriptor(target, name);
      },
      get: (target, name) => {
        const copied = copying === name;
        copying = undefined;
        const value = Reflect.get(target, name);
        if (this.mode !== 'off' && typeof name === 'string' && !copied) this.readVariable(name, value);
        return value;
      },
      has: (target, name) => {
        if (this.mode !== 'off' && typeof name === 'string') this.readVariable(name, Reflect.get(target, name));
        return Reflect.has(target, name);
      },
      set: (target, name, value) => {
        this.taint('the environment was changed');
        return Reflect.set(target, name, value);
      },
      deleteProperty: (target, name) => {
        this.taint('the environment was changed');
        return Reflect.deleteProperty(target, name);
      },
    });
  }

  private readVariable(name: string, value: unknown): void {
    if ((SECRET_VARIABLES as readonly string[]).includes(name) && value !== undefined) this.taint(`${name} was read`);
    if (!this.envReads.has(name)) this.envReads.set(name, valueHash(typeof value === 'string' ? value : undefined));
  }

  private watchArgs(args: string[]): string[] {
    return new Proxy(args, {
      get: (target, name) => {
        if (this.mode !== 'off') {
          if (name === 'length') this.argLength = target.length;
          else if (typeof name === 'string' && /^\d+$/.test(name)) this.argReads.set(Number(name), valueHash(target[Number(name)]));
        }
        return Reflect.get(target, name);
      },
      has: (target, name) => {
        if (this.mode !== 'off') this.argLength = target.length;
        return Reflect.has(target, name);
      },
    });
  }

  /** node:fs and stderr, watched (record) or kept from writing (dry), until stop(). */
  private patch(): void {
    const module = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
    const replace = (name: string, make: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown) => {
      const original = module[name];
      if (typeof original !== 'function') return;
      const replacement = Object.assign(make(original), original);
      module[name] = replacement;
      this.restore.push(() => {
        module[name] = original;
      });
    };
    for (const [name, look] of Object.entries(LOOKS)) {
      const list = name === 'readdirSync' || name === 'opendirSync';
      replace(
        name,
        (original) =>
          (...args) =>
            this.look(look, args[0], () => original.apply(fs, args), list),
      );
    }
    replace('openSync', (original) => (...args) => {
      const flags = args[1];
      const writes = typeof flags === 'number' ? (flags & OPEN_WRITES) !== 0 : flags !== undefined && flags !== 'r' && flags !== 'rs';
      if (writes) return this.write(() => original.apply(fs, args));
      const look: Look = typeof flags === 'number' && (flags & fs.constants.O_NOFOLLOW) !== 0 ? 'L' : 'S';
      const fd = this.look(look, args[0], () => original.apply(fs, args));
      if (typeof fd === 'number' && typeof args[0] === 'string') this.dirs.set(fd, args[0]);
      return fd;
    });
    // fd 1: a command's output, which the recording has from rt.out.
    replace(
      'writeSync',
      (original) =>
        (...args) =>
          args[0] === 1 ? original.apply(fs, args) : this.write(() => original.apply(fs, args)),
    );
    for (const name of WRITES)
      replace(
        name,
        (original) =>
          (...args) =>
            this.write(() => original.apply(fs, args)),
      );
    for (const name of UNSEEN) {
      replace(name, (original) => (...args) => {
        this.taint(`fs.${name} (asynchronous) was used`);
        return original.apply(fs, args);
      });
    }
    const stderr = process.stderr;
    const write = stderr.write;
    stderr.write = ((...args: Parameters<typeof write>) => {
      this.taint('something was written to stderr');
      return this.mode === 'dry' ? true : write.apply(stderr, args);
    }) as typeof write;
    this.restore.push(() => {
      stderr.write = write;
    });
    // Which process started us, and whether a descriptor is a terminal: this process's, not the files'.
    const ppid = Object.getOwnPropertyDescriptor(process, 'ppid');
    if (ppid?.configurable) {
      Object.defineProperty(process, 'ppid', {
        configurable: true,
        enumerable: true,
        get: () => {
          this.taint('the parent process was looked at');
          return ppid.value ?? ppid.get?.call(process);
        },
      });
      this.restore.push(() => Object.defineProperty(process, 'ppid', ppid));
    }
    // The platform's process answers go through systemTools (platform/tools.ts): a terminal, `ps`.
    const { isatty, output } = systemTools;
    systemTools.isatty = (fd) => {
      this.taint('a terminal was looked for');
      return isatty(fd);
    };
    systemTools.output = (file, args) => {
      this.taint(`${file} was run`);
      return output(file, args);
    };
    this.restore.push(() => Object.assign(systemTools, { isatty, output }));
    const native = fs.realpathSync.native;
    fs.realpathSync.native = ((file: string, options?: unknown) =>
      this.look('R', file, () => native(file, options as BufferEncoding))) as typeof native;
    this.restore.push(() => {
      fs.realpathSync.native = native;
    });
  }

  private write<T>(call: () => T): T {
    this.taint('a file was written');
    if (this.mode === 'dry') throw Object.assign(new Error('a dry run writes nothing'), { code: 'EROFS' });
    return call();
  }

  /** `call`, a look at `given` (a list of a directory: `list`), recorded while recording or in a dry run. */
  private look<T>(look: Look, given: unknown, call: () => T, list = false): T {
    if (this.mode === 'off' || this.looking) return call();
    if (typeof given !== 'string') {
      if (typeof given !== 'number') this.taint('a file was named other than by a string');
      return call(); // a file descriptor: what it is was recorded when it was opened
    }
    const resolved = this.resolveOpened(given);
    if (resolved === undefined) return call();
    const [file, opened] = resolved;
    // A stat of /proc/self/fd/N is one of the directory opened: what the open saw (a list of it is not).
    if (opened && look === 's' && !list) look = 'S';
    const print = () => {
      this.looking = true; // fingerprint's own stats are not looks of the run
      try {
        return fingerprint(look, file);
      } finally {
        this.looking = false;
      }
    };
    try {
      return call();
    } finally {
      // After the call: a file changed just before it is racy (finish refuses it); one removed just
      // after it is missing here, and the dry runs, which look again, then do not decide the same.
      const after = print();
      const seen = this.looks.get(`${look}${file}`);
      // In a dry run too: a file the run looked at that is not as it was then makes the memo wrong from the start.
      if (seen && seen[2] !== after) this.impure ??= `${file} changed while it was read`;
      else this.looks.set(`${look}${file}`, [look, file, after]);
    }
  }

  /** The path a look names (and whether it is a directory opened here, named /proc/self/fd/N); undefined (and tainted) for /proc and /dev otherwise. */
  private resolveOpened(file: string): [string, boolean] | undefined {
    const opened = /^\/proc\/self\/fd\/(\d+)(\/.*)?$/.exec(file);
    const dir = opened ? this.dirs.get(Number(opened[1])) : undefined;
    if (opened && dir !== undefined) return opened[2] ? [path.join(dir, opened[2]), false] : [dir, true];
    if (file.startsWith('/proc/') || file.startsWith('/dev/')) {
      this.taint(`${file} was read`);
      return undefined;
    }
    return [file, false];
  }
}

/** Two effects compared: the child's whole environment (ours with the changes), not how the change was written. */
function normalized(effect: Effect, env: NodeJS.ProcessEnv): string {
  if ('out' in effect) return JSON.stringify(effect);
  const { file, argv0, args } = effect.run;
  const child = childEnv(effect.run, env, 0);
  return JSON.stringify([file, argv0, args, Object.entries(child).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}
