/**
 * An IAM Identity Center profile's credentials: the portal's GetRoleCredentials for its account
 * and role, with the token of its sign-in (sso-token.ts). A token the portal refuses although it
 * looked valid (signed out elsewhere, revoked) is set aside and the token got anew once: a
 * refresh, or a sign-in when someone is there.
 */
import { getRoleCredentials, type SsoTokenRejectedError } from '../aws/sso.ts';
import type { Credentials } from '../aws/credentials.ts';
import { mask } from '../log.ts';
import { ssoAccessToken } from './sso-token.ts';
import type { SignInContext, SsoSignIn } from './types.ts';

export async function ssoRoleCredentials(source: SsoSignIn, ctx: SignInContext): Promise<Credentials> {
  const place = { region: source.region, timeoutMs: ctx.settings.stsTimeoutMs, profile: source.profile };
  const request = { accountId: source.accountId, roleName: source.roleName };
  let accessToken = await ssoAccessToken(source, ctx);
  ctx.logger.debug(`sso: GetRoleCredentials for role ${source.roleName} in account ${source.accountId}`);
  let creds: Credentials;
  try {
    creds = await getRoleCredentials({ ...request, accessToken }, place);
  } catch (error) {
    if (!(error as Partial<SsoTokenRejectedError>).tokenRejected) throw error;
    ctx.logger.debug(`sso: ${(error as Error).message} Getting a token anew.`);
    accessToken = await ssoAccessToken(source, ctx, accessToken);
    creds = await getRoleCredentials({ ...request, accessToken }, place);
  }
  ctx.logger.debug(`sso: role credentials ${mask(creds.accessKeyId)} valid until ${creds.expiration?.toISOString()}`);
  return creds;
}
