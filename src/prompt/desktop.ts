/**
 * Is a desktop session there, and which dialog can it show? Pure (the environment, the platform
 * and a PATH lookup come in): macOS has osascript; Windows none; elsewhere DISPLAY or WAYLAND_DISPLAY must be
 * set (zenity with no display exits 1 as if cancelled, kdialog aborts), then zenity or kdialog
 * from PATH, kdialog first on KDE. kdialog needs X (XWayland sets DISPLAY): Debian's has no
 * Wayland plugin. Also the `desktop` driver: whichever dialog this says.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Platform } from '../platform/index.ts';
import { cannotAsk } from './errors.ts';
import type { Prompt, PromptContext } from './types.ts';

export type DialogName = 'zenity' | 'kdialog' | 'osascript';

export interface DesktopFacts {
  env: Readonly<Record<string, string | undefined>>;
  platform: Pick<Platform, 'desktop' | 'name'>;
  onPath(program: string): boolean;
}

const NO_SESSION = 'no desktop session (DISPLAY and WAYLAND_DISPLAY are unset)';

/** kdialog needs X (DISPLAY); zenity shows on X or Wayland. */
const showsOn = (dialog: DialogName, env: DesktopFacts['env']) => dialog !== 'kdialog' || !!env.DISPLAY;

/** The dialog program to use, or why there is none (for --debug, the error and doctor). */
export function desktopDialog({ env, platform, onPath }: DesktopFacts): { dialog: DialogName } | { none: string } {
  if (platform.desktop === 'macos') return onPath('osascript') ? { dialog: 'osascript' } : { none: 'osascript is not on PATH' };
  if (platform.desktop === 'none') return { none: 'this system has no dialog mfa-exec can show' };
  const x = !!env.DISPLAY;
  if (!x && !env.WAYLAND_DISPLAY) return { none: NO_SESSION };
  const kde = /\bKDE\b/i.test(env.XDG_CURRENT_DESKTOP ?? '');
  const candidates: DialogName[] = kde ? ['kdialog', 'zenity'] : ['zenity', 'kdialog'];
  const usable = candidates.filter((c) => showsOn(c, env));
  const found = usable.find(onPath);
  if (found) return { dialog: found };
  const missing = usable.length === 1 ? `${usable[0]} is not on PATH` : `neither ${usable.join(' nor ')} is on PATH`;
  return { none: `${missing}${x ? '' : ' (kdialog needs DISPLAY)'}` };
}

/** Why the dialog named by --prompt cannot show here, or undefined when it can (pure, as desktopDialog). */
export function dialogMissing(dialog: DialogName, { env, platform, onPath }: DesktopFacts): string | undefined {
  if (platform.desktop === 'none') return 'this system has no dialog mfa-exec can show';
  if ((dialog === 'osascript') !== (platform.desktop === 'macos')) return `${dialog} is not a dialog of ${platform.name}`;
  if (platform.desktop !== 'macos' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return NO_SESSION;
  if (!showsOn(dialog, env)) return `${dialog} needs DISPLAY (WAYLAND_DISPLAY alone is set)`;
  return onPath(dialog) ? undefined : `${dialog} is not on PATH`;
}

/** Whether an executable `program` is in one of PATH's directories. */
export function onPath(program: string, env: Readonly<Record<string, string | undefined>>): boolean {
  return findOnPath(program, env) !== undefined;
}

/** The first executable file `program` in PATH's directories, as spawn would find it. */
export function findOnPath(program: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, program);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The facts of this run's context. */
export function desktopFacts(ctx: Pick<PromptContext, 'env' | 'platform'>): DesktopFacts {
  return { env: ctx.env, platform: ctx.platform, onPath: (program) => onPath(program, ctx.env) };
}

/** `--prompt desktop`: the dialog this desktop session has; with none, every question fails at once (66) saying why. */
export function desktopPrompt(ctx: PromptContext): Prompt {
  const found = desktopDialog(desktopFacts(ctx));
  if ('dialog' in found) return ctx.open(found.dialog);
  const why = `no desktop dialog can be shown: ${found.none}`;
  return {
    name: 'desktop',
    ask: (q) => Promise.reject(cannotAsk(why, q.title, q.unanswerable)),
    confirm: (_message, options) => Promise.reject(cannotAsk(why, 'Confirmation', options?.unanswerable)),
    say: () => {},
    close: () => {},
  };
}
