/**
 * list: every profile, what it chains through, where its source keys live, its MFA device and
 * its cache state; for a source that signs a person in (IAM Identity Center, `aws login`), how
 * long its sign-in lasts and what the next run will do (read from its files by the on-demand
 * bundle, loaded only when such a profile is listed). No secrets, no network call, and cheap: the key store is known from its file names and the
 * keyring index (one directory read, one small file), never by opening it; the cache directory
 * is read once (cache-reader.ts); role profiles that share a source_profile chain share its
 * resolution (shared-chains.ts, chain-state.ts), so a deep chain costs each profile the same as a
 * short one. The others (no role, or a chain with an error) go through resolvePlan and cacheState.
 * The project file of the working directory is said after the table; a profile whose account its
 * allowed_account_ids refuses is marked "not allowed here" (`allowedHere: false` in --json).
 */
import { loadAwsFiles } from '../aws-config/load.ts';
import { resolvePlan, type PlanOverrides } from '../aws-config/plan.ts';
import { sharedChains, tailNames, type Tail } from '../aws-config/shared-chains.ts';
import type { AwsFiles } from '../aws-config/types.ts';
import { openEntryReader, type EntryReader } from '../credentials/cache-reader.ts';
import { cacheState, type EntryState } from '../credentials/cache-state.ts';
import { chainStates } from '../credentials/chain-state.ts';
import { isMfaExecError } from '../errors.ts';
import { storedKeyLocator } from '../keystore/locate.ts';
import { forDisplay } from '../printable.ts';
import { kindOf, type ServedSource } from '../sources/table.ts';
import type { DescribeContext } from '../sources/types.ts';
import type { Options } from '../options.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import type { CommandHelp, CommandInput } from './types.ts';
import type { Settings } from '../settings.ts';
import { planOverrides } from '../pipeline/resolution.ts';
import { signInReports, timeLeft } from './state-summary.ts';
import { allowedHere } from './project-state.ts';
import { arnAccount } from '../guardrails/account.ts';
import { projectOf } from '../pipeline/project.ts';
import { describeProject } from '../project/describe.ts';

export const help: CommandHelp = {
  usage: ['mfa-exec list [--json]                        profiles, chains, MFA devices, cache state'],
};

export interface Row {
  profile: string;
  /** The profiles the chain goes through after this one (made when asked for: --json), and as the VIA column shows them. */
  chain: () => string[];
  via: string;
  /** Where the source keys are: credentials file, config file, keyring, encrypted file, … */
  keys?: string;
  roleArn?: string;
  mfaSerial?: string;
  state: string;
  expiration?: string;
  error?: string;
  /** Where the credentials come from (for a source that signs a person in: its state is looked up). */
  source?: ServedSource;
  /** A run now would fetch from that source (nothing cached covers it). */
  signInAsked?: boolean;
}

export interface ListContext {
  env: NodeJS.ProcessEnv;
  settings: Settings;
  homedir: string;
  options: Options;
  entries: EntryReader;
  now: number;
}

export async function run({ options }: CommandInput, rt: Runtime): Promise<number> {
  const files = loadAwsFiles(rt.env, rt.homedir, rt.cwd);
  const now = rt.now();
  const entries = openEntryReader(rt.cacheDir, now, rt.logger);
  const rows = listRows(files, { env: rt.env, settings: rt.settings, homedir: rt.homedir, options, entries, now });
  entries.close();
  // The project file here: its account list marks the profiles whose commands it refuses.
  const allowed = (r: Row) => allowedHere(arnAccount(r.roleArn ?? r.mfaSerial), rt);
  const signIns = await signInReports(
    rows.map((r) => r.source),
    rt,
  );
  for (const [i, row] of rows.entries()) {
    const signIn = signIns[i];
    if (signIn) row.state = `${row.state}; ${signIn.brief(row.signInAsked === true)}`;
  }
  if (options.json) {
    const json = rows.map((r, i) => ({
      profile: r.profile,
      chain: r.chain(),
      keys: r.keys,
      roleArn: r.roleArn,
      mfaSerial: r.mfaSerial,
      state: r.state,
      expiration: r.expiration,
      ...(signIns[i] ? { signIn: signIns[i].json } : {}),
      error: r.error,
      ...(allowed(r) === false ? { allowedHere: false } : {}),
    }));
    rt.out(JSON.stringify(json, null, 2) + '\n');
    return 0;
  }
  const table = [
    ['PROFILE', 'VIA', 'KEYS', 'MFA DEVICE', 'STATE'],
    ...rows.map((r) =>
      [
        r.profile,
        r.via,
        r.keys ?? '-',
        r.mfaSerial ?? '-',
        (r.error ? `unusable: ${r.error.split(/(?<=\.) /)[0]}` : r.state) + (allowed(r) === false ? '; not allowed here' : ''),
      ].map(forDisplay),
    ),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => row[i]!.length)));
  rt.out(table.map((row) => row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n') + '\n');
  const project = projectOf(rt);
  if (project) rt.out(`\n${forDisplay(describeProject(project))}\n`);
  return 0;
}

/** One row per profile, in file order. `shared`: role profiles through shared-chains.ts (false: every one through resolvePlan). */
export function listRows(files: AwsFiles, ctx: ListContext, shared = true): Row[] {
  const { env, settings, now, entries } = ctx;
  // Made inside each row's try: a bad AWS_ASSUME_ROLE_TTL & co. makes every row unusable, saying why.
  let overrides: PlanOverrides | undefined;
  let chains: ReturnType<typeof sharedChains> | undefined;
  let located: ReturnType<typeof storedKeyLocator> | undefined;
  const describe: DescribeContext = {
    files,
    storedIn: (profile) => (located ??= storedKeyLocator({ settings: settings.keyStore, env, homedir: ctx.homedir }))(profile),
  };
  const keysOf = (source: ServedSource): string => kindOf(source).describe(source, describe);
  const stateOf = chainStates(entries, settings.stsEndpoint, now);
  const state = (shown: EntryState | undefined, passThrough: boolean, promptNeeded: boolean): Pick<Row, 'state' | 'expiration'> => {
    const label = !shown
      ? passThrough
        ? 'own session token'
        : 'not cached'
      : shown.fresh
        ? `${KIND_LABEL[shown.kind]} ${timeLeft(Date.parse(shown.expiration) - now)} left`
        : 'expired';
    return { state: promptNeeded ? `${label}; MFA needed` : label, expiration: shown?.expiration };
  };
  return [...files.profiles.keys()].map((name): Row => {
    try {
      overrides ??= planOverrides(ctx.options, settings);
      if (shared) chains ??= sharedChains(files, env, overrides);
      const chained = chains?.plan(name);
      if (chained) {
        const s = stateOf(chained);
        return {
          profile: name,
          chain: () => tailNames(chained.tail),
          via: tailVia(chained.tail),
          keys: keysOf(chained.source),
          roleArn: chained.target.roleArn,
          mfaSerial: s.mfaSerial,
          ...state(s.credentials ?? s.session ?? s.source, false, s.promptNeeded),
          source: chained.source,
          signInAsked: s.signInAsked,
        };
      }
      const plan = resolvePlan(files, name, env, overrides);
      const s = cacheState(plan, settings.stsEndpoint, entries, now);
      const chain = plan.chain.slice(1);
      return {
        profile: name,
        chain: () => chain,
        via: via(chain),
        keys: keysOf(plan.source),
        roleArn: plan.roles.at(-1)?.roleArn,
        mfaSerial: s.mfaSerials[0],
        ...state(s.credentials ?? s.session ?? s.source, plan.passThrough, s.promptNeeded),
        source: plan.source,
        signInAsked: s.signInAsked,
      };
    } catch (error) {
      if (!isMfaExecError(error)) throw error;
      return { profile: name, chain: () => [], via: via([]), state: 'unusable', error: error.message };
    }
  });
}

/** What the STATE column calls each kind of cached credentials. */
const KIND_LABEL: Record<EntryState['kind'], string> = { role: 'role', session: 'session', source: 'credentials' };

/** Hops shown in the VIA column; a longer chain shows its first and last two (`--json` has them all). */
const VIA_SHOWN = 5;

/** The VIA column: the profiles a chain goes through, from the target's source to the keys. */
export function via(chain: readonly string[]): string {
  if (chain.length === 0) return '-';
  if (chain.length <= VIA_SHOWN) return chain.join(' → ');
  return [...chain.slice(0, 2), `… ${chain.length - 4} more`, ...chain.slice(-2)].join(' → ');
}

/** via(tailNames(tail)) without walking a long tail. */
function tailVia(tail: Tail): string {
  if (tail.depth <= VIA_SHOWN) return via(tailNames(tail));
  return [tail.profile.name, tail.next!.profile.name, `… ${tail.depth - 4} more`, ...tail.lastTwo].join(' → ');
}
