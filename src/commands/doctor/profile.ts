/** doctor: does the profile that shims and `mfa-exec -- cmd` would use resolve (files only, no STS)? */
import { resolvePlan } from '../../aws-config/plan.ts';
import { defaultGivesCredentials } from '../../aws-config/select-profile.ts';
import { isMfaExecError } from '../../errors.ts';
import { defaultOptions } from '../../options.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import { chooseProfile, planOverrides } from '../../pipeline/resolution.ts';
import type { Finding, LoadedFiles } from './finding.ts';

export function checkSelectedProfile(rt: Runtime, loaded: LoadedFiles): Finding[] {
  let choice;
  try {
    choice = chooseProfile({}, rt); // as a shim chooses it: no --profile
  } catch (error) {
    if (isMfaExecError(error)) return []; // a project file that does not parse: project-file.ts reports it
    throw error;
  }
  if (!('files' in loaded)) return []; // config-files.ts reports it
  const { files } = loaded;
  if (choice.requested === undefined && choice.project === undefined && !defaultGivesCredentials(files, rt.env, rt.homedir)) {
    return [
      [
        'ok',
        'no profile selected (MFA_EXEC_PROFILE, AWS_PROFILE, AWS_DEFAULT_PROFILE unset) and no [default] with credentials: shims run programs untouched',
      ],
    ];
  }
  try {
    const plan = resolvePlan(files, choice.name, rt.env, planOverrides(defaultOptions(), rt.settings));
    const mfa = [plan.session?.mfaSerial, ...plan.roles.map((r) => r.mfaSerial)].filter(Boolean);
    return [
      [
        'ok',
        `profile '${choice.name}' (from ${choice.from}) resolves: ${plan.chain.join(' → ')}${mfa.length ? `, MFA device ${mfa.join(', ')}` : ''}`,
      ],
    ];
  } catch (error) {
    if (!isMfaExecError(error)) throw error;
    return [['fail', `profile '${choice.name}' (from ${choice.from}): ${error.message}`]];
  }
}
