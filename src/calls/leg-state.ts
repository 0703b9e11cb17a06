/**
 * The life of one call leg, whichever way it was placed, as an explicit state machine: an
 * inbound leg is `routing` while the applications decide, an outbound one `calling` until the
 * far end answers; `early` while early media flows (a 183 with SDP, RFC 3261 §13.2.1 and
 * RFC 3960), `answering` between our 2xx and its ACK (§13.3.1.4), `up` once confirmed, `held`
 * while the peer holds it (RFC 3264 §8.4), `ended` for good. A move the table does not list is a
 * bug and throws.
 */
import { KefuError } from '../errors.js';

export const legStates = ['routing', 'calling', 'ringing', 'early', 'answering', 'up', 'held', 'ended'] as const;
export type LegState = (typeof legStates)[number];

const moves: Record<LegState, readonly LegState[]> = {
  routing: ['early', 'answering', 'ended'],
  calling: ['ringing', 'early', 'up', 'ended'],
  ringing: ['early', 'up', 'ended'],
  early: ['ringing', 'answering', 'up', 'ended'],
  answering: ['up', 'ended'],
  up: ['held', 'ended'],
  held: ['up', 'ended'],
  ended: [],
};

/** A leg was asked to move where its state machine does not allow. */
export class IllegalLegTransitionError extends KefuError {
  readonly code = 'ERR_ILLEGAL_LEG_TRANSITION';

  constructor(
    readonly from: LegState,
    readonly to: LegState,
  ) {
    super(`a call leg cannot go from ${from} to ${to}`);
  }
}

export function canMove(from: LegState, to: LegState): boolean {
  return moves[from].includes(to);
}

/** The current state of a leg and when it was entered; `to` moves it or throws. */
export class LegStateMachine {
  #state: LegState;
  #since: Date;

  constructor(
    initial: 'routing' | 'calling',
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#state = initial;
    this.#since = now();
  }

  get state(): LegState {
    return this.#state;
  }

  get since(): Date {
    return this.#since;
  }

  to(next: LegState): void {
    if (next === this.#state) return;
    if (!canMove(this.#state, next)) throw new IllegalLegTransitionError(this.#state, next);
    this.#state = next;
    this.#since = this.now();
  }

  /** Moves when allowed and says whether it did (for events that may come late, e.g. a 180 after the 200). */
  tryTo(next: LegState): boolean {
    if (next === this.#state || !canMove(this.#state, next)) return false;
    this.to(next);
    return true;
  }
}
