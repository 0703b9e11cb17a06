/**
 * The live event stream, `GET /api/v1/events` upgraded to a WebSocket (RFC 6455) on the HTTP
 * port, one tenant's events filtered by the watcher's roles. docs/api-events.md is the client's
 * guide: credentials, frames, resuming with `?since=`, close codes.
 *
 * Credentials as for the REST API — the session cookie, or `Authorization: Bearer <API key>` —
 * and, for browsers, which can set neither header on a WebSocket, the API key as the subprotocol
 * `kefu.bearer.<key>` offered beside `kefu.events` (only `kefu.events` is named back). Never in
 * the URL, where it would land in access logs. A cookie from a page of another origin is refused
 * (cross-site WebSocket hijacking: browsers send cookies with any site's WebSocket).
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import type { Role } from '../directory/index.js';
import { ForbiddenError, KefuError, ValidationError } from '../errors.js';
import { canSee, type EventHub, type StreamEvent, type Subscription, type Viewer } from '../events/index.js';
import type { Store } from '../store/index.js';
import { authenticate, sessionCookie, tenantHeader, type Credentials } from './auth.js';
import { errorBody, statusOf } from './errors.js';

export const eventsPath = '/api/v1/events';
/** The subprotocol the stream speaks; a client that offers subprotocols must offer this one. */
export const eventsProtocol = 'kefu.events';
const bearerProtocol = 'kefu.bearer.';

/** Close codes of the private range (RFC 6455 §7.4.2) and the standard one for shutdown. */
export const closeCodes = {
  goingAway: 1001,
  /** The session ended (logout, expiry, user disabled) or the API key was revoked. */
  credentialsEnded: 4001,
  /** The client read too slowly; it may reconnect with `since`. */
  slowConsumer: 4008,
} as const;

/** Who may watch; platform administrators may too. */
const watchers: readonly Role[] = ['tenant_admin', 'supervisor', 'agent', 'dispatcher', 'statistician'];
/** Who sees everything of the tenant. */
const wholeTenant = new Set(['platform_admin', 'tenant_admin', 'supervisor']);

export interface EventStreamOptions {
  hub: EventHub;
  /** A ping goes out this often; a client that answered nothing since the last one is dropped (default 30 s). */
  pingIntervalMs?: number;
  /** Bytes waiting to be written to a client beyond which it is closed as too slow (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Open streams per node beyond which an upgrade is refused with 503 (default 10,000). */
  maxConnections?: number;
}

interface Deps {
  store: Store;
  log: FastifyBaseLogger;
  now: () => Date;
}

interface Watcher {
  ws: WebSocket;
  credentials: Credentials;
  tenantId: string;
  /** A pong or a message came since the last ping. */
  alive: boolean;
  subscription: Subscription | undefined;
  /** Bytes that may wait to be written: the replay's, plus the limit. */
  allowance: number;
}

export class EventStream {
  readonly hub: EventHub;
  readonly #server: WebSocketServer;
  readonly #watchers = new Set<Watcher>();
  readonly #maxBufferedBytes: number;
  readonly #maxConnections: number;
  readonly #heartbeat: NodeJS.Timeout;
  /** Upgrades being authenticated, counted against the limit too. */
  #pending = 0;
  /** A beat's credential checks are still running: the next beat waits its turn. */
  #beating = false;

  constructor(
    options: EventStreamOptions,
    private readonly deps: Deps,
  ) {
    this.hub = options.hub;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.#maxConnections = options.maxConnections ?? 10_000;
    this.#server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: 4096,
      handleProtocols: (offered) => (offered.has(eventsProtocol) ? eventsProtocol : false),
    });
    this.#heartbeat = setInterval(() => {
      if (this.#beating) return;
      this.#beating = true;
      this.#beat()
        .catch((error: unknown) => this.deps.log.error({ err: error }, 'event stream heartbeat failed'))
        .finally(() => (this.#beating = false));
    }, options.pingIntervalMs ?? 30_000);
    this.#heartbeat.unref();
  }

  /**
   * An upgrade from the HTTP server: taken (and answered) when it is for the event stream; false
   * when it is not — another path, or a client asking for SIP (RFC 7118 subprotocol `sip`).
   */
  acceptUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://kefu');
    if (url.pathname !== eventsPath) return false;
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
    if (offered.includes('sip')) return false;
    socket.on('error', () => socket.destroy());
    if (this.#watchers.size + this.#pending >= this.#maxConnections) {
      refuse(socket, 503, 'ERR_UNAVAILABLE', 'too many event streams on this node');
      return true;
    }
    this.#pending += 1;
    this.#admit(request, socket, head, url, offered)
      .catch((error: unknown) => {
        if (error instanceof KefuError) refuse(socket, statusOf(error.code), error.code, error.message, error.details);
        else {
          this.deps.log.error({ err: error }, 'event stream upgrade failed');
          refuse(socket, 500, 'ERR_INTERNAL', 'internal error');
        }
      })
      .finally(() => (this.#pending -= 1));
    return true;
  }

  /** Closes every stream (1001) and stops the heartbeat; a client that has not answered the close within a second is cut off. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    const sockets = [...this.#watchers].map((watcher) => watcher.ws);
    for (const watcher of [...this.#watchers]) this.#drop(watcher, closeCodes.goingAway, 'server stopping');
    const closed = sockets.map((ws) => new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve()))));
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (grace = setTimeout(resolve, 1000)))]);
    clearTimeout(grace);
    for (const ws of sockets) ws.terminate();
  }

  async #admit(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL, offered: string[]): Promise<void> {
    const resume = resumeFrom(url);
    const credentials = credentialsOf(request, url, offered);
    if (credentials.sessionToken !== undefined && credentials.authorization === undefined) sameOrigin(request);
    const { principal, tenant } = await authenticate(this.deps.store, credentials, watchers, this.deps.now());
    if (offered.length > 0 && !offered.includes(eventsProtocol)) {
      throw new ValidationError(`offer the subprotocol "${eventsProtocol}"`, [{ path: 'Sec-WebSocket-Protocol', message: `must include ${eventsProtocol}` }]);
    }
    let viewer: Viewer = { kind: 'supervisor' };
    if (!principal.roles.some((role) => wholeTenant.has(role))) {
      const agent = principal.kind === 'user' ? await this.deps.store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      viewer = { kind: 'member', agentId: agent?.id ?? null };
    }
    if (socket.destroyed) return;
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#open(ws, tenant.id, credentials, viewer, resume));
  }

  #open(ws: WebSocket, tenantId: string, credentials: Credentials, viewer: Viewer, resume: { since: number; stream?: string } | undefined): void {
    const watcher: Watcher = { ws, credentials, tenantId, alive: true, subscription: undefined, allowance: this.#maxBufferedBytes };
    this.#watchers.add(watcher);
    ws.on('pong', () => (watcher.alive = true));
    ws.on('message', () => (watcher.alive = true));
    // A protocol error (an over-size or malformed frame) has already closed it.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      watcher.subscription?.unsubscribe();
      this.#watchers.delete(watcher);
    });
    const deliver = (event: StreamEvent) => {
      if (!canSee(viewer, event.audience) || ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > watcher.allowance) {
        this.#drop(watcher, closeCodes.slowConsumer, `too slow: reconnect with since=${event.seq - 1}`);
        return;
      }
      ws.send(frame(event));
    };
    const subscription = this.hub.subscribe(tenantId, deliver, resume);
    watcher.subscription = subscription;
    ws.send(JSON.stringify({ type: 'hello', stream: this.hub.stream, seq: subscription.seq, tenantId, view: viewer.kind === 'supervisor' ? 'tenant' : 'own' }));
    const { resumption } = subscription;
    if (resumption.kind === 'reset') {
      ws.send(JSON.stringify({ type: 'reset', seq: resumption.seq, reason: resumption.reason }));
      return;
    }
    for (const event of resumption.events) {
      if (!canSee(viewer, event.audience)) continue;
      const text = frame(event);
      watcher.allowance += Buffer.byteLength(text);
      ws.send(text);
    }
  }

  /** RFC 6455 §5.5.2, §5.5.3: ping each interval; no answer since the last one, and it is dropped. Credentials are checked again. */
  async #beat(): Promise<void> {
    for (const watcher of [...this.#watchers]) {
      if (!watcher.alive) {
        watcher.ws.terminate();
        continue;
      }
      watcher.alive = false;
      watcher.ws.ping();
    }
    for (const watcher of [...this.#watchers]) {
      if (!(await this.#stillAdmitted(watcher))) this.#drop(watcher, closeCodes.credentialsEnded, 'the session ended or the API key was revoked');
    }
  }

  async #stillAdmitted(watcher: Watcher): Promise<boolean> {
    try {
      const { tenant } = await authenticate(this.deps.store, watcher.credentials, watchers, this.deps.now());
      return tenant.id === watcher.tenantId;
    } catch (error) {
      if (error instanceof KefuError) return false;
      // The database is unreachable: that says nothing about the credentials; check again next beat.
      this.deps.log.warn({ err: error }, 'event stream credentials not rechecked');
      return true;
    }
  }

  #drop(watcher: Watcher, code: number, reason: string): void {
    watcher.subscription?.unsubscribe();
    this.#watchers.delete(watcher);
    watcher.ws.close(code, reason);
  }
}

/** Each event is serialized once, however many streams carry it. */
const frames = new WeakMap<StreamEvent, string>();

function frame(event: StreamEvent): string {
  let text = frames.get(event);
  if (text === undefined) {
    text = JSON.stringify({ seq: event.seq, type: event.type, at: event.at, data: event.data });
    frames.set(event, text);
  }
  return text;
}

/** `since` (the last seq seen) and `stream` (the stream it came from) of the query; both optional. */
function resumeFrom(url: URL): { since: number; stream?: string } | undefined {
  const since = url.searchParams.get('since');
  const stream = url.searchParams.get('stream');
  if (since === null) {
    if (stream !== null) throw new ValidationError('stream needs since', [{ path: 'since', message: 'required with stream' }]);
    return undefined;
  }
  if (!/^\d{1,15}$/.test(since)) throw new ValidationError('since must be a sequence number', [{ path: 'since', message: 'a whole number, 0 or more' }]);
  if (stream !== null && !/^[\w-]{1,64}$/.test(stream)) throw new ValidationError('stream is not a stream id', [{ path: 'stream', message: 'the stream of a hello frame' }]);
  return { since: Number(since), ...(stream !== null ? { stream } : {}) };
}

function credentialsOf(request: IncomingMessage, url: URL, offered: string[]): Credentials {
  const bearer = offered.find((name) => name.startsWith(bearerProtocol));
  const authorization = request.headers.authorization ?? (bearer !== undefined ? `Bearer ${bearer.slice(bearerProtocol.length)}` : undefined);
  const cookies = request.headers.cookie === undefined ? {} : fastifyCookie.parse(request.headers.cookie);
  const header = request.headers[tenantHeader];
  return {
    authorization,
    sessionToken: cookies[sessionCookie],
    tenantSlug: typeof header === 'string' ? header : (url.searchParams.get('tenant') ?? undefined),
  };
}

/** A browser names the page's origin; a cookie-authenticated stream must come from this server's own pages. */
function sameOrigin(request: IncomingMessage): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new ForbiddenError('the Origin header is not a URL');
  }
  if (host !== request.headers.host) throw new ForbiddenError(`a page of ${origin} may not use this server's session cookie`);
}

/** RFC 6455 §4.2.2: a handshake the server will not accept is answered with an HTTP error. */
function refuse(socket: Duplex, status: number, code: string, message: string, details: KefuError['details'] = []): void {
  if (socket.destroyed) return;
  const text = JSON.stringify(errorBody(code, message, details));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
