/**
 * How late packets leave after their tick was due, kept as counts in 0.05 ms buckets up to one
 * second (beyond: the last bucket), so that a worker can tell p50, p99 and max at any time
 * without keeping every sample.
 */
const BUCKET_MS = 0.05;
const BUCKETS = 20_000;

export class LatenessHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #count = 0;
  #max = 0;

  add(lateMs: number): void {
    const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(lateMs / BUCKET_MS)));
    this.#counts[bucket] = (this.#counts[bucket] as number) + 1;
    this.#count++;
    if (lateMs > this.#max) this.#max = lateMs;
  }

  summary(): { count: number; p50: number; p99: number; max: number } {
    return { count: this.#count, p50: this.quantile(0.5), p99: this.quantile(0.99), max: Number(this.#max.toFixed(3)) };
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#max = 0;
  }

  /** The upper edge of the bucket holding the q-quantile, in ms. */
  private quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.ceil(q * this.#count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i] as number;
      if (seen >= rank) return Number(((i + 1) * BUCKET_MS).toFixed(3));
    }
    return Number(this.#max.toFixed(3));
  }
}
