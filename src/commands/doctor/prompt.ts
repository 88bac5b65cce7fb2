/**
 * doctor: whom a run started here would ask for an MFA code or a passphrase, and why that one:
 * the prompt named by --prompt / MFA_EXEC_PROMPT / AWS_VAULT_PROMPT (else `auto`), and for `auto`
 * and `desktop` the driver their own decision picks now (src/prompt/auto.ts, desktop.ts). Nothing
 * is opened: the terminal is only tried as `auto` tries it, dialogs are only looked up on PATH.
 * A prompt that can ask no one here is a warning when it was named, a note for `auto` (CI, agents).
 */
import { autoChoice, terminalAvailable, type AutoChoice } from '../../prompt/auto.ts';
import { desktopDialog, desktopFacts, dialogMissing, type DesktopFacts, type DialogName } from '../../prompt/desktop.ts';
import { DRIVERS } from '../../prompt/drivers.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import { platform } from '../../platform/index.ts';
import type { Finding } from './finding.ts';

const DIALOGS: readonly string[] = ['zenity', 'kdialog', 'osascript'] satisfies DialogName[];
const NOBODY = 'a run that needs an MFA code fails at once (exit 66) unless mfa_process or --mfa-token gives it';

export function checkPrompt(rt: Runtime): Finding[] {
  return [promptFinding(rt.settings.prompt, desktopFacts({ env: rt.env, platform }), terminalAvailable)];
}

/** The finding for prompt `name` in these facts (pure but for `hasTerminal`). */
export function promptFinding(name: string, facts: DesktopFacts, hasTerminal: () => boolean): Finding {
  const named = `prompt '${name}' (--prompt, MFA_EXEC_PROMPT or AWS_VAULT_PROMPT)`;
  if (!Object.hasOwn(DRIVERS, name))
    return [
      'fail',
      `${named}: there is no such prompt; a run that has to ask fails with exit 64. The prompts are ${Object.keys(DRIVERS).join(', ')}.`,
    ];
  if (name === 'auto') {
    const choice = autoChoice(true, hasTerminal, facts);
    return [choice.driver === 'none' ? 'note' : 'ok', `prompt auto: ${describeAuto(choice, facts)}`];
  }
  if (name === 'none') return ['ok', `${named}: nobody is asked; ${NOBODY}`];
  if (name === 'terminal')
    return hasTerminal() ? ['ok', `${named}: asks on this terminal`] : ['warn', `${named}: there is no terminal here; ${NOBODY}`];
  if (name === 'ykman') {
    const rest = describeAuto(autoChoice(true, hasTerminal, facts), facts);
    return facts.onPath('ykman')
      ? ['ok', `${named}: MFA codes from a YubiKey (ykman is on PATH); other questions as auto: ${rest}`]
      : ['warn', `${named}: ykman is not on PATH, so no MFA code can be read from a YubiKey; other questions as auto: ${rest}`];
  }
  if (name === 'desktop') {
    const found = desktopDialog(facts);
    return 'dialog' in found
      ? ['ok', `${named}: asks in a ${found.dialog} dialog (${session(facts, found.dialog)})`]
      : ['warn', `${named}: no dialog can be shown: ${found.none}; ${NOBODY}`];
  }
  if (DIALOGS.includes(name)) {
    const missing = dialogMissing(name as DialogName, facts);
    return missing ? ['warn', `${named}: ${missing}; ${NOBODY}`] : ['ok', `${named}: asks in a ${name} dialog (${session(facts, name)})`];
  }
  return ['ok', `${named}`];
}

function describeAuto(choice: AutoChoice, facts: DesktopFacts): string {
  if (choice.driver === 'terminal')
    return 'asks on this terminal (/dev/tty opens); without one (an IDE, a launcher) it would use a desktop dialog';
  if (choice.driver === 'none') return `would ask nobody: ${choice.noTerminal}, and ${choice.noDesktop}; ${NOBODY}`;
  return `asks in a ${choice.driver} dialog: ${choice.noTerminal}, and ${session(facts, choice.driver)}`;
}

/** The desktop session a dialog shows on, and the program found. */
function session({ env, platform }: DesktopFacts, dialog: string): string {
  if (platform.desktop === 'macos') return `${dialog} is on PATH`;
  const on = env.DISPLAY ? `DISPLAY=${env.DISPLAY}` : `WAYLAND_DISPLAY=${env.WAYLAND_DISPLAY}`;
  return `a desktop session (${on}) with ${dialog} on PATH`;
}
