/**
 * The media clock: one tick every 20 ms for everything a worker serves, scheduled against
 * absolute deadlines on a monotonic clock, so that lateness of one tick never accumulates into
 * drift. One timer per worker, never one per session.
 */

/** Monotonic time and a one-shot timer; `hrtimeSource` is the real one, tests pass their own. */
export interface TimeSource {
  /** Milliseconds on a monotonic clock (fractions allowed). */
  now(): number;
  /** Calls `callback` after about `delayMs`; returns a function that cancels it. */
  after(delayMs: number, callback: () => void): () => void;
}

export const hrtimeSource: TimeSource = {
  // performance.now() is monotonic like process.hrtime, without a BigInt per call.
  now: () => performance.now(),
  after: (delayMs, callback) => {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  },
};

export interface Tick {
  /** 0, 1, 2 … since start: the media timestamp of tick n is n periods after the first. */
  index: number;
  /** When this tick was due, on the time source's clock. */
  dueAt: number;
  /** How late it runs (ms): what the media benchmark measures. */
  lateMs: number;
}

export interface MediaClockOptions {
  periodMs: number;
  /** Ticks run back to back to catch up after a stall, at most this many; beyond, the clock skips. */
  maxCatchUp: number;
}

export class MediaClock {
  #startedAt = 0;
  #next = 0;
  #cancel: (() => void) | undefined;
  #skipped = 0;

  constructor(
    private readonly time: TimeSource,
    private readonly options: MediaClockOptions,
    private readonly onTick: (tick: Tick) => void,
  ) {}

  get running(): boolean {
    return this.#cancel !== undefined;
  }

  /** Ticks skipped because the process stalled for longer than `maxCatchUp` periods. */
  get skipped(): number {
    return this.#skipped;
  }

  start(): void {
    if (this.running) return;
    this.#startedAt = this.time.now();
    this.#next = 0;
    this.schedule();
  }

  /** Stops ticking; idempotent. */
  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  private dueAt(index: number): number {
    return this.#startedAt + index * this.options.periodMs;
  }

  private schedule(): void {
    this.#cancel = this.time.after(this.dueAt(this.#next) - this.time.now(), () => this.fire());
  }

  private fire(): void {
    const now = this.time.now();
    const behind = Math.floor((now - this.dueAt(this.#next)) / this.options.periodMs);
    if (behind > this.options.maxCatchUp) {
      this.#skipped += behind - this.options.maxCatchUp;
      this.#next += behind - this.options.maxCatchUp;
    }
    // Every tick that is due runs now, in order: media timestamps stay continuous.
    while (this.running && this.dueAt(this.#next) <= now) {
      const index = this.#next++;
      this.onTick({ index, dueAt: this.dueAt(index), lateMs: now - this.dueAt(index) });
    }
    if (this.running) this.schedule();
  }
}
