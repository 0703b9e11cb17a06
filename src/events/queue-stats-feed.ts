/**
 * Queue statistics on the event stream, coalesced: whoever changes a queue marks it dirty, and
 * its `queue.stats` event goes out once for a burst of changes — at most once an interval per
 * queue (default 1 s), and within an interval of the change. While callers wait, a queue's
 * longest wait and service level move without any event, so a queue whose last figures had
 * someone waiting is published again every interval until nobody waits.
 */
import type { EventHub } from './event-hub.js';
import type { QueueStatsData } from './event-types.js';

/** Time and timers; `set` returns a function that cancels the timer. */
export interface StatsClock {
  now(): number;
  set(ms: number, callback: () => void): () => void;
}

/** The figures of a queue now; undefined when the queue no longer exists. */
export type QueueStatsProvider = (tenantId: string, queueId: string) => QueueStatsData | undefined;

export interface QueueStatsFeedOptions {
  hub: EventHub;
  provider: QueueStatsProvider;
  clock: StatsClock;
  /** The shortest time between two publications of one queue, in ms (default 1000). */
  intervalMs?: number;
}

interface QueueFeed {
  tenantId: string;
  queueId: string;
  lastPublished: number | undefined;
  cancel: (() => void) | undefined;
}

export class QueueStatsFeed {
  readonly #queues = new Map<string, QueueFeed>();
  readonly #intervalMs: number;

  constructor(private readonly options: QueueStatsFeedOptions) {
    this.#intervalMs = options.intervalMs ?? 1000;
    if (!(this.#intervalMs > 0)) throw new RangeError('intervalMs must be positive');
  }

  /** The queue's figures changed: they go out as soon as its interval allows (in a timer, never during this call). */
  markDirty(tenantId: string, queueId: string): void {
    const key = `${tenantId}\u0000${queueId}`;
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      queue = { tenantId, queueId, lastPublished: undefined, cancel: undefined };
      this.#queues.set(key, queue);
    }
    if (queue.cancel !== undefined) return;
    const due = queue.lastPublished === undefined ? 0 : queue.lastPublished + this.#intervalMs - this.options.clock.now();
    this.#schedule(key, queue, Math.max(0, due));
  }

  /** Stops every pending publication. */
  close(): void {
    for (const queue of this.#queues.values()) queue.cancel?.();
    this.#queues.clear();
  }

  #schedule(key: string, queue: QueueFeed, delayMs: number): void {
    queue.cancel = this.options.clock.set(delayMs, () => {
      queue.cancel = undefined;
      const stats = this.options.provider(queue.tenantId, queue.queueId);
      if (stats === undefined) {
        this.#queues.delete(key);
        return;
      }
      this.options.hub.publish(queue.tenantId, { type: 'queue.stats', data: stats });
      queue.lastPublished = this.options.clock.now();
      if (stats.waiting > 0) this.#schedule(key, queue, this.#intervalMs);
    });
  }
}

/** The real clock: wall time and unreferenced timers (they do not keep the process alive). */
export const systemStatsClock: StatsClock = {
  now: () => Date.now(),
  set(ms, callback) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
