/**
 * dist/cli.js, the entry point. First the memo of this run, if one holds (src/memo/replay.ts: an
 * identical earlier run's decision, replayed without the bundle); --debug and MFA_EXEC_MEMO=0 skip
 * it, and so does Windows (its .cmd shims name themselves in a variable the key does not hold).
 * Otherwise it loads the warm bundle (dist/warm.js, from src/cli.ts) with V8's
 * code cache for it. V8 compiles each function the first time it is called; a warm run calls a
 * few hundred, and compiling them is about a tenth of the run. After a run of a warm command that
 * found no usable cache, the code V8 compiled (vm.Script#createCachedData, made at exit so that
 * it holds every function the run used) is kept in the cache directory, private like the
 * credentials there; later runs start from it. The file's first byte says which warm commands
 * the cache has seen: the first run of another one makes it again, holding the code of both (what
 * came from the cache and what the run compiled).
 *
 * The cache file is named after the bundle's hash (put here by the build: V8 itself checks only
 * the source's length), the Node version and the platform. V8 refuses a cache made by another V8
 * or under other V8 flags: the bundle is then compiled as usual and the cache made again. A cache
 * directory or file that is not private and ours is not used, nor written to.
 *
 * This file is compiled without a code cache on every run, so it is kept small: the bare private
 * read and atomic write of private-io.ts, not private-file.ts; node:vm, node:url and node:os load
 * only when the bundle does (scripts/build.mjs), which a replay never needs. The bundle is compiled here, not by
 * Node's module loader, so its import() of the on-demand bundle goes through `__mfaBoot.import`
 * (the build rewrites those calls).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { cacheDir } from './dirs.ts';
import { isPrivateDir, readPrivate, writeAtomic } from './private-io.ts';
import { forDisplay } from './printable.ts';
import { memoFile, memoKey } from './memo/identity.ts';
import { replayEffect, usableMemo } from './memo/replay.ts';
import { isShimName } from './own-names.ts';
import { platform } from './platform/index.ts';

declare const __MFA_WARM_HASH__: string;

/** What the bundle gets from us (src/cli.ts names it). */
export interface Boot {
  /** import() of a file of the on-demand bundle, relative to dist/. */
  import(specifier: string): Promise<unknown>;
  /**
   * The run is of a warm command (shims: exec), the `bit`-th of src/commands/table.ts's warm
   * commands (0 to 7): its compiled code is worth keeping.
   */
  warm(bit: number): void;
  /** The bundle's hash (the build's), which a memo's key holds (src/memo/identity.ts). */
  readonly bundle: string;
}

/** Code caches of any bundle and Node. */
const CODE_CACHE = /^code-[0-9a-f]+-v[\d.]+-[\w-]+\.v8$/;
/**
 * Those of other bundles or Nodes not written for this long are removed when one is kept (two
 * installations, or two Node versions, used in turn each keep theirs).
 */
const UNUSED_MS = 14 * 24 * 3600 * 1000;

function boot(): void {
  // A shim's arguments are its program's (`terraform plan --debug`): only MFA_EXEC_DEBUG is ours there.
  const debug = process.env.MFA_EXEC_DEBUG === '1' || (!isShim() && process.argv.includes('--debug'));
  let dir: string | undefined;
  try {
    dir = cacheDir(process.env, homedir());
  } catch {
    // no home directory: no code cache, no memo
  }
  // A memo of this run's decision (src/memo/): do what it did; the bundle is not even read. --debug always decides.
  const replayed = dir && !debug && process.env.MFA_EXEC_MEMO !== '0' && platform.shim.kind !== 'cmd' ? replay(dir) : undefined;
  if (replayed)
    replayed.then(
      (code) => (code === undefined ? load(dir, debug) : process.exit(code)),
      () => process.exit(70), // replayEffect reports what it can; nothing else may end in a stack trace
    );
  else load(dir, debug);
}

/** Started under another name than ours: a shim (the parser's rule, src/own-names.ts). */
function isShim(): boolean {
  return isShimName(process.argv[1] ?? '');
}

/** os.homedir(), which on a Unix is $HOME when set (even empty), without loading node:os for it. */
function homedir(): string {
  const home = process.env.HOME;
  return home !== undefined && platform.name !== 'win32' ? home : os.homedir();
}

/** The memo's effect, started; undefined when there is no memo for this run or it does not hold (a working directory gone, too). */
function replay(dir: string): Promise<number | undefined> | undefined {
  try {
    const entry = process.argv[1] ?? '';
    const args = process.argv.slice(2);
    const shim = isShim();
    const key = memoKey({ bundle: __MFA_WARM_HASH__, entry, args: shim ? null : args, cwd: process.cwd(), homedir: homedir() });
    const memo = usableMemo({ file: memoFile(dir, key), key, env: process.env, args, now: Date.now() });
    return memo && replayEffect(memo, process.env, args);
  } catch {
    return undefined;
  }
}

function load(dir: string | undefined, debug: boolean): void {
  const bundle = path.join(__dirname, 'warm.js');
  // Node's module wrapper and __mfaBoot around the bundle, ASCII: scripts/build.mjs.
  const source = fs.readFileSync(bundle, 'latin1');
  const say = (message: string) => debug && process.stderr.write(`mfa-exec: ${forDisplay(message)}\n`);
  const file = dir && path.join(dir, `code-${__MFA_WARM_HASH__}-${process.version}-${process.platform}-${process.arch}.v8`);
  const cached = file && readCodeCache(file);
  const script = new vm.Script(source, { filename: bundle, ...(cached ? { cachedData: cached.subarray(1) } : {}) });
  const usable = cached && !script.cachedDataRejected;
  if (cached) say(usable ? `code cache: compiled code from ${file}` : `code cache: V8 refused ${file} (another V8, or other flags)`);
  const seen = usable ? cached[0]! : 0;
  let ran = 0;
  if (file) {
    process.once('exit', () => {
      if (ran & ~seen) say(keepCodeCache(file, seen | ran, script));
    });
  }
  const api: Boot = {
    import: (specifier) => import(pathToFileURL(path.join(__dirname, specifier)).href),
    warm: (bit) => {
      ran |= 1 << bit;
    },
    bundle: __MFA_WARM_HASH__,
  };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} };
  // __filename: this file, the entry point (what shims link to, what identifies us).
  run.call(module.exports, module.exports, require, module, __filename, __dirname, api);
}

/** The file: a byte of warm-command bits (Boot.warm), then V8's data; read only from a private file in a private directory. */
function readCodeCache(file: string): Buffer | undefined {
  const read = readPrivate(file);
  if (!read.ok || read.data.length <= 1 || !isPrivateDir(path.dirname(file))) return undefined;
  return read.data;
}

/**
 * Writes the code cache for the warm commands `seen` (private-io.ts's atomic write: its temporary
 * name is one `clear` knows) if the directory exists and is private, and removes the caches of
 * other bundles or Nodes not written for UNUSED_MS. Says what it did.
 */
function keepCodeCache(file: string, seen: number, script: vm.Script): string {
  const dir = path.dirname(file);
  try {
    if (!isPrivateDir(dir)) return `code cache: ${dir} is not a private directory of yours; not kept`;
    writeAtomic(file, Buffer.concat([Buffer.of(seen), script.createCachedData()]));
    for (const other of fs.readdirSync(dir)) {
      if (!CODE_CACHE.test(other) || other === path.basename(file)) continue;
      const stat = fs.lstatSync(path.join(dir, other), { throwIfNoEntry: false });
      if (stat?.isFile() && Date.now() - stat.mtimeMs > UNUSED_MS) fs.unlinkSync(path.join(dir, other));
    }
    return `code cache: kept the compiled code in ${file}`;
  } catch (error) {
    return `code cache: not kept (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

boot();
