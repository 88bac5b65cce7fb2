/**
 * status: is a profile usable without an MFA prompt (or a sign-in) right now? For direnv hooks
 * and shell prompts: never prompts, never calls AWS, prints no secret. Exit 0 yes, 1 a prompt
 * or a sign-in is needed. For a source that signs a person in (IAM Identity Center, `aws login`):
 * its sign-in too, from its files (a token that refreshes silently needs no one). A second line
 * says which project file applies and what it changes (and whether it refuses the profile's
 * account here).
 */
import { openEntryReader } from '../credentials/cache-reader.ts';
import { cacheState } from '../credentials/cache-state.ts';
import { ExitCode } from '../errors.ts';
import { printable } from '../printable.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import { planFor } from '../pipeline/resolution.ts';
import { signInReports, summarize } from './state-summary.ts';
import { projectJson, projectLine } from './project-state.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec status [PROFILE] [--json]            0 if usable without a prompt, 1 if not'],
};

export async function run({ options }: CommandInput, rt: Runtime): Promise<number> {
  const { plan } = planFor(options, rt);
  const now = rt.now();
  const entries = openEntryReader(rt.cacheDir, now, rt.logger);
  const state = cacheState(plan, rt.settings.stsEndpoint, entries, now);
  entries.close();
  const [signIn] = await signInReports([plan.source], rt);
  const signInNeeded = state.signInAsked && signIn?.state.next === 'sign-in';
  const promptNeeded = state.promptNeeded || signInNeeded;
  if (options.json) {
    const { mfaSerials, credentials, session } = state;
    rt.out(
      JSON.stringify(
        {
          profile: plan.profile,
          valid: !promptNeeded,
          promptNeeded,
          mfaSerials,
          credentials: credentials ?? null,
          session: session ?? null,
          project: projectJson(rt, plan),
          ...(signIn ? { signIn: signIn.json, signInNeeded } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const parts = summarize(state, now);
    if (signIn) parts.push(signIn.summary);
    const verdict = signInNeeded
      ? `needs a sign-in: run '${signIn!.state.signIn}'`
      : state.promptNeeded
        ? `needs an MFA code${state.mfaSerials.length ? ` (${state.mfaSerials.join(', ')})` : ''}: run 'mfa-exec login --profile ${plan.profile}'`
        : signIn
          ? `ready, no prompt needed${state.signInAsked && signIn.state.next === 'refresh' ? ' (the sign-in is refreshed silently)' : ''}`
          : 'ready, no MFA prompt needed';
    rt.out(`${printable(`${plan.profile}: ${verdict}${parts.length ? `; ${parts.join('; ')}` : ''}`)}\n`);
    const project = projectLine(rt, plan);
    if (project) rt.out(`${printable(project)}\n`);
  }
  return promptNeeded ? ExitCode.status : 0;
}
