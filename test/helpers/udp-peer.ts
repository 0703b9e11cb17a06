/**
 * A SIP peer over real UDP on 127.0.0.1, written by hand: every byte it sends is in the test.
 * It keeps what it receives parsed, in order, and waits (bounded) for the next message that
 * matches; responses to what it received are built with the stack's own createResponse.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createResponse, parseMessage, type Message, type ResponseOptions, type SipRequest, type SipResponse } from '../../src/sip/index.js';

export class UdpPeer {
  readonly received: Message[] = [];
  #read = 0;
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (bytes) => {
      const parsed = parseMessage(bytes);
      if (parsed.ok) this.received.push(parsed.message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(): Promise<UdpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    this.socket.close();
  }

  /** Sends text with LF line ends turned into CRLF (and Content-Length fixed by serialize). */
  sendText(text: string, port: number): void {
    const parsed = parseMessage(Buffer.from(text.replaceAll('\r\n', '\n').replaceAll('\n', '\r\n')));
    if (!parsed.ok) throw new Error(`test message does not parse: ${parsed.error.reason}`);
    this.send(parsed.message, port);
  }

  send(message: Message, port: number): void {
    this.socket.send(message.serialize(), port, '127.0.0.1');
  }

  /** Answers a received request. */
  reply(request: SipRequest, status: number, port: number, options: ResponseOptions = {}): SipResponse {
    const response = createResponse(request, status, options);
    this.send(response, port);
    return response;
  }

  /** The next message not yet taken that matches, waiting up to 5 s; earlier unmatched ones are skipped. */
  async next(match: (message: Message) => boolean = () => true, what = 'a message'): Promise<Message> {
    const deadline = Date.now() + 5000;
    for (;;) {
      while (this.#read < this.received.length) {
        const message = this.received[this.#read++] as Message;
        if (match(message)) return message;
      }
      if (Date.now() > deadline) throw new Error(`no ${what} arrived; got:\n${this.received.map((m) => m.startLine()).join('\n')}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async request(method: string): Promise<SipRequest> {
    return (await this.next((m) => m.kind === 'request' && m.method === method, `${method} request`)) as SipRequest;
  }

  async response(status: number, method?: string): Promise<SipResponse> {
    return (await this.next(
      (m) => m.kind === 'response' && m.status === status && (method === undefined || m.cseq?.method === method),
      `${status} response${method ? ` to ${method}` : ''}`,
    )) as SipResponse;
  }

  /** Lets datagrams in flight arrive, then says how many messages came in all. */
  async settle(ms = 100): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received.length;
  }
}
