// Built-in modules a bundle gets on first use instead of at start-up, one plugin for both builds:
// scripts/build.mjs (esbuild: the warm bundle under Node) and scripts/build-exe-bun.mjs (Bun.build:
// the executable; Bun's plugin API takes the same onResolve/onLoad). node:child_process and node:tty
// (with net and stream: ~3 ms per run on Node 20, −0.6 ms in the executable) are needed only by
// exec and the shims when they spawn, not by credential-process, status, env or list;
// node:fs/promises (with readline and the fs watchers) is loaded by isexe, under `which`, for an
// async API mfa-exec never calls (it uses which.sync). Each import of them gets a stand-in module
// whose functions load the real module when first called (its default export: when a property is
// first read). Importing anything else from them fails the build.

export const BUILTINS_ON_FIRST_USE = ['child_process', 'tty', 'fs/promises'];

const NAMESPACE = 'builtin-on-first-use';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The stand-in module of `node:<name>`: its functions (those named by an identifier) and a default export, all loading it when used. */
async function standIn(name) {
  const real = await import(`node:${name}`);
  const functions = Object.keys(real).filter((key) => key !== 'default' && IDENTIFIER.test(key) && typeof real[key] === 'function');
  const lines = [
    'let m;',
    `const load = () => (m ??= require('node:${name}'));`,
    'export default new Proxy({}, { get: (_, key) => load()[key] });',
    ...functions.map(
      (key) => `export function ${key}(...a) { return new.target ? new (load().${key})(...a) : load().${key}.apply(this, a); }`,
    ),
  ];
  return lines.join('\n');
}

/**
 * The plugin. `also`: more modules for this build (dist/cli.js: those only a run of the warm
 * bundle needs, which a replayed run never loads). `commonJsRequires` (esbuild's CommonJS output): a require() of one of them (isexe's,
 * from a CommonJS package) gets one object that reads the real module's property when it is read,
 * as such callers read it at call time, `(0, x.stat)(…)`; and the stand-ins' own require() is
 * marked external. Without it (Bun) every import gets the ES module stand-in, and the stand-ins'
 * own require() is left to Bun.
 */
export function builtinsOnFirstUse({ commonJsRequires = false, also = [] } = {}) {
  return {
    name: 'builtins-on-first-use',
    setup(b) {
      const filter = new RegExp(`^(node:)?(${[...BUILTINS_ON_FIRST_USE, ...also].join('|')})$`);
      b.onResolve({ filter }, (args) => {
        const path = args.path.replace(/^node:/, '');
        if (!commonJsRequires) return args.namespace === NAMESPACE ? undefined : { path, namespace: NAMESPACE };
        if (args.namespace.startsWith(NAMESPACE)) return { path: args.path, external: true }; // the stand-in's own require()
        return { path, namespace: args.kind === 'require-call' ? `${NAMESPACE}-cjs` : NAMESPACE };
      });
      if (commonJsRequires) {
        b.onLoad({ filter: /.*/, namespace: `${NAMESPACE}-cjs` }, (args) => ({
          contents: `let m;\nmodule.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:${args.path}'))[key] });`,
          loader: 'js',
        }));
      }
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => ({ contents: await standIn(args.path), loader: 'js' }));
    },
  };
}
