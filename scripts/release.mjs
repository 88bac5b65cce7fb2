// The release files: the single executable for each of the five platforms and their SHA-256
// sums, built on this Linux machine (scripts/build-exe.mjs):
//   node scripts/release.mjs [--out DIR]       (default: dist-exe/)
// writes DIR/mfa-exec-linux-x64, -linux-arm64, -darwin-x64, -darwin-arm64, -windows-x64.exe and
// DIR/SHA256SUMS (`sha256sum -c SHA256SUMS` checks a download). Each file's format is checked
// twice: by its header (build-exe.mjs) and by `file`, which must name the same format and
// machine. The darwin files' code signatures are checked page by page, and signed again ad hoc
// where they do not cover the file. Builds are not byte for byte reproducible (Bun embeds
// varying bytes), so the sums attest the files published, not a rebuild.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS, buildExecutables } from './build-exe.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What `file` must say of each target's executable. */
const FILE_SAYS = {
  'linux-x64': /^ELF 64-bit LSB (pie )?executable, x86-64\b/,
  'linux-arm64': /^ELF 64-bit LSB (pie )?executable, ARM aarch64\b/,
  'darwin-x64': /^Mach-O 64-bit x86_64 executable\b/,
  'darwin-arm64': /^Mach-O 64-bit arm64 executable\b/,
  'windows-x64': /^PE32\+ executable \(console\) x86-64\b/,
};

function fileSays(file) {
  const r = spawnSync('file', ['-b', file], { encoding: 'utf8' });
  if (r.error) {
    // Debian's `file`; CI has it, and under CI=true its absence fails the release.
    if (process.env.CI === 'true') throw new Error(`release: cannot run \`file\` (${r.error.message}): apt-get install file`);
    console.error(`release: no \`file\` on this machine (${r.error.message}); the formats were checked by their headers only`);
    return undefined;
  }
  return r.stdout.trim();
}

const args = process.argv.slice(2);
const outDir = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : path.join(ROOT, 'dist-exe');
const built = buildExecutables(Object.keys(TARGETS), outDir);
const sums = [];
for (const b of built) {
  const says = fileSays(b.file);
  if (says !== undefined && !FILE_SAYS[b.target].test(says))
    throw new Error(`release: \`file\` says ${path.basename(b.file)} is "${says}"`);
  const sum = createHash('sha256').update(readFileSync(b.file)).digest('hex');
  sums.push(`${sum}  ${path.basename(b.file)}\n`);
  const signature = b.signature
    ? `; code signature ${b.signature.resigned ? `made again ad hoc (Bun's ${b.signature.resigned.problem})` : `${b.signature.adhoc ? 'ad hoc, ' : ''}covers the file`}`
    : '';
  console.log(`${path.basename(b.file)}  ${(b.size / 1e6).toFixed(1)} MB  ${says ?? `${b.format.kind} ${b.format.machine}`}${signature}`);
  console.log(`  sha256 ${sum}`);
}
const sumsFile = path.join(outDir, 'SHA256SUMS');
writeFileSync(`${sumsFile}.partial`, sums.join(''));
renameSync(`${sumsFile}.partial`, sumsFile);
console.log(`${path.relative(process.cwd(), sumsFile)}: ${sums.length} files`);
