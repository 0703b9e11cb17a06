/**
 * A bounded first-in first-out queue of audio samples between two sessions that are served on
 * different phases or with different ptimes: one side puts in its frames, the other takes out
 * frames of its own length. When the writer gets ahead by more than the capacity, the oldest
 * samples go (the delay stays bounded); when the reader finds too few, it gets nothing and the
 * samples wait for the next frame.
 */
type Samples = Uint8Array | Int16Array;

export class SampleQueue<S extends Samples> {
  readonly #ring: S;
  #start = 0;
  #length = 0;

  constructor(make: (length: number) => S, capacity: number) {
    this.#ring = make(capacity);
  }

  get length(): number {
    return this.#length;
  }

  put(samples: S): void {
    const capacity = this.#ring.length;
    let from = 0;
    if (samples.length > capacity) from = samples.length - capacity;
    const count = samples.length - from;
    const overflow = this.#length + count - capacity;
    if (overflow > 0) {
      this.#start = (this.#start + overflow) % capacity;
      this.#length -= overflow;
    }
    for (let i = 0; i < count; i++) this.#ring[(this.#start + this.#length + i) % capacity] = samples[from + i] as number;
    this.#length += count;
  }

  /** Fills `into` with the oldest samples, or answers false (and takes nothing) when too few wait. */
  take(into: S): boolean {
    if (this.#length < into.length) return false;
    const capacity = this.#ring.length;
    for (let i = 0; i < into.length; i++) into[i] = this.#ring[(this.#start + i) % capacity] as number;
    this.#start = (this.#start + into.length) % capacity;
    this.#length -= into.length;
    return true;
  }

  clear(): void {
    this.#start = 0;
    this.#length = 0;
  }
}
