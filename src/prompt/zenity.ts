/**
 * zenity (GNOME, and most Linux desktops): `--entry` (with `--hide-text` for a secret: `--password`
 * ignores `--text`, so it could not say what the passphrase is for), `--question` for yes/no.
 * The entry's label is plain text where `_` marks a keyboard shortcut (`__` shows one `_`);
 * `--question` takes Pango markup unless `--no-markup`, and then shows the text as it is (both
 * seen on zenity 3.44). It times itself out (`--timeout`, exit 5). Exit 1 is
 * Cancel, Escape or a closed window, and also "cannot open display" (then stderr says so).
 */
import { dialogPrompt, type DialogExit, type DialogOutcome, type DialogProgram, type DialogRequest } from './dialog.ts';
import type { Prompt, PromptContext } from './types.ts';

/** The label as zenity shows it: `_` doubled, so a profile like `my_dev_role` is not turned into a shortcut. */
export function zenityLabel(lines: readonly string[]): string {
  return lines.join('\n').replaceAll('_', '__');
}

export const zenity: DialogProgram = {
  name: 'zenity',
  args(r: DialogRequest): string[] {
    const timeout = ['--timeout', String(r.timeoutSeconds)];
    if (r.kind === 'confirm') return ['--question', '--no-markup', '--title', r.title, '--text', r.lines.join('\n'), ...timeout];
    return ['--entry', ...(r.kind === 'secret' ? ['--hide-text'] : []), '--title', r.title, '--text', zenityLabel(r.lines), ...timeout];
  },
  outcome({ code, stderr }: DialogExit, r: DialogRequest): DialogOutcome {
    if (code === 0) return 'answer';
    if (code === 5) return 'timeout';
    if (code === 1) return /cannot open display/i.test(stderr) ? 'no-display' : r.kind === 'confirm' ? 'no' : 'cancel';
    return 'failed';
  },
};

export function zenityPrompt(ctx: PromptContext): Prompt {
  return dialogPrompt(zenity, ctx);
}
