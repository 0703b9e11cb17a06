/**
 * The transport layer (RFC 3261 §18): UDP and TCP on one port, TLS on another when a certificate
 * is configured, and WebSocket (RFC 7118) on the HTTP port and optionally its own. It turns bytes
 * into messages for the layer above and messages into bytes for the network: datagrams one
 * message each, streams framed by Content-Length, one SIP message per WebSocket message, CRLF
 * keep-alives answered (RFC 5626 §4.4.1), a Via stamped with `received` and `rport` on the way in
 * (§18.2.1, RFC 3581 §4). It never throws on what arrives.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { literalLookup } from '../../literal-lookup.js';
import { resolveLimits, type ParseLimits } from '../message/limits.js';
import type { Message } from '../message/message.js';
import { parseMessage, type MessageParseError } from '../message/parser.js';
import { realTimerClock, type TimerClock } from '../transaction/timers.js';
import { stampReceived } from './received.js';
import type { Peer, TransportName } from './peer.js';
import { StreamTransport, type StreamOptions, type TlsCredentials } from './stream-transport.js';
import { WebSocketTransport, type WebSocketOptions } from './websocket-transport.js';

export interface TransportDelegate {
  onMessage(message: Message, peer: Peer): void;
  /** Bytes that are not a SIP message; the layer above may answer 400 when `error.partial` allows. */
  onUnparsable(error: MessageParseError, peer: Peer): void;
  /** A WebSocket connection closed: the client it came from is unreachable now (RFC 7118 §5). */
  onWebSocketClosed?(peer: Peer): void;
}

export interface TransportOptions {
  host: string;
  /** 0 picks a free port; UDP and TCP then share the port UDP got. */
  port: number;
  limits?: Partial<ParseLimits>;
  /** A TCP or TLS connection with nothing on it for this long is closed. */
  idleTimeoutMs: number;
  /** The most connections of each kind (TCP, TLS, WebSocket) open at once. */
  maxConnections: number;
  /** TLS on its own port (0 picks a free one) with this certificate; none when unset. */
  tls?: TlsCredentials & { port: number };
  /** SIP over WebSocket; none when unset. */
  websocket?: WebSocketOptions;
  /** Runs the WebSocket pings; the real clock by default. */
  clock?: TimerClock;
}

/** RFC 3261 §18.1.1: a request this much larger than a typical MTU goes over TCP instead of UDP. */
const udpLimit = 1300;

export class TransportLayer {
  #closed = false;

  private constructor(
    private readonly udp: Socket,
    private readonly tcp: StreamTransport,
    private readonly tls: StreamTransport | undefined,
    private readonly ws: WebSocketTransport | undefined,
  ) {}

  static async listen(options: TransportOptions, delegate: TransportDelegate): Promise<TransportLayer> {
    let nextId = 1;
    const streams = (): StreamOptions => ({
      idleTimeoutMs: options.idleTimeoutMs,
      maxConnections: options.maxConnections,
      nextId: () => nextId++,
      onMessage: (bytes, peer) => deliver(bytes, peer, 'stream', options.limits, delegate),
      ...(options.limits !== undefined ? { limits: options.limits } : {}),
    });
    // Sent inside send(): a request or response leaves before the work that follows it.
    const udp = createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false, lookup: literalLookup });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(options.port, options.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const tcp = await StreamTransport.listen(options.host, udp.address().port, streams());
    const tls = options.tls === undefined ? undefined : await StreamTransport.listen(options.host, options.tls.port, streams(), options.tls);
    const ws =
      options.websocket === undefined
        ? undefined
        : await WebSocketTransport.listen(options.websocket, {
            host: options.host,
            maxMessageBytes: resolveLimits(options.limits).maxMessageBytes,
            maxConnections: options.maxConnections,
            clock: options.clock ?? realTimerClock,
            nextId: () => nextId++,
            // RFC 7118 §5.1: the WebSocket message frames the SIP message; Content-Length may be left out.
            onMessage: (bytes, peer) => deliver(bytes, peer, 'websocket', options.limits, delegate),
            onClose: (peer) => delegate.onWebSocketClosed?.(peer),
            ...(options.tls !== undefined ? { tls: options.tls } : {}),
          });
    udp.on('message', (bytes, from) => datagram(bytes, from, options.limits, delegate));
    // A socket error (an ICMP port unreachable on some systems) must not stop the server.
    udp.on('error', () => undefined);
    return new TransportLayer(udp, tcp, tls, ws);
  }

  /** The UDP and TCP port. */
  get port(): number {
    return this.tcp.port;
  }

  /** The port a transport listens on here; undefined when it does not, or (WS on the HTTP port) not on a port of its own. */
  localPort(transport: TransportName): number | undefined {
    switch (transport) {
      case 'UDP':
      case 'TCP':
        return this.tcp.port;
      case 'TLS':
        return this.tls?.port;
      case 'WS':
        return this.ws?.secure === false ? this.ws.port : undefined;
      case 'WSS':
        return this.ws?.secure === true ? this.ws.port : undefined;
      default: {
        const never: never = transport;
        throw new Error(`unknown transport ${String(never)}`);
      }
    }
  }

  /**
   * A WebSocket upgrade from the HTTP server: true when it was for the SIP path (and is now this
   * layer's), false when it is the caller's to answer.
   */
  acceptUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.ws?.acceptUpgrade(request, socket, head) ?? false;
  }

  /**
   * Sends a message to a peer: on the peer's own connection when it has one (responses,
   * §18.2.2), over TCP when a request is too large for UDP (§18.1.1), else as a datagram.
   * TLS and WebSocket peers are reached only on a live connection (no new TLS connection is
   * opened; a browser accepts none): false when there is none, and the message is not sent.
   */
  send(message: Message, peer: Peer): boolean {
    // A transaction's last timer may fire after the server stopped: there is nowhere to send.
    if (this.#closed) return false;
    const bytes = message.serialize();
    switch (peer.transport) {
      case 'UDP':
        if (message.kind === 'request' && bytes.length > udpLimit) return this.tcp.send(bytes, { ...peer, transport: 'TCP' });
        this.udp.send(bytes, peer.port, peer.address);
        return true;
      case 'TCP':
        return this.tcp.send(bytes, peer);
      case 'TLS':
        return this.tls?.send(bytes, peer) ?? false;
      case 'WS':
      case 'WSS':
        return this.ws?.send(bytes, peer) ?? false;
      default: {
        const never: never = peer.transport;
        throw new Error(`unknown transport ${String(never)}`);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([
      new Promise<void>((resolve) => this.udp.close(() => resolve())),
      this.tcp.close(),
      this.tls?.close(),
      this.ws?.close(),
    ]);
  }
}

function datagram(bytes: Buffer, from: RemoteInfo, limits: Partial<ParseLimits> | undefined, delegate: TransportDelegate): void {
  // RFC 5626 §4.4.1: a CRLF datagram is a keep-alive; there is nothing to answer.
  if (bytes.every((b) => b === 13 || b === 10)) return;
  deliver(bytes, { transport: 'UDP', address: from.address, port: from.port }, 'datagram', limits, delegate);
}

function deliver(
  bytes: Buffer,
  peer: Peer,
  framing: 'datagram' | 'stream' | 'websocket',
  limits: Partial<ParseLimits> | undefined,
  delegate: TransportDelegate,
): void {
  const parsed = parseMessage(bytes, { transport: framing === 'stream' ? 'stream' : 'datagram', ...(limits ? { limits } : {}) });
  if (!parsed.ok) {
    delegate.onUnparsable(parsed.error, peer);
    return;
  }
  const message = parsed.message;
  // RFC 7118 §5.1: one SIP message per WebSocket message, so a Content-Length that leaves bytes
  // other than line breaks over is wrong (a datagram's extra bytes are dropped instead, §18.3).
  if (framing === 'websocket' && !bytes.subarray(parsed.length).every((b) => b === 13 || b === 10)) {
    const reason = `Content-Length leaves ${bytes.length - parsed.length} bytes of the WebSocket message over`;
    if (message.kind === 'request') {
      delegate.onUnparsable({ offset: parsed.length, reason, kind: 'request', status: 400, incomplete: false, partial: { method: message.method, headers: message.headers } }, peer);
    }
    return;
  }
  if (message.kind === 'request') stampReceived(message, peer);
  delegate.onMessage(message, peer);
}
