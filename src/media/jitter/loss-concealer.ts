/**
 * Packet loss concealment for the paths that decode what a peer says (recording, mixing, a
 * bridge's relay): a frame that did not arrive is replaced by the last one heard, fading, after
 * ITU-T G.711 Appendix I (a high quality low-complexity algorithm for packet loss concealment with
 * G.711): the first 10 ms of an erasure at full level, then 20 % less every 10 ms, silence from
 * 60 ms on; and the first frame that arrives after an erasure is faded in over 4 ms from where the
 * concealment would have gone on, so that the join makes no click.
 *
 * DEVIATION(ITU-T G.711 Appendix I): the Appendix repeats the last pitch period found by
 * autocorrelation; here the whole last frame repeats (no pitch search), which keeps a call's
 * level and tone through a short loss at a fraction of the cost.
 */

/** Samples a millisecond at G.711's 8 kHz. */
const PER_MS = 8;
/** Full level for the first 10 ms of an erasure. */
const HOLD_SAMPLES = 10 * PER_MS;
/** Silence once an erasure reaches 60 ms: 20 % less every 10 ms after the first 10. */
const SILENT_AFTER_SAMPLES = 60 * PER_MS;
/** The fade from the concealment into the first frame received again: 4 ms. */
const JOIN_SAMPLES = 4 * PER_MS;

export class LossConcealer {
  #last: Int16Array | undefined;
  /** Samples concealed since the last frame that arrived. */
  #lost = 0;

  /** Samples concealed in the erasure going on (0: none). */
  get concealing(): number {
    return this.#lost;
  }

  /** A frame that arrived: faded in when it ends an erasure, and kept to conceal the next loss. */
  received(frame: Int16Array): Int16Array {
    if (this.#lost > 0 && this.#lost < SILENT_AFTER_SAMPLES && this.#last !== undefined) {
      const join = Math.min(JOIN_SAMPLES, frame.length);
      for (let i = 0; i < join; i++) {
        const weight = (i + 1) / (join + 1);
        frame[i] = Math.round(this.sample(this.#lost + i) * (1 - weight) + (frame[i] as number) * weight);
      }
    }
    this.#lost = 0;
    this.#last = Int16Array.from(frame);
    return frame;
  }

  /** A frame of `samples` that did not arrive: the last one heard, fading; silence before any. */
  conceal(samples: number): Int16Array {
    const out = new Int16Array(samples);
    if (this.#last !== undefined) for (let i = 0; i < samples; i++) out[i] = this.sample(this.#lost + i);
    this.#lost += samples;
    return out;
  }

  /** The concealment's sample at `position` samples into an erasure. */
  private sample(position: number): number {
    const last = this.#last as Int16Array;
    if (position >= SILENT_AFTER_SAMPLES || last.length === 0) return 0;
    const gain = position < HOLD_SAMPLES ? 1 : 1 - (position - HOLD_SAMPLES) / (SILENT_AFTER_SAMPLES - HOLD_SAMPLES);
    return Math.round((last[position % last.length] as number) * gain);
  }
}
