/**
 * Client transactions (RFC 3261 §17.1): they send a request, retransmit it over UDP, pass the
 * responses up to their user once each, and end on their timers. The INVITE client transaction
 * acknowledges non-2xx final responses itself (§17.1.1.3) and, after RFC 6026, stays Accepted
 * after a 2xx so that 2xx retransmissions reach the dialog, which acknowledges them end to end.
 * A timeout or a transport error reaches the user as a response of its own: 408 (§17.1.1.2) or
 * 503 (§8.1.3.1), so every request ends in exactly one final response.
 */
import { HeaderList } from '../message/header-list.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import { createResponse } from '../message/response-builder.js';
import type { Peer } from '../transport/peer.js';
import { TimerSet, type TimerClock, type TimerValues } from './timers.js';

export interface ClientTransactionContext {
  values: TimerValues;
  clock: TimerClock;
  /** Sends on the transport; a throw is a transport error (§8.1.3.1). */
  send(request: SipRequest, peer: Peer): void;
  /** The transaction ended; the layer forgets it. */
  terminated(key: string): void;
}

/** The transaction user: it hears every response once (and each 2xx of an INVITE, §17.1.1.2). */
export type ResponseListener = (response: SipResponse) => void;

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';
export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** RFC 3261 §17.1.1.2: Timer D, at least 32 s over UDP, to absorb retransmitted final responses. */
export const TIMER_D_MS = 32_000;

abstract class ClientTransaction<State extends string> {
  protected readonly timers: TimerSet;
  abstract state: State;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    /** Where the request goes: the next hop. */
    readonly destination: Peer,
    protected readonly context: ClientTransactionContext,
    protected readonly listener: ResponseListener,
  ) {
    this.timers = new TimerSet(context.clock);
  }

  protected get reliable(): boolean {
    return this.destination.transport !== 'UDP';
  }

  /** Sends the request; false after a transport error, which has then ended the transaction. */
  protected transmit(message: SipRequest = this.request): boolean {
    try {
      this.context.send(message, this.destination);
      return true;
    } catch {
      // RFC 3261 §8.1.3.1: a transport failure is treated as a 503 (Service Unavailable).
      this.fail(503);
      return false;
    }
  }

  /** Ends the transaction with a response made here: 408 on timeout, 503 on transport error. */
  protected fail(status: 408 | 503): void {
    const waiting = this.awaitingFinal;
    this.terminate();
    if (waiting) this.listener(createResponse(this.request, status, { reason: status === 408 ? 'Request Timeout' : 'Service Unavailable' }));
  }

  /** No final response has gone up yet. */
  protected abstract get awaitingFinal(): boolean;
  abstract terminate(): void;

  protected end(): void {
    this.timers.stopAll();
    this.context.terminated(this.key);
  }
}

/** RFC 3261 §17.1.1 with RFC 6026 §7.2 (Accepted, Timer M). */
export class InviteClientTransaction extends ClientTransaction<InviteClientState> {
  state: InviteClientState = 'calling';
  #ack: SipRequest | undefined;

  protected get awaitingFinal(): boolean {
    return this.state === 'calling' || this.state === 'proceeding';
  }

  start(): void {
    if (!this.transmit()) return;
    // §17.1.1.2: Timer A only over unreliable transports, T1 doubling each time (no cap).
    if (!this.reliable) this.scheduleA(this.context.values.t1);
    // §17.1.1.2: Timer B = 64·T1 bounds the wait for any response.
    this.timers.start('B', 64 * this.context.values.t1, () => {
      if (this.state === 'calling') this.fail(408);
    });
  }

  private scheduleA(interval: number): void {
    this.timers.start('A', interval, () => {
      if (this.state !== 'calling') return;
      if (this.transmit()) this.scheduleA(2 * interval);
    });
  }

  receive(response: SipResponse): void {
    const { status } = response;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        this.timers.stop('A');
        if (status < 200) {
          // §17.1.1.2: a provisional response moves to Proceeding; retransmissions stop.
          this.state = 'proceeding';
          this.timers.stop('B');
          this.listener(response);
          return;
        }
        if (status < 300) {
          // RFC 6026 §7.2: Accepted for 64·T1 (Timer M) so that 2xx retransmissions reach the TU.
          this.state = 'accepted';
          this.timers.stop('B');
          this.timers.start('M', 64 * this.context.values.t1, () => this.terminate());
          this.listener(response);
          return;
        }
        // §17.1.1.2: a 300–699 response is acknowledged here and passed up once.
        this.state = 'completed';
        this.timers.stop('B');
        this.#ack = ackFor(this.request, response);
        // The ACK goes first; the response goes up even if the transport failed to send it.
        const acknowledged = this.transmit(this.#ack);
        this.listener(response);
        if (!acknowledged) return;
        // Timer D absorbs the final response's retransmissions: ≥ 32 s on UDP, zero on TCP.
        if (this.reliable) this.terminate();
        else this.timers.start('D', TIMER_D_MS, () => this.terminate());
        return;
      case 'completed':
        // §17.1.1.2: a retransmitted final response is acknowledged again, not passed up.
        if (status >= 300 && this.#ack !== undefined) this.transmit(this.#ack);
        return;
      case 'accepted':
        // RFC 6026 §7.2: each 2xx goes up (the dialog sends its ACK again); the rest is dropped.
        if (status >= 200 && status < 300) this.listener(response);
        return;
      case 'terminated':
        return;
      default: {
        const never: never = this.state;
        throw new Error(`unexpected state ${String(never)}`);
      }
    }
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.end();
  }
}

/**
 * RFC 3261 §17.1.1.3: the ACK for a non-2xx final response: the INVITE's Request-URI, Call-ID,
 * From, top Via (same branch) and Route; the To of the response; CSeq with the INVITE's number.
 */
export function ackFor(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new HeaderList();
  const via = invite.headers.getAll('via')[0];
  if (via !== undefined) headers.append('Via', via);
  for (const name of ['Max-Forwards', 'From']) {
    const value = invite.headers.get(name);
    if (value !== undefined) headers.append(name, value);
  }
  headers.append('To', response.headers.get('to') ?? invite.headers.get('to') ?? '');
  headers.append('Call-ID', invite.headers.get('call-id') ?? '');
  headers.append('CSeq', `${invite.cseq?.seq ?? 0} ACK`);
  for (const route of invite.headers.getAll('route')) headers.append('Route', route);
  return new SipRequest('ACK', invite.uri, headers);
}

/** RFC 3261 §17.1.2. */
export class NonInviteClientTransaction extends ClientTransaction<NonInviteClientState> {
  state: NonInviteClientState = 'trying';

  protected get awaitingFinal(): boolean {
    return this.state === 'trying' || this.state === 'proceeding';
  }

  start(): void {
    if (!this.transmit()) return;
    // §17.1.2.2: Timer E over unreliable transports, T1 doubling up to T2.
    if (!this.reliable) this.scheduleE(this.context.values.t1);
    // Timer F = 64·T1: no final response by then is a timeout.
    this.timers.start('F', 64 * this.context.values.t1, () => this.fail(408));
  }

  private scheduleE(interval: number): void {
    this.timers.start('E', interval, () => {
      if (this.state !== 'trying' && this.state !== 'proceeding') return;
      if (!this.transmit()) return;
      // §17.1.2.2: in Proceeding the interval is T2.
      const next = this.state === 'proceeding' ? this.context.values.t2 : Math.min(2 * interval, this.context.values.t2);
      this.scheduleE(next);
    });
  }

  receive(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (response.status < 200) {
      this.state = 'proceeding';
      this.listener(response);
      return;
    }
    this.state = 'completed';
    this.timers.stop('E');
    this.timers.stop('F');
    this.listener(response);
    // §17.1.2.2: Timer K = T4 over UDP absorbs retransmitted responses; zero on reliable ones.
    if (this.reliable) this.terminate();
    else this.timers.start('K', this.context.values.t4, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.end();
  }
}
