/**
 * A new IAM Identity Center sign-in, made by mfa-exec itself (the AWS CLI v1 has no `sso login`):
 * the flow the AWS CLI v2 would choose (signInFlow), the registration it is made with
 * (sso-registration.ts), the browser opened (`$BROWSER`, else the platform's opener: open-url.ts)
 * and what the person must be told said through the run's prompt: the page to open when no
 * browser could be, and the device code. Neither the authorize URL nor the device code is a
 * credential; the code the browser brings back, the tokens and the client secret are never shown.
 */
import type { AwsPlace } from '../aws/client.ts';
import { oidcBase, startDeviceAuthorization, createToken, type IssuedToken, type Registration } from '../aws/sso-oidc.ts';
import { openUrl } from '../open-url.ts';
import { pollForToken } from './sso-device.ts';
import { authorizeUrl, codeChallenge, codeVerifier, listenForCallback } from './sso-pkce.ts';
import { DEFAULT_SCOPES, registrationFor, type Flow } from './sso-registration.ts';
import { describeSignIn } from './sso-token-state.ts';
import type { SignInContext, SsoSignIn } from './types.ts';

/**
 * Pure: PKCE with a loopback redirect where a browser on this machine can come back to it;
 * otherwise the device code: for --no-browser, over SSH with no display and no $BROWSER, and for
 * the legacy form (as the CLI v2: `aws sso login` uses the device code for it).
 */
export function signInFlow(source: Pick<SsoSignIn, 'session'>, ctx: { noBrowser?: boolean; env: SignInContext['env'] }): Flow {
  if (source.session === undefined || ctx.noBrowser) return 'device';
  const { env } = ctx;
  const remote = !!(env.SSH_CONNECTION || env.SSH_TTY) && !env.BROWSER && !env.DISPLAY && !env.WAYLAND_DISPLAY;
  return remote ? 'device' : 'pkce';
}

export interface SignedIn {
  token: IssuedToken;
  registration: Registration;
}

export async function signIn(source: SsoSignIn, ctx: SignInContext): Promise<SignedIn> {
  const place: AwsPlace = { region: source.region, timeoutMs: ctx.settings.stsTimeoutMs };
  const flow = signInFlow(source, ctx);
  ctx.logger.debug(`sso: signing in to ${source.startUrl} (${flow === 'pkce' ? 'authorization code with PKCE' : 'device code'})`);
  const registration = await registrationFor(source, flow, source.startUrl, place, ctx);
  const token = flow === 'pkce' ? await withPkce(source, registration, place, ctx) : await withDeviceCode(source, registration, place, ctx);
  return { token, registration };
}

async function withPkce(source: SsoSignIn, registration: Registration, place: AwsPlace, ctx: SignInContext): Promise<IssuedToken> {
  const base = await oidcBase(place);
  const callback = await listenForCallback();
  try {
    const verifier = codeVerifier();
    const url = authorizeUrl(base, {
      clientId: registration.clientId,
      redirectUri: callback.redirectUri,
      state: callback.state,
      challenge: codeChallenge(verifier),
      scopes: source.scopes ?? DEFAULT_SCOPES,
    });
    const what = `${describeSignIn(source)} for profile '${source.profile}'`;
    const opened = await openUrl(url, { env: ctx.env });
    ctx.prompt.say(
      opened
        ? `signing in to ${what} in the browser (waiting for it to finish)`
        : `signing in to ${what}: open this page in a browser on this machine: ${url}`,
    );
    const code = await callback.code;
    ctx.logger.debug('sso: the browser came back with a code; CreateToken (authorization_code)');
    return await createToken(
      registration,
      { grantType: 'authorization_code', code, redirectUri: callback.redirectUri, codeVerifier: verifier },
      place,
    );
  } finally {
    callback.close();
  }
}

async function withDeviceCode(source: SsoSignIn, registration: Registration, place: AwsPlace, ctx: SignInContext): Promise<IssuedToken> {
  const device = await startDeviceAuthorization({ ...registration, startUrl: source.startUrl }, place);
  const opened = ctx.noBrowser ? undefined : await openUrl(device.verificationUriComplete ?? device.verificationUri, { env: ctx.env });
  ctx.prompt.say(
    `to sign in to ${describeSignIn(source)} for profile '${source.profile}', ${
      opened
        ? `confirm the code ${device.userCode} in the browser just opened`
        : `open ${device.verificationUri} and confirm the code ${device.userCode}`
    }`,
  );
  return pollForToken(registration, device, place, { now: ctx.now });
}
