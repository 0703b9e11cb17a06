/**
 * SIP over WebSocket (RFC 7118) for browsers, on the `ws` library: upgrades handed over by the
 * HTTP server at one path, and optionally a port of its own (WSS when a TLS certificate is
 * configured). The `sip` subprotocol is required; each WebSocket message is one SIP message,
 * text or binary; pings find dead connections; a closed connection is forgotten, and with it the
 * only way to reach that client.
 */
import { isUtf8 } from 'node:buffer';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { TimerClock } from '../transaction/timers.js';
import type { Connection, Peer, VouchedUser } from './peer.js';
import type { TlsCredentials } from './stream-transport.js';

export interface WebSocketOptions {
  /** Where upgrades on the HTTP port are SIP, e.g. `/sip`; other paths are not this transport's. */
  path: string;
  /** A port of its own (any path; 0 picks a free port), WSS when TLS credentials are given; unset for none. */
  port?: number;
  /** A ping goes out this often; a connection that answered nothing since the last one is closed. */
  pingIntervalMs: number;
  /**
   * Who an upgrade request speaks for (its login cookie, say), before the connection opens;
   * undefined for nobody in particular: such a connection authenticates with digests as any.
   */
  vouch?: (request: IncomingMessage) => Promise<VouchedUser | undefined>;
}

export interface WebSocketContext {
  host: string;
  maxMessageBytes: number;
  /** Beyond this many open connections a handshake is refused with 503. */
  maxConnections: number;
  clock: TimerClock;
  nextId: () => number;
  tls?: TlsCredentials;
  /** One WebSocket message, for the layer above to parse as one SIP message. */
  onMessage: (bytes: Buffer, peer: Peer) => void;
  /** The connection of `peer` closed: nothing reaches that client any more (RFC 7118 §5). */
  onClose: (peer: Peer) => void;
}

/** RFC 7118 §4.1: the subprotocol a SIP WebSocket client asks for and the server names back. */
const subprotocol = 'sip';

class WebSocketConnection implements Connection {
  /** Something (a pong, a message) arrived since the last ping. */
  alive = true;
  cancelPing: () => void = () => undefined;

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    readonly vouched: VouchedUser | undefined,
  ) {}

  get closed(): boolean {
    return this.socket.readyState !== WebSocket.OPEN;
  }

  /** RFC 7118 §4.2: text frames for UTF-8 messages, binary frames for the others (binary bodies). */
  write(bytes: Buffer): void {
    if (!this.closed) this.socket.send(bytes, { binary: !isUtf8(bytes) });
  }
}

export class WebSocketTransport {
  readonly #connections = new Map<string, WebSocketConnection>();
  readonly #server: WebSocketServer;
  #own: Server | undefined;

  private constructor(
    private readonly options: WebSocketOptions,
    private readonly context: WebSocketContext,
  ) {
    this.#server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      // A bigger message closes the connection with 1009 (RFC 6455 §7.4.1).
      maxPayload: context.maxMessageBytes,
      handleProtocols: () => subprotocol,
    });
  }

  static async listen(options: WebSocketOptions, context: WebSocketContext): Promise<WebSocketTransport> {
    const transport = new WebSocketTransport(options, context);
    if (options.port !== undefined) {
      const refuse = (_request: IncomingMessage, response: ServerResponse) => {
        response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' });
        response.end('SIP over WebSocket only (RFC 7118)\n');
      };
      const tls = context.tls;
      const server = tls === undefined ? createHttpServer(refuse) : createHttpsServer({ cert: tls.cert, key: tls.key }, refuse);
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => transport.upgrade(request, socket, head));
      server.on('clientError', (_error, socket: Duplex) => socket.destroy());
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, context.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      transport.#own = server;
    }
    return transport;
  }

  /** The port of its own, when it has one. */
  get port(): number | undefined {
    return this.#own === undefined ? undefined : (this.#own.address() as AddressInfo).port;
  }

  /** True when the own port speaks WSS. */
  get secure(): boolean {
    return this.#own !== undefined && this.context.tls !== undefined;
  }

  /**
   * An upgrade request from the HTTP server: taken (and answered) when it is for the SIP path;
   * false when it is not, and the socket is left to the caller.
   */
  acceptUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if ((request.url ?? '').split('?')[0] !== this.options.path) return false;
    this.upgrade(request, socket, head);
    return true;
  }

  /** Writes on the peer's live connection; false when it has none (RFC 7118: nothing else reaches it). */
  send(bytes: Buffer, peer: Peer): boolean {
    const open = peer.connection ?? this.#connections.get(key(peer));
    if (open === undefined || open.closed) return false;
    open.write(bytes);
    return true;
  }

  async close(): Promise<void> {
    for (const connection of this.#connections.values()) {
      connection.cancelPing();
      connection.socket.terminate();
    }
    this.#connections.clear();
    const own = this.#own;
    if (own !== undefined) await new Promise<void>((resolve) => own.close(() => resolve()));
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    // RFC 7118 §4.1: the client MUST ask for "sip"; a server that cannot agree on a subprotocol
    // refuses the handshake with an HTTP error (RFC 6455 §4.2.2) rather than speak something else.
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((name) => name.trim());
    if (!offered.includes(subprotocol)) {
      refuse(socket, '400 Bad Request', 'the WebSocket subprotocol "sip" is required (RFC 7118)');
      return;
    }
    if (this.#connections.size >= this.context.maxConnections) {
      refuse(socket, '503 Service Unavailable', 'too many SIP WebSocket connections');
      return;
    }
    const vouch = this.options.vouch;
    if (vouch === undefined) {
      this.#server.handleUpgrade(request, socket, head, (ws) => this.open(ws, request, undefined));
      return;
    }
    vouch(request).then(
      (vouched) => this.#server.handleUpgrade(request, socket, head, (ws) => this.open(ws, request, vouched)),
      () => refuse(socket, '500 Internal Server Error', 'the login of this connection could not be checked'),
    );
  }

  private open(ws: WebSocket, request: IncomingMessage, vouched: VouchedUser | undefined): void {
    const connection = new WebSocketConnection(this.context.nextId(), ws, vouched);
    // WSS whether TLS ended here (the own port) or in the HTTP server handing the upgrade over.
    const secure = (request.socket as TLSSocket).encrypted === true;
    const peer: Peer = { transport: secure ? 'WSS' : 'WS', address: request.socket.remoteAddress ?? '', port: request.socket.remotePort ?? 0, connection };
    const id = key(peer);
    this.#connections.set(id, connection);
    ws.on('message', (data: RawData) => {
      connection.alive = true;
      this.context.onMessage(toBuffer(data), peer);
    });
    ws.on('pong', () => (connection.alive = true));
    // A protocol error (bad UTF-8 in a text frame, an over-size message) has already closed it.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      connection.cancelPing();
      if (this.#connections.get(id) === connection) this.#connections.delete(id);
      this.context.onClose(peer);
    });
    this.keepAlive(connection);
  }

  /** RFC 6455 §5.5.2, §5.5.3: a ping each interval; no pong (nor anything else) by the next one, and it is closed. */
  private keepAlive(connection: WebSocketConnection): void {
    connection.cancelPing = this.context.clock.set(this.options.pingIntervalMs, () => {
      if (connection.closed) return;
      if (!connection.alive) {
        connection.socket.terminate();
        return;
      }
      connection.alive = false;
      connection.socket.ping();
      this.keepAlive(connection);
    });
  }
}

function refuse(socket: Duplex, status: string, text: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`);
}

function key(peer: Peer): string {
  return `${peer.transport}|${peer.address}|${peer.port}`;
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
