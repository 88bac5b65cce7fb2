// What the front decides before moto sees a request: the parts of STS that moto does not
// implement (real TOTP checks, GetSessionToken and GetFederationToken credentials that work,
// deny-unless-MFA, ExternalId when missing, role chaining trust, session duration limits, expiry).
import type { CreatedAccount, CreatedRole } from './iam-setup.ts';
import type { KeyRing, KnownKey, LongTermKey } from './keyring.ts';
import type { MfaDevices } from './mfa-devices.ts';
import { parseAuthorization, verifySignature, type RawRequest } from './sigv4.ts';
import { getCallerIdentityResponse, getFederationTokenResponse, getSessionTokenResponse, stsError, type StsReply } from './sts-xml.ts';

export const MFA_INVALID = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
export const MFA_INCOMPLETE = 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.';
const SIG_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export type Decision =
  | { reply: StsReply }
  | { forward: 'verbatim' } // moto verifies the signature itself
  | { forward: 'resign'; as: LongTermKey }; // signed with a minted session key moto never saw

/** Facts about the call that end up in the front's log. */
export interface CallNotes {
  accessKeyId?: string;
  serialNumber?: string;
  tokenCodeOk?: boolean;
}

export interface RulesContext {
  account: CreatedAccount;
  keys: KeyRing;
  mfa: MfaDevices;
  now(): number;
}

const validation = (message: string): { reply: StsReply } => ({ reply: stsError(400, 'ValidationError', message) });
const denied = (message: string): { reply: StsReply } => ({ reply: stsError(403, 'AccessDenied', message) });

function durationError(value: string | null, min: number, max: number): string | undefined {
  if (value === null) return undefined;
  const d = Number(value);
  const v = `1 validation error detected: Value '${value}' at 'durationSeconds' failed to satisfy constraint: Member must`;
  if (!Number.isInteger(d)) return `${v} be an integer`;
  if (d < min) return `${v} have value greater than or equal to ${min}`;
  if (d > max) return `${v} have value less than or equal to ${max}`;
  return undefined;
}

/** GetFederationToken's Name: required, 2 to 32 characters of [\w+=,.@-]. */
function federatedNameError(name: string | null): string | undefined {
  if (name === null) return "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null";
  const v = `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must`;
  if (name.length < 2) return `${v} have length greater than or equal to 2`;
  if (name.length > 32) return `${v} have length less than or equal to 32`;
  if (!/^[\w+=,.@-]*$/.test(name)) return `${v} satisfy regular expression pattern: [\\w+=,.@-]*`;
  return undefined;
}

function tokenCodeError(code: string): string | undefined {
  const v = `1 validation error detected: Value '${code}' at 'tokenCode' failed to satisfy constraint: Member must`;
  if (code.length < 6) return `${v} have length greater than or equal to 6`;
  if (code.length > 6) return `${v} have length less than or equal to 6`;
  if (!/^\d+$/.test(code)) return `${v} satisfy regular expression pattern: [\\d]*`;
  return undefined;
}

/** undefined: no MFA in the request; true: a valid code was consumed; or the refusal. */
function checkMfa(ctx: RulesContext, params: URLSearchParams, key: KnownKey, notes: CallNotes): true | undefined | { reply: StsReply } {
  const serial = params.get('SerialNumber');
  const code = params.get('TokenCode');
  if (serial === null && code === null) return undefined;
  if (serial !== null) notes.serialNumber = serial;
  if (serial === null || code === null) return denied(MFA_INCOMPLETE);
  const invalid = tokenCodeError(code);
  if (invalid) return validation(invalid);
  const owner = key.kind === 'user' || key.kind === 'session' ? key.user : '';
  const result = ctx.mfa.consume(serial, code, owner, ctx.now());
  notes.tokenCodeOk = result === 'ok';
  return result === 'ok' ? true : denied(MFA_INVALID);
}

function getSessionToken(ctx: RulesContext, params: URLSearchParams, key: KnownKey, notes: CallNotes): Decision {
  if (key.kind !== 'user') return denied('Cannot call GetSessionToken with session credentials');
  const bad = durationError(params.get('DurationSeconds'), 900, 129_600);
  if (bad) return validation(bad);
  const mfa = checkMfa(ctx, params, key, notes);
  if (mfa !== undefined && mfa !== true) return mfa;
  const duration = Number(params.get('DurationSeconds') ?? 43_200);
  const session = ctx.keys.mint(key, duration, mfa === true, ctx.now());
  return { reply: getSessionTokenResponse(session) };
}

function getFederationToken(ctx: RulesContext, params: URLSearchParams, key: KnownKey): Decision {
  if (key.kind !== 'user') return denied('Cannot call GetFederationToken with session credentials');
  const name = params.get('Name');
  const bad = federatedNameError(name) ?? durationError(params.get('DurationSeconds'), 900, 129_600);
  if (bad) return validation(bad);
  // A deny-unless-MFA policy denies this call too: long-term keys never carry MFA.
  if (ctx.account.users[key.user]?.mfaRequired) {
    const resource = `arn:aws:sts::${ctx.account.accountId}:federated-user/${name}`;
    return denied(
      `User: ${key.arn} is not authorized to perform: sts:GetFederationToken on resource: ${resource} with an explicit deny in an identity-based policy`,
    );
  }
  const policy = params.get('Policy');
  if (policy !== null) {
    try {
      JSON.parse(policy);
    } catch {
      return { reply: stsError(400, 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.') };
    }
  }
  const duration = Number(params.get('DurationSeconds') ?? 43_200);
  const session = ctx.keys.mintFederation(key, name!, duration, ctx.now());
  // The session policy would narrow what the keys may do; the front only records that it came.
  return { reply: getFederationTokenResponse(session, policy === null ? undefined : Math.min(100, Math.ceil(policy.length / 20))) };
}

function assumeRole(ctx: RulesContext, params: URLSearchParams, key: KnownKey, notes: CallNotes): Decision | undefined {
  const roleArn = params.get('RoleArn') ?? '';
  const notAuthorized = (suffix = ''): { reply: StsReply } =>
    denied(`User: ${key.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}${suffix}`);

  const mfa = checkMfa(ctx, params, key, notes);
  if (mfa !== undefined && mfa !== true) return mfa;
  const mfaPresent = mfa === true || (key.kind === 'session' && key.mfa);
  const user = key.kind === 'user' || key.kind === 'session' ? ctx.account.users[key.user] : undefined;
  if (user?.mfaRequired && !mfaPresent) return notAuthorized(' with an explicit deny in an identity-based policy');

  // moto hands out credentials even for roles that do not exist.
  const role: CreatedRole | undefined = Object.values(ctx.account.roles).find((r) => r.arn === roleArn);
  if (!role) return notAuthorized();
  // Trust is moto's job, except where it cannot judge: chained callers (assumed-role ARNs)
  // and roles whose moto trust policy therefore admits '*'.
  if (key.kind === 'role' || role.trustedRoles.length > 0) {
    const trusted = key.kind === 'role' ? role.trustedRoles.includes(key.role) : role.trustedUsers.includes(key.user);
    if (!trusted) return notAuthorized();
  }
  // moto refuses a wrong ExternalId but lets a missing one through.
  if (role.externalId !== undefined && params.get('ExternalId') !== role.externalId) return notAuthorized();

  const bad = durationError(params.get('DurationSeconds'), 900, 43_200);
  if (bad) return validation(bad);
  const duration = Number(params.get('DurationSeconds') ?? 3600);
  if (key.kind === 'role' && duration > 3600)
    return validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  if (duration > role.maxSessionDuration)
    return validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  return undefined;
}

export async function decide(ctx: RulesContext, req: RawRequest, params: URLSearchParams, notes: CallNotes): Promise<Decision> {
  const action = params.get('Action');
  const auth = parseAuthorization(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
  if (!auth) return { forward: 'verbatim' };
  notes.accessKeyId = auth.accessKeyId;
  const key = ctx.keys.get(auth.accessKeyId);
  if (!key) {
    // moto would answer these with keys nobody can use (GetFederationToken: AWS's example keys).
    if (action !== 'GetSessionToken' && action !== 'GetFederationToken') return { forward: 'verbatim' };
    return { reply: stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.') };
  }
  if (!(await verifySignature(req, auth, key.secretAccessKey))) return { reply: stsError(403, 'SignatureDoesNotMatch', SIG_MISMATCH) };
  const token = req.headers['x-amz-security-token'];
  if (key.kind === 'user' ? token !== undefined : token !== key.sessionToken)
    return { reply: stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.') };
  if (key.kind !== 'user' && key.expiresAt <= ctx.now())
    return { reply: stsError(403, 'ExpiredToken', 'The security token included in the request is expired') };

  if (action === 'GetSessionToken') return getSessionToken(ctx, params, key, notes);
  if (action === 'GetFederationToken') return getFederationToken(ctx, params, key);
  if (key.kind === 'federation') {
    // AWS lets federation credentials call no STS or IAM action but GetCallerIdentity, which
    // answers the federated user (moto would answer the user whose keys made them).
    if (action === 'GetCallerIdentity') return { reply: getCallerIdentityResponse(key.arn, `${key.arn.split(':')[4]}:${key.name}`) };
    return denied(`User: ${key.arn} is not authorized to perform: ${auth.service}:${action}`);
  }
  if (action === 'AssumeRole') {
    const refusal = assumeRole(ctx, params, key, notes);
    if (refusal) return refusal;
  }
  if (key.kind === 'session') {
    // The session acts as the key that made it; if that key was deleted since, moto refuses it.
    const longTerm = ctx.keys.get(key.sourceKeyId);
    const as: LongTermKey =
      longTerm?.kind === 'user'
        ? longTerm
        : { kind: 'user', user: key.user, arn: key.arn, accessKeyId: key.sourceKeyId, secretAccessKey: 'deleted' };
    return { forward: 'resign', as };
  }
  return { forward: 'verbatim' };
}
