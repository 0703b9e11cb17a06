/**
 * The stream transports of RFC 3261 §18: TCP, and TLS (node:tls, RFC 8446 and 5246) when a
 * certificate is configured. Every connection is framed by Content-Length (§18.3), answers CRLF
 * keep-alives (RFC 5626 §4.4.1), closes after a quiet spell, and is remembered by the peer's
 * address and port so that responses and requests to that peer go back on it (§18.2.2).
 */
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ParseLimits } from '../message/limits.js';
import { StreamFramer } from '../message/stream.js';
import type { Connection, Peer } from './peer.js';

export type StreamTransportName = 'TCP' | 'TLS';

/** PEM certificate chain and private key of the TLS listener. */
export interface TlsCredentials {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface StreamOptions {
  /** A connection with nothing on it for this long is closed. */
  idleTimeoutMs: number;
  maxConnections: number;
  limits?: Partial<ParseLimits>;
  nextId: () => number;
  /** One whole message off a connection, for the layer above to parse. */
  onMessage: (bytes: Buffer, peer: Peer) => void;
}

const crlf = Buffer.from('\r\n');

class StreamConnection implements Connection {
  readonly framer: StreamFramer;

  constructor(
    readonly id: number,
    readonly socket: Socket,
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

export class StreamTransport {
  readonly #connections = new Map<string, StreamConnection>();

  private constructor(
    readonly name: StreamTransportName,
    private readonly server: Server,
    private readonly options: StreamOptions,
  ) {}

  /** Listens on `host:port` (0 picks a free port); TLS when `tls` is given, else TCP. */
  static async listen(host: string, port: number, options: StreamOptions, tls?: TlsCredentials): Promise<StreamTransport> {
    const server = tls === undefined ? createServer() : createTlsServer({ cert: tls.cert, key: tls.key });
    const transport = new StreamTransport(tls === undefined ? 'TCP' : 'TLS', server, options);
    server.maxConnections = options.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // A TLS socket is a peer's only once its handshake is done; a failed handshake is dropped by node:tls.
    server.on(tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) => transport.accept(socket));
    return transport;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /**
   * Writes to the peer's own connection, or to the open one from its address and port; over TCP
   * a new connection is opened when there is none (§18.1.1, §18.2.2). TLS connections are not
   * opened from here: false when there is nothing to write on.
   */
  send(bytes: Buffer, peer: Peer): boolean {
    const open = peer.connection ?? this.#connections.get(key(peer.address, peer.port));
    if (open !== undefined && !open.closed) {
      open.write(bytes);
      return true;
    }
    if (this.name === 'TLS') return false;
    const socket = new Socket();
    this.track(socket, peer.address, peer.port);
    socket.connect(peer.port, peer.address, () => socket.write(bytes));
    return true;
  }

  async close(): Promise<void> {
    for (const connection of this.#connections.values()) connection.socket.destroy();
    this.#connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.track(socket, socket.remoteAddress ?? '', socket.remotePort ?? 0);
  }

  private track(socket: Socket, address: string, port: number): void {
    const connection = new StreamConnection(this.options.nextId(), socket, this.options.limits);
    const peer: Peer = { transport: this.name, address, port, connection };
    const id = key(address, port);
    this.#connections.set(id, connection);
    socket.setTimeout(this.options.idleTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.#connections.get(id) === connection) this.#connections.delete(id);
    });
    socket.on('data', (chunk: Buffer) => this.data(connection, peer, chunk));
  }

  private data(connection: StreamConnection, peer: Peer, chunk: Buffer): void {
    for (const event of connection.framer.push(chunk)) {
      if (event.kind === 'keepalive') {
        // RFC 5626 §4.4.1: a double CRLF ping is answered with a single CRLF pong.
        if (event.bytes >= 4) connection.write(crlf);
      } else if (event.kind === 'message') {
        this.options.onMessage(event.bytes, peer);
      } else {
        // RFC 3261 §18.3: a stream that cannot be framed cannot be read further.
        connection.socket.destroy();
      }
    }
  }
}

function key(address: string, port: number): string {
  return `${address}|${port}`;
}
