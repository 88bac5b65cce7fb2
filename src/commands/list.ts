/**
 * list: every profile, what it chains through, where its source keys live, its MFA device and
 * its cache state. No secrets, and cheap: the key store is known from its file names and the
 * keyring index (one directory read, one small file), never by opening it.
 */
import { loadAwsFiles } from '../aws-config/load.ts';
import { resolvePlan } from '../aws-config/plan.ts';
import { cacheDir } from '../credentials/cache.ts';
import { openEntryReader } from '../credentials/cache-reader.ts';
import { cacheState } from '../credentials/cache-state.ts';
import { isMfaExecError } from '../errors.ts';
import { storedKeyLocator } from '../keystore/locate.ts';
import type { Plan } from '../aws-config/plan.ts';
import { forDisplay } from '../printable.ts';
import type { Options } from '../invocation.ts';
import type { Runtime } from '../runtime.ts';
import { planOverrides } from './profile-resolution.ts';
import { timeLeft } from './state-summary.ts';

interface Row {
  profile: string;
  chain: string[];
  /** Where the source keys are: credentials file, config file, keyring, encrypted file, … */
  keys?: string;
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
  const entries = openEntryReader(dir, now, rt.logger);
  let located: ((profile: string) => string | undefined) | undefined;
  const keysOf = (source: Plan['source']): string => {
    switch (source.kind) {
      case 'static':
        return source.file === files.credentialsFile ? 'credentials file' : source.file === files.configFile ? 'config file' : source.file;
      case 'environment':
        return 'environment';
      case 'process':
        return 'credential_process';
      case 'store': {
        located ??= storedKeyLocator({ settings: rt.settings.keyStore, env: rt.env, homedir: rt.homedir });
        const kind = located(source.profile);
        return kind === 'keyring' ? 'keyring' : kind === 'file' ? 'encrypted file' : 'none';
      }
    }
  };
  const rows: Row[] = [...files.profiles.keys()].map((name) => {
    try {
      const plan = resolvePlan(files, name, rt.env, planOverrides(options, rt.settings));
      const state = cacheState(plan, rt.settings.stsEndpoint, entries, now);
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
        keys: keysOf(plan.source),
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
  entries.close();
  if (options.json) {
    rt.out(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  const table = [
    ['PROFILE', 'VIA', 'KEYS', 'MFA DEVICE', 'STATE'],
    ...rows.map((r) =>
      [r.profile, via(r.chain), r.keys ?? '-', r.mfaSerial ?? '-', r.error ? `unusable: ${r.error.split(/(?<=\.) /)[0]}` : r.state].map(
        forDisplay,
      ),
    ),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => row[i]!.length)));
  rt.out(table.map((row) => row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n') + '\n');
  return 0;
}

/** Hops shown in the VIA column; a longer chain shows its first and last two (`--json` has them all). */
const VIA_SHOWN = 5;

/** The VIA column: the profiles a chain goes through, from the target's source to the keys. */
export function via(chain: readonly string[]): string {
  if (chain.length === 0) return '-';
  if (chain.length <= VIA_SHOWN) return chain.join(' → ');
  const hidden = chain.length - 4;
  return [...chain.slice(0, 2), `… ${hidden} more`, ...chain.slice(-2)].join(' → ');
}
