/**
 * The prompt drivers by name, and the one way to make one. A new driver (a desktop dialog, a
 * YubiKey) is one file in this folder and one line here. Loaded on demand only (the terminal's
 * prompt text must not be in the warm bundle: test/e2e/warm-path.test.ts).
 */
import { UsageError } from '../errors.ts';
import { platform } from '../platform/index.ts';
import { promptTimeoutMs } from '../settings.ts';
import { autoPrompt } from './auto.ts';
import { desktopPrompt } from './desktop.ts';
import { kdialogPrompt } from './kdialog.ts';
import { nonePrompt } from './none.ts';
import { osascriptPrompt } from './osascript.ts';
import { terminalPrompt } from './terminal.ts';
import type { Prompt, PromptContext, PromptDriver, PromptOptions } from './types.ts';
import { ykmanPrompt } from './ykman.ts';
import { zenityPrompt } from './zenity.ts';

export const DRIVERS: Readonly<Record<string, PromptDriver>> = {
  auto: autoPrompt,
  terminal: terminalPrompt,
  desktop: desktopPrompt,
  zenity: zenityPrompt,
  kdialog: kdialogPrompt,
  osascript: osascriptPrompt,
  ykman: ykmanPrompt,
  none: nonePrompt,
};

/**
 * The driver `name` (Settings.prompt, or 'none'). A name no driver has came from --prompt or
 * MFA_EXEC_PROMPT: a usage error (64).
 */
export function openPrompt(name: string, env: PromptContext['env'], options: PromptOptions = {}): Prompt {
  const ctx: PromptContext = {
    env,
    open: (other) => openPrompt(other, env, options),
    timeoutMs: options.timeoutMs ?? promptTimeoutMs(env),
    terminal: options.terminal ?? true,
    platform: options.platform ?? platform,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const driver = Object.hasOwn(DRIVERS, name) ? DRIVERS[name] : undefined;
  if (!driver) {
    throw new UsageError(
      `There is no prompt named '${name}' (--prompt, MFA_EXEC_PROMPT): the prompts are ${Object.keys(DRIVERS).join(', ')} (default: auto).`,
    );
  }
  // The terminal is not ours while --server's command runs: asking it is asking no one.
  return driver === terminalPrompt && !ctx.terminal ? nonePrompt() : driver(ctx);
}

/** `use` with the driver `name`, let go of afterwards whatever happens. */
export async function withPrompt<T>(
  name: string,
  env: PromptContext['env'],
  use: (prompt: Prompt) => Promise<T>,
  options: PromptOptions = {},
): Promise<T> {
  const prompt = openPrompt(name, env, options);
  try {
    return await use(prompt);
  } finally {
    prompt.close();
  }
}
