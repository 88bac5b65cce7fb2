/**
 * The console's federation endpoint (IAM user guide, "Enable custom identity broker access to
 * the AWS console"): temporary credentials → a sign-in token (getSigninToken) → the login URL
 * that opens the console as them. Only AssumeRole* and GetFederationToken credentials are
 * accepted; mfa-exec never sends GetSessionToken credentials (commands/console.ts).
 *
 * Everything here is a secret: the Session (the credentials) goes in a POST body, never a URL;
 * the sign-in token and the login URL are bearer secrets for 15 minutes. None of them is logged or
 * put in an error; the endpoint's own answer to a refusal is shown only when it holds none of them.
 *
 * No SessionDuration is sent: the console session then lasts as long as the credentials do (the
 * docs), and it fails with GetFederationToken credentials, with role-chained ones, and (the docs
 * again) with AssumeRole credentials that were not made from long-term keys. `-d` sets the
 * credentials' lifetime instead (docs/commands.md "console").
 */
import type { Credentials } from './credentials.ts';
import { ExitCode, MfaExecError } from '../errors.ts';
import { forDisplay } from '../printable.ts';

export interface SigninContext {
  /** The federation endpoint (federationUrl(partition), or MFA_EXEC_FEDERATION_URL). */
  url: string;
  timeoutMs: number;
  /** For errors: the profile, and what to try when the endpoint refuses these credentials. */
  profile: string;
  refusedHint: string;
  fetch?: typeof fetch;
}

/** Exchanges `creds` for a sign-in token. */
export async function getSigninToken(creds: Credentials, ctx: SigninContext): Promise<string> {
  const session = JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
  const where = `the AWS sign-in endpoint ${forDisplay(ctx.url)}`;
  let res: Response;
  let text: string;
  try {
    res = await (ctx.fetch ?? fetch)(ctx.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ Action: 'getSigninToken', Session: session }).toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
    text = await res.text();
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer in ${ctx.timeoutMs / 1000} s (MFA_EXEC_STS_TIMEOUT)` : (e.cause?.code ?? e.name);
    throw new MfaExecError(
      `Cannot reach ${where} (${why}) for profile '${ctx.profile}'. Check the network and proxy settings.`,
      ExitCode.stsUnavailable,
    );
  }
  if (res.ok) {
    let token: unknown;
    try {
      token = (JSON.parse(text) as { SigninToken?: unknown }).SigninToken;
    } catch {
      token = undefined;
    }
    if (typeof token === 'string' && token) return token;
    throw new MfaExecError(
      `${capital(where)} answered without a sign-in token (HTTP ${res.status}) for profile '${ctx.profile}'.`,
      ExitCode.stsUnavailable,
    );
  }
  const said = safeToShow(text, creds);
  if (res.status >= 500) {
    throw new MfaExecError(
      `${capital(where)} failed with HTTP ${res.status}${said ? ` (${said})` : ''} for profile '${ctx.profile}'. Try again later.`,
      ExitCode.stsUnavailable,
    );
  }
  throw new MfaExecError(
    `${capital(where)} refused the credentials of profile '${ctx.profile}' for the console (HTTP ${res.status}${said ? `: ${said}` : ''}). ${ctx.refusedHint}`,
    ExitCode.stsDenied,
  );
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The endpoint's words, when they are one short line holding none of the credentials. */
function safeToShow(text: string, creds: Credentials): string {
  const line = text.trim();
  if (!line || line.length > 200 || /[\r\n]/.test(line)) return '';
  const secrets = [creds.secretAccessKey, creds.sessionToken ?? ''].filter((s) => s.length > 8);
  if (secrets.some((s) => line.includes(s) || line.includes(encodeURIComponent(s)))) return '';
  return forDisplay(line);
}

/** The URL that signs the browser in and lands on `destination`: a bearer secret for 15 minutes. */
export function loginUrl(federation: string, signinToken: string, destination: string): string {
  const url = new URL(federation);
  url.search = new URLSearchParams({ Action: 'login', Destination: destination, SigninToken: signinToken }).toString();
  return url.href;
}
