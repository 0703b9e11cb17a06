/**
 * A Call holds its legs (mediasoup's ownership tree: Call → legs): the caller's, and every leg
 * Kefu places for it (the phones a `dial` rings, a transfer target). Each leg keeps its own
 * state machine and, once over, a record for its CDR row: who, when answered and ended, the
 * cause and which side ended it. The call is over when its caller's leg is.
 */
import { randomUUID } from 'node:crypto';
import type { HangupCause, HangupSide } from './hangup-cause.js';
import { LegStateMachine, type LegState } from './leg-state.js';

export type LegRole = 'caller' | 'callee' | 'transfer';

/** What a CDR keeps of one leg. */
export interface LegRecord {
  /** Kefu's id of the call the leg belongs to. */
  callId: string;
  legId: string;
  role: LegRole;
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  from: string | undefined;
  to: string | undefined;
  /** For a leg Kefu placed: the number or extension it was placed to. */
  target: string | undefined;
  startedAt: Date;
  answeredAt: Date | undefined;
  endedAt: Date;
  cause: HangupCause;
  endedBy: HangupSide;
  /** The final SIP status of a leg that was never answered (486, 487 …). */
  sipStatus: number | undefined;
}

export interface LegStart {
  role: LegRole;
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  from: string | undefined;
  to: string | undefined;
  target?: string;
}

export class CallLeg {
  readonly id = randomUUID();
  readonly state: LegStateMachine;
  readonly startedAt: Date;
  answeredAt: Date | undefined;
  #record: LegRecord | undefined;
  readonly #onEnd: (() => void)[] = [];

  constructor(
    readonly call: Call,
    readonly start: LegStart,
    private readonly now: () => Date,
  ) {
    this.state = new LegStateMachine(start.direction === 'inbound' ? 'routing' : 'calling', now);
    this.startedAt = now();
  }

  /** Moves the leg on (throws on a move its state machine forbids); `up` stamps the answer time. */
  to(next: LegState): void {
    this.state.to(next);
    if (next === 'up' && this.answeredAt === undefined) this.answeredAt = this.now();
  }

  get ended(): boolean {
    return this.#record !== undefined;
  }

  /** Runs `listener` once when the leg ends (a trunk's call given back). */
  whenEnded(listener: () => void): void {
    if (this.ended) listener();
    else this.#onEnd.push(listener);
  }

  /** Ends the leg once; later calls return the first record. */
  end(cause: HangupCause, by: HangupSide, sipStatus?: number): LegRecord {
    if (this.#record !== undefined) return this.#record;
    this.state.to('ended');
    this.#record = {
      callId: this.call.id,
      legId: this.id,
      ...this.start,
      target: this.start.target,
      startedAt: this.startedAt,
      answeredAt: this.answeredAt,
      endedAt: this.now(),
      cause,
      endedBy: by,
      sipStatus,
    };
    this.call.legEnded(this, this.#record);
    for (const listener of this.#onEnd.splice(0)) listener();
    return this.#record;
  }
}

export class Call {
  readonly id = randomUUID();
  readonly legs: CallLeg[] = [];

  constructor(
    /** Who may list and hang up the call (a tenant, to the applications). */
    readonly owner: string | undefined,
    /** Told of each leg other than the caller's when it ends, and of an unanswered placed call's (see legEnded). */
    private readonly onLegEnded: (record: LegRecord) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  addLeg(start: LegStart): CallLeg {
    const leg = new CallLeg(this, start, this.now);
    this.legs.push(leg);
    return leg;
  }

  /** The leg of the party who called (or was called by an originate). */
  get caller(): CallLeg | undefined {
    return this.legs.find((leg) => leg.start.role === 'caller');
  }

  get state(): 'setup' | 'up' | 'ended' {
    const caller = this.caller;
    if (caller === undefined || caller.state.state === 'ended') return caller === undefined ? 'setup' : 'ended';
    return caller.state.state === 'up' || caller.state.state === 'held' ? 'up' : 'setup';
  }

  /**
   * The caller's CDR is the application's, written as it serves the call; a call Kefu placed that
   * nobody answered was never served, so its caller legs are told too (not a phone Kefu cancelled
   * because another answered).
   */
  legEnded(leg: CallLeg, record: LegRecord): void {
    const unanswered = leg.start.direction === 'outbound' && record.answeredAt === undefined && record.endedBy !== 'kefu';
    if (leg.start.role !== 'caller' || unanswered) this.onLegEnded(record);
  }
}
