/**
 * kdialog (KDE): `--inputbox`, `--password` (hidden), `--yesno`. Its labels are rich text when
 * they look like it (a `<b>` in a profile name would vanish), so they are sent as `<qt>` with
 * HTML escaped; in `--inputbox`, `&` also marks a keyboard shortcut (`&&` shows one), not in
 * `--password` or `--yesno` (seen on kdialog 22.12). It has no timeout of its own (mfa-exec's timer closes it). Exit 1 is Cancel, Escape or
 * No; with no display it aborts (SIGABRT).
 */
import { dialogPrompt, type DialogExit, type DialogOutcome, type DialogProgram, type DialogRequest } from './dialog.ts';
import type { Prompt, PromptContext } from './types.ts';

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** The label as kdialog shows it: rich text with everything escaped; `&` doubled where it marks shortcuts. */
export function kdialogLabel(lines: readonly string[], shortcuts: boolean): string {
  const html = lines.map((line) => line.replace(/[&<>"]/g, (c) => HTML[c]!)).join('<br>');
  return `<qt>${shortcuts ? html.replaceAll('&', '&&') : html}</qt>`;
}

export const kdialog: DialogProgram = {
  name: 'kdialog',
  args(r: DialogRequest): string[] {
    const title = ['--title', r.title];
    if (r.kind === 'secret') return [...title, '--password', kdialogLabel(r.lines, false)];
    if (r.kind === 'confirm') return [...title, '--yesno', kdialogLabel(r.lines, false)];
    return [...title, '--inputbox', kdialogLabel(r.lines, true)];
  },
  outcome({ code, signal, stderr }: DialogExit, r: DialogRequest): DialogOutcome {
    if (code === 0) return 'answer';
    if (code === 1) return r.kind === 'confirm' ? 'no' : 'cancel';
    if (signal === 'SIGABRT' || /could not connect to display/i.test(stderr)) return 'no-display';
    return 'failed';
  },
};

export function kdialogPrompt(ctx: PromptContext): Prompt {
  return dialogPrompt(kdialog, ctx);
}
