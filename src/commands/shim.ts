/**
 * shim install|list|remove: symlinks named after the tools to wrap, pointing at this entry point,
 * in ${XDG_DATA_HOME:-~/.local/share}/mfa-exec/shims (or --dir); on Windows `<name>.cmd`
 * launchers that run us (src/platform/win32.ts), in %LOCALAPPDATA%\mfa-exec\shims. install warns
 * about a program that is not on PATH (the shim is made anyway: the program may come later).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileId, findTarget } from '../child/find-target.ts';
import { shimsDir } from '../dirs.ts';
import { ExitCode, isMfaExecError, MfaExecError, UsageError } from '../errors.ts';
import { OWN_NAMES } from '../own-names.ts';
import { platform as current, type Platform } from '../platform/index.ts';
import { printable } from '../printable.ts';
import { isSymlink } from '../private-io.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec shim install|list|remove <name…> [--dir DIR]'],
};

/** A shim by these names would run instead of mfa-exec itself (`node`: our #! line runs it). */
const RESERVED_NAMES = new Set([...OWN_NAMES, 'node']);

/** A shim: where it is for a name, whether a file is one of ours, and how one is made. */
interface ShimKind {
  file(dir: string, name: string): string;
  /** The name a file of the directory is the shim of, if it is ours. */
  nameOf(dir: string, entry: string): string | undefined;
  make(file: string): string;
}

/** A symbolic link to us (Linux, macOS): the invoked name is the link's. */
function linkShims(selfReal: string, selfId: string): ShimKind {
  const isOurs = (file: string) => {
    try {
      return fs.lstatSync(file).isSymbolicLink() && fileId(file) === selfId;
    } catch {
      return false;
    }
  };
  return {
    file: (dir, name) => path.join(dir, name),
    nameOf: (dir, entry) => (isOurs(path.join(dir, entry)) ? entry : undefined),
    make(file) {
      fs.symlinkSync(selfReal, file);
      return `${file} → ${selfReal}`;
    },
  };
}

/** A `.cmd` launcher (Windows): ours when it starts as the ones we write do; made again when it runs another copy of us. */
function launcherShims(kind: { file(name: string): string; text(self: readonly string[]): string }, self: readonly string[]): ShimKind {
  const text = kind.text(self);
  const head = text.split('\r\n').slice(0, 2).join('\r\n');
  const name = (entry: string) => (entry.toLowerCase().endsWith('.cmd') ? entry.slice(0, -4) : undefined);
  return {
    file: (dir, n) => path.join(dir, kind.file(n)),
    nameOf(dir, entry) {
      const n = name(entry);
      if (n === undefined) return undefined;
      try {
        return fs.readFileSync(path.join(dir, entry), 'utf8').startsWith(head) ? n : undefined;
      } catch {
        return undefined;
      }
    },
    make(file) {
      fs.writeFileSync(file, text);
      return `${file} → ${self.join(' ')}`;
    },
  };
}

export function run({ args, options }: CommandInput, rt: Runtime, platform: Platform = current): number {
  // Names and paths come from the command line and the directory: escape what a terminal would act on.
  const out = (text: string) => rt.out(text.replace(/[^\t\n]+/g, printable));
  const [action, ...names] = args;
  const dir = path.resolve(rt.cwd, options.dir ?? shimsDir(rt.env, rt.homedir, platform));
  const selfReal = fs.realpathSync(rt.self.path);
  const selfId = fileId(selfReal)!;
  const shims = platform.shim.kind === 'cmd' ? launcherShims(platform.shim, rt.self.command) : linkShims(selfReal, selfId);
  const isOurs = (file: string) => shims.nameOf(path.dirname(file), path.basename(file)) !== undefined;
  const checkName = (name: string) => {
    if (!name || /[/\\]/.test(name) || name === '.' || name === '..') throw new UsageError(`'${name}' is not a command name.`);
  };
  switch (action) {
    case 'install': {
      if (names.length === 0) throw new UsageError("'mfa-exec shim install' needs command names, e.g. terraform aws terragrunt.");
      fs.mkdirSync(dir, { recursive: true });
      /** Whether the program a shim named `name` runs is on PATH (this PATH: the one the shim will mostly see). */
      const installed = (name: string, shimFile: string) => {
        try {
          const selfIds = new Set([selfId, fileId(shimFile)!]); // a launcher is not us by identity: skip it by its file
          findTarget(name, { pathEnv: rt.env.PATH ?? '', pathExt: rt.env.PATHEXT, cwd: rt.cwd, selfIds });
          return true;
        } catch (error) {
          return !(isMfaExecError(error, 'target') && error.exitCode === ExitCode.notFound);
        }
      };
      const absent: string[] = [];
      for (const name of names) {
        checkName(name);
        if (RESERVED_NAMES.has(name)) throw new UsageError(`Refusing to install a shim named '${name}': it would shadow mfa-exec itself.`);
        const file = shims.file(dir, name);
        if (isOurs(file) && !(platform.shim.kind === 'cmd' && fs.readFileSync(file, 'utf8') !== platform.shim.text(rt.self.command))) {
          out(`${name}: already installed\n`);
          if (!installed(name, file)) absent.push(name);
          continue;
        }
        if (isOurs(file)) fs.unlinkSync(file); // a launcher of another copy of mfa-exec: made again for this one
        if (fs.existsSync(file) || isSymlink(file)) {
          throw new MfaExecError(
            `${file} already exists and is not an mfa-exec shim; remove it first if you want a shim there.`,
            ExitCode.cantCreate,
          );
        }
        out(`${name}: installed ${shims.make(file)}
`);
        if (!installed(name, file)) absent.push(name);
      }
      for (const name of absent) {
        rt.logger.warn(
          `there is no real '${printable(name)}' on PATH (not installed?): its shim has nothing to run until there is (exit 127); 'mfa-exec shim remove ${printable(name)}' removes it`,
        );
      }
      const onPath = (rt.env.PATH ?? '').split(path.delimiter).some((p) => p && path.resolve(p) === dir);
      out(onPath ? `${dir} is on PATH.\n` : pathHint(dir, platform));
      return 0;
    }
    case 'list': {
      const entries = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => shims.nameOf(dir, n) !== undefined) : [];
      if (entries.length === 0) out(`no shims in ${dir}\n`);
      for (const entry of entries.sort()) {
        const name = shims.nameOf(dir, entry)!;
        const file = path.join(dir, entry);
        let real: string;
        try {
          const selfIds = new Set([selfId, fileId(file)!]); // a launcher is not us by identity: skip it by name
          real = findTarget(name, { pathEnv: rt.env.PATH ?? '', pathExt: rt.env.PATHEXT, cwd: rt.cwd, selfIds }).path;
        } catch (error) {
          real = `(${(error as Error).message})`;
        }
        out(`${name}\t${file}\t→ ${real}\n`);
      }
      return 0;
    }
    case 'remove': {
      if (names.length === 0) throw new UsageError("'mfa-exec shim remove' needs command names.");
      for (const name of names) {
        checkName(name);
        const file = shims.file(dir, name);
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

/** How to put the shim directory on PATH, before the real programs. */
function pathHint(dir: string, platform: Platform): string {
  if (platform.name === 'win32') {
    return `Add ${dir} to your user PATH, before the real programs (Settings > "Edit environment variables for your account").\n`;
  }
  return `Add the shims to PATH, before the real programs (e.g. in ~/.bashrc):\n  export PATH="${dir}:$PATH"\n`;
}
