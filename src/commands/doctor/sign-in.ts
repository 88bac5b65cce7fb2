/**
 * doctor: the sign-ins the profiles use (IAM Identity Center sessions, `aws login` sessions), one
 * line each: how long it lasts and what the next run that needs it will do (use it, refresh it
 * silently, or ask for a sign-in, with the command). From the files only: no network call.
 */
import { resolvePlan } from '../../aws-config/plan.ts';
import { isMfaExecError } from '../../errors.ts';
import { defaultOptions } from '../../options.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import { planOverrides } from '../../pipeline/resolution.ts';
import { sourceState } from '../../sources/fetch.ts';
import { kindOf } from '../../sources/table.ts';
import type { SignInState } from '../../sources/types.ts';
import { signInReport } from '../../sign-in/describe.ts';
import type { Finding, LoadedFiles } from './finding.ts';

export async function checkSignIns(rt: Runtime, loaded: LoadedFiles): Promise<Finding[]> {
  if (!('files' in loaded)) return []; // config-files.ts reports it
  const { files } = loaded;
  let overrides;
  try {
    overrides = planOverrides(defaultOptions(), rt.settings);
  } catch {
    return []; // overrides.ts reports a bad variable
  }
  const ctx = { env: rt.env, homedir: rt.homedir, now: rt.now };
  const signIns = new Map<string, { state: SignInState; profiles: string[] }>();
  for (const name of files.profiles.keys()) {
    let source;
    try {
      source = resolvePlan(files, name, rt.env, overrides).source;
    } catch (error) {
      if (isMfaExecError(error)) continue; // profile.ts reports the selected profile's
      throw error;
    }
    const state = kindOf(source).signsIn ? await sourceState(source, ctx) : undefined;
    if (!state) continue;
    const known = signIns.get(state.what);
    if (known) known.profiles.push(name);
    else signIns.set(state.what, { state, profiles: [name] });
  }
  return [...signIns.values()].map(({ state, profiles }): Finding => {
    const summary = `${signInReport(state, rt.now()).summary} (used by ${profiles.map((p) => `'${p}'`).join(', ')})`;
    if (state.next === 'use') return ['ok', summary];
    if (state.next === 'refresh') return ['ok', `${summary}: the next run that needs it refreshes it silently`];
    return ['warn', `${summary}: the next run that needs it asks for a sign-in; to sign in now, run: ${state.signIn}`];
  });
}
