/**
 * The single executable's entry (scripts/build-exe.mjs compiles it with Bun, one file per
 * platform): what src/boot.ts is to dist/cli.js. There is no code cache to load here (the build
 * compiles to bytecode), and the on-demand import()s of cli.ts reach the modules embedded in the
 * executable directly, so __mfaBoot only has to exist.
 *
 * Run by keyring-process.ts as `<executable> __keyring-child` with MFA_EXEC_KEYRING_CHILD=1, it
 * is the keyring helper instead (both are needed: a first word alone could be a user's argument
 * to a shim, a variable alone could be left in someone's environment).
 */
import type { Boot } from './boot.ts';
import { KEYRING_CHILD } from './executable.ts';

if (process.argv[2] === KEYRING_CHILD.arg && process.env[KEYRING_CHILD.env] === '1') {
  void import('./keystore/keyring-child-exe.ts').then((child) => child.runKeyringChildInExecutable());
} else {
  const boot: Boot = {
    import: (specifier) => Promise.reject(new Error(`no ${specifier} beside the executable: its import()s are its own`)),
    warm: () => {},
    bundle: 'executable',
  };
  (globalThis as { __mfaBoot?: Boot }).__mfaBoot = boot;
  void import('./cli.ts');
}
