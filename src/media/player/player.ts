/**
 * Plays what a caller hears, one frame (20 ms unless the session's ptime says otherwise) at a time on the media clock: a sequence of prompts, speech
 * and tones, once or looped, and stops at once on a key press when it may be interrupted
 * (barge-in: the caller who knows the menu does not wait for it).
 */

export interface PlayOptions {
  loop?: boolean;
  /** Whether a DTMF digit stops it (barge-in). */
  interruptible?: boolean;
}

export type PlayerEnd = 'finished' | 'stopped' | 'interrupted';

/**
 * Plays linear PCM (Int16Array) or frames already encoded as G.711 (Uint8Array, one byte a
 * sample): media workers cache prompts encoded, so a tick copies bytes instead of encoding.
 */
export class Player<Samples extends Int16Array | Uint8Array = Int16Array> {
  #items: Samples[] = [];
  #item = 0;
  #offset = 0;
  #options: PlayOptions = {};
  #playing = false;

  constructor(
    /** Samples a frame: the session's ptime, which a re-offer may change between two frames. */
    public frameSamples: number,
    private readonly onEnd: (end: PlayerEnd) => void,
    /** A frame of silence, what the end of the last item is padded with. */
    private readonly silence: (samples: number) => Samples = (samples) => new Int16Array(samples) as Samples,
  ) {}

  get playing(): boolean {
    return this.#playing;
  }

  /** Starts playing `items` in order, replacing whatever played (which ends as 'stopped'). */
  play(items: Samples[], options: PlayOptions = {}): void {
    if (this.#playing) this.end('stopped');
    this.#items = items.filter((item) => item.length > 0);
    this.#item = 0;
    this.#offset = 0;
    this.#options = options;
    this.#playing = this.#items.length > 0;
    if (!this.#playing) this.onEnd('finished');
  }

  /**
   * The next frame, padded with silence at the very end, or undefined when nothing plays. Items
   * follow each other without a gap inside a frame.
   */
  next(): Samples | undefined {
    if (!this.#playing) return undefined;
    const current = this.#items[this.#item] as Samples;
    if (this.#offset + this.frameSamples < current.length) {
      // Inside one item: a view of it, no copy (the caller reads it and does not keep or change it).
      const view = current.subarray(this.#offset, this.#offset + this.frameSamples) as Samples;
      this.#offset += this.frameSamples;
      return view;
    }
    const frame = this.silence(this.frameSamples);
    let filled = 0;
    while (filled < this.frameSamples && this.#playing) {
      const item = this.#items[this.#item] as Samples;
      const take = Math.min(this.frameSamples - filled, item.length - this.#offset);
      frame.set(item.subarray(this.#offset, this.#offset + take), filled);
      filled += take;
      this.#offset += take;
      if (this.#offset < item.length) continue;
      this.#offset = 0;
      this.#item++;
      if (this.#item < this.#items.length) continue;
      if (this.#options.loop) this.#item = 0;
      else this.end('finished');
    }
    return frame;
  }

  stop(): void {
    if (this.#playing) this.end('stopped');
  }

  /** A key was pressed: stops an interruptible playback and says whether it did. */
  interrupt(): boolean {
    if (!this.#playing || !this.#options.interruptible) return false;
    this.end('interrupted');
    return true;
  }

  private end(how: PlayerEnd): void {
    this.#playing = false;
    this.#items = [];
    this.onEnd(how);
  }
}
