/**
 * A SIP client for the transport tests, written by hand so every byte it sends is in the test:
 * over WebSocket (the `ws` library, as a browser would) or over TLS (node:tls). Messages that
 * arrive are parsed and queued; `next()` waits (bounded) for the next one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { WebSocket, type ClientOptions } from 'ws';
import { digestResponse, Fault, parseCredentials, parseMessage, StreamFramer, type Message, type SipResponse } from '../../src/sip/index.js';

export class SipClient {
  readonly #inbox: Message[] = [];
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(
    private readonly write: (bytes: Buffer) => void,
    readonly end: () => void,
  ) {}

  /** A WebSocket client asking for the `sip` subprotocol; rejects when the handshake is refused. */
  static webSocket(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<SipClient & { socket: WebSocket }> {
    const socket = new WebSocket(url, options.protocols ?? ['sip'], options);
    const client = new SipClient(
      (bytes) => socket.send(bytes, { binary: false }),
      () => socket.close(),
    ) as SipClient & { socket: WebSocket };
    client.socket = socket;
    socket.on('message', (data: Buffer) => client.receive(data, 'datagram'));
    socket.on('close', () => client.closing());
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** A TLS client that trusts `ca` only. */
  static tls(port: number, ca: Buffer): Promise<SipClient & { socket: TLSSocket }> {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca });
    const framer = new StreamFramer();
    const client = new SipClient(
      (bytes) => socket.write(bytes),
      () => socket.end(),
    ) as SipClient & { socket: TLSSocket };
    client.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const event of framer.push(chunk)) if (event.kind === 'message') client.receive(event.bytes, 'stream');
    });
    socket.on('close', () => client.closing());
    return new Promise((resolve, reject) => {
      socket.once('secureConnect', () => resolve(client));
      socket.once('error', reject);
    });
  }

  send(text: string): void {
    this.write(Buffer.from(text));
  }

  sendBytes(bytes: Buffer): void {
    this.write(bytes);
  }

  /** The next message that arrives, within `ms`. */
  async next(ms = 5000): Promise<Message> {
    const deadline = Date.now() + ms;
    while (this.#inbox.length === 0) {
      if (Date.now() > deadline) throw new Error(`no SIP message within ${ms} ms`);
      if (this.closed) throw new Error('the connection closed');
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.#inbox.shift() as Message;
  }

  /** The next message, which must be a response. */
  async response(ms = 5000): Promise<SipResponse> {
    const message = await this.next(ms);
    if (message.kind !== 'response') throw new Error(`expected a response, got ${message.method}`);
    return message;
  }

  private receive(bytes: Buffer, transport: 'datagram' | 'stream'): void {
    const parsed = parseMessage(bytes, { transport });
    if (!parsed.ok) throw new Error(`the server sent what does not parse: ${parsed.error.reason}`);
    this.#inbox.push(parsed.message);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  private closing(): void {
    this.closed = true;
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

export interface RequestSpec {
  method: string;
  uri: string;
  /** Via transport: WS, WSS, TLS … */
  transport: string;
  /** Via sent-by: browsers put a random `.invalid` host there (RFC 7118 §8). */
  sentBy?: string;
  user?: string;
  domain?: string;
  callId?: string;
  cseq?: number;
  headers?: string[];
  body?: string;
}

/** A request as a browser softphone writes it; Content-Length only when the spec's headers do not say otherwise. */
export function sipRequest(spec: RequestSpec): string {
  const user = spec.user ?? 'probe';
  const domain = spec.domain ?? '127.0.0.1';
  const body = spec.body ?? '';
  return [
    `${spec.method} ${spec.uri} SIP/2.0`,
    `Via: SIP/2.0/${spec.transport} ${spec.sentBy ?? 'df7jal23ls0d.invalid'};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:${user}@${domain}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${user}@${domain}>`,
    `Call-ID: ${spec.callId ?? randomBytes(8).toString('hex')}`,
    `CSeq: ${spec.cseq ?? 1} ${spec.method}`,
    ...(spec.headers ?? []),
    ...(spec.headers?.some((h) => /^content-length:/i.test(h)) ? [] : [`Content-Length: ${Buffer.byteLength(body)}`]),
    '',
    body,
  ].join('\r\n');
}

/** The Authorization value answering an MD5 challenge (RFC 3261 §22.4, qop=auth). */
export function digestAuthorization(challenge: string, user: string, password: string, method: string, uri: string): string {
  const parsed = parseCredentials(challenge);
  if (parsed instanceof Fault) throw new Error(`the challenge does not parse: ${parsed.reason}`);
  const realm = parsed.params.get('realm') ?? '';
  const nonce = parsed.params.get('nonce') ?? '';
  const ha1 = createHash('md5').update(`${user}:${realm}:${password}`).digest('hex');
  const fields = { nonce, uri, qop: 'auth', nc: '00000001', cnonce: randomBytes(4).toString('hex') };
  const response = digestResponse('MD5', ha1, method, fields);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${fields.nc}, cnonce="${fields.cnonce}"`;
}
