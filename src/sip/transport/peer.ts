/** Where a message came from or goes to, and the stream it travels on when there is one. */

export type TransportName = 'UDP' | 'TCP';

/** One stream connection (TCP): messages to the peer go back on it (RFC 3261 §18.2.2). */
export interface Connection {
  readonly id: number;
  readonly closed: boolean;
  write(bytes: Buffer): void;
}

export interface Peer {
  transport: TransportName;
  address: string;
  port: number;
  connection?: Connection;
}

export function describePeer(peer: Peer): string {
  const host = peer.address.includes(':') ? `[${peer.address}]` : peer.address;
  return `${peer.transport.toLowerCase()}:${host}:${peer.port}`;
}
