/**
 * The driver that asks no one: every question fails at once (exit 66) with the caller's next
 * step. For runs where nobody may be asked: --server's renewals while the command owns the
 * terminal, credential-process renewing early, and (issue #20) `--prompt none` for agents and CI.
 */
import { unanswerable } from './errors.ts';
import type { Prompt } from './types.ts';

export function nonePrompt(): Prompt {
  return {
    name: 'none',
    ask: (q) => Promise.reject(unanswerable(q.unanswerable, q.title)),
    confirm: (_message, options) => Promise.reject(unanswerable(options?.unanswerable, 'Confirmation')),
    say: () => {},
    present: () => false,
    close: () => {},
  };
}
