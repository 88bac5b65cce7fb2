/**
 * The prompt drivers by name, and the one way to make one. A new driver (a desktop dialog, a
 * YubiKey) is one file in this folder and one line here. Loaded on demand only (the terminal's
 * prompt text must not be in the warm bundle: test/e2e/warm-path.test.ts).
 */
import { nonePrompt } from './none.ts';
import { terminalPrompt } from './terminal.ts';
import type { Prompt, PromptContext, PromptDriver } from './types.ts';

export const DRIVERS: Readonly<Record<string, PromptDriver>> = {
  terminal: terminalPrompt,
  none: nonePrompt,
};

/** The driver `name` (Settings.prompt, or 'none'); an unknown name is a bug of the caller (settings check names). */
export function openPrompt(name: string, env: PromptContext['env']): Prompt {
  const ctx: PromptContext = { env, open: (other) => openPrompt(other, env) };
  const driver = Object.hasOwn(DRIVERS, name) ? DRIVERS[name] : undefined;
  if (!driver) throw new Error(`no prompt driver named '${name}'`);
  return driver(ctx);
}

/** `use` with the driver `name`, let go of afterwards whatever happens. */
export async function withPrompt<T>(name: string, env: PromptContext['env'], use: (prompt: Prompt) => Promise<T>): Promise<T> {
  const prompt = openPrompt(name, env);
  try {
    return await use(prompt);
  } finally {
    prompt.close();
  }
}
