/**
 * Server transactions (RFC 3261 §17.2): they absorb retransmitted requests, retransmit responses
 * over UDP, and end on their timers. The INVITE server transaction follows RFC 6026's fix: after
 * a 2xx it stays Accepted to absorb retransmitted INVITEs and lets the 2xx's ACK pass to the core.
 */
import type { SipRequest, SipResponse } from '../message/message.js';
import type { Peer } from '../transport/peer.js';
import { TimerSet, type TimerClock, type TimerValues } from './timers.js';

export interface ServerTransactionContext {
  values: TimerValues;
  clock: TimerClock;
  send(response: SipResponse, peer: Peer): void;
  /** The transaction ended; the layer forgets it. */
  terminated(key: string): void;
  /** RFC 3261 §17.2.1: Timer H fired, no ACK came for a final non-2xx response. */
  timedOut?(request: SipRequest): void;
}

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';
export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

abstract class ServerTransaction<State extends string> {
  protected last: SipResponse | undefined;
  protected readonly timers: TimerSet;
  abstract state: State;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    /** Where responses go (RFC 3261 §18.2.2). */
    readonly destination: Peer,
    protected readonly context: ServerTransactionContext,
  ) {
    this.timers = new TimerSet(context.clock);
  }

  protected get reliable(): boolean {
    return this.destination.transport !== 'UDP';
  }

  protected transmit(response: SipResponse): void {
    this.last = response;
    this.context.send(response, this.destination);
  }

  protected retransmit(): void {
    if (this.last !== undefined) this.context.send(this.last, this.destination);
  }

  protected end(): void {
    this.timers.stopAll();
    this.context.terminated(this.key);
  }
}

/** RFC 3261 §17.2.1 with RFC 6026 §7.1. */
export class InviteServerTransaction extends ServerTransaction<InviteServerState> {
  state: InviteServerState = 'proceeding';

  /** A retransmission of the INVITE arrived. */
  receiveInvite(): void {
    // §17.2.1: in Proceeding and Completed the last response is sent again; Accepted absorbs it.
    if (this.state === 'proceeding' || this.state === 'completed') this.retransmit();
  }

  /** An ACK for a non-2xx final response (a 2xx's ACK is a request of its own, for the core). */
  receiveAck(): void {
    if (this.state !== 'completed') return;
    this.state = 'confirmed';
    this.timers.stop('G');
    this.timers.stop('H');
    // §17.2.1: Timer I absorbs further ACKs; T4 over UDP, zero on reliable transports.
    if (this.reliable) this.terminate();
    else this.timers.start('I', this.context.values.t4, () => this.terminate());
  }

  respond(response: SipResponse): void {
    const { status } = response;
    if (this.state === 'proceeding') {
      this.transmit(response);
      if (status < 200) return;
      if (status < 300) {
        // RFC 6026 §7.1: Accepted until Timer L (64·T1) so INVITE retransmissions are absorbed.
        this.state = 'accepted';
        this.timers.start('L', 64 * this.context.values.t1, () => this.terminate());
        return;
      }
      this.state = 'completed';
      if (!this.reliable) this.scheduleG(this.context.values.t1);
      this.timers.start('H', 64 * this.context.values.t1, () => {
        this.context.timedOut?.(this.request);
        this.terminate();
      });
    } else if (this.state === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §8.5: the core's 2xx retransmissions pass through the Accepted state.
      this.transmit(response);
    }
  }

  /** §17.2.1: Timer G retransmits the final response, doubling up to T2. */
  private scheduleG(interval: number): void {
    this.timers.start('G', interval, () => {
      if (this.state !== 'completed') return;
      this.retransmit();
      this.scheduleG(Math.min(2 * interval, this.context.values.t2));
    });
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.end();
  }
}

/** RFC 3261 §17.2.2. */
export class NonInviteServerTransaction extends ServerTransaction<NonInviteServerState> {
  state: NonInviteServerState = 'trying';

  receiveRequest(): void {
    // §17.2.2: Trying discards retransmissions; Proceeding and Completed answer them again.
    if (this.state === 'proceeding' || this.state === 'completed') this.retransmit();
  }

  respond(response: SipResponse): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.transmit(response);
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    // §17.2.2: Timer J = 64·T1 over UDP (to answer retransmissions), zero on reliable transports.
    if (this.reliable) this.terminate();
    else this.timers.start('J', 64 * this.context.values.t1, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.end();
  }
}
