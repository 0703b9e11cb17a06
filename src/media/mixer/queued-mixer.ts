/**
 * A mixer as a media worker serves it: every 20 ms it mixes what each member said since the last
 * mix. Members hand in their frames when they are served (of their own ptime, on their own
 * phase), through a sample queue each, and the mix takes 20 ms from every queue that holds it.
 */
import { SAMPLES_PER_FRAME } from '../codecs/g711.js';
import { Mixer, type MixerMode } from './mixer.js';
import { SampleQueue } from './sample-queue.js';

/** What a member's queue holds at most: 120 ms, two of the longest ptime. */
const QUEUE_SAMPLES = 960;

export class QueuedMixer {
  readonly kind = 'mixer';
  readonly #mixer = new Mixer(SAMPLES_PER_FRAME);
  readonly #said = new Map<string, SampleQueue<Int16Array>>();

  get size(): number {
    return this.#mixer.size;
  }

  /** Adds a member, or changes the mode of one already in. */
  set(id: string, mode: MixerMode): void {
    this.#mixer.set(id, mode);
    if (!this.#said.has(id)) this.#said.set(id, new SampleQueue((n) => new Int16Array(n), QUEUE_SAMPLES));
  }

  remove(id: string): void {
    this.#mixer.remove(id);
    this.#said.delete(id);
  }

  /** What a member said (a frame it heard from its peer). */
  said(id: string, frame: Int16Array): void {
    this.#said.get(id)?.put(frame);
  }

  /** Mixes 20 ms: what each member who hears anything is to hear. */
  mix(): Map<string, Int16Array> {
    const frames = new Map<string, Int16Array>();
    for (const [id, queue] of this.#said) {
      const frame = new Int16Array(SAMPLES_PER_FRAME);
      if (queue.take(frame)) frames.set(id, frame);
    }
    return this.#mixer.mix(frames);
  }
}
