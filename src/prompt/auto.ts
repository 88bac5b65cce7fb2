/**
 * The default prompt: the terminal when this process has one; else a desktop dialog when a
 * desktop session is there (an IDE or a launcher running credential_process, --server renewing
 * while its command owns the terminal); else nobody, at once (exit 66, with the question's next
 * step). Chosen on first use (a question or a line to say), then kept for the run.
 */
import fs from 'node:fs';
import { platform } from '../platform/index.ts';
import { desktopDialog, desktopFacts } from './desktop.ts';
import { NoTerminalError } from './errors.ts';
import type { Prompt, PromptContext } from './types.ts';

/** Whether this process has a controlling terminal: /dev/tty (Windows: the console) opens (ENXIO when there is none). */
export function terminalAvailable(): boolean {
  try {
    fs.closeSync(fs.openSync(platform.terminal.output, fs.constants.O_RDWR | fs.constants.O_NOCTTY));
    return true;
  } catch {
    return false;
  }
}

export function autoPrompt(ctx: PromptContext): Prompt {
  let chosen: Prompt | undefined;
  const choose = (): Prompt => {
    if (chosen) return chosen;
    if (ctx.terminal && terminalAvailable()) return (chosen = ctx.open('terminal'));
    const found = desktopDialog(desktopFacts(ctx));
    if ('dialog' in found) return (chosen = ctx.open(found.dialog));
    return (chosen = nobody(ctx.terminal ? 'there is no terminal' : 'the terminal belongs to the running command', found.none));
  };
  return {
    name: 'auto',
    ask: (q) => choose().ask(q),
    confirm: (message, options) => choose().confirm(message, options),
    say: (message) => choose().say(message),
    close: () => chosen?.close(),
    // A sign-in in the browser needs someone there: the terminal's person, or a desktop's.
    present: () => choose().present?.() ?? true,
  };
}

/** No terminal and no desktop: every question fails at once with its own next step, and why no dialog either. */
function nobody(noTerminal: string, noDesktop: string): Prompt {
  const fail = (nextStep: string | undefined, title: string) =>
    Promise.reject(new NoTerminalError(`${nextStep ?? `${title}: ${noTerminal} to ask on.`} (No dialog either: ${noDesktop}.)`));
  return {
    name: 'auto',
    ask: (q) => fail(q.unanswerable, q.title),
    confirm: (_message, options) => fail(options?.unanswerable, 'Confirmation'),
    say: () => {},
    close: () => {},
    present: () => false,
  };
}
