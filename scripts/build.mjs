// Bundles src/cli.ts into dist/: one small entry (the cached path) plus chunks that only a
// cache miss loads with import() (the AWS SDK, the prompt, the lock). See README "Performance".
import { build } from 'esbuild';
import { rm, writeFile, chmod, readFile } from 'node:fs/promises';

const outdir = new URL('../dist/', import.meta.url).pathname;
const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Prefer each package's ESM build: import() then returns real named exports, and esbuild can
  // tree-shake the SDK.
  mainFields: ['module', 'main'],
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  // CommonJS packages inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport{createRequire as __mfaCreateRequire}from'node:module';const require=__mfaCreateRequire(import.meta.url);",
  },
  define: { __MFA_EXEC_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
// BUILD_META=1 keeps esbuild's metafile (what went into which chunk) out of the package.
if (process.env.BUILD_META === '1') await writeFile(new URL('../.tmp/meta.json', import.meta.url), JSON.stringify(result.metafile));
await chmod(new URL('cli.js', new URL('../dist/', import.meta.url)), 0o755);
