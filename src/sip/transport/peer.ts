/** Where a message came from or goes to, and the connection it travels on when there is one. */

/** The Via transports Kefu speaks (RFC 3261 §18, RFC 7118 §5.2.1 for WS and WSS). */
export type TransportName = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

const transportNames: readonly TransportName[] = ['UDP', 'TCP', 'TLS', 'WS', 'WSS'];

/**
 * One connection (TCP, TLS or WebSocket): messages to the peer go back on it (RFC 3261 §18.2.2,
 * RFC 7118 §5). It is closed for good once the network connection is gone.
 */
export interface Connection {
  readonly id: number;
  readonly closed: boolean;
  /** Who the HTTP server vouched for when this WebSocket connection opened, if anyone. */
  readonly vouched?: VouchedUser;
  write(bytes: Buffer): void;
}

/**
 * The user a WebSocket connection speaks for because the HTTP layer vouched for it at the
 * upgrade (a logged-in agent's own page): it registers and calls as `user` of `realm` without a
 * digest challenge, and as nobody else.
 */
export interface VouchedUser {
  user: string;
  realm: string;
  /** Whether the vouching still holds (the login has not ended); asked before each request is served. */
  valid(): Promise<boolean>;
}

export interface Peer {
  transport: TransportName;
  address: string;
  port: number;
  connection?: Connection;
}

/** RFC 3261 §26.2.2: a hop is secure when it runs over TLS; WSS is WebSocket over TLS (RFC 6455 §11.1.2). */
export function isSecure(transport: TransportName): boolean {
  return transport === 'TLS' || transport === 'WSS';
}

/** `transport:address:port`, lower-case transport: how a registrar binding records its source. */
export function describePeer(peer: Peer): string {
  const host = peer.address.includes(':') ? `[${peer.address}]` : peer.address;
  return `${peer.transport.toLowerCase()}:${host}:${peer.port}`;
}

/**
 * The peer a `describePeer` text names (a binding's source), without a connection: the transport
 * layer finds the live one when a message is sent to it. A WebSocket client (a browser) accepts
 * no connections, so it is reachable only while the connection it opened lives (RFC 7118 §5 and
 * Appendix B). undefined for any other text.
 */
export function parsePeer(text: string): Peer | undefined {
  const match = /^([a-z]+):(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const transport = (match[1] as string).toUpperCase() as TransportName;
  const port = Number(match[3]);
  if (!transportNames.includes(transport) || port > 65535) return undefined;
  return { transport, address: (match[2] as string).replace(/^\[|\]$/g, ''), port };
}
