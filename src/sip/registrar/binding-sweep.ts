/**
 * Expired bindings are never listed or called (RFC 3261 §10.3 step 8 lists only current ones),
 * but whoever stores them keeps the rows until told to forget them: phones that change address
 * (a new NAT port, a browser's random WebSocket contact) would otherwise pile up for ever.
 */
import type { TimerClock } from '../transaction/timers.js';

export interface BindingSweepOptions {
  clock: TimerClock;
  everyMs: number;
  now: () => number;
  /** Forgets the bindings expired at `now`. */
  removeExpired: (now: number) => Promise<unknown>;
  log: { warn(fields: object, message: string): void };
}

/** Removes expired bindings every `everyMs`, one sweep at a time; returns the function that stops it. */
export function sweepExpiredBindings(options: BindingSweepOptions): () => void {
  let stopped = false;
  let cancel = () => {};
  const schedule = () => {
    cancel = options.clock.set(options.everyMs, () => {
      options
        .removeExpired(options.now())
        .catch((error: unknown) => options.log.warn({ err: error }, 'expired SIP bindings not removed'))
        .finally(() => {
          if (!stopped) schedule();
        });
    });
  };
  schedule();
  return () => {
    stopped = true;
    cancel();
  };
}
