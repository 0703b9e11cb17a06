/**
 * A conference mixer on linear PCM, one pass per media-clock tick. Each participant has a mode:
 * `talk` (heard by all, hears all), `listen` (a supervisor monitoring: hears all, heard by none),
 * `whisper` (a supervisor coaching: heard only by the one participant named, hears all), `muted`
 * (hears all, heard by none) or `held` (hears nothing, heard by none). Nobody hears their own voice.
 */

export type MixerMode =
  | { kind: 'talk' }
  | { kind: 'listen' }
  | { kind: 'whisper'; to: string }
  | { kind: 'muted' }
  | { kind: 'held' };

export class Mixer {
  readonly #modes = new Map<string, MixerMode>();

  constructor(private readonly frameSamples: number) {}

  get size(): number {
    return this.#modes.size;
  }

  /** Adds a participant, or changes the mode of one already in. */
  set(id: string, mode: MixerMode): void {
    this.#modes.set(id, mode);
  }

  remove(id: string): void {
    this.#modes.delete(id);
    for (const [other, mode] of this.#modes) {
      // A whisper to someone who left has nobody to reach: the whisperer keeps listening.
      if (mode.kind === 'whisper' && mode.to === id) this.#modes.set(other, { kind: 'listen' });
    }
  }

  /**
   * Mixes one tick: `frames` holds what each participant said (absent: silence); the answer holds
   * what each participant who hears anything is to hear. Sums in 32 bits, clipped once at the end.
   */
  mix(frames: ReadonlyMap<string, Int16Array>): Map<string, Int16Array> {
    const n = this.frameSamples;
    const everyone = new Int32Array(n);
    const whispers = new Map<string, Int32Array>();
    for (const [id, mode] of this.#modes) {
      const frame = frames.get(id);
      if (frame === undefined) continue;
      if (mode.kind === 'talk') add(everyone, frame, n);
      else if (mode.kind === 'whisper') add(whispers.get(mode.to) ?? setNew(whispers, mode.to, n), frame, n);
    }
    const heard = new Map<string, Int16Array>();
    for (const [id, mode] of this.#modes) {
      if (mode.kind === 'held') continue;
      const out = new Int16Array(n);
      const own = mode.kind === 'talk' ? frames.get(id) : undefined;
      const whisper = whispers.get(id);
      for (let i = 0; i < n; i++) {
        const sample = (everyone[i] as number) - (own?.[i] ?? 0) + (whisper?.[i] ?? 0);
        out[i] = sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample;
      }
      heard.set(id, out);
    }
    return heard;
  }
}

function add(sum: Int32Array, frame: Int16Array, n: number): void {
  for (let i = 0; i < n; i++) sum[i] = (sum[i] as number) + (frame[i] ?? 0);
}

function setNew(map: Map<string, Int32Array>, key: string, n: number): Int32Array {
  const sum = new Int32Array(n);
  map.set(key, sum);
  return sum;
}
