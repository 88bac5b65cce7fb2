/** list: every profile, what it chains through, its MFA device and its cache state. No secrets. */
import { loadAwsFiles } from '../aws-config/load.ts';
import { resolvePlan } from '../aws-config/plan.ts';
import { cacheDir } from '../credentials/cache.ts';
import { cacheState } from '../credentials/cache-state.ts';
import { isMfaExecError } from '../errors.ts';
import { forDisplay } from '../printable.ts';
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';
import { planOverrides } from './profile-resolution.ts';
import { timeLeft } from './state-summary.ts';

interface Row {
  profile: string;
  chain: string[];
  roleArn?: string;
  mfaSerial?: string;
  state: string;
  expiration?: string;
  error?: string;
}

export function listCommand(options: Options, rt: Runtime): number {
  const files = loadAwsFiles(rt.env, rt.homedir, rt.cwd);
  const dir = cacheDir(rt.env, rt.homedir);
  const now = rt.now();
  const rows: Row[] = [...files.profiles.keys()].map((name) => {
    try {
      const plan = resolvePlan(files, name, rt.env, planOverrides(options, rt.settings));
      const state = cacheState(plan, rt.settings.stsEndpoint, dir, now, rt.logger);
      const shown = state.credentials ?? state.session;
      const label = !shown
        ? plan.passThrough
          ? 'own session token'
          : 'not cached'
        : shown.fresh
          ? `${shown.kind === 'role' ? 'role' : 'session'} ${timeLeft(Date.parse(shown.expiration) - now)} left`
          : 'expired';
      return {
        profile: name,
        chain: plan.chain.slice(1),
        roleArn: plan.roles.at(-1)?.roleArn,
        mfaSerial: state.mfaSerials[0],
        state: state.promptNeeded ? `${label}; MFA needed` : label,
        expiration: shown?.expiration,
      };
    } catch (error) {
      if (!isMfaExecError(error)) throw error;
      return { profile: name, chain: [], state: 'unusable', error: error.message };
    }
  });
  if (options.json) {
    rt.out(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  const table = [
    ['PROFILE', 'VIA', 'MFA DEVICE', 'STATE'],
    ...rows.map((r) =>
      [r.profile, r.chain.join(' → ') || '-', r.mfaSerial ?? '-', r.error ? `unusable: ${r.error.split(/(?<=\.) /)[0]}` : r.state].map(
        forDisplay,
      ),
    ),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i]!.length)));
  rt.out(table.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n') + '\n');
  return 0;
}
