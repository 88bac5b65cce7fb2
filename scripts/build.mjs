// Two bundles, so the warm path is one file:
//   dist/warm.js       everything a cached run needs (argv, config, plan, cache read, spawn),
//                      unsplit: one module to load, because each extra module costs more than
//                      its bytes; CommonJS (dist/package.json says so), because Node's ES module
//                      loader alone costs a few ms per start on Node 20. It is loaded by
//                      dist/cli.js (src/boot.ts, the entry point), which compiles it with V8's
//                      code cache for it and passes it the loader of the on-demand bundle;
//   dist/on-demand/    everything else, loaded with one import() when needed, from two entries:
//                      credentials.js (STS SDK, lock, prompt, --server: a cache miss) and
//                      commands.js (the other subcommands); split into shared chunks, so the SDK
//                      is a chunk that `status` or `list` never parse.
// Each bundle has its own copy of shared modules; errors cross by brand (errors.ts). The
// on-demand bundle stays ESM (dist/on-demand/package.json).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { rm, writeFile, chmod, readFile, mkdir } from 'node:fs/promises';
import { builtinsOnFirstUse } from './builtins-on-first-use.mjs';

const outdir = new URL('../dist/', import.meta.url).pathname;
const requireBuiltin = createRequire(import.meta.url);
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

/** The on-demand entries: src/on-demand/<name>.ts becomes dist/on-demand/<name>.js. */
const ON_DEMAND = ['credentials', 'commands'];

/** In the warm bundle, import('./on-demand/<name>.ts') (from src/cli.ts) stays an import of that file. */
const onDemandIsExternal = {
  name: 'on-demand-is-external',
  setup(b) {
    for (const name of ON_DEMAND) {
      const filter = new RegExp(`^\\./on-demand/${name}\\.ts$`);
      b.onResolve({ filter }, (args) => {
        if (!args.importer.endsWith('/src/cli.ts')) throw new Error(`only src/cli.ts loads the on-demand bundle (${args.importer})`);
        return { path: `./on-demand/${name}.js`, external: true };
      });
    }
  },
};

/**
 * Any other import() reached from the warm bundle is the on-demand half of a module whose warm
 * half the bundle uses: a source kind's fetch (src/sources/*.ts) loads what it needs with import().
 * The warm bundle never calls that function, so esbuild drops it and its import() with it; marked
 * external here, the imported module is not even parsed into the bundle. One that survives (code
 * the warm path does call) fails the build below.
 */
const otherImportsAreDropped = {
  name: 'other-imports-are-dropped',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
  },
};

/**
 * The other built-in modules, imported by the warm bundle and boot.ts as ES modules: in CommonJS
 * output esbuild gives each importing file its own copy of the module's exports (__toESM: a
 * getter per export, ~100 for node:fs, nine files import it), about 1 ms per run. Here each is
 * one module of the bundle instead: its default export is the module itself, its functions are
 * functions that call the module's own when called, and of its other values only those named in
 * PLAIN_VALUES are exported. No export reads a property at start-up: on a later Node some are
 * getters with a deprecation warning (fs.F_OK on Node 24) or load more (fs.promises). Importing
 * anything else fails the build.
 */
const PLAIN_VALUES = new Set(['constants', 'sep', 'delimiter', 'EOL']);
const builtinsOnce = {
  name: 'builtins-once',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind !== 'import-statement' || args.namespace === 'builtin-once'
        ? { path: args.path, external: true }
        : { path: args.path.slice('node:'.length), namespace: 'builtin-once' },
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-once' }, (args) => {
      const real = requireBuiltin(`node:${args.path}`);
      const names = Object.keys(real).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
      const plain = (name) => !Object.getOwnPropertyDescriptor(real, name)?.get;
      const lines = [
        `const m = require('node:${args.path}');`,
        'export default m;',
        ...names
          .filter((name) => plain(name) && typeof real[name] === 'function')
          .map((name) => `export function ${name}(...a) { return new.target ? new m.${name}(...a) : m.${name}.apply(this, a); }`),
        ...names.filter((name) => plain(name) && PLAIN_VALUES.has(name)).map((name) => `export const ${name} = m.${name};`),
      ];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

const warm = await build({
  ...common,
  entryPoints: { warm: 'src/cli.ts' },
  splitting: false,
  format: 'cjs',
  write: false,
  // builtinsOnFirstUse: node:child_process, node:tty and node:fs/promises load when first used (scripts/builtins-on-first-use.mjs).
  plugins: [onDemandIsExternal, otherImportsAreDropped, builtinsOnFirstUse({ commonJsRequires: true }), builtinsOnce],
  banner: {},
  // import.meta is empty in CommonJS: code of the warm bundle must not use it (cli.ts has __filename).
  logOverride: { 'empty-import-meta': 'error' },
});
// The bundle is compiled by boot.ts (vm.Script), where import() cannot reach Node's loader: the
// two loads of the on-demand bundle go through what boot.ts passes in.
let warmCode = warm.outputFiles[0].text;
for (const name of ON_DEMAND) {
  const call = `import("./on-demand/${name}.js")`;
  if (warmCode.split(call).length !== 2) throw new Error(`the warm bundle should hold ${call} once`);
  warmCode = warmCode.replace(call, `__mfaBoot.import("./on-demand/${name}.js")`);
}
if (/(?<![.\w$])import\(/.test(warmCode)) throw new Error('the warm bundle holds an import() that boot.ts would not serve');
// The file is the function boot.ts compiles, Node's module wrapper and __mfaBoot included, so that
// boot.ts hands V8 the text as read (joining it to the wrapper at run time copied all 96 KB once
// more), and it is ASCII (esbuild escapes the rest), so that boot.ts reads it as latin1 (no UTF-8
// decoding).
warmCode = `(function (exports, require, module, __filename, __dirname, __mfaBoot) {${warmCode}\n})`;
if (/[^\x20-\x7e\t\n\r]/.test(warmCode)) throw new Error('the warm bundle is not ASCII: boot.ts reads it as latin1');
await mkdir(outdir, { recursive: true });
await writeFile(`${outdir}warm.js`, warmCode);
const boot = await build({
  ...common,
  entryPoints: { cli: 'src/boot.ts' },
  splitting: false,
  format: 'cjs',
  // A replayed run (src/memo/replay.ts) is all that runs from here: node:child_process when it spawns;
  // node:vm, node:url and node:os (each ~0.2 ms to load) only when the warm bundle is loaded after all.
  plugins: [builtinsOnFirstUse({ commonJsRequires: true, also: ['vm', 'url', 'os'] }), builtinsOnce],
  banner: { js: '#!/usr/bin/env node' },
  define: { ...common.define, __MFA_WARM_HASH__: JSON.stringify(createHash('sha256').update(warmCode).digest('hex').slice(0, 16)) },
  logOverride: { 'empty-import-meta': 'error' },
});
const onDemand = await build({
  ...common,
  outdir: `${outdir}on-demand/`,
  entryPoints: Object.fromEntries(ON_DEMAND.map((name) => [name, `src/on-demand/${name}.ts`])),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
// The package is "type": "module"; dist/cli.js is CommonJS, the on-demand bundle ESM.
await writeFile(`${outdir}package.json`, '{ "type": "commonjs" }\n');
await writeFile(`${outdir}on-demand/package.json`, '{ "type": "module" }\n');
await chmod(`${outdir}cli.js`, 0o755);
// BUILD_META=1 keeps esbuild's metafiles (what went into which file) out of the package.
if (process.env.BUILD_META === '1') {
  await writeFile(new URL('../.tmp/meta-warm.json', import.meta.url), JSON.stringify(warm.metafile));
  await writeFile(new URL('../.tmp/meta-cli.json', import.meta.url), JSON.stringify(boot.metafile));
  await writeFile(new URL('../.tmp/meta-on-demand.json', import.meta.url), JSON.stringify(onDemand.metafile));
}
