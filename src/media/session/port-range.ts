/**
 * UDP sockets for RTP on a configured port range: even ports for RTP (RFC 3550 §11), the odd
 * port above each kept for RTCP when a peer does not multiplex. A port some other program holds
 * is skipped; when every port is taken the caller gets MediaPortsExhaustedError. A port may be
 * bound ahead of need (`park`) and taken later by the session it is given to.
 */
import { type Socket, createSocket } from 'node:dgram';
import { literalLookup } from '../../literal-lookup.js';
import { MediaPortsExhaustedError } from '../media-errors.js';

export interface BoundSocket {
  socket: Socket;
  port: number;
}

export class PortRange {
  readonly #inUse = new Set<number>();
  readonly #parked = new Map<number, Socket>();
  #next: number;
  readonly #first: number;
  readonly #last: number;

  constructor(
    min: number,
    max: number,
    private readonly host: string,
  ) {
    // RFC 3550 §11: RTP on an even port, RTCP on the next higher (odd) one.
    this.#first = min % 2 === 0 ? min : min + 1;
    this.#last = max % 2 === 0 ? max - 1 : max;
    this.#next = this.#first;
  }

  /** How many RTP ports the range holds. */
  get size(): number {
    return Math.max(0, Math.floor((this.#last - this.#first + 1) / 2));
  }

  /** Binds a socket on the next free even port. */
  async bindRtp(): Promise<BoundSocket> {
    for (let tried = 0; tried < this.size; tried++) {
      const port = this.#next;
      this.#next = port + 2 > this.#last ? this.#first : port + 2;
      if (this.#inUse.has(port)) continue;
      const socket = await bindUdp(this.host, port);
      if (socket === undefined) continue;
      this.#inUse.add(port);
      return { socket, port };
    }
    throw new MediaPortsExhaustedError(`no free RTP port between ${this.#first} and ${this.#last} on ${this.host}`);
  }

  /** Binds a socket on the next free even port and keeps it for `take`; answers its port. */
  async park(): Promise<number> {
    const { socket, port } = await this.bindRtp();
    this.#parked.set(port, socket);
    return port;
  }

  /** The socket `park` bound on `port`, no longer parked. */
  take(port: number): BoundSocket | undefined {
    const socket = this.#parked.get(port);
    if (socket === undefined) return undefined;
    this.#parked.delete(port);
    return { socket, port };
  }

  /** Closes the parked sockets (the worker is closing). */
  closeParked(): void {
    for (const [port, socket] of this.#parked) {
      socket.close();
      this.#inUse.delete(port);
    }
    this.#parked.clear();
  }

  /** Binds the RTCP socket of an RTP port (port + 1), for a peer without rtcp-mux. */
  async bindRtcp(rtpPort: number): Promise<Socket> {
    const socket = await bindUdp(this.host, rtpPort + 1);
    if (socket === undefined) throw new MediaPortsExhaustedError(`RTCP port ${rtpPort + 1} is held by another program`);
    return socket;
  }

  release(rtpPort: number): void {
    this.#inUse.delete(rtpPort);
  }
}

/** A socket bound on host:port, or undefined when the port is taken. */
function bindUdp(host: string, port: number): Promise<Socket | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', lookup: literalLookup });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(undefined);
      else reject(error);
    });
    socket.bind(port, host, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
