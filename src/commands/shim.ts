/**
 * shim install|list|remove: symlinks named after the tools to wrap, pointing at this entry point,
 * in ${XDG_DATA_HOME:-~/.local/share}/mfa-exec/shims (or --dir). install warns about a program
 * that is not on PATH (the shim is made anyway: the program may come later).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileId, findTarget } from '../child/find-target.ts';
import { shimsDir } from '../dirs.ts';
import { ExitCode, isMfaExecError, MfaExecError, UsageError } from '../errors.ts';
import { OWN_NAMES } from '../own-names.ts';
import { printable } from '../printable.ts';
import { isSymlink } from '../private-io.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec shim install|list|remove <name…> [--dir DIR]'],
};

/** A shim by these names would run instead of mfa-exec itself (`node`: our #! line runs it). */
const RESERVED_NAMES = new Set([...OWN_NAMES, 'node']);

export function run({ args, options }: CommandInput, rt: Runtime): number {
  // Names and paths come from the command line and the directory: escape what a terminal would act on.
  const out = (text: string) => rt.out(text.replace(/[^\t\n]+/g, printable));
  const [action, ...names] = args;
  const dir = path.resolve(rt.cwd, options.dir ?? shimsDir(rt.env, rt.homedir));
  const selfReal = fs.realpathSync(rt.self.path);
  const selfId = fileId(selfReal)!;
  const isOurs = (file: string) => {
    try {
      return fs.lstatSync(file).isSymbolicLink() && fileId(file) === selfId;
    } catch {
      return false;
    }
  };
  const checkName = (name: string) => {
    if (!name || name.includes('/') || name === '.' || name === '..') throw new UsageError(`'${name}' is not a command name.`);
  };
  switch (action) {
    case 'install': {
      if (names.length === 0) throw new UsageError("'mfa-exec shim install' needs command names, e.g. terraform aws terragrunt.");
      fs.mkdirSync(dir, { recursive: true });
      /** Whether the program a shim named `name` runs is on PATH (this PATH: the one the shim will mostly see). */
      const installed = (name: string) => {
        try {
          findTarget(name, { pathEnv: rt.env.PATH ?? '', cwd: rt.cwd, selfIds: new Set([selfId]) });
          return true;
        } catch (error) {
          return !(isMfaExecError(error, 'target') && error.exitCode === ExitCode.notFound);
        }
      };
      const absent: string[] = [];
      for (const name of names) {
        checkName(name);
        if (RESERVED_NAMES.has(name)) throw new UsageError(`Refusing to install a shim named '${name}': it would shadow mfa-exec itself.`);
        const file = path.join(dir, name);
        if (isOurs(file)) {
          out(`${name}: already installed\n`);
          if (!installed(name)) absent.push(name);
          continue;
        }
        if (fs.existsSync(file) || isSymlink(file)) {
          throw new MfaExecError(
            `${file} already exists and is not an mfa-exec shim; remove it first if you want a shim there.`,
            ExitCode.cantCreate,
          );
        }
        fs.symlinkSync(selfReal, file);
        out(`${name}: installed ${file} → ${selfReal}\n`);
        if (!installed(name)) absent.push(name);
      }
      for (const name of absent) {
        rt.logger.warn(
          `there is no real '${printable(name)}' on PATH (not installed?): its shim has nothing to run until there is (exit 127); 'mfa-exec shim remove ${printable(name)}' removes it`,
        );
      }
      const onPath = (rt.env.PATH ?? '').split(path.delimiter).some((p) => p && path.resolve(p) === dir);
      out(
        onPath
          ? `${dir} is on PATH.\n`
          : `Add the shims to PATH, before the real programs (e.g. in ~/.bashrc):\n  export PATH="${dir}:$PATH"\n`,
      );
      return 0;
    }
    case 'list': {
      const entries = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => isOurs(path.join(dir, n))) : [];
      if (entries.length === 0) out(`no shims in ${dir}\n`);
      for (const name of entries.sort()) {
        let real: string;
        try {
          real = findTarget(name, { pathEnv: rt.env.PATH ?? '', cwd: rt.cwd, selfIds: new Set([selfId]) }).path;
        } catch (error) {
          real = `(${(error as Error).message})`;
        }
        out(`${name}\t${path.join(dir, name)}\t→ ${real}\n`);
      }
      return 0;
    }
    case 'remove': {
      if (names.length === 0) throw new UsageError("'mfa-exec shim remove' needs command names.");
      for (const name of names) {
        checkName(name);
        const file = path.join(dir, name);
        if (!isOurs(file)) {
          if (fs.existsSync(file)) throw new MfaExecError(`${file} is not an mfa-exec shim; not removing it.`, ExitCode.cantCreate);
          out(`${name}: not installed\n`);
          continue;
        }
        fs.unlinkSync(file);
        out(`${name}: removed\n`);
      }
      return 0;
    }
    default:
      throw new UsageError(`'mfa-exec shim' takes install, list or remove, not '${action ?? ''}'.`);
  }
}
