// The Bun half of scripts/build-exe.mjs, run by the Bun it fetched (Bun.build has no command-line
// form for plugins): compiles src/exe.ts into one executable for one target.
//   bun scripts/build-exe-bun.mjs '{"target":"bun-linux-x64","outfile":…,"executablePath":…,"version":…,"keyring":{…}}'
// What each choice is worth on the warm `-p role -- true` (CPU, Bun 1.4.5, this machine; the
// measurements are in the commit that added this file):
//   splitting            one 0.94 MB bundle parsed at every start (60 ms) against the warm chunks
//                        only (27 ms): an on-demand import() loads an embedded chunk when called;
//   bytecode             27 → 16 ms (with splitting it needs format 'esm');
//   lazy built-ins       node:child_process, node:tty, node:fs/promises on first use, with
//                        the plugin scripts/build.mjs uses (builtins-on-first-use.mjs): −0.6 ms;
//   native SHA-256       src/sha256.ts (plain JS, because Node's node:crypto costs a module load)
//                        becomes Bun's built-in hasher, which costs none here: −1.6 ms;
//   jitPolicy 10         JIT tier-up thresholds ×10: a warm run is too short to repay compiling
//                        (−1.2 ms); `list` over 3,000 profiles is not slower.
// dotenv and bunfig.toml autoload are off: a compiled Bun program otherwise reads `.env` and
// `bunfig.toml` from the working directory, so any repository could set AWS_PROFILE or preload
// code into a credentials tool.
/* global Bun */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { builtinsOnFirstUse } from './builtins-on-first-use.mjs';

const options = JSON.parse(process.argv[2]);
const SRC = path.resolve(import.meta.dir, '../src');

/** src/sha256.ts, the same digests (UTF-8, lone surrogates as U+FFFD) from Bun's built-in hasher. */
const nativeSha256 = {
  name: 'native-sha256',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]sha256\.ts$/ }, () => ({
      contents: "export function sha256Hex(text) { return new Bun.CryptoHasher('sha256').update(text, 'utf8').digest('hex'); }",
      loader: 'js',
    }));
  },
};

/**
 * esbuild turns import(`./dir/${name}.ts`) into a load of any file the pattern matches (each a
 * chunk); Bun leaves it to run time, where no such file exists in the executable. Here each such
 * import() becomes a switch over the files the pattern matches (subdirectories included, as
 * esbuild does: `doctor/doctor`), each case a literal import() that Bun makes a chunk of. A
 * template import() of any other form fails the build.
 */
const TEMPLATE_IMPORT = /import\(\s*`([^`$]*)\$\{([^`}]+)\}([^`$]*)`\s*,?\s*\)/g;
/** Any import() of a template, however it is laid out (Prettier may break the line). */
const ANY_TEMPLATE_IMPORT = /import\(\s*`/;
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}
const templateImports = {
  name: 'template-imports',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!ANY_TEMPLATE_IMPORT.test(text)) return undefined;
      const contents = text.replace(TEMPLATE_IMPORT, (_, prefix, expression, suffix) => {
        const at = prefix.lastIndexOf('/') + 1;
        const dir = path.resolve(path.dirname(args.path), prefix.slice(0, at));
        const start = prefix.slice(at);
        const cases = filesUnder(dir)
          .filter((f) => f.startsWith(start) && f.endsWith(suffix) && !f.endsWith('.d.ts'))
          .map(
            (f) =>
              `case ${JSON.stringify(f.slice(start.length, f.length - suffix.length))}: return import(${JSON.stringify(prefix.slice(0, at) + f)});`,
          );
        if (cases.length === 0) throw new Error(`${args.path}: import(\`${prefix}\${…}${suffix}\`) matches no file`);
        return `((k) => { switch (k) { ${cases.join(' ')} default: return Promise.reject(new Error(\`no module \${k}\`)); } })(${expression})`;
      });
      if (ANY_TEMPLATE_IMPORT.test(contents)) throw new Error(`${args.path}: an import() of a template this build cannot turn into files`);
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * The target's addon package (@napi-rs/keyring-<platform>), unpacked by build-exe.mjs from its
 * locked tarball: the library's index.js requires it by name, and node_modules holds only this
 * machine's. The other platforms' names stay unresolved: their branches are folded away, or
 * (musl on Linux) caught by the library at run time.
 */
const keyringAddon = {
  name: 'keyring-addon',
  setup(b) {
    const { name, dir } = options.keyring;
    b.onResolve({ filter: /^@napi-rs\/keyring-[\w-]+(\/package\.json)?$/ }, (args) => {
      const [pkg, sub] = args.path.split(/\/(?=package\.json$)/);
      if (pkg !== name) return undefined;
      const main = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).main;
      return { path: path.join(dir, sub ?? main) };
    });
  },
};

const result = await Bun.build({
  entrypoints: [path.join(SRC, 'exe.ts')],
  compile: {
    target: options.target,
    outfile: options.outfile,
    executablePath: options.executablePath,
    autoloadDotenv: false,
    autoloadBunfig: false,
    jitPolicy: 10,
  },
  splitting: true,
  // A chunk is named after its first module (`credentials-<hash>.js` for the on-demand entry):
  // test/e2e/executable.test.ts reads which ones a run loads.
  naming: { chunk: '[name]-[hash].[ext]' },
  bytecode: true,
  format: 'esm',
  minify: true,
  define: { __MFA_EXEC_VERSION__: JSON.stringify(options.version) },
  // Bun folds process.platform and process.arch for the target: the same modules load lazily there as under Node.
  plugins: [builtinsOnFirstUse(), nativeSha256, templateImports, keyringAddon],
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
for (const log of result.logs) console.error(String(log));
