/**
 * macOS: AppleScript's `display dialog`, run by osascript. The label and title reach the script
 * as arguments of its run handler, never as script text, so nothing a profile name holds is ever
 * parsed as AppleScript. `giving up after` bounds it (the reply then says `gave up`, turned into
 * error -1712); Cancel is error -128; no window server for this session (ssh) is -1713.
 * Not runnable on Linux: its argv and outcomes are unit-tested, the rest follows Apple's docs.
 */
import { dialogPrompt, type DialogExit, type DialogOutcome, type DialogProgram, type DialogRequest } from './dialog.ts';
import type { Prompt, PromptContext } from './types.ts';

function script(r: DialogRequest): string[] {
  const bounded = 'with title (item 2 of argv) giving up after (item 3 of argv as integer)';
  const dialog =
    r.kind === 'confirm'
      ? `set r to display dialog (item 1 of argv) ${bounded} buttons {"No", "Yes"} default button "Yes" cancel button "No"`
      : `set r to display dialog (item 1 of argv) default answer "" ${bounded} buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel"${r.kind === 'secret' ? ' with hidden answer' : ''}`;
  return [
    'on run argv',
    dialog,
    'if gave up of r then error "timed out" number -1712',
    r.kind === 'confirm' ? 'return "yes"' : 'return text returned of r',
    'end run',
  ];
}

export const osascript: DialogProgram = {
  name: 'osascript',
  args(r: DialogRequest): string[] {
    return [...script(r).flatMap((line) => ['-e', line]), '--', r.lines.join('\n'), r.title, String(r.timeoutSeconds)];
  },
  outcome({ code, stderr }: DialogExit, r: DialogRequest): DialogOutcome {
    if (code === 0) return 'answer';
    if (/\(-128\)/.test(stderr)) return r.kind === 'confirm' ? 'no' : 'cancel';
    if (/\(-1712\)/.test(stderr)) return 'timeout';
    if (/\(-1713\)|No user interaction allowed/i.test(stderr)) return 'no-display';
    return 'failed';
  },
};

export function osascriptPrompt(ctx: PromptContext): Prompt {
  return dialogPrompt(osascript, ctx);
}
