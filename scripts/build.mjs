// Two bundles, so the warm path is one file:
//   dist/cli.js   everything a cached run needs (argv, config, plan, cache read, spawn), unsplit:
//                 one module to load, because each extra module costs more than its bytes;
//   dist/slow.js  everything else (STS SDK, lock, prompt, server, other subcommands), loaded with
//                 one import() on a cache miss; split, so the SDK is its own chunk that `status`
//                 or `list` never parse.
// Each bundle has its own copy of shared modules; errors cross by brand (errors.ts).
import { build } from 'esbuild';
import { rm, writeFile, chmod, readFile } from 'node:fs/promises';

const outdir = new URL('../dist/', import.meta.url).pathname;
const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await rm(outdir, { recursive: true, force: true });

const common = {
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Prefer each package's ESM build: import() then returns real named exports, and esbuild can
  // tree-shake the SDK.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'linked',
  metafile: true,
  // CommonJS packages inside an ESM bundle still call require() for Node built-ins.
  banner: { js: "import{createRequire as __mfaCreateRequire}from'node:module';const require=__mfaCreateRequire(import.meta.url);" },
  define: { __MFA_EXEC_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
};

/** In the warm bundle, import('…/slow.ts') stays an import of the second bundle beside it. */
const slowIsExternal = {
  name: 'slow-is-external',
  setup(b) {
    b.onResolve({ filter: /(^|\/)slow\.ts$/ }, () => ({ path: './slow.js', external: true }));
  },
};

const warm = await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts' },
  splitting: false,
  plugins: [slowIsExternal],
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
});
const slow = await build({ ...common, entryPoints: { slow: 'src/slow.ts' }, splitting: true, chunkNames: 'chunks/[name]-[hash]' });
await chmod(new URL('cli.js', new URL('../dist/', import.meta.url)), 0o755);
// BUILD_META=1 keeps esbuild's metafiles (what went into which file) out of the package.
if (process.env.BUILD_META === '1') {
  await writeFile(new URL('../.tmp/meta-cli.json', import.meta.url), JSON.stringify(warm.metafile));
  await writeFile(new URL('../.tmp/meta-slow.json', import.meta.url), JSON.stringify(slow.metafile));
}
