// The STS query-protocol XML the front writes, and a tiny reader for the fields it needs.
import { randomUUID } from 'node:crypto';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface StsReply {
  status: number;
  body: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function stsError(status: number, code: string, message: string, type = 'Sender'): StsReply {
  return {
    status,
    body:
      `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n` +
      `    <Message>${esc(message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
  };
}

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number; // ms since epoch
}

/** AWS writes Expiration without milliseconds: 2024-01-01T12:00:00Z. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function credentialsXml(c: SessionCredentials): string {
  return (
    `    <Credentials>\n` +
    `      <AccessKeyId>${c.accessKeyId}</AccessKeyId>\n` +
    `      <SecretAccessKey>${esc(c.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${esc(c.sessionToken)}</SessionToken>\n` +
    `      <Expiration>${isoSeconds(c.expiresAt)}</Expiration>\n` +
    `    </Credentials>\n`
  );
}

/** <{action}Response> with `result` inside <{action}Result>, and a request id. */
function response(action: string, result: string): StsReply {
  return {
    status: 200,
    body:
      `<${action}Response xmlns="${NS}">\n  <${action}Result>\n${result}  </${action}Result>\n` +
      `  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`,
  };
}

export function getSessionTokenResponse(c: SessionCredentials): StsReply {
  return response('GetSessionToken', credentialsXml(c));
}

export function getFederationTokenResponse(c: SessionCredentials & { arn: string; name: string }, packedPolicySize?: number): StsReply {
  const accountId = c.arn.split(':')[4]!;
  return response(
    'GetFederationToken',
    credentialsXml(c) +
      `    <FederatedUser>\n      <FederatedUserId>${accountId}:${esc(c.name)}</FederatedUserId>\n      <Arn>${esc(c.arn)}</Arn>\n    </FederatedUser>\n` +
      (packedPolicySize === undefined ? '' : `    <PackedPolicySize>${packedPolicySize}</PackedPolicySize>\n`),
  );
}

/** What AWS answers a federated user (GetFederationToken credentials). */
export function getCallerIdentityResponse(arn: string, userId: string): StsReply {
  const accountId = arn.split(':')[4]!;
  return response(
    'GetCallerIdentity',
    `    <Arn>${esc(arn)}</Arn>\n    <UserId>${esc(userId)}</UserId>\n    <Account>${accountId}</Account>\n`,
  );
}

/** First <tag>…</tag> inside `xml` (optionally inside the first <within> element). */
export function xmlField(xml: string, tag: string, within?: string): string | undefined {
  let scope = xml;
  if (within) {
    const outer = new RegExp(`<${within}>([\\s\\S]*?)</${within}>`).exec(xml);
    if (!outer) return undefined;
    scope = outer[1]!;
  }
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(scope);
  return m ? m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : undefined;
}
