/**
 * The default prompt: the terminal when this process has one; else a desktop dialog when a
 * desktop session is there (an IDE or a launcher running credential_process, --server renewing
 * while its command owns the terminal); else nobody, at once (exit 66, with the question's next
 * step). Chosen on first use (a question or a line to say), then kept for the run.
 */
import fs from 'node:fs';
import { platform } from '../platform/index.ts';
import { desktopDialog, desktopFacts, type DesktopFacts, type DialogName } from './desktop.ts';
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

/** Whom `auto` asks (pure; doctor says it too): the terminal, a dialog, or nobody, and why not the others. */
export type AutoChoice =
  { driver: 'terminal' } | { driver: DialogName; noTerminal: string } | { driver: 'none'; noTerminal: string; noDesktop: string };

/** `terminal`: PromptContext.terminal; `hasTerminal`: terminalAvailable, asked only when the terminal may be used. */
export function autoChoice(terminal: boolean, hasTerminal: () => boolean, facts: DesktopFacts): AutoChoice {
  if (terminal && hasTerminal()) return { driver: 'terminal' };
  const noTerminal = terminal ? 'there is no terminal' : 'the terminal belongs to the running command';
  const found = desktopDialog(facts);
  return 'dialog' in found ? { driver: found.dialog, noTerminal } : { driver: 'none', noTerminal, noDesktop: found.none };
}

export function autoPrompt(ctx: PromptContext): Prompt {
  let chosen: Prompt | undefined;
  const choose = (): Prompt => {
    if (chosen) return chosen;
    const choice = autoChoice(ctx.terminal, terminalAvailable, desktopFacts(ctx));
    return (chosen = choice.driver === 'none' ? nobody(choice.noTerminal, choice.noDesktop) : ctx.open(choice.driver));
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
