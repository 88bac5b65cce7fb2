// Real STS calls that the SSO and Signin fakes make through the front, so the credentials they
// hand out are ones the front and moto know: AssumeRole (an IAM Identity Center permission set's
// role) and GetSessionToken (an `aws login` console session of an IAM user).
import { signRequest } from './sigv4.ts';
import { xmlField } from './sts-xml.ts';

export interface LongTermKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface MintedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number; // ms since epoch
  /** Who the credentials act as (assumed-role ARN, or the user's ARN for GetSessionToken). */
  arn?: string;
}

async function stsCall(endpoint: string, keys: LongTermKeys, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ Version: '2011-06-15', ...params }).toString();
  const contentType = 'application/x-www-form-urlencoded; charset=utf-8';
  const headers = await signRequest({
    method: 'POST',
    url: '/',
    host: new URL(endpoint).host,
    contentType,
    body,
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    region: 'us-east-1',
    service: 'sts',
  });
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`harness STS ${params['Action']} failed (${res.status}): ${xmlField(text, 'Message') ?? text}`);
  return text;
}

function credentials(xml: string, action: string): MintedCredentials {
  const get = (tag: string): string => {
    const v = xmlField(xml, tag, 'Credentials');
    if (v === undefined) throw new Error(`harness STS ${action}: no <${tag}> in ${xml}`);
    return v;
  };
  const arn = xmlField(xml, 'Arn', 'AssumedRoleUser');
  return {
    accessKeyId: get('AccessKeyId'),
    secretAccessKey: get('SecretAccessKey'),
    sessionToken: get('SessionToken'),
    expiresAt: Date.parse(get('Expiration')),
    ...(arn ? { arn } : {}),
  };
}

export async function assumeRole(
  endpoint: string,
  keys: LongTermKeys,
  roleArn: string,
  sessionName: string,
  durationSeconds: number,
): Promise<MintedCredentials> {
  const xml = await stsCall(endpoint, keys, {
    Action: 'AssumeRole',
    RoleArn: roleArn,
    RoleSessionName: sessionName,
    DurationSeconds: String(durationSeconds),
  });
  return credentials(xml, 'AssumeRole');
}

export async function getSessionToken(endpoint: string, keys: LongTermKeys, durationSeconds: number): Promise<MintedCredentials> {
  const xml = await stsCall(endpoint, keys, { Action: 'GetSessionToken', DurationSeconds: String(durationSeconds) });
  return credentials(xml, 'GetSessionToken');
}
