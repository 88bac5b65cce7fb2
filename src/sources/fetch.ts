/**
 * A source's credentials on a cache miss: the on-demand half of its kind's file (the file named
 * after the kind, next to this one), loaded when it is needed. Part of the on-demand bundle:
 * esbuild makes each kind's file a chunk of its own (a glob import), so a miss loads only the
 * kind it needs.
 */
import type { Credentials } from '../aws/credentials.ts';
import type { Source } from './table.ts';
import { signInReport, type SignInReport } from '../sign-in/describe.ts';
import { kindOf } from './table.ts';
import type { SignInState, SourceFetchContext, SourceFetcher, StateContext } from './types.ts';

function halfOf(source: Source): Promise<SourceFetcher<Source>> {
  return import(`./${source.kind}.ts`) as Promise<SourceFetcher<Source>>;
}

/** The kind's check that must come before the chain's lock (a credential_process calling mfa-exec for itself). */
export async function beforeLock(source: Source, ctx: SourceFetchContext): Promise<void> {
  (await halfOf(source)).beforeLock?.(source, ctx);
}

export async function fetchSource(source: Source, ctx: SourceFetchContext): Promise<Credentials> {
  return (await halfOf(source)).fetch(source, ctx);
}

/** Where the sign-in of a source that signs a person in stands (SourceKind.signsIn), from its files; undefined for any other. */
export async function sourceState(source: Source, ctx: StateContext): Promise<SignInState | undefined> {
  return (await halfOf(source)).state?.(source, ctx);
}

/** For each source (in order), how its sign-in stands and is worded; undefined for a source that signs no one in. */
export function signInReports(sources: readonly (Source | undefined)[], ctx: StateContext): Promise<(SignInReport | undefined)[]> {
  return Promise.all(
    sources.map(async (source) => {
      const state = source && kindOf(source).signsIn ? await sourceState(source, ctx) : undefined;
      return state && signInReport(state, ctx.now());
    }),
  );
}

/** --debug's line about the sign-in of `source` (undefined for a source that signs no one in). */
export async function signInDebugLine(source: Source, ctx: StateContext): Promise<string | undefined> {
  const [report] = await signInReports([source], ctx);
  if (!report) return undefined;
  const { next, signIn } = report.state;
  const then = next === 'use' ? 'uses it as it is' : next === 'refresh' ? 'refreshes it silently' : `needs a sign-in (${signIn})`;
  return `sign-in: ${report.summary}; a fetch (when the cache cannot serve) ${then}`;
}
