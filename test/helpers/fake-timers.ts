/** A TimerClock whose time moves only when the test says: timers are tested, never slept on. */
import type { TimerClock } from '../../src/sip/transaction/timers.js';

export class FakeTimers implements TimerClock {
  now = 0;
  #timers: { at: number; callback: () => void; live: boolean }[] = [];

  set(ms: number, callback: () => void): () => void {
    const timer = { at: this.now + ms, callback, live: true };
    this.#timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  /** Moves time forward by `ms`, running every timer due on the way, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.#timers = this.#timers.filter((t) => t.live);
      const next = [...this.#timers].sort((a, b) => a.at - b.at)[0];
      if (next === undefined || next.at > end) break;
      next.live = false;
      this.now = next.at;
      next.callback();
    }
    this.now = end;
  }

  get pending(): number {
    return this.#timers.filter((t) => t.live).length;
  }
}
