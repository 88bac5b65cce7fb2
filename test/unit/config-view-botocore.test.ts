/**
 * The config view against botocore itself (test/helpers/config_view_botocore.py): for the user's
 * files and for the view built from them, botocore's full_config and the credential provider its
 * chain picks for Session(profile=NAME). For every case:
 * - a served profile resolves to the process provider, with exactly our command as argv;
 * - with deferDefault, the default profile resolves to nothing (the SDK goes on to the endpoint);
 * - a served profile keeps every setting that is not a credential setting, as botocore read it;
 * - a profile that is not served, and every other section, reads as in the user's files, less
 *   the secrets;
 * - no secret of the user's files is anywhere in the view, and no section has a secret key;
 * - what we serve is what botocore would have taken from a role or from keys.
 * Cases: a hand-written corpus, the reference cases in /work/shared/reference-cases (read as
 * data, when present), and generated files (fast-check).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { buildView, type View } from '../../src/config-view/build.ts';
import { isMfaExecError } from '../../src/errors.ts';
import { needs, needsPython } from '../helpers/needs.ts';

const HELPER = fileURLToPath(new URL('../helpers/config_view_botocore.py', import.meta.url));
const PYTHON = process.env.PYTHON ?? 'python3';
const skip = needsPython(PYTHON, 'botocore');
/**
 * The reference cases (botocore's, aws-vault's and the JS SDK's own test inputs) are data beside
 * the repository, never copied into it: MFA_EXEC_REFERENCE_CASES (.ci/run sets it from the
 * repository the clone came from), else ../shared/reference-cases beside this checkout or beside
 * the main checkout of a git worktree.
 */
const REFERENCE = findReferenceCases();
const referenceSkip = needs(
  'the reference cases',
  REFERENCE === undefined &&
    'no reference cases: set MFA_EXEC_REFERENCE_CASES to the reference-cases directory (with cases/), or put it at ../shared/reference-cases beside the checkout',
);

function findReferenceCases(): string | undefined {
  const given = process.env.MFA_EXEC_REFERENCE_CASES;
  if (given) return given; // set: used or failed, never replaced by a guess
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' });
  const candidates = [join(root, '..', 'shared', 'reference-cases')];
  if (common.status === 0) candidates.push(join(common.stdout.trim(), '..', '..', 'shared', 'reference-cases'));
  return candidates.find((dir) => existsSync(join(dir, 'cases')));
}

const COMMAND = ['/opt/mfa exec/bin/node', "/opt/mfa exec/it's/cli.js"];
const SERVED_METHODS = new Set(['assume-role', 'shared-credentials-file', 'config-file', 'sso', 'login']);

type Value = string | { nested: Record<string, string> };
type Values = Record<string, Value>;
interface FullConfig {
  profiles: Record<string, Values>;
  profiles_order: string[];
  sso_sessions: Record<string, Values>;
  services: Record<string, Values>;
  other?: Record<string, Values>;
}
type Files = { config: FullConfig } | { error: string };
type Resolved = Record<string, { method: string | null; argv: string[] | null } | { error: string }>;

class Botocore {
  private readonly child = spawn(PYTHON, [HELPER, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  private readonly waiting: ((line: string) => void)[] = [];
  constructor() {
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
  }
  ask<T>(request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('botocore helper did not answer in 30 s')), 30_000);
      this.waiting.push((line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as T);
      });
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }
  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

interface Case {
  name: string;
  config?: string | Buffer;
  credentials?: string | Buffer;
  deferDefault?: boolean;
  /** Values that must not appear in the view (secrets planted in comments, for instance). */
  secrets?: string[];
}

/*
 * What the view must leave out, written here from the documentation (docs/configuration.md, the
 * config view) rather than imported: an expectation computed with the code under test would agree
 * with any bug in it (issue 17). A key counts as the most lenient reader takes it: the JS SDK
 * trims a byte order mark in front of it (botocore keeps it as part of the key).
 */
const SECRETS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token', 'mfa_process']);
const CREDENTIAL_SETTINGS = new Set([
  ...SECRETS,
  'role_arn',
  'source_profile',
  'credential_source',
  'web_identity_token_file',
  'login_session',
  'credential_process',
  'role_session_name',
  'external_id',
  'duration_seconds',
  'mfa_serial',
]);
const lenient = (key: string) => key.trim().toLowerCase();
const isSecret = (key: string) => SECRETS.has(lenient(key));
const isCredentialKey = (key: string) => CREDENTIAL_SETTINGS.has(lenient(key)) || lenient(key).startsWith('sso_');
/** The key a line of a value would set if a reader took it for a setting ("  Key = v" → "key"). */
function settingKey(line: string): string | undefined {
  const text = line.trim();
  const at = text.search(/[=:]/);
  return at > 0 ? text.slice(0, at).trim().toLowerCase() : undefined;
}
/** A value line cut where a secret setting starts in it (`x ;aws_secret_access_key=…` → `x`). */
const SECRET_IN_VALUE = new RegExp(`(^|[\\s;#])(${[...SECRETS].join('|')})\\s*[=:]`, 'i');
function cutSecret(line: string): string {
  const found = SECRET_IN_VALUE.exec(line);
  return found ? line.slice(0, found.index + found[1]!.length).replace(/[\s;#]+$/, '') : line;
}

/**
 * What botocore must read in the view for a section read as `values` in the user's files: the
 * settings `drop` names are gone, and so are lines of multi-line values that read as such a
 * setting (the JS and Go SDKs would take them for settings; see keptLines in render.ts). In a
 * nested block only secrets go.
 */
function without(values: Values, drop: (key: string) => boolean, dropLine: (key: string) => boolean = drop): Values {
  const out: Values = {};
  for (const [key, value] of Object.entries(values)) {
    if (drop(key)) continue;
    if (typeof value === 'string') {
      const [first = '', ...rest] = value.split('\n');
      if (cutSecret(first) !== first && cutSecret(first) === '') continue; // nothing but a secret: the setting goes
      out[key] = [cutSecret(first), ...rest.filter((line) => !dropLine(settingKey(line) ?? '')).map(cutSecret)].join('\n').trimEnd();
    } else {
      out[key] = { nested: Object.fromEntries(Object.entries(value.nested).filter(([k]) => !isSecret(settingKey(`${k}=`) ?? ''))) };
    }
  }
  return out;
}

/**
 * For a served (or deferred) profile: no credential setting, and no line of its own values that
 * reads as one; a value it inherits from [DEFAULT] is written in the [DEFAULT] section, where
 * the JS and Go SDKs do not read its lines as the served section's, so only secret lines go.
 */
function servedWithout(values: Values, inherited: ReadonlySet<string>): Values {
  const own: Values = {};
  const fromDefaults: Values = {};
  for (const [key, value] of Object.entries(values)) (inherited.has(key) ? fromDefaults : own)[key] = value;
  return { ...without(own, isCredentialKey), ...without(fromDefaults, isCredentialKey, isSecret) };
}

/** What configparser reads as each file's [DEFAULT] and each profile's own keys (the helper's 'own'). */
interface Own {
  defaults: string[];
  own: Record<string, string[]>;
}

/** The keys profile `p` takes from a [DEFAULT] section: set there, and in none of p's own sections. */
function inheritedKeys(own: Own, p: string): Set<string> {
  const keys = new Set(own.defaults);
  for (const key of own.own[p] ?? []) keys.delete(key);
  return keys;
}

function sectionsWithout(group: Record<string, Values> | undefined): Record<string, Values> {
  return Object.fromEntries(Object.entries(group ?? {}).map(([name, values]) => [name, without(values, isSecret)]));
}

function collectSecrets(files: FullConfig): string[] {
  const found: string[] = [];
  for (const group of [files.profiles, files.sso_sessions ?? {}, files.services ?? {}, files.other ?? {}]) {
    for (const values of Object.values(group)) {
      for (const [key, value] of Object.entries(values))
        if (isSecret(key) && typeof value === 'string' && value.length >= 16) found.push(value); // short ones ("default") are names too
    }
  }
  return found;
}

class Checker {
  private readonly dir = mkdtempSync(join(tmpdir(), 'mfa-exec-view-'));
  private n = 0;
  constructor(private readonly botocore: Botocore) {}
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Returns the view (undefined when the user's files are refused, by botocore and by us). */
  async check(c: Case): Promise<View | undefined> {
    const base = join(this.dir, String(this.n++));
    const user = { config: `${base}-config`, credentials: `${base}-credentials` };
    const view = { config: `${base}-view-config`, credentials: `${base}-view-credentials` };
    if (c.config !== undefined) writeFileSync(user.config, c.config);
    if (c.credentials !== undefined) writeFileSync(user.credentials, c.credentials);
    const [userFiles = { error: 'no answer' }] = await this.botocore.ask<Files[]>({
      op: 'files',
      pairs: [[user.config, user.credentials]],
    });
    let built: View;
    try {
      built = buildView({
        configFile: user.config,
        credentialsFile: user.credentials,
        configText: c.config === undefined ? undefined : c.config.toString(),
        credentialsText: c.credentials === undefined ? undefined : c.credentials.toString(),
        command: COMMAND,
        deferDefault: c.deferDefault,
      });
    } catch (error) {
      if (!isMfaExecError(error)) throw error;
      assert.ok('error' in userFiles, `${c.name}: we refuse the files (${error.message}) but botocore reads them`);
      return undefined;
    }
    assert.ok(!('error' in userFiles), `${c.name}: botocore refuses the user's files (${JSON.stringify(userFiles)}), we do not`);
    const userConfig = userFiles.config;
    const answer = await this.botocore.ask<Own | { error: string }>({ op: 'own', config: user.config, credentials: user.credentials });
    if ('error' in answer) assert.fail(`${c.name}: configparser refuses what botocore read: ${answer.error}`);
    const own: Own = answer;
    writeFileSync(view.config, built.config);
    writeFileSync(view.credentials, built.credentials);
    const [viewFiles = { error: 'no answer' }] = await this.botocore.ask<Files[]>({
      op: 'files',
      pairs: [[view.config, view.credentials]],
    });
    assert.ok(
      !('error' in viewFiles),
      `${c.name}: botocore refuses the view: ${JSON.stringify(viewFiles)}\n${built.config}\n${built.credentials}`,
    );
    const viewConfig = viewFiles.config;
    const names = userConfig.profiles_order;
    const [userResolved, viewResolved] = await Promise.all([
      this.botocore.ask<Resolved>({ op: 'resolve', config: user.config, credentials: user.credentials, profiles: names }),
      this.botocore.ask<Resolved>({ op: 'resolve', config: view.config, credentials: view.credentials, profiles: names }),
    ]);
    const label = (p: string) =>
      `${c.name}: profile ${JSON.stringify(p)}\n--- view config:\n${built.config}--- view credentials:\n${built.credentials}`;

    assert.deepEqual(viewConfig.profiles_order, names, `${c.name}: the same profiles, in the same order`);
    const served = new Set(built.served);
    for (const p of names) {
      const deferred = c.deferDefault === true && p === 'default';
      const userValues = userConfig.profiles[p] as Values;
      const viewValues = viewConfig.profiles[p] as Values;
      if (deferred) {
        assert.deepEqual(viewResolved[p], { method: null, argv: null }, `${label(p)}: defers to the endpoint`);
        assert.deepEqual(viewValues, servedWithout(userValues, inheritedKeys(own, p)), label(p));
      } else if (served.has(p)) {
        assert.deepEqual(
          viewResolved[p],
          { method: 'custom-process', argv: [...COMMAND, 'credential-process', `--profile=${p}`] },
          label(p),
        );
        const expected = {
          ...servedWithout(userValues, inheritedKeys(own, p)),
          credential_process: viewValues.credential_process as string,
        };
        assert.deepEqual(viewValues, expected, `${label(p)}: keeps its other settings`);
        // botocore takes a role or keys, or fails where mfa-exec reads the two files' keys together
        // (an id in one file, the secret in the other: PartialCredentialsError), or fails where
        // mfa-exec's plan fails too (then credential-process says why).
        const before = userResolved[p];
        const refused = built.refused.some((r) => r.profile === p);
        // botocore 1.43 claims a login_session profile but its LoginProvider needs awscrt, not
        // installed here: MissingDependencyException is its `login` method failing.
        const fine =
          before &&
          ('method' in before
            ? SERVED_METHODS.has(before.method ?? '')
            : before.error === 'PartialCredentialsError' || before.error === 'MissingDependencyException' || refused);
        assert.ok(fine, `${label(p)}: served, but botocore took ${JSON.stringify(before)} from the user's files`);
      } else {
        assert.deepEqual(viewValues, without(userValues, isSecret), `${label(p)}: reads as written`);
        const why = built.left.find((l) => l.profile === p)?.why ?? '';
        const before = userResolved[p];
        if (!/^(its credential_process line|its source profile)/.test(why)) {
          assert.ok(
            !(before && 'method' in before && SERVED_METHODS.has(before.method ?? '')),
            `${label(p)}: left (${why}), but botocore took ${JSON.stringify(before)}`,
          );
        }
      }
    }
    for (const group of ['sso_sessions', 'services', 'other'] as const) {
      assert.deepEqual(viewConfig[group] ?? {}, sectionsWithout(userConfig[group]), `${c.name}: [${group}] read as written`);
    }
    const text = built.config + built.credentials;
    assert.ok(!text.includes('S3CR3T'), `${c.name}: a generated secret is in the view`);
    for (const secret of [...collectSecrets(userConfig), ...(c.secrets ?? [])]) {
      assert.ok(!text.includes(secret), `${c.name}: the view holds a secret of the user's files`);
    }
    assert.deepEqual(collectSecrets(viewConfig), [], `${c.name}: no secret key in the view`);
    for (const values of Object.values(viewConfig.profiles)) for (const key of Object.keys(values)) assert.ok(!isSecret(key), c.name);
    return built;
  }
}

const SK = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEXAMPLETOKENvalue0123456789';
const SEED = 'JBSWY3DPEHPK3PXPSEED';

const corpus: Case[] = [
  {
    name: 'the usual setup: MFA user with keys, roles with source_profile, default region',
    config:
      '[default]\nregion = eu-west-1\noutput = json\n\n[profile GEHC-000]\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n' +
      `mfa_process = oathtool --totp -b ${SEED}\n\n` +
      '[profile GEHC-056]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = GEHC-000\nmfa_serial = arn:aws:iam::111111111111:mfa/me\nregion = us-east-1\n' +
      's3 =\n  addressing_style = path\n  signature_version = s3v4\nduration_seconds = 3600\n\n' +
      '[profile readonly]\nrole_arn = arn:aws:iam::333333333333:role/ReadOnly\nsource_profile = GEHC-000\nregion = eu-central-1\nrole_session_name = me\nexternal_id = x1\n',
    credentials: `[GEHC-000]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = ${SK}\n`,
    secrets: [SEED],
  },
  {
    name: 'the same under --server: [default] defers',
    config: '[default]\nregion = eu-west-1\n[profile p]\nrole_arn = arn:aws:iam::2:role/R\nsource_profile = default\n',
    credentials: `[default]\naws_access_key_id = AKIADEFAULT000000000\naws_secret_access_key = ${SK}\n`,
    deferDefault: true,
  },
  {
    name: '--server with a [default] that SSO or web identity would take',
    config:
      '[default]\nsso_account_id = 1\nsso_role_name = r\nsso_start_url = https://x\nsso_region = us-east-1\nregion = eu-west-1\n[profile w]\nweb_identity_token_file = /t\nrole_arn = arn:aws:iam::1:role/W\n',
    deferDefault: true,
  },
  {
    name: '--server with a [default] credential_process and [profile default] keys',
    config: `[default]\ncredential_process = /usr/bin/own\n[profile default]\naws_access_key_id = AKIAPD00000000000000\naws_secret_access_key = ${SK}\nregion = r\n`,
    deferDefault: true,
  },
  {
    name: 'IAM Identity Center and `aws login` profiles, and roles from them, are served',
    config:
      '[profile sso]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\nregion = eu-west-1\n' +
      '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start#\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n' +
      '[profile legacy]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = Ops\n' +
      '[profile deploy]\nrole_arn = arn:aws:iam::111111111111:role/Deploy\nsource_profile = sso\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n' +
      '[profile console]\nlogin_session = arn:aws:iam::111111111111:user/alice\nregion = eu-west-1\n' +
      '[profile ops]\nrole_arn = arn:aws:iam::111111111111:role/Ops\nsource_profile = console\n',
  },
  {
    // botocore resolves a source profile with keys through its whole chain, SSO first: a broken
    // SSO setting there fails it, and mfa-exec's plan too (credential-process says why).
    name: 'a role whose source is itself, with keys and an sso_role_name',
    config: `[profile base]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = ${SK}\nsso_role_name = v\n`,
    credentials: '[base]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = base\n',
  },
  {
    name: "login_session on a profile with keys: the credentials file's keys outrank it, the config file's do not",
    config:
      `[profile cfg]\naws_access_key_id = AKIACFG0000000000000\naws_secret_access_key = ${SK}\nlogin_session = arn:aws:iam::1:user/u\nregion = eu-west-1\n` +
      '[profile cred]\nlogin_session = arn:aws:iam::1:user/u\nregion = eu-west-1\n',
    credentials: `[cred]\naws_access_key_id = AKIACRED000000000000\naws_secret_access_key = ${SK}\n`,
  },
  {
    name: 'profiles mfa-exec leaves to the SDK read as written',
    config:
      '[profile signin]\nsso_session = corp\nregion = eu-west-1\n' +
      '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start#\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n' +
      '[profile own]\ncredential_process = /usr/local/bin/vault-creds --role "x y"\n' +
      '[profile wi]\nrole_arn = arn:aws:iam::1:role/W\nweb_identity_token_file = /var/run/token\n' +
      '[profile ec2]\nrole_arn = arn:aws:iam::1:role/E\ncredential_source = Ec2InstanceMetadata\nmfa_serial = arn:aws:iam::1:mfa/m\n' +
      '[profile regiononly]\nregion = ap-south-1\n[services dev]\ns3 =\n  endpoint_url = http://localhost:4566\n[plugins]\ncli_legacy_plugin_path = /x\n',
  },
  {
    name: 'keys in the config file, keys with a token, a profile in both files',
    config: `[profile cfgkeys]\naws_access_key_id = AKIACFG0000000000000\naws_secret_access_key = ${SK}\nregion = r1\n[profile both]\nregion = r2\nmfa_serial = arn:aws:iam::1:mfa/b\n`,
    credentials: `[both]\naws_access_key_id = AKIABOTH000000000000\naws_secret_access_key = ${SK}\n[temp]\naws_access_key_id = ASIATEMP000000000000\naws_secret_access_key = ${SK}\naws_session_token = ${TOKEN}\naws_security_token = ${TOKEN}\n`,
  },
  {
    name: 'keys in the config file lose to a credential_process; keys in the credentials file win',
    config: `[profile a]\ncredential_process = /bin/own-a\naws_access_key_id = AKIAAAAA000000000000\naws_secret_access_key = ${SK}\n[profile b]\ncredential_process = /bin/own-b\n`,
    credentials: `[b]\naws_access_key_id = AKIABBBB000000000000\naws_secret_access_key = ${SK}\n`,
  },
  {
    name: 'odd profile names: spaces, quotes, dots, unicode, brackets',
    config:
      `[profile "my name"]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = "base"\n[profile 'it''s']\nregion = r\n[profile dev.eu-west-1]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = base\n` +
      `[profile café]\nrole_arn = arn:aws:iam::1:role/C\nsource_profile = base\n[profile q]]\nrole_arn = arn:aws:iam::1:role/D\nsource_profile = base\n[profile a\\ b]\nrole_arn = arn:aws:iam::1:role/E\nsource_profile = base\n`,
    credentials: `[base]\naws_access_key_id = AKIABASE000000000000\naws_secret_access_key = ${SK}\n[with space]\naws_access_key_id = AKIASPACE00000000000\naws_secret_access_key = ${SK}\n[$HOME \`x\` "q"]\naws_access_key_id = AKIAODD0000000000000\naws_secret_access_key = ${SK}\n`,
  },
  {
    name: 'names that cannot be written into a command are left, with the reason',
    credentials: `[a#b]\naws_access_key_id = AKIAHASH000000000000\naws_secret_access_key = ${SK}\n[x\\nb]\naws_access_key_id = AKIABSN0000000000000\naws_secret_access_key = ${SK}\n`,
  },
  {
    name: 'comments (with a commented-out key) and trailing header text are left out',
    config: `# old: aws_secret_access_key = ${SK}\n[profile c] ; ${TOKEN}\n; aws_session_token = ${TOKEN}\nregion = r # inline stays\n  # indented comment\n`,
    credentials: `[c]\n# ${SK}\naws_access_key_id = AKIACCCC000000000000\naws_secret_access_key = ${SK}\n`,
    secrets: [SK, TOKEN],
  },
  {
    name: 'indentation: continuation lines, indented settings, an indented header after a served section',
    config:
      '[profile x]\n    region = a\n      still region\n    role_arn = arn:aws:iam::1:role/X\n      more arn\n    source_profile = base\n    [profile y]\nregion = b\n' +
      '[profile z]\n  s3 =\n    a = b\n\n    c = d\n  role_arn = arn:aws:iam::1:role/Z\n  source_profile = base\n   [profile w]\n  region = w\n',
    credentials: `[base]\n  aws_access_key_id = AKIABASE000000000000\n  aws_secret_access_key =\n    ${SK}\n`,
  },
  {
    name: 'CRLF and lone CR line ends',
    config: '[default]\r\nregion = r\r\n[profile p]\r\nrole_arn = arn:aws:iam::1:role/P\r\nsource_profile = default\rregion = q\r',
    credentials: `[default]\r\naws_access_key_id = AKIACRLF000000000000\r\naws_secret_access_key = ${SK}\r\n`,
  },
  {
    name: '[DEFAULT] settings: a region everyone inherits, a role only unserved sections keep, keys nobody keeps',
    config:
      '[DEFAULT]\nregion = d\nrole_arn = arn:aws:iam::1:role/Inherited\nmfa_serial = arn:aws:iam::1:mfa/d\n[profile served]\nsource_profile = base\n[profile sso]\nsso_account_id = 1\nsso_role_name = r\nsso_start_url = u\nsso_region = r\n[sso-session s]\nsso_start_url = u\n[profile own]\nrole_arn = arn:aws:iam::1:role/Own\nweb_identity_token_file = /t\n',
    credentials: `[DEFAULT]\naws_access_key_id = AKIADEFAULTINHERITED\naws_secret_access_key = ${SK}\n[base]\n[other]\nregion = o\n`,
  },
  {
    name: 'a profile of a kind mfa-exec serves is served even when its plan is refused (credential-process says why)',
    config:
      '[profile cycle]\nrole_arn = arn:aws:iam::1:role/C\nsource_profile = loop\n[profile loop]\nrole_arn = arn:aws:iam::1:role/L\nsource_profile = cycle\n[profile nosource]\nrole_arn = arn:aws:iam::1:role/N\n[profile bad]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = k\nduration_seconds = forever\n',
    credentials: `[k]\naws_access_key_id = AKIAKKKK000000000000\naws_secret_access_key = ${SK}\n[partial]\naws_access_key_id = AKIAPARTIAL000000000\n`,
  },
  {
    // Regression (found by the property below): an indented header continues the value before it,
    // here [default]'s credential_process, with an unclosed quote from the name. botocore cannot
    // split that command (ValueError) for [default] nor for the role whose source it is; mfa-exec
    // refuses it too, so the role is served with credential-process saying why.
    name: "an indented header with a quote continues [default]'s credential_process: botocore cannot split it, mfa-exec refuses it",
    config:
      "[default]\ncredential_process = /usr/bin/own-tool --x\n  [profile it's] # note\nregion = eu-west-1\n" +
      '[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = default\n',
  },
  {
    name: 'credential_source = Environment is served',
    config: '[profile env]\nrole_arn = arn:aws:iam::1:role/Env\ncredential_source = Environment\nmfa_serial = arn:aws:iam::1:mfa/e\n',
  },
  {
    name: 'a secret behind a byte order mark, and secret settings inside values (issue 17)',
    config:
      `[profile a]\nregion = eu-west-1 ;aws_secret_access_key=${SK}\noutput = json # AWS_Session_Token: ${TOKEN}\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\n` +
      `[profile b]\nregion = x ;aws_secret_access_key=${SK}\ncli_pager = ;mfa_process=${SK}\n`,
    credentials: `[base]\naws_access_key_id = AKIABASE000000000000\naws_secret_access_key = ${SK}\n[bom]\n\uFEFFaws_secret_access_key = ${SK}\nregion = r\n`,
    secrets: [SK, TOKEN],
  },
  { name: 'no files', deferDefault: true },
  { name: 'empty files', config: '', credentials: '' },
  { name: 'files botocore refuses', config: '[default]\nregion = a\nregion = b\n' },
];

describe('config view against botocore', { skip }, () => {
  let botocore: Botocore;
  let checker: Checker;
  before(() => {
    botocore = new Botocore();
    checker = new Checker(botocore);
  });
  after(() => {
    checker.cleanup();
    botocore.close();
  });

  for (const c of corpus) test(c.name, async () => void (await checker.check(c)));

  test('served and left profiles of the usual setup', async () => {
    const view = await checker.check(corpus[0]!);
    assert.deepEqual(view?.served, ['GEHC-000', 'GEHC-056', 'readonly']);
    assert.deepEqual(view?.left, [{ profile: 'default', why: 'it holds no credentials' }]);
  });

  test('an unsplittable credential_process of [default]: its role is served and refused, saying why; [default] is left', async () => {
    const view = await checker.check(corpus.find((c) => c.name.startsWith('an indented header with a quote'))!);
    assert.deepEqual(view?.served, ['admin']);
    assert.deepEqual(
      view?.refused.map((r) => r.profile),
      ['admin'],
    );
    assert.match(view?.refused[0]?.why ?? '', /credential_process of profile 'default' .* has a quote that is not closed/);
    assert.deepEqual(view?.left, [{ profile: 'default', why: 'it has a credential_process of its own' }]);
  });

  test('unwritable names are reported', async () => {
    const view = await checker.check(corpus.find((c) => c.name.startsWith('names that cannot'))!);
    assert.deepEqual(view?.served, []);
    assert.equal(view?.left.length, 2);
    for (const left of view?.left ?? []) assert.match(left.why, /credential_process line cannot be written/);
  });

  test('the reference cases (botocore, aws-vault, JS SDK test suites)', { skip: referenceSkip }, async (t) => {
    const run = spawnSync(PYTHON, [HELPER, '--reference-cases', REFERENCE!], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(run.status, 0, run.stderr);
    const cases = JSON.parse(run.stdout) as {
      id: string;
      config?: string;
      credentials?: string;
      config_b64?: string;
      credentials_b64?: string;
    }[];
    let built = 0;
    let served = 0;
    for (const rc of cases) {
      const config = rc.config_b64 ? Buffer.from(rc.config_b64, 'base64') : rc.config;
      const credentials = rc.credentials_b64 ? Buffer.from(rc.credentials_b64, 'base64') : rc.credentials;
      for (const deferDefault of [false, true]) {
        const view = await checker.check({ name: `${rc.id}${deferDefault ? ' (--server)' : ''}`, config, credentials, deferDefault });
        if (view) {
          built++;
          served += view.served.length;
        }
      }
    }
    t.diagnostic(`${cases.length} reference cases, ${built} views built, ${served} profiles served`);
    assert.ok(served > 50, 'the reference cases exercise serving');
  });

  // Generated files: realistic settings, odd names and layouts, secrets everywhere.
  const names = ['default', 'base', 'admin', 'a b', "it's", 'dev.eu', 'x"y', 'café', '$x', 'p\\q'];
  const header = (name: string) =>
    fc.constantFrom(
      name === 'default' ? '[default]' : `[profile ${name}]`,
      `[profile "${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"]`,
      `[profile '${name.replaceAll("'", `'"'"'`)}']`,
      `  [profile ${name}] # note`,
    );
  const secretValue = fc.stringMatching(/^[A-Za-z0-9/+]{20}$/).map((s) => `S3CR3T${s}`);
  const indent = fc.constantFrom('', '', '', '  ', '\t');
  const delim = fc.constantFrom(' = ', '=', ' : ');
  const setting = fc.oneof(
    fc
      .constantFrom('region', 'output', 'Region', 'cli_pager', 'custom_thing')
      .chain((k) => fc.tuple(fc.constant(k), fc.constantFrom('eu-west-1', 'json', 'x # not a comment', ''))),
    fc.tuple(fc.constantFrom('role_arn', 'Role_Arn'), fc.constantFrom('arn:aws:iam::123456789012:role/R')),
    fc.tuple(fc.constant('source_profile'), fc.constantFrom(...names)),
    fc.tuple(fc.constantFrom('mfa_serial', 'external_id', 'role_session_name'), fc.constantFrom('arn:aws:iam::123456789012:mfa/u', 'x1')),
    fc.tuple(fc.constant('duration_seconds'), fc.constantFrom('3600', '900', 'soon')),
    fc.tuple(fc.constant('credential_source'), fc.constantFrom('Environment', 'Ec2InstanceMetadata')),
    fc.tuple(fc.constantFrom('aws_access_key_id', 'AWS_Access_Key_ID'), fc.constantFrom('AKIAEXAMPLE000000000')),
    fc.tuple(fc.constantFrom('aws_secret_access_key', 'aws_session_token', 'aws_security_token', 'mfa_process'), secretValue),
    // Secrets the view used to keep (issue 17): a key behind a byte order mark, a secret setting inside a value.
    fc.tuple(fc.constantFrom('\uFEFFaws_secret_access_key', '\uFEFFmfa_process'), secretValue),
    fc.tuple(
      fc.constantFrom('region', 'output'),
      fc.tuple(fc.constantFrom(' ;', ' # ', ';', '\t#'), secretValue).map(([mark, sk]) => `eu-west-1${mark}aws_secret_access_key=${sk}`),
    ),
    fc.tuple(fc.constant('credential_process'), fc.constantFrom('/usr/bin/own-tool --x', '"/opt/a b/t" y')),
    fc.tuple(
      fc.constantFrom(
        'web_identity_token_file',
        'login_session',
        'sso_account_id',
        'sso_role_name',
        'sso_start_url',
        'sso_region',
        'sso_session',
      ),
      fc.constantFrom('v'),
    ),
    fc.tuple(fc.constant('s3'), fc.constant('\n    addressing_style = path\n    max_concurrent_requests = 4')),
  );
  // A profile is mostly one of the usual kinds, plus a few random settings on top.
  const template = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...names, 'base', 'base'), fc.boolean())
        .map(([source, mfa]) => [
          ['role_arn', 'arn:aws:iam::123456789012:role/R'],
          ['source_profile', source],
          ...(mfa ? [['mfa_serial', 'arn:aws:iam::123456789012:mfa/u']] : []),
        ]),
    },
    {
      weight: 4,
      arbitrary: secretValue.map((sk) => [
        ['aws_access_key_id', 'AKIAEXAMPLE000000000'],
        ['aws_secret_access_key', sk],
      ]),
    },
    {
      weight: 1,
      arbitrary: fc.constant([
        ['sso_account_id', '1'],
        ['sso_role_name', 'r'],
        ['sso_start_url', 'u'],
        ['sso_region', 'r'],
      ]),
    },
    { weight: 1, arbitrary: fc.constant([['credential_process', '/usr/bin/own-tool --x']]) },
    { weight: 2, arbitrary: fc.constant([] as string[][]) },
  );
  const settings = fc
    .tuple(template, fc.uniqueArray(setting, { maxLength: 4, selector: ([k]) => k.toLowerCase() }))
    .map(([base, extra]) => {
      const taken = new Set(base.map(([k]) => k!.toLowerCase()));
      return [...base, ...extra.filter(([k]) => !taken.has(k.toLowerCase()))] as [string, string][];
    });
  const comment = fc.oneof(
    fc.constant('# a comment'),
    secretValue.map((s) => `; aws_secret_access_key = ${s}`),
  );
  const configSection = fc
    .tuple(fc.constantFrom(...names, 'DEFAULT-section'), settings, indent, delim, fc.option(comment, { nil: undefined }))
    .chain(([name, body, ind, d, note]) =>
      (name === 'DEFAULT-section' ? fc.constant('[DEFAULT]') : header(name)).map((h) =>
        [h, ...(note ? [note] : []), ...body.map(([k, v]) => `${ind}${k}${d}${v}`)].join('\n'),
      ),
    );
  const credentialsSection = fc
    .tuple(fc.constantFrom(...names), settings, delim)
    .map(([name, body, d]) => [`[${name}]`, ...body.map(([k, v]) => `${k}${d}${v}`)].join('\n'));
  const file = (section: fc.Arbitrary<string>) =>
    fc.option(
      fc
        .tuple(fc.uniqueArray(section, { maxLength: 6, selector: (s) => s.split('\n')[0]!.trim() }), fc.constantFrom('\n', '\n', '\r\n'))
        .map(([s, eol]) => s.join('\n\n').replaceAll('\n', eol) + eol),
      { nil: undefined, freq: 8 },
    );

  const numRuns = Number(process.env.MFA_EXEC_FC_RUNS ?? 300);
  test(`property: ${numRuns} generated config/credentials pairs`, async (t) => {
    let built = 0;
    let served = 0;
    await fc.assert(
      fc.asyncProperty(file(configSection), file(credentialsSection), fc.boolean(), async (config, credentials, deferDefault) => {
        const view = await checker.check({
          name: JSON.stringify({ config, credentials, deferDefault }),
          config,
          credentials,
          deferDefault,
        });
        if (view) {
          built++;
          served += view.served.length;
        }
      }),
      { numRuns, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
    t.diagnostic(`${built} views built, ${served} profiles served`);
    assert.ok(built > numRuns / 3 && served > numRuns / 3, 'the generator builds views that serve profiles');
  });
});
