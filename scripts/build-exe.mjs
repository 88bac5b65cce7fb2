// The single executable of mfa-exec: one file per platform, no Node needed to run it, built on
// this Linux machine with Bun (`bun build --compile`) for every target:
//   node scripts/build-exe.mjs [TARGET…|all] [--out DIR]     (default: this machine's target, into dist-exe/)
// TARGET: linux-x64, linux-arm64, darwin-x64, darwin-arm64, windows-x64. Each becomes
// DIR/mfa-exec-<target> (windows: .exe), checked for its format; a darwin file whose code
// signature does not cover it is signed again, ad hoc (macho-sign.mjs).
//
// Bun, not Node's single executable applications: a SEA starts as slowly as Node (0.99–1.08× a
// plain `node` script), while the Bun executable runs the warm `-p role -- true` in 0.45× the
// time of a CommonJS Node script that only spawns `true` (the figures are in the commit that
// added this file and in docs/performance.md).
//
// Nothing is installed by hand: Bun's runtime for each target is the registry's
// @oven/bun-<platform> package and the keyring addon the locked @napi-rs/keyring-<platform>
// package, fetched with `npm pack` into .tmp/exe/ and checked against the integrity pinned here
// (Bun) or in package-lock.json (the addons) before use.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkMachOSignature, signMachOAdHoc } from './macho-sign.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = path.join(ROOT, '.tmp', 'exe');

export const BUN_VERSION = '1.4.5';

/**
 * Each target: Bun's --target, its runtime package (with the integrity of its registry tarball
 * at BUN_VERSION), the keyring addon package, the file name and the format the file must have.
 */
export const TARGETS = {
  'linux-x64': {
    bun: ['@oven/bun-linux-x64', 'sha512-IWX9BELoGHAUtMonkeSaNaZwXzRk+oDw6Mk+HBFXd3KHYIBNBsIGRupMZPcgNoDbJpLu6gAJjIoIVPZtt1aJ1g=='],
    keyring: '@napi-rs/keyring-linux-x64-gnu',
    format: { kind: 'elf', machine: 'x86-64' },
  },
  'linux-arm64': {
    bun: ['@oven/bun-linux-aarch64', 'sha512-4BXmsSKnjOrlGWqZV4x/oWa7AVoR+B6lCXddMzOAXBIm3t50eslg9wb66gmtW1AamEQ1l1CDvmmruysEhqOWMg=='],
    keyring: '@napi-rs/keyring-linux-arm64-gnu',
    format: { kind: 'elf', machine: 'aarch64' },
  },
  'darwin-x64': {
    bun: ['@oven/bun-darwin-x64', 'sha512-qkLPMGHZM9NI6CeHTWwVezzmlo6cC4Ta7yUAjYIWXS366qQcOlcp75t2uZyiuVRBMPS0h9qE0tCcvCHGaFqjJg=='],
    keyring: '@napi-rs/keyring-darwin-x64',
    format: { kind: 'mach-o', machine: 'x86-64' },
  },
  'darwin-arm64': {
    bun: ['@oven/bun-darwin-aarch64', 'sha512-4MIFXHmctH2EhAxLXm2/qxNtv17dFtLJylvaOCsrgq6KSqHTs6eW5YSrJjRbJxYUJaR901fsN8JfZOa+CsWpWQ=='],
    keyring: '@napi-rs/keyring-darwin-arm64',
    format: { kind: 'mach-o', machine: 'arm64' },
  },
  'windows-x64': {
    bun: ['@oven/bun-windows-x64', 'sha512-FNvply651vcE/GHgNWz6mZvhmkwBuu8Hw54oNzA+CQog+HW+542rXQmZqNHRkFxazD9L3xi+iTtvO3engAgJfw=='],
    keyring: '@napi-rs/keyring-win32-x64-msvc',
    format: { kind: 'pe', machine: 'x86-64' },
  },
};

export const fileName = (target) => `mfa-exec-${target}${target.startsWith('windows-') ? '.exe' : ''}`;

/** The target of the machine this runs on: its Bun runs the build. */
export function hostTarget() {
  const target = `${process.platform}-${process.arch}`;
  if (!TARGETS[target]) throw new Error(`no Bun build for ${target}: build on linux-x64 or linux-arm64`);
  return target;
}

function run(file, args, options = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${r.status ?? r.signal}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/**
 * A registry package's contents (`package/`), unpacked under .tmp/exe/: fetched with `npm pack`,
 * its tarball checked against `integrity` first. Kept for the next build (the tarball is not).
 */
function unpacked(name, version, integrity) {
  const dir = path.join(CACHE, `${name.replace('/', '+')}@${version}`);
  const stamp = path.join(dir, '.integrity');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === integrity) return path.join(dir, 'package');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const packed = JSON.parse(run('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', dir]))[0];
  const tarball = path.join(dir, packed.filename);
  const [algorithm, expected] = integrity.split(/-(.*)/s);
  const actual = createHash(algorithm).update(readFileSync(tarball)).digest('base64');
  if (actual !== expected) throw new Error(`${name}@${version}: the tarball's ${algorithm} is ${actual}, not the pinned ${expected}`);
  run('tar', ['-xzf', tarball, '-C', dir]);
  rmSync(tarball);
  writeFileSync(stamp, integrity);
  return path.join(dir, 'package');
}

/** An optional dependency of @napi-rs/keyring as package-lock.json has it: version and integrity. */
function locked(name) {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new Error(`package-lock.json has no ${name} with an integrity`);
  return [entry.version, entry.integrity];
}

/** The Bun runtime of `target` (its executable file). */
function bunOf(target) {
  const [name, integrity] = TARGETS[target].bun;
  return path.join(unpacked(name, BUN_VERSION, integrity), 'bin', target.startsWith('windows-') ? 'bun.exe' : 'bun');
}

/**
 * What the file's header says it is: 'elf' | 'mach-o' | 'pe', with its machine, from the bytes
 * the loaders read (ELF e_machine, Mach-O cputype, PE's COFF Machine).
 */
export function formatOf(file) {
  const head = readFileSync(file).subarray(0, 4096);
  const machines = { 0x3e: 'x86-64', 0xb7: 'aarch64', 0x01000007: 'x86-64', 0x0100000c: 'arm64', 0x8664: 'x86-64', 0xaa64: 'arm64' };
  if (head.readUInt32BE(0) === 0x7f454c46 && head[4] === 2 && head[5] === 1 && head.readUInt16LE(16) === 2)
    return { kind: 'elf', machine: machines[head.readUInt16LE(18)] ?? `e_machine ${head.readUInt16LE(18)}` };
  if (head.readUInt32LE(0) === 0xfeedfacf && head.readUInt32LE(12) === 2)
    return { kind: 'mach-o', machine: machines[head.readUInt32LE(4)] ?? `cputype ${head.readUInt32LE(4)}` };
  if (head.toString('latin1', 0, 2) === 'MZ') {
    const pe = head.readUInt32LE(0x3c);
    if (head.toString('latin1', pe, pe + 4) === 'PE\0\0' && head.readUInt16LE(pe + 24) === 0x20b)
      return { kind: 'pe', machine: machines[head.readUInt16LE(pe + 4)] ?? `machine ${head.readUInt16LE(pe + 4)}` };
  }
  return { kind: 'unknown', machine: 'unknown' };
}

/**
 * Builds the executable of each target into `outDir`; returns what was built. A darwin file is
 * signed again, ad hoc, when its signature does not hash to the file (Bun 1.4.5's darwin-x64).
 */
export function buildExecutables(targets, outDir = path.join(ROOT, 'dist-exe')) {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const bun = bunOf(hostTarget());
  mkdirSync(outDir, { recursive: true });
  const built = [];
  for (const target of targets) {
    const spec = TARGETS[target];
    if (!spec) throw new Error(`unknown target ${target}: one of ${Object.keys(TARGETS).join(', ')}`);
    const keyring = unpacked(spec.keyring, ...locked(spec.keyring));
    const outfile = path.join(outDir, fileName(target));
    // Written in a directory beside and renamed into place: a half-written executable never has
    // the file's name (which Bun also gives the program's main module).
    const partialDir = path.join(outDir, `.partial-${target}`);
    rmSync(partialDir, { recursive: true, force: true });
    mkdirSync(partialDir);
    const partial = path.join(partialDir, fileName(target));
    const started = Date.now();
    const options = {
      target: `bun-${target}`,
      outfile: partial,
      executablePath: bunOf(target),
      version,
      keyring: { name: spec.keyring, dir: keyring },
    };
    run(bun, [path.join(ROOT, 'scripts', 'build-exe-bun.mjs'), JSON.stringify(options)], {
      cwd: ROOT,
      // The build's own Bun reads neither .env nor bunfig.toml of the checkout, nor telemetry settings.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TMPDIR: process.env.TMPDIR ?? '/tmp',
        BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0',
        DO_NOT_TRACK: '1',
      },
    });
    const format = formatOf(partial);
    if (format.kind !== spec.format.kind || format.machine !== spec.format.machine)
      throw new Error(`${target}: built a ${format.kind} ${format.machine} file, not ${spec.format.kind} ${spec.format.machine}`);
    let signature;
    if (format.kind === 'mach-o') {
      signature = checkMachOSignature(partial);
      if (!signature.valid) {
        const before = signature;
        signMachOAdHoc(partial, 'mfa-exec');
        signature = { ...checkMachOSignature(partial), resigned: before };
        if (!signature.valid)
          throw new Error(`${target}: the code signature does not hash to the file after signing again (${signature.problem})`);
      }
    }
    renameSync(partial, outfile);
    rmSync(partialDir, { recursive: true });
    built.push({ target, file: outfile, size: statSync(outfile).size, format, signature, ms: Date.now() - started });
  }
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : undefined;
  const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--out');
  const targets = named.includes('all') ? Object.keys(TARGETS) : named.length ? named : [hostTarget()];
  for (const b of buildExecutables(targets, out)) {
    const signed = b.signature
      ? `; ${b.signature.resigned ? `signed again ad hoc (${b.signature.resigned.problem})` : 'signature checked'}`
      : '';
    console.log(
      `${path.relative(process.cwd(), b.file)}: ${b.format.kind} ${b.format.machine}, ${(b.size / 1e6).toFixed(1)} MB, ${(b.ms / 1000).toFixed(1)} s${signed}`,
    );
  }
}
