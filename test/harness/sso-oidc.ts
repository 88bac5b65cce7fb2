// HTTP face of the fake SSO-OIDC service (restJson, noAuth; paths from the service model):
// POST /client/register, POST /device_authorization, POST /token; and the two browser pages a
// person would see: GET /authorize (302 back to the loopback redirect URI) and the device
// verification page GET /device + POST /device/approve.
import { type IdentityCenter, type OidcRefusal } from './identity-center.ts';
import { jsonError, type Incoming, type Reply, type Route } from './json-service.ts';

function parseJson(req: Incoming): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(req.body || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined);

function refused(r: OidcRefusal, note: Reply['note'] = {}): Reply {
  return jsonError(r.status ?? 400, r.refused, { error: r.error, error_description: r.description }, { reason: r.description, ...note });
}

const badJson = (): Reply =>
  jsonError(400, 'InvalidRequestException', { error: 'invalid_request', error_description: 'Body is not a JSON object' });

function page(status: number, title: string, body: string): Reply {
  const html = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>\n${body}\n</body></html>\n`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export function oidcRoutes(ic: IdentityCenter, endpoint: () => string): Route[] {
  return [
    {
      method: 'POST',
      path: '/client/register',
      op: 'RegisterClient',
      handle: (req) => {
        const b = parseJson(req);
        if (!b) return badJson();
        const reg = ic.register({
          clientName: str(b['clientName']),
          clientType: str(b['clientType']),
          scopes: strings(b['scopes']),
          grantTypes: strings(b['grantTypes']),
          redirectUris: strings(b['redirectUris']),
          issuerUrl: str(b['issuerUrl']),
        });
        if ('refused' in reg) return refused(reg);
        return {
          status: 200,
          body: {
            clientId: reg.clientId,
            clientSecret: reg.clientSecret,
            clientIdIssuedAt: reg.issuedAt / 1000,
            clientSecretExpiresAt: reg.expiresAt / 1000,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/device_authorization',
      op: 'StartDeviceAuthorization',
      handle: (req) => {
        const b = parseJson(req);
        if (!b) return badJson();
        const r = ic.startDevice(str(b['clientId']), str(b['clientSecret']), str(b['startUrl']), `${endpoint()}/device`);
        return 'refused' in r ? refused(r) : { status: 200, body: r };
      },
    },
    {
      method: 'POST',
      path: '/token',
      op: 'CreateToken',
      handle: (req) => {
        const b = parseJson(req);
        if (!b) return badJson();
        const grantType = str(b['grantType']) ?? '(none)';
        const r = ic.createToken({
          clientId: str(b['clientId']),
          clientSecret: str(b['clientSecret']),
          grantType: str(b['grantType']),
          deviceCode: str(b['deviceCode']),
          code: str(b['code']),
          refreshToken: str(b['refreshToken']),
          redirectUri: str(b['redirectUri']),
          codeVerifier: str(b['codeVerifier']),
        });
        if ('refused' in r) return refused(r, { grantType });
        return { status: 200, body: r, note: { grantType } };
      },
    },
    {
      method: 'GET',
      path: '/authorize',
      op: 'Authorize',
      handle: async (req) => {
        const r = ic.authorize(req.url.searchParams);
        if ('page' in r) return { ...page(r.status, 'Sign-in failed', `<p>${esc(r.page)}</p>`), note: { reason: r.page } };
        if (ic.approvalDelayMs > 0) await sleep(ic.approvalDelayMs); // the person takes a while to sign in
        const error = new URL(r.redirect).searchParams.get('error');
        return { status: 302, headers: { location: r.redirect }, body: '', note: error ? { errorCode: error } : {} };
      },
    },
    {
      method: 'GET',
      path: '/device',
      op: 'DevicePage',
      handle: (req) => {
        const code = req.url.searchParams.get('user_code') ?? '';
        // A form the browser stand-in submits as a person would press "Confirm and continue".
        return page(
          200,
          'Authorize request',
          `<form method="post" action="/device/approve">\n` +
            `<input ${code ? 'type="hidden"' : 'type="text"'} name="user_code" value="${esc(code)}">\n` +
            `<button type="submit">Confirm and continue</button>\n</form>`,
        );
      },
    },
    {
      method: 'POST',
      path: '/device/approve',
      op: 'DeviceApprove',
      handle: (req) => {
        const code = new URLSearchParams(req.body).get('user_code') ?? '';
        const outcome = code ? ic.approveUserCode(code) : 'unknown';
        if (outcome === 'approved') return page(200, 'Request approved', '<p>You can close this window.</p>');
        if (outcome === 'denied')
          return { ...page(200, 'Request denied', '<p>Access was denied.</p>'), note: { errorCode: 'access_denied' } };
        return { ...page(400, 'Invalid code', `<p>The code is ${outcome}.</p>`), note: { reason: `user code ${outcome}` } };
      },
    },
  ];
}
