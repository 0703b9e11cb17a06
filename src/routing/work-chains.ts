/**
 * The two chains that order one tenant's routing work. Decisions are carried out one after the
 * other, each waiting only for what must precede the next (a reservation row before the INVITE,
 * a reservation's end before its slot is offered again). Records — the interaction's row and
 * timeline, agent states, the events that follow them — are stored one after the other in the
 * order decided, off the decisions' path: behind the INVITE instead of ahead of it. The events
 * that tell of them are published once they are stored.
 */

import { setImmediate } from 'node:timers/promises';

/**
 * Resolves on the event loop's next turn. Records start there, so the queries an offer sends in
 * this turn (its reservation, then the phone's bindings for the INVITE) are ahead of them: the
 * embedded database runs one query at a time, in the order sent.
 */
export const nextTurn = (): Promise<void> => setImmediate();

export class WorkChains {
  #work: Promise<void> = Promise.resolve();
  #records: Promise<void> = Promise.resolve();

  constructor(private readonly failed: (what: string, error: unknown) => void) {}

  /** Carries out `work` (decisions) after the decisions before it. */
  decide(work: () => Promise<void>): void {
    this.#work = this.#work.then(work).catch((error: unknown) => this.failed('routing decision failed', error));
  }

  /** Stores (and publishes) after every record so far; settles once done. */
  record(work: () => Promise<void>): Promise<void> {
    this.#records = this.#records
      .then(nextTurn)
      .then(work)
      .catch((error: unknown) => this.failed('routing record not stored', error));
    return this.#records;
  }

  /**
   * Stores `rows` behind the records before, then publishes: a client told of a change reads it
   * stored (an agent's offer is theirs to read once its timeline names them). Published even when
   * storing failed, so screens do not fall behind the calls.
   */
  stored(rows: () => Promise<unknown>, publish: () => void): Promise<void> {
    return this.record(async () => {
      try {
        await rows();
      } finally {
        publish();
      }
    });
  }

  /** Runs `work` after every decision so far has been carried out and its records stored. */
  after(work: () => Promise<void>): void {
    this.#work = this.#work.then(() => void this.record(work));
  }

  /** Waits until every decision so far has been carried out and stored (tests, shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const work = this.#work;
      const records = this.#records;
      await Promise.all([work, records]);
      if (work === this.#work && records === this.#records) return;
    }
  }
}
