// The front: a loopback HTTP server in front of moto. It answers what moto gets wrong
// (see sts-rules.ts), forwards the rest, counts calls and injects faults on demand. It also
// serves the console's federation endpoint and a fake console (console-federation.ts).
import http from 'node:http';
import type { Socket } from 'node:net';
import { ConsoleFederation } from './console-federation.ts';
import type { CreatedAccount } from './iam-setup.ts';
import { KeyRing } from './keyring.ts';
import { MfaDevices } from './mfa-devices.ts';
import { signRequest, parseAuthorization, type RawRequest } from './sigv4.ts';
import { decide, type CallNotes, type Decision } from './sts-rules.ts';
import { stsError, xmlField, type StsReply } from './sts-xml.ts';

export type FaultKind = '500' | 'throttle' | 'malformed' | 'hang' | 'close';

export interface CallLogEntry extends CallNotes {
  action: string;
  status: number; // 0 when the fault was 'hang' or 'close'
  by: 'front' | 'moto' | 'fault';
  errorCode?: string;
}

interface Forwarded {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function faultReply(kind: '500' | 'throttle' | 'malformed', action: string): StsReply {
  if (kind === '500') return stsError(500, 'InternalFailure', 'An internal error has occurred', 'Receiver');
  if (kind === 'throttle') return stsError(400, 'Throttling', 'Rate exceeded');
  return {
    status: 200,
    body: `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result><Credentials><AccessKeyId>ASIA`,
  };
}

export class Front {
  readonly calls: Record<string, number> = {};
  readonly log: CallLogEntry[] = [];
  readonly keys = new KeyRing();
  readonly mfa = new MfaDevices();
  readonly federation = new ConsoleFederation(this.keys);
  private readonly faults: Array<{ action: string; remaining: number; kind: FaultKind; skip: number }> = [];
  private delayMs = 0;
  private readonly hanging = new Set<Socket>();
  private closed?: Promise<void>;

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
    private readonly motoEndpoint: string,
    private readonly account: CreatedAccount,
  ) {}

  static async start(motoEndpoint: string, account: CreatedAccount): Promise<Front> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const front = new Front(server, `http://127.0.0.1:${port}`, motoEndpoint, account);
    for (const u of Object.values(account.users)) {
      front.keys.add({ kind: 'user', user: u.name, arn: u.arn, accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey });
      if (u.mfaSerial && u.mfaSeed) front.mfa.add(u.mfaSerial, u.mfaSeed, u.name);
    }
    server.on('request', (req, res) => {
      front.handle(req, res).catch((err: unknown) => {
        front.log.push({ action: '?', status: 500, by: 'front', errorCode: 'HarnessError' });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`harness front error: ${err instanceof Error ? err.stack : String(err)}`);
      });
    });
    return front;
  }

  /** The next n calls of `action` ('*' for any) fail with `kind`, after `skip` calls that pass. */
  failNext(action: string, n = 1, kind: FaultKind = '500', skip = 0): void {
    this.faults.push({ action, remaining: n, kind, skip });
  }

  /** Every answer is delayed by ms from now on (0 to stop). */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  resetCalls(): void {
    for (const k of Object.keys(this.calls)) delete this.calls[k];
    this.log.length = 0;
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      for (const s of this.hanging) s.destroy();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  private takeFault(action: string): FaultKind | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (x.action === action || x.action === '*'));
    if (!f) return undefined;
    if (f.skip > 0) {
      f.skip--;
      return undefined;
    }
    f.remaining--;
    return f.kind;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw: RawRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    const url = new URL(raw.url, 'http://x');
    if (this.federation.handles(url.pathname)) {
      // The Action of a POST is in its form body (mfa-exec POSTs getSigninToken): faults by Action see it there too.
      const form = String(req.headers['content-type']).includes('application/x-www-form-urlencoded')
        ? new URLSearchParams(raw.body)
        : undefined;
      return this.handleFederation(req, raw, res, url.searchParams.get('Action') ?? form?.get('Action') ?? 'console');
    }
    const params = url.searchParams;
    if (String(req.headers['content-type']).includes('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(raw.body)) params.append(k, v);
    }
    const action = params.get('Action') ?? '(none)';
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    const notes: CallNotes = {};
    const accessKeyId = parseAuthorization(String(req.headers.authorization ?? ''))?.accessKeyId;
    if (accessKeyId) notes.accessKeyId = accessKeyId;

    const fault = this.takeFault(action);
    if (fault === 'hang' || fault === 'close') {
      this.log.push({ action, ...notes, status: 0, by: 'fault' });
      if (fault === 'close') req.socket.destroy();
      else this.hanging.add(req.socket);
      return;
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (fault) return this.reply(res, faultReply(fault, action), { action, ...notes, by: 'fault' });

    const decision = await decide({ account: this.account, keys: this.keys, mfa: this.mfa, now: Date.now }, raw, params, notes);
    if ('reply' in decision) return this.reply(res, decision.reply, { action, ...notes, by: 'front' });

    const answer = await this.forward(raw, decision);
    if (action === 'AssumeRole' && answer.status === 200)
      this.rememberRoleSession(answer.body, this.keys.get(accessKeyId ?? '')?.kind === 'role');
    // Keys users make and delete through IAM (mfa-exec rotate): GetSessionToken, which the front
    // answers itself, must accept a new key and refuse a deleted one, as AWS does.
    if (action === 'CreateAccessKey' && answer.status === 200) this.rememberAccessKey(answer.body);
    if (action === 'DeleteAccessKey' && answer.status === 200 && params.get('AccessKeyId')) this.keys.forget(params.get('AccessKeyId')!);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    res.writeHead(answer.status, headers).end(answer.body);
    this.log.push({ action, ...notes, status: answer.status, by: 'moto', ...errorCode(answer.body, answer.status) });
  }

  /** The federation endpoint and the fake console; faults by Action ('getSigninToken', 'login') too. */
  private async handleFederation(req: http.IncomingMessage, raw: RawRequest, res: http.ServerResponse, action: string): Promise<void> {
    const fault = this.takeFault(action);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (fault === 'hang' || fault === 'close') {
      this.federation.log.push({ action, method: raw.method, status: 0, reason: `fault: ${fault}` });
      if (fault === 'close') req.socket.destroy();
      else this.hanging.add(req.socket);
      return;
    }
    if (fault) {
      const [status, body] =
        fault === 'malformed' ? [200, '{"SigninTo'] : fault === 'throttle' ? [429, 'Rate exceeded'] : [500, 'Internal error'];
      this.federation.log.push({ action, method: raw.method, status, reason: `fault: ${fault}` });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
      return;
    }
    this.federation.handle(req, raw.body, res, this.endpoint);
  }

  private reply(res: http.ServerResponse, r: StsReply, entry: Omit<CallLogEntry, 'status'>): void {
    res.writeHead(r.status, { 'content-type': 'text/xml', 'x-amzn-requestid': xmlField(r.body, 'RequestId') ?? '' }).end(r.body);
    this.log.push({ ...entry, status: r.status, ...errorCode(r.body, r.status) });
  }

  private async forward(raw: RawRequest, decision: Exclude<Decision, { reply: unknown }>): Promise<Forwarded> {
    let headers: http.OutgoingHttpHeaders;
    if (decision.forward === 'verbatim') {
      headers = { ...raw.headers };
      delete headers['connection'];
    } else {
      // A minted session key: moto has never heard of it, so sign again as the user.
      const auth = parseAuthorization(String(raw.headers.authorization))!;
      headers = await signRequest({
        method: raw.method,
        url: raw.url,
        host: String(raw.headers.host),
        ...(raw.headers['content-type'] ? { contentType: String(raw.headers['content-type']) } : {}),
        body: raw.body,
        accessKeyId: decision.as.accessKeyId,
        secretAccessKey: decision.as.secretAccessKey,
        region: auth.region,
        service: auth.service,
      });
      headers['content-length'] = Buffer.byteLength(raw.body);
    }
    const target = new URL(this.motoEndpoint);
    return new Promise<Forwarded>((resolve, reject) => {
      const out = http.request({ hostname: target.hostname, port: target.port, method: raw.method, path: raw.url, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(raw.body);
    });
  }

  private rememberAccessKey(xml: string): void {
    const accessKeyId = xmlField(xml, 'AccessKeyId', 'AccessKey');
    const secretAccessKey = xmlField(xml, 'SecretAccessKey', 'AccessKey');
    const user = this.account.users[xmlField(xml, 'UserName', 'AccessKey') ?? ''];
    if (accessKeyId && secretAccessKey && user)
      this.keys.add({ kind: 'user', user: user.name, arn: user.arn, accessKeyId, secretAccessKey });
  }

  private rememberRoleSession(xml: string, chained: boolean): void {
    const accessKeyId = xmlField(xml, 'AccessKeyId', 'Credentials');
    const secretAccessKey = xmlField(xml, 'SecretAccessKey', 'Credentials');
    const sessionToken = xmlField(xml, 'SessionToken', 'Credentials');
    const expiration = xmlField(xml, 'Expiration', 'Credentials');
    const arn = xmlField(xml, 'Arn', 'AssumedRoleUser');
    if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration || !arn) return;
    const role = arn.split('/')[1] ?? '';
    this.keys.add({ kind: 'role', role, arn, accessKeyId, secretAccessKey, sessionToken, expiresAt: Date.parse(expiration), chained });
  }
}

function errorCode(body: string, status: number): { errorCode?: string } {
  if (status < 400) return {};
  const code = xmlField(body, 'Code');
  return code ? { errorCode: code } : {};
}
