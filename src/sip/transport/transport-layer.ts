/**
 * The transport layer (RFC 3261 §18): UDP and TCP on one port. It turns bytes into messages for
 * the layer above and messages into bytes for the network: datagrams one message each, streams
 * framed by Content-Length, CRLF keep-alives answered (RFC 5626 §4.4.1), a Via stamped with
 * `received` and `rport` on the way in (§18.2.1, RFC 3581 §4). It never throws on what arrives.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, Socket as NetSocket, type AddressInfo, type Server } from 'node:net';
import type { ParseLimits } from '../message/limits.js';
import type { Message } from '../message/message.js';
import { parseMessage, type MessageParseError } from '../message/parser.js';
import { StreamFramer } from '../message/stream.js';
import { stampReceived } from './received.js';
import type { Connection, Peer } from './peer.js';

export interface TransportDelegate {
  onMessage(message: Message, peer: Peer): void;
  /** Bytes that are not a SIP message; the layer above may answer 400 when `error.partial` allows. */
  onUnparsable(error: MessageParseError, peer: Peer): void;
}

export interface TransportOptions {
  host: string;
  /** 0 picks a free port; UDP and TCP then share the port UDP got. */
  port: number;
  limits?: Partial<ParseLimits>;
  /** A TCP connection with nothing on it for this long is closed. */
  idleTimeoutMs: number;
  maxConnections: number;
}

/** RFC 3261 §18.1.1: a request this much larger than a typical MTU goes over TCP instead of UDP. */
const udpLimit = 1300;
const crlf = Buffer.from('\r\n');

class TcpConnection implements Connection {
  readonly framer: StreamFramer;

  constructor(
    readonly id: number,
    readonly socket: NetSocket,
    limits: Partial<ParseLimits> | undefined,
  ) {
    this.framer = new StreamFramer(limits);
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }
}

export class TransportLayer {
  readonly #connections = new Map<string, TcpConnection>();
  #nextId = 1;
  #closed = false;

  private constructor(
    private readonly udp: Socket,
    private readonly tcp: Server,
    private readonly options: TransportOptions,
    private readonly delegate: TransportDelegate,
  ) {}

  static async listen(options: TransportOptions, delegate: TransportDelegate): Promise<TransportLayer> {
    const udp = createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(options.port, options.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const port = udp.address().port;
    const tcp = createServer();
    tcp.maxConnections = options.maxConnections;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, options.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    const layer = new TransportLayer(udp, tcp, options, delegate);
    udp.on('message', (bytes, from) => layer.datagram(bytes, from));
    // A socket error (an ICMP port unreachable on some systems) must not stop the server.
    udp.on('error', () => undefined);
    tcp.on('connection', (socket) => layer.accept(socket));
    return layer;
  }

  get port(): number {
    return (this.tcp.address() as AddressInfo).port;
  }

  /**
   * Sends a message to a peer: on the peer's own connection when it has one (responses,
   * §18.2.2), over TCP when a request is too large for UDP (§18.1.1), else as a datagram.
   */
  send(message: Message, peer: Peer): void {
    // A transaction's last timer may fire after the server stopped: there is nowhere to send.
    if (this.#closed) return;
    const bytes = message.serialize();
    if (peer.transport === 'TCP' || (message.kind === 'request' && bytes.length > udpLimit)) {
      this.sendStream(bytes, peer);
      return;
    }
    this.udp.send(bytes, peer.port, peer.address);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const connection of this.#connections.values()) connection.socket.destroy();
    this.#connections.clear();
    await Promise.all([
      new Promise<void>((resolve) => this.udp.close(() => resolve())),
      new Promise<void>((resolve) => this.tcp.close(() => resolve())),
    ]);
  }

  private datagram(bytes: Buffer, from: RemoteInfo): void {
    const peer: Peer = { transport: 'UDP', address: from.address, port: from.port };
    // RFC 5626 §4.4.1: a CRLF datagram is a keep-alive; there is nothing to answer.
    if (bytes.every((b) => b === 13 || b === 10)) return;
    this.deliver(bytes, peer, 'datagram');
  }

  private accept(socket: NetSocket): void {
    const connection = this.track(socket);
    const peer: Peer = { transport: 'TCP', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, connection };
    socket.on('data', (chunk: Buffer) => this.streamData(connection, peer, chunk));
  }

  private track(socket: NetSocket): TcpConnection {
    const connection = new TcpConnection(this.#nextId++, socket, this.options.limits);
    const key = `${socket.remoteAddress}|${socket.remotePort}`;
    this.#connections.set(key, connection);
    socket.setTimeout(this.options.idleTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.#connections.get(key) === connection) this.#connections.delete(key);
    });
    return connection;
  }

  private streamData(connection: TcpConnection, peer: Peer, chunk: Buffer): void {
    for (const event of connection.framer.push(chunk)) {
      if (event.kind === 'keepalive') {
        // RFC 5626 §4.4.1: a double CRLF ping is answered with a single CRLF pong.
        if (event.bytes >= 4) connection.write(crlf);
      } else if (event.kind === 'message') {
        this.deliver(event.bytes, peer, 'stream');
      } else {
        // RFC 3261 §18.3: a stream that cannot be framed cannot be read further.
        connection.socket.destroy();
      }
    }
  }

  private deliver(bytes: Buffer, peer: Peer, transport: 'datagram' | 'stream'): void {
    const parsed = parseMessage(bytes, { transport, ...(this.options.limits ? { limits: this.options.limits } : {}) });
    if (!parsed.ok) {
      this.delegate.onUnparsable(parsed.error, peer);
      return;
    }
    if (parsed.message.kind === 'request') stampReceived(parsed.message, peer);
    this.delegate.onMessage(parsed.message, peer);
  }

  private sendStream(bytes: Buffer, peer: Peer): void {
    const open = peer.connection ?? this.#connections.get(`${peer.address}|${peer.port}`);
    if (open !== undefined && !open.closed) {
      open.write(bytes);
      return;
    }
    const socket = new NetSocket();
    const connection = this.track(socket);
    const outbound: Peer = { transport: 'TCP', address: peer.address, port: peer.port, connection };
    socket.on('data', (chunk: Buffer) => this.streamData(connection, outbound, chunk));
    socket.connect(peer.port, peer.address, () => socket.write(bytes));
  }
}
