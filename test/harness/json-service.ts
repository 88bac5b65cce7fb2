// A loopback HTTP server for one AWS restJson service (or a browser page of one): routes by
// method and path, counts calls per operation, keeps a log without secrets, injects faults.
// The SSO portal, SSO-OIDC and Signin fakes are each one of these, sharing counters and log.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';

export type ServiceName = 'portal' | 'oidc' | 'signin';
export type JsonFaultKind = '500' | 'throttle' | 'hang' | 'close';

export interface SsoLogEntry {
  service: ServiceName;
  op: string;
  status: number; // 0 for 'hang' and 'close'
  by: 'fake' | 'fault';
  errorCode?: string;
  /** CreateToken / CreateOAuth2Token grant type. */
  grantType?: string;
  roleName?: string;
  accountId?: string;
  /** Why the fake refused, in words (never a token). */
  reason?: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is (set content-type in headers). */
  body?: unknown;
  /** Extra facts for the log entry (grant type, role, why it was refused). */
  note?: Partial<SsoLogEntry>;
}

export interface Incoming {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The URL the client used, as a DPoP `htu` names it: scheme, host from the Host header, path. */
  publicUrl: string;
}

export interface Route {
  method: string;
  path: string;
  /** Operation name for counters and faults (RegisterClient, GetRoleCredentials, Authorize, …). */
  op: string;
  handle(req: Incoming): Reply | Promise<Reply>;
}

/** Counters, log and faults shared by the three services of one startSsoFakes(). */
export class ServiceBook {
  readonly calls: Record<string, number> = {};
  readonly log: SsoLogEntry[] = [];
  private readonly faults: Array<{ op: string; remaining: number; kind: JsonFaultKind; skip: number }> = [];

  count(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }

  failNext(op: string, n = 1, kind: JsonFaultKind = '500', skip = 0): void {
    this.faults.push({ op, remaining: n, kind, skip });
  }

  takeFault(op: string): JsonFaultKind | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (x.op === op || x.op === '*'));
    if (!f) return undefined;
    if (f.skip > 0) {
      f.skip--;
      return undefined;
    }
    f.remaining--;
    return f.kind;
  }

  reset(): void {
    for (const k of Object.keys(this.calls)) delete this.calls[k];
    this.log.length = 0;
  }
}

/** An AWS restJson error: the type in x-amzn-errortype (what the SDKs read first), fields in the body. */
export function jsonError(status: number, type: string, fields: Record<string, unknown>, note?: Partial<SsoLogEntry>): Reply {
  return { status, headers: { 'x-amzn-errortype': type }, body: fields, note: { errorCode: type, ...note } };
}

function faultReply(kind: '500' | 'throttle'): Reply {
  return kind === '500'
    ? jsonError(500, 'InternalServerException', { message: 'An internal error occurred (harness fault)' })
    : jsonError(429, 'TooManyRequestsException', { message: 'Rate exceeded (harness fault)' });
}

export class JsonService {
  private readonly hanging = new Set<Socket>();
  private closed?: Promise<void>;

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(service: ServiceName, book: ServiceBook, routes: Route[]): Promise<JsonService> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const svc = new JsonService(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      svc.handle(service, book, routes, req, res).catch((err: unknown) => {
        book.log.push({ service, op: '?', status: 500, by: 'fake', errorCode: 'HarnessError' });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`harness ${service} error: ${err instanceof Error ? err.stack : String(err)}`);
      });
    });
    return svc;
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      for (const s of this.hanging) s.destroy();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  private async handle(
    service: ServiceName,
    book: ServiceBook,
    routes: Route[],
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', this.endpoint);
    const method = req.method ?? 'GET';
    const route = routes.find((r) => r.method === method && r.path === url.pathname);
    if (!route) {
      // What an AWS endpoint says to a path it does not serve; also catches a client that sent
      // one service's call to another service's endpoint.
      const reply = jsonError(404, 'UnknownOperationException', { message: `${method} ${url.pathname} is not an operation of ${service}` });
      this.send(res, reply);
      book.log.push({ service, op: `${method} ${url.pathname}`, status: 404, by: 'fake', errorCode: 'UnknownOperationException' });
      return;
    }
    book.count(route.op);
    const fault = book.takeFault(route.op);
    if (fault === 'hang' || fault === 'close') {
      book.log.push({ service, op: route.op, status: 0, by: 'fault' });
      if (fault === 'close') req.socket.destroy();
      else this.hanging.add(req.socket);
      return;
    }
    const reply = fault
      ? faultReply(fault)
      : await route.handle({
          method,
          url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          publicUrl: `http://${req.headers.host ?? new URL(this.endpoint).host}${url.pathname}`,
        });
    this.send(res, reply);
    const entry: SsoLogEntry = { service, op: route.op, status: reply.status, by: fault ? 'fault' : 'fake', ...reply.note };
    if (entry.grantType) book.count(`${route.op}/${entry.grantType}`);
    book.log.push(entry);
  }

  private send(res: http.ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { 'x-amzn-requestid': randomUUID(), ...reply.headers };
    let body = '';
    if (typeof reply.body === 'string') body = reply.body;
    else if (reply.body !== undefined) {
      body = JSON.stringify(reply.body);
      headers['content-type'] ??= 'application/json';
    }
    res.writeHead(reply.status, headers).end(body);
  }
}
