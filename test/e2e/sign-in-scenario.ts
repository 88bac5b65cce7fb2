// What the sign-in e2e tests share (issue 19): a fake AWS with IAM Identity Center roles and
// users for `aws login`, the SSO, SSO-OIDC and Sign-In fakes, a $BROWSER stand-in, and a temp
// HOME per test whose ~/.aws/config holds an sso-session profile per permission set, a legacy
// SSO profile, roles from them, and `aws login` profiles.
import { mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  baseEnv,
  CLI_PATH,
  makeBrowser,
  makeHome,
  ssoRoleName,
  startFakeAws,
  startSsoFakes,
  withSsoRoles,
  writeAwsFiles,
  type FakeAws,
  type FakeBrowser,
  type LoginSession,
  type SsoFakes,
} from '../harness/index.ts';

export const REGION = 'us-east-1';

export interface SignInWorld {
  aws: FakeAws;
  sso: SsoFakes;
  close(): Promise<void>;
}

/** alice (an IAM user with an MFA device, for `aws login`), Dev and Admin permission sets assigned, a role `deploy` trusting Dev's role and alice. */
export async function startSignInWorld(): Promise<SignInWorld> {
  const aws = await startFakeAws(
    withSsoRoles(
      {
        users: [{ name: 'alice', mfa: true }, { name: 'bob' }],
        roles: [
          { name: 'deploy', trustedUsers: ['alice'], trustedRoles: [ssoRoleName('Dev')] },
          { name: 'ops', trustedUsers: ['alice', 'bob'] },
        ],
      },
      ['Dev', 'Admin'],
    ),
  );
  const sso = await startSsoFakes(aws, { region: REGION, permissionSets: ['Dev', 'Admin'] });
  return {
    aws,
    sso,
    close: async () => {
      await Promise.all([sso.close(), aws.close()]);
    },
  };
}

export interface SignInHome {
  home: string;
  shims: string;
  /** This test's $BROWSER stand-in (what it opened, and the visits it finished). */
  browser: FakeBrowser;
  /** baseEnv + the fakes' endpoints + $BROWSER + the shims first on PATH. */
  env: NodeJS.ProcessEnv;
  shim(name: string): Promise<string>;
  cleanup(): Promise<void>;
}

export function signInConfig(w: SignInWorld, login?: LoginSession): string {
  const { aws, sso } = w;
  return (
    sso.ssoConfig({ profile: 'sso-dev', permissionSet: 'Dev' }) +
    `\n[profile sso-admin]\nsso_session = corp\nsso_account_id = ${aws.accountId}\nsso_role_name = Admin\nregion = ${REGION}\n` +
    `\n[profile sso-deploy]\nsource_profile = sso-dev\nrole_arn = ${aws.roles.deploy!.arn}\nregion = ${REGION}\n` +
    `\n${sso.ssoConfig({ profile: 'sso-legacy', permissionSet: 'Admin', legacy: true })}` +
    (login
      ? `\n[profile console]\nlogin_session = ${login.loginSession}\nregion = ${REGION}\n` +
        `\n[profile console-deploy]\nsource_profile = console\nrole_arn = ${aws.roles.deploy!.arn}\nmfa_serial = ${aws.users.alice!.mfaSerial}\nregion = ${REGION}\n`
      : '')
  );
}

export async function makeSignInHome(w: SignInWorld, login?: LoginSession): Promise<SignInHome> {
  const temp = await makeHome();
  await writeAwsFiles(temp.home, { config: signInConfig(w, login) });
  const shims = join(temp.home, 'shims');
  await mkdir(shims);
  const browser = await makeBrowser();
  const env: NodeJS.ProcessEnv = { ...baseEnv(temp.home, w.aws), ...w.sso.env, ...browser.env };
  env.PATH = `${shims}:${env.PATH}`;
  return {
    home: temp.home,
    shims,
    browser,
    env,
    async shim(name) {
      const file = join(shims, name);
      await symlink(CLI_PATH, file);
      return file;
    },
    cleanup: async () => {
      await Promise.all([temp.cleanup(), browser.cleanup()]);
    },
  };
}

/** Every file under `dir` (recursively) with its text, for scans for secrets. */
export async function textsUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir, { recursive: true })) {
    const file = join(dir, name);
    if ((await stat(file)).isFile()) out[file] = await readFile(file, 'utf8');
  }
  return out;
}

/** One line of `sh -c` that runs `count` commands at once and fails if any failed. */
export function inParallel(count: number, command: string): string {
  return `pids=""; for i in $(seq ${count}); do ${command} & pids="$pids $!"; done; fail=0; for p in $pids; do wait $p || fail=1; done; exit $fail`;
}
