// HTTP face of the fake SSO portal (service "SSO", restJson, unsigned): GetRoleCredentials
// (GET /federation/credentials?role_name=&account_id= with the x-amz-sso_bearer_token header)
// and Logout (POST /logout). Role credentials come from a real AssumeRole through the front,
// made by the broker user that every permission-set role trusts (see sso-roles.ts).
import type { IdentityCenter } from './identity-center.ts';
import { DEFAULT_SCOPE } from './identity-center.ts';
import { jsonError, type Reply, type Route, type SsoLogEntry } from './json-service.ts';
import type { MintedCredentials } from './sts-mint.ts';

export interface PortalRoles {
  accountId: string;
  /** Permission sets (role names as GetRoleCredentials names them) the user is assigned. */
  assigned: Set<string>;
  /** Mints credentials for the permission set's role, acting as the signed-in user. */
  mint(roleName: string): Promise<MintedCredentials>;
}

const unauthorized = (reason: string, note: Partial<SsoLogEntry> = {}): Reply =>
  jsonError(401, 'UnauthorizedException', { message: 'Session token not found or invalid' }, { reason, ...note });

export function portalRoutes(ic: IdentityCenter, roles: PortalRoles): Route[] {
  return [
    {
      method: 'GET',
      path: '/federation/credentials',
      op: 'GetRoleCredentials',
      handle: async (req) => {
        const roleName = req.url.searchParams.get('role_name') ?? '';
        const accountId = req.url.searchParams.get('account_id') ?? '';
        const note = { roleName, accountId };
        if (!roleName || !accountId)
          return jsonError(400, 'InvalidRequestException', { message: 'role_name and account_id are required' }, note);
        const header = req.headers['x-amz-sso_bearer_token'];
        const check = ic.checkAccessToken(typeof header === 'string' ? header : undefined);
        if (!check.ok) return unauthorized(check.reason, note);
        // (inf) A token registered only for other scopes cannot reach account roles. AWS answers
        // an unassigned role with an unmodelled 403 ForbiddenException "No access".
        const scoped = check.scopes.length === 0 || check.scopes.includes(DEFAULT_SCOPE);
        if (!scoped || accountId !== roles.accountId || !roles.assigned.has(roleName))
          return jsonError(403, 'ForbiddenException', { message: 'No access' }, { ...note, reason: 'role not assigned to the user' });
        const c = await roles.mint(roleName);
        return {
          status: 200,
          body: {
            roleCredentials: {
              accessKeyId: c.accessKeyId,
              secretAccessKey: c.secretAccessKey,
              sessionToken: c.sessionToken,
              expiration: c.expiresAt,
            },
          },
          note,
        };
      },
    },
    {
      method: 'POST',
      path: '/logout',
      op: 'Logout',
      handle: (req) => {
        const header = req.headers['x-amz-sso_bearer_token'];
        if (typeof header !== 'string' || !ic.logout(header)) return unauthorized('unknown access token');
        return { status: 200, body: '' };
      },
    },
  ];
}
