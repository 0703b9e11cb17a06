/**
 * When each session of a worker is served: the worker's media clock ticks every TICK_MS, and a
 * session is due every `ptime / TICK_MS` ticks on a phase of its own. A worker that sent every
 * session's packet on one 20 ms tick sent them back to back, so the last left a whole burst after
 * its time (about 8 µs a `dgram` send: 5 ms for some 600 sessions); spread over the ten 2 ms
 * phases of a 20 ms frame, a tick sends a tenth of them, and each session's packets stay exactly
 * one ptime apart.
 *
 * A timing wheel: a bucket per tick of one turn, which every period divides (ptimes of 10–60 ms
 * in 10 ms steps: 5, 10, 15, 20, 25 and 30 ticks; their least common multiple is 300 ticks).
 * A new entry takes the phase whose ticks carry the fewest entries.
 */

/** The worker's clock step (ms): the phases of a 20 ms frame are 2 ms apart. */
export const TICK_MS = 2;
/** Ticks in one turn of the wheel: a multiple of every period (600 ms). */
const TURN = 300;

interface Entry<T> {
  readonly item: T;
  period: number;
  /** The tick it is due at next. */
  next: number;
  removed: boolean;
}

export class SendSchedule<T> {
  readonly #buckets: Entry<T>[][] = Array.from({ length: TURN }, () => []);
  /** Entries due at each tick of a turn: what a new entry's phase is chosen by. */
  readonly #load = new Uint32Array(TURN);
  readonly #entries = new Map<T, Entry<T>>();
  /** The last tick served. */
  #served = -1;

  /** Ticks between two frames of `ptimeMs`; throws on a ptime the wheel does not hold. */
  static periodOf(ptimeMs: number): number {
    const period = ptimeMs / TICK_MS;
    if (!Number.isInteger(period) || period < 1 || TURN % period !== 0 || ptimeMs < 10 || ptimeMs > 60) {
      throw new RangeError(`a ptime of ${ptimeMs} ms is not one of 10, 20, 30, 40, 50, 60`);
    }
    return period;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Schedules `item` every `period` ticks from the least loaded phase after `now`; returns its first tick. */
  add(item: T, period: number, now = this.#served): number {
    this.remove(item);
    let best = now + 1;
    let bestLoad = Infinity;
    for (let first = now + 1; first <= now + period; first++) {
      let load = 0;
      for (let tick = first; tick < first + TURN; tick += period) load += this.#load[tick % TURN] as number;
      if (load < bestLoad) {
        bestLoad = load;
        best = first;
      }
    }
    this.insert({ item, period, next: best, removed: false });
    return best;
  }

  /**
   * Puts `item` on the phase of `leader` (the same ticks, when their periods match): sessions
   * served on one tick hand each other their audio without waiting.
   */
  follow(item: T, leader: T): void {
    const lead = this.#entries.get(leader);
    const entry = this.#entries.get(item);
    if (lead === undefined || entry === undefined || entry === lead) return;
    this.remove(item);
    let next = lead.next;
    while (next <= this.#served) next += entry.period;
    this.insert({ item, period: entry.period, next, removed: false });
  }

  /** Changes the period of `item`, keeping it due no later than it was. */
  setPeriod(item: T, period: number): void {
    const entry = this.#entries.get(item);
    if (entry === undefined || entry.period === period) return;
    this.add(item, period);
  }

  remove(item: T): void {
    const entry = this.#entries.get(item);
    if (entry === undefined) return;
    entry.removed = true;
    this.#entries.delete(item);
    this.count(entry, -1);
  }

  /**
   * The items due at tick `index`, each moved on to its next tick. Ticks the clock skipped (a
   * stalled process) are not replayed: their items move on to their next tick after `index`.
   */
  take(index: number): T[] {
    if (index > this.#served + 1) this.skip(this.#served + 1, index);
    this.#served = index;
    const bucket = this.#buckets[index % TURN] as Entry<T>[];
    if (bucket.length === 0) return [];
    this.#buckets[index % TURN] = [];
    const due: T[] = [];
    for (const entry of bucket) {
      if (entry.removed) continue;
      if (entry.next !== index) {
        // An entry a whole turn ahead (after a skip) waits for its own turn.
        (this.#buckets[index % TURN] as Entry<T>[]).push(entry);
        continue;
      }
      due.push(entry.item);
      entry.next += entry.period;
      (this.#buckets[entry.next % TURN] as Entry<T>[]).push(entry);
    }
    return due;
  }

  private skip(from: number, to: number): void {
    for (let tick = from; tick < Math.min(to, from + TURN); tick++) {
      const bucket = this.#buckets[tick % TURN] as Entry<T>[];
      this.#buckets[tick % TURN] = [];
      for (const entry of bucket) {
        if (entry.removed) continue;
        if (entry.next < to) entry.next += Math.ceil((to - entry.next) / entry.period) * entry.period;
        (this.#buckets[entry.next % TURN] as Entry<T>[]).push(entry);
      }
    }
  }

  private insert(entry: Entry<T>): void {
    this.#entries.set(entry.item, entry);
    this.count(entry, 1);
    (this.#buckets[entry.next % TURN] as Entry<T>[]).push(entry);
  }

  private count(entry: Entry<T>, delta: number): void {
    for (let tick = entry.next % entry.period; tick < TURN; tick += entry.period) this.#load[tick] = (this.#load[tick] as number) + delta;
  }
}
