// Creates the spec's users, access keys, MFA devices, roles and policies in moto, before auth
// mode is switched on (moto then accepts any signature, so setup signs with dummy keys).
import type { FakeAwsSpec } from './spec.ts';
import { signRequest } from './sigv4.ts';
import { xmlField } from './sts-xml.ts';
import { totp } from './totp.ts';

export interface CreatedUser {
  name: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string;
  mfaSeed?: string;
  mfaRequired: boolean;
}

export interface CreatedRole {
  name: string;
  arn: string;
  trustedUsers: string[];
  trustedRoles: string[];
  externalId?: string;
  maxSessionDuration: number;
}

export interface CreatedAccount {
  accountId: string;
  users: Record<string, CreatedUser>;
  roles: Record<string, CreatedRole>;
}

const DEFAULT_ACCOUNT = '123456789012'; // moto's account when no user tells us otherwise

// What the identities may do in moto (which enforces identity policies in auth mode;
// sts:GetCallerIdentity is always allowed; GetSessionToken is answered by the front).
// Users manage their own access keys, as `mfa-exec rotate` needs.
const USER_ACTIONS = [
  'sts:AssumeRole',
  'iam:GetUser',
  'iam:ListMFADevices',
  'iam:CreateAccessKey',
  'iam:DeleteAccessKey',
  'iam:ListAccessKeys',
];
const ROLE_ACTIONS = ['sts:AssumeRole', 'iam:Get*', 'iam:List*'];

function allow(actions: string[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
}

async function iamCall(endpoint: string, action: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
  const contentType = 'application/x-www-form-urlencoded; charset=utf-8';
  const headers = await signRequest({
    method: 'POST',
    url: '/',
    host: new URL(endpoint).host,
    contentType,
    body,
    accessKeyId: 'AKIAHARNESSSETUP0000',
    secretAccessKey: 'setup',
    region: 'us-east-1',
    service: 'iam',
  });
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto IAM ${action} failed (${res.status}): ${text}`);
  return text;
}

function need(xml: string, tag: string, action: string): string {
  const v = xmlField(xml, tag);
  if (v === undefined) throw new Error(`moto IAM ${action}: no <${tag}> in ${xml}`);
  return v;
}

function trustPolicy(role: FakeAwsSpec['roles'][number], userArns: string[], accountId: string): string {
  if (role.trustedRoles?.length) {
    // moto matches a principal only by exact ARN, and a chained caller is an assumed-role
    // session ARN that is unknown in advance; so moto gets '*' and the front checks the trust
    // (users', roles' and the ExternalId). Only '*': beside a statement naming users, moto
    // refused every chained caller.
    return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] });
  }
  const statements: object[] = [];
  if (userArns.length > 0) {
    statements.push({
      Effect: 'Allow',
      Principal: { AWS: userArns },
      Action: 'sts:AssumeRole',
      ...(role.externalId ? { Condition: { StringEquals: { 'sts:ExternalId': role.externalId } } } : {}),
    });
  }
  if (statements.length === 0) {
    // A trust policy needs a statement; moto compares ARNs exactly, so this admits no one.
    statements.push({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export async function createAccount(endpoint: string, spec: FakeAwsSpec): Promise<CreatedAccount> {
  const users: Record<string, CreatedUser> = {};
  let accountId = '';
  for (const u of spec.users) {
    const arn = need(await iamCall(endpoint, 'CreateUser', { UserName: u.name }), 'Arn', 'CreateUser');
    accountId = arn.split(':')[4]!;
    const key = await iamCall(endpoint, 'CreateAccessKey', { UserName: u.name });
    await iamCall(endpoint, 'PutUserPolicy', { UserName: u.name, PolicyName: 'harness', PolicyDocument: allow(USER_ACTIONS) });
    const created: CreatedUser = {
      name: u.name,
      arn,
      accessKeyId: need(key, 'AccessKeyId', 'CreateAccessKey'),
      secretAccessKey: need(key, 'SecretAccessKey', 'CreateAccessKey'),
      mfaRequired: u.mfaRequired ?? false,
    };
    if (u.mfa) {
      const dev = await iamCall(endpoint, 'CreateVirtualMFADevice', { VirtualMFADeviceName: u.name });
      created.mfaSerial = need(dev, 'SerialNumber', 'CreateVirtualMFADevice');
      // A blob in the IAM API, so base64 of the base32 text (as at AWS).
      created.mfaSeed = Buffer.from(need(dev, 'Base32StringSeed', 'CreateVirtualMFADevice'), 'base64').toString();
      await iamCall(endpoint, 'EnableMFADevice', {
        UserName: u.name,
        SerialNumber: created.mfaSerial,
        AuthenticationCode1: totp(created.mfaSeed, Date.now(), -1),
        AuthenticationCode2: totp(created.mfaSeed),
      });
    }
    users[u.name] = created;
  }

  const roles: Record<string, CreatedRole> = {};
  for (const r of spec.roles) {
    const userArns = r.trustedUsers.map((n) => {
      const user = users[n];
      if (!user) throw new Error(`role ${r.name} trusts unknown user ${n}`);
      return user.arn;
    });
    const params: Record<string, string> = {
      RoleName: r.name,
      Path: r.path ?? '/',
      AssumeRolePolicyDocument: trustPolicy(r, userArns, accountId || DEFAULT_ACCOUNT),
    };
    if (r.maxSessionDuration) params['MaxSessionDuration'] = String(r.maxSessionDuration);
    const arn = need(await iamCall(endpoint, 'CreateRole', params), 'Arn', 'CreateRole');
    await iamCall(endpoint, 'PutRolePolicy', { RoleName: r.name, PolicyName: 'harness', PolicyDocument: allow(ROLE_ACTIONS) });
    roles[r.name] = {
      name: r.name,
      arn,
      trustedUsers: r.trustedUsers,
      trustedRoles: r.trustedRoles ?? [],
      ...(r.externalId ? { externalId: r.externalId } : {}),
      maxSessionDuration: r.maxSessionDuration ?? 3600,
    };
  }
  if (!accountId) accountId = DEFAULT_ACCOUNT;
  return { accountId, users, roles };
}
