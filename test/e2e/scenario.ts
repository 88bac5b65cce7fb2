// The user's setup from the original report, with plain names: the profile 'source' holds the
// long-term keys, the profile 'role' is a role in another account behind MFA with an external id
// (GEHC-000 and GEHC-056 in the report). Plus a second role behind the same MFA device
// ('reader') and an MFA-only user ('bob'), in a temp HOME with a shim directory. Shared by the
// e2e tests of the built CLI.
import { mkdir, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI_PATH, baseEnv, makeHome, writeAwsFiles, type FakeAws, type TempHome } from '../harness/index.ts';

/** Users with an MFA device, one per test, so no test waits for another's 30 s code window. */
export const MFA_USERS = Array.from({ length: 12 }, (_, i) => `user${i + 1}`);

export const SPEC = {
  users: [
    ...MFA_USERS.map((name) => ({ name, mfa: true, mfaRequired: true })),
    { name: 'bob', mfa: true, mfaRequired: true },
    { name: 'carol' },
  ],
  roles: [
    { name: 'hc-master', path: '/hc/', trustedUsers: MFA_USERS, externalId: '730993910069', maxSessionDuration: 14400 },
    { name: 'reader', trustedUsers: [...MFA_USERS, 'carol'] },
  ],
};

let nextUser = 0;
/** A user (with MFA device) no other test in this process has used. */
export function freshUser(): string {
  const user = MFA_USERS[nextUser++ % MFA_USERS.length]!;
  return user;
}

export interface Scenario {
  home: string;
  shims: string;
  env: NodeJS.ProcessEnv;
  /** The MFA user whose keys the profile 'source' holds in this scenario, and its device. */
  user: string;
  serial: string;
  bobSerial: string;
  /** Creates shims/<name> → dist/cli.js. */
  shim(name: string): Promise<string>;
  cleanup(): Promise<void>;
}

export function configText(aws: FakeAws, user: string): string {
  return `[default]
region = us-west-2

[profile source]
region = us-west-2
output = json

[profile role]
source_profile = source
role_arn = ${aws.roles['hc-master']!.arn}
mfa_serial = ${aws.users[user]!.mfaSerial}
external_id = 730993910069
region = eu-central-1

[profile reader]
source_profile = source
role_arn = ${aws.roles.reader!.arn}
mfa_serial = ${aws.users[user]!.mfaSerial}

[profile bob]
mfa_serial = ${aws.users.bob!.mfaSerial}
region = ap-southeast-2

[profile carol-reader]
source_profile = carol
role_arn = ${aws.roles.reader!.arn}
`;
}

export function credentialsText(aws: FakeAws, user: string): string {
  const keys = (u: string) =>
    `aws_access_key_id = ${aws.users[u]!.accessKeyId}\naws_secret_access_key = ${aws.users[u]!.secretAccessKey}\n`;
  return `[source]\n${keys(user)}\n[bob]\n${keys('bob')}\n[carol]\n${keys('carol')}`;
}

export async function makeScenario(aws: FakeAws, user: string = freshUser()): Promise<Scenario> {
  const temp: TempHome = await makeHome();
  await writeAwsFiles(temp.home, { config: configText(aws, user), credentials: credentialsText(aws, user) });
  const shims = join(temp.home, 'shims');
  await mkdir(shims);
  const env = baseEnv(temp.home, aws);
  env.PATH = `${shims}:${env.PATH}`;
  return {
    home: temp.home,
    shims,
    env,
    user,
    serial: aws.users[user]!.mfaSerial!,
    bobSerial: aws.users.bob!.mfaSerial!,
    async shim(name) {
      const file = join(shims, name);
      await symlink(CLI_PATH, file);
      return file;
    },
    cleanup: temp.cleanup,
  };
}

/** Writes an executable script. */
export async function script(file: string, body: string): Promise<string> {
  await writeFile(file, body);
  await chmod(file, 0o755);
  return file;
}

export function callerArn(stdout: string): string {
  return (JSON.parse(stdout) as { Arn: string }).Arn;
}
