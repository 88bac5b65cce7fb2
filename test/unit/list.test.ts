import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAwsFiles } from '../../src/aws-config/load.ts';
import { resolvePlan, type PlanOverrides } from '../../src/aws-config/plan.ts';
import { sharedChains } from '../../src/aws-config/shared-chains.ts';
import { listRows, via } from '../../src/commands/list.ts';
import { planOverrides } from '../../src/pipeline/resolution.ts';
import { entryPath, writeEntry } from '../../src/credentials/cache.ts';
import { planCacheRefs } from '../../src/credentials/cache-key.ts';
import { openEntryReader } from '../../src/credentials/cache-reader.ts';
import { defaultOptions } from '../../src/options.ts';
import { silentLogger } from '../../src/log.ts';
import { readSettings } from '../../src/settings.ts';

test("list's VIA column: chains up to five hops in full, longer ones by their ends", () => {
  assert.equal(via([]), '-');
  assert.equal(via(['source']), 'source');
  assert.equal(via(['a', 'b', 'c', 'd', 'source']), 'a → b → c → d → source');
  const long = Array.from({ length: 2999 }, (_, i) => `chain-${2999 - i}`).concat('source');
  assert.equal(via(long), 'chain-2999 → chain-2998 → … 2996 more → chain-1 → source');
});

// ---- list's shared-chain resolution against resolvePlan + cacheState, on random configs ----

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function prng(seed: number): { int(n: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n) => Math.floor(next() * n), chance: (p) => next() < p, pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}

const SERIALS = ['arn:aws:iam::111111111111:mfa/alice', 'arn:aws:iam::111111111111:mfa/bob'];
const DURATIONS = ['900', '3600', '7200', '43200', '1h', '100', ' 1800 '];

/** Config and credentials texts: chains of random depth and shape, with the settings that steer a plan, and some broken ones. */
function randomFiles(r: ReturnType<typeof prng>): { config: string; credentials: string; names: string[] } {
  const count = 2 + r.int(r.chance(0.3) ? 40 : 10);
  const names = Array.from({ length: count }, (_, i) => `p${i}`);
  const config: string[] = [];
  const credentials: string[] = [];
  for (const [i, name] of names.entries()) {
    const c: string[] = [`[profile ${name}]`];
    const k: string[] = [];
    const keys = r.chance(0.25);
    if (keys) {
      const lines = [`aws_access_key_id = AKIA${String(i).padStart(16, '0')}`];
      if (!r.chance(0.05)) lines.push(`aws_secret_access_key = secret${i}`);
      if (r.chance(0.1)) lines.push(`aws_session_token = token${i}`);
      (r.chance(0.5) ? k : c).push(...lines);
    }
    if (r.chance(0.7)) {
      c.push(`role_arn = arn:aws:iam::222222222222:role/r${r.int(3)}`);
      const sourceKind = r.int(20);
      // Mostly a profile further down the list (long chains), sometimes anywhere (cycles), itself, or nowhere.
      if (sourceKind < 13 && i + 1 < count) c.push(`source_profile = p${i + 1 + r.int(Math.min(3, count - i - 1))}`);
      else if (sourceKind < 16) c.push(`source_profile = ${r.pick(names)}`);
      else if (sourceKind === 16) c.push(`source_profile = ${name}`);
      else if (sourceKind === 17) c.push('source_profile = missing');
      else if (sourceKind === 18) c.push(`credential_source = ${r.chance(0.8) ? 'Environment' : 'Ec2InstanceMetadata'}`);
    }
    if (r.chance(0.1)) c.push(`credential_process = /bin/echo ${name}`);
    if (r.chance(0.5)) c.push(`mfa_serial = ${r.pick(SERIALS)}`);
    if (r.chance(0.2)) c.push(`duration_seconds = ${r.pick(DURATIONS)}`);
    if (r.chance(0.2)) c.push(`external_id = ext${r.int(2)}`);
    if (r.chance(0.1)) c.push(`role_session_name = s${r.int(2)}`);
    if (r.chance(0.05)) c.push('mfa_process = /bin/echo 123456');
    // IAM Identity Center (some lacking settings) and `aws login` sources: temporary credentials with a cache step of their own.
    if (r.chance(0.02)) c.push('sso_start_url = https://example.awsapps.com/start');
    else if (r.chance(0.08))
      c.push(
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = eu-west-1',
        'sso_account_id = 1',
        `sso_role_name = R${r.int(2)}`,
      );
    else if (r.chance(0.06)) c.push(`login_session = arn:aws:iam::1:user/u${r.int(2)}`);
    config.push(c.join('\n'));
    if (k.length) credentials.push([`[${name}]`, ...k].join('\n'));
  }
  return { config: config.join('\n\n') + '\n', credentials: credentials.join('\n\n') + '\n', names };
}

test('list: role profiles resolved through shared chains show exactly what resolvePlan + cacheState show', () => {
  const NOW = Date.parse('2025-03-01T12:00:00.000Z');
  const root = mkdtempSync(join(tmpdir(), 'mfa-exec-list-'));
  let sharedRows = 0;
  try {
    for (let seed = 1; seed <= 400; seed++) {
      const r = prng(seed);
      const { config, credentials } = randomFiles(r);
      const files = parseAwsFiles(config, '/cfg/config', credentials, '/cfg/credentials');
      const env: NodeJS.ProcessEnv = {};
      if (r.chance(0.5)) Object.assign(env, { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'envsecret' });
      if (r.chance(0.1)) env.AWS_SESSION_TOKEN = 'envtoken';
      if (r.chance(0.1)) env.AWS_ASSUME_ROLE_TTL = r.pick(['15m', '2h', 'x']);
      if (r.chance(0.1)) env.AWS_CHAINED_SESSION_TOKEN_TTL = r.pick(['1h', '10s']);
      if (r.chance(0.1)) env.MFA_EXEC_SESSION_DURATION = r.pick(['2h', '1m']);
      if (r.chance(0.1)) env.AWS_ENDPOINT_URL_STS = 'http://user:pw@localhost:5000';
      const settings = readSettings(env);
      const options = { ...defaultOptions(), noSession: r.chance(0.15) };
      if (r.chance(0.1)) options.duration = r.pick([900, 7200]);

      // Cache entries for a random part of the steps the plans use: fresh, near their end, or expired.
      const dir = join(root, `c${seed}`);
      mkdirSync(dir, { mode: 0o700 });
      let overrides: PlanOverrides | undefined;
      try {
        overrides = planOverrides(options, settings);
      } catch {
        // a bad AWS_ASSUME_ROLE_TTL & co.: every row is unusable, on both paths
      }
      for (const name of overrides ? files.profiles.keys() : []) {
        let plan;
        try {
          plan = resolvePlan(files, name, env, overrides);
        } catch {
          continue;
        }
        if (plan.passThrough) continue;
        const refs = planCacheRefs(plan, settings.stsEndpoint);
        for (const ref of [refs.source, refs.session, ...refs.roles]) {
          if (!ref || !r.chance(0.3) || existsSync(entryPath(dir, ref))) continue;
          const left = r.pick([10, 2, -1]) * 60_000;
          writeEntry(dir, ref, { accessKeyId: 'ASIA0', secretAccessKey: 's', sessionToken: 't', expiration: new Date(NOW + left) }, NOW);
        }
      }

      const rows = (shared: boolean) => {
        const entries = openEntryReader(dir, NOW, silentLogger);
        const ctx = { env, settings, homedir: root, options, entries, now: NOW };
        return listRows(files, ctx, shared).map(({ chain, ...row }) => ({ ...row, chain: chain() }));
      };
      const expected = rows(false);
      assert.deepEqual(rows(true), expected, `seed ${seed}:\n${config}\n${credentials}\n${JSON.stringify(env)} ${JSON.stringify(options)}`);
      try {
        const chains = sharedChains(files, env, overrides!);
        for (const name of files.profiles.keys()) if (chains.plan(name)) sharedRows++;
      } catch {
        // a bad session duration: every role row says so, on both paths
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.ok(sharedRows > 1000, `only ${sharedRows} rows went through the shared chains`);
});

test('list: a 3,000-deep chain resolves each profile once (the VIA column shows its ends)', () => {
  const depth = 3000;
  const lines = ['[profile base]', 'aws_access_key_id = AKIABASE', 'aws_secret_access_key = s', `mfa_serial = ${SERIALS[0]}`];
  for (let i = 1; i <= depth; i++)
    lines.push(`[profile chain-${i}]`, `source_profile = ${i === 1 ? 'base' : `chain-${i - 1}`}`, 'role_arn = arn:aws:iam::2:role/R');
  const files = parseAwsFiles(lines.join('\n'), '/cfg/config', undefined, '/cfg/credentials');
  const entries = openEntryReader('/nonexistent', 0, silentLogger);
  const rows = listRows(files, {
    env: {},
    settings: readSettings({}),
    homedir: '/nonexistent',
    options: defaultOptions(),
    entries,
    now: 0,
  });
  const last = rows.at(-1)!;
  assert.equal(last.via, 'chain-2999 → chain-2998 → … 2996 more → chain-1 → base');
  assert.equal(last.chain().length, depth);
  assert.equal(last.state, 'not cached; MFA needed');
  assert.equal(last.mfaSerial, SERIALS[0]);
});
