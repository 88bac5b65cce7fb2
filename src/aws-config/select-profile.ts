/** Which profile was asked for: --profile, then MFA_EXEC_PROFILE, AWS_PROFILE, AWS_DEFAULT_PROFILE. */
export interface ProfileChoice {
  name: string;
  /** Undefined when nothing asked for a profile and 'default' is used. */
  requested?: string;
  from: string;
}

export function selectProfile(flag: string | undefined, env: NodeJS.ProcessEnv): ProfileChoice {
  if (flag) return { name: flag, requested: flag, from: '--profile' };
  for (const variable of ['MFA_EXEC_PROFILE', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const) {
    const value = env[variable];
    if (value) return { name: value, requested: value, from: variable };
  }
  return { name: 'default', from: 'the default' };
}
