/**
 * status: is a profile usable without an MFA prompt right now? For direnv hooks and shell
 * prompts: never prompts, never calls STS, prints no secret. Exit 0 yes, 1 a prompt is needed.
 */
import { openEntryReader } from '../credentials/cache-reader.ts';
import { cacheState } from '../credentials/cache-state.ts';
import { ExitCode } from '../errors.ts';
import { printable } from '../printable.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { planFor } from '../pipeline/resolution.ts';
import { summarize } from './state-summary.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec status [PROFILE] [--json]            0 if usable without a prompt, 1 if not'],
};

export function run({ options }: CommandInput, rt: Runtime): number {
  const { plan } = planFor(options, rt);
  const now = rt.now();
  const entries = openEntryReader(rt.cacheDir, now, rt.logger);
  const state = cacheState(plan, rt.settings.stsEndpoint, entries, now);
  entries.close();
  if (options.json) {
    const { promptNeeded, mfaSerials, credentials, session } = state;
    rt.out(
      JSON.stringify(
        {
          profile: plan.profile,
          valid: !promptNeeded,
          promptNeeded,
          mfaSerials,
          credentials: credentials ?? null,
          session: session ?? null,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const parts = summarize(state, now);
    const verdict = state.promptNeeded
      ? `needs an MFA code${state.mfaSerials.length ? ` (${state.mfaSerials.join(', ')})` : ''}: run 'mfa-exec login --profile ${plan.profile}'`
      : 'ready, no MFA prompt needed';
    rt.out(`${printable(`${plan.profile}: ${verdict}${parts.length ? `; ${parts.join('; ')}` : ''}`)}\n`);
  }
  return state.promptNeeded ? ExitCode.status : 0;
}
