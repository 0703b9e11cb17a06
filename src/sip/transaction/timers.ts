/**
 * The transaction timers of RFC 3261 §17 and Table 4, from T1, T2 and T4, and the clock that runs
 * them: the real one in the server, a fake one in tests (never a sleep).
 */

export interface TimerValues {
  /** RTT estimate, 500 ms by default (§17.1.1.1). */
  t1: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses, 4 s. */
  t2: number;
  /** Longest time a message stays in the network, 5 s. */
  t4: number;
}

export const defaultTimerValues: TimerValues = { t1: 500, t2: 4000, t4: 5000 };

/** Schedules callbacks; returns a function that cancels. */
export interface TimerClock {
  set(ms: number, callback: () => void): () => void;
}

export const realTimerClock: TimerClock = {
  set(ms, callback) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** One transaction's timers by name (A, B, G, H …), so that each can be replaced or cancelled. */
export class TimerSet {
  readonly #cancels = new Map<string, () => void>();

  constructor(private readonly clock: TimerClock) {}

  start(name: string, ms: number, callback: () => void): void {
    this.stop(name);
    this.#cancels.set(
      name,
      this.clock.set(ms, () => {
        this.#cancels.delete(name);
        callback();
      }),
    );
  }

  active(name: string): boolean {
    return this.#cancels.has(name);
  }

  stop(name: string): void {
    this.#cancels.get(name)?.();
    this.#cancels.delete(name);
  }

  stopAll(): void {
    for (const cancel of this.#cancels.values()) cancel();
    this.#cancels.clear();
  }
}
