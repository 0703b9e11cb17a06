/**
 * An adaptive, bounded jitter buffer for one incoming RTP stream: packets go in as they arrive
 * (late, early, reordered, duplicated), and the media clock takes out one frame every tick, or
 * learns that the frame is missing (to conceal it). The playout delay follows the measured
 * variation of transit time between a floor and a ceiling, and the buffer never holds more than
 * its capacity.
 */

export interface JitterPacket {
  /** RTP sequence number (RFC 3550 §5.1), 16 bits. */
  sequence: number;
  /** RTP timestamp in clock-rate units, 32 bits. */
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

export type PushOutcome = 'queued' | 'duplicate' | 'late' | 'overflow';
export type Frame = { payload: Uint8Array } | { missing: true };

export interface JitterBufferOptions {
  clockRate: number;
  /** Samples per frame: 160 for 20 ms at 8 kHz. */
  frameSamples: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Frames held at most; beyond, the oldest are dropped. */
  capacity: number;
}

export interface JitterStats {
  delayMs: number;
  queued: number;
  played: number;
  missing: number;
  late: number;
  duplicates: number;
  overflows: number;
}

/** Transit samples kept to estimate the spread of arrival times. */
const transitWindow = 100;

/** Distance from a to b in 32-bit RTP timestamp space, signed (RFC 3550 §5.1 wrap-around). */
function timestampDelta(a: number, b: number): number {
  return (((b - a) % 0x1_0000_0000) + 0x1_0000_0000 + 0x8000_0000) % 0x1_0000_0000 - 0x8000_0000;
}

export class JitterBuffer {
  readonly #frames = new Map<number, Uint8Array>();
  readonly #transits: number[] = [];
  #ssrc: number | undefined;
  /** RTP timestamp of the stream's first packet: transit times are measured from it, unwrapped. */
  #firstTimestamp = 0;
  /** RTP timestamp of the next frame to play, once playing. */
  #playout: number | undefined;
  /** Arrival time of the first packet, and when playing starts. */
  #startAt: number | undefined;
  #delayMs: number;
  readonly #stats = { played: 0, missing: 0, late: 0, duplicates: 0, overflows: 0 };

  constructor(private readonly options: JitterBufferOptions) {
    this.#delayMs = options.minDelayMs;
  }

  push(packet: JitterPacket, arrivalMs: number): PushOutcome {
    if (packet.ssrc !== this.#ssrc) this.reset(packet.ssrc, packet.timestamp);
    const mediaMs = (timestampDelta(this.#firstTimestamp, packet.timestamp) / this.options.clockRate) * 1000;
    this.#transits.push(arrivalMs - mediaMs);
    if (this.#transits.length > transitWindow) this.#transits.shift();
    this.#startAt ??= arrivalMs;
    if (this.#playout !== undefined && timestampDelta(this.#playout, packet.timestamp) < 0) {
      this.#stats.late++;
      return 'late';
    }
    const key = packet.timestamp >>> 0;
    if (this.#frames.has(key)) {
      this.#stats.duplicates++;
      return 'duplicate';
    }
    this.#frames.set(key, packet.payload);
    if (this.#frames.size > this.options.capacity) {
      this.dropOldest();
      this.#stats.overflows++;
      return 'overflow';
    }
    return 'queued';
  }

  /**
   * The frame due at `nowMs`: its payload, `missing` when it did not arrive in time, or undefined
   * while the buffer is still filling (nothing to play yet).
   */
  pop(nowMs: number): Frame | undefined {
    if (this.#playout === undefined) {
      // Playing starts once the first packet has waited the initial delay.
      if (this.#startAt === undefined || nowMs < this.#startAt + this.#delayMs || this.#frames.size === 0) return undefined;
      this.#playout = this.oldest();
    }
    this.adapt();
    const due = this.#playout as number;
    const payload = this.#frames.get(due);
    this.#playout = (due + this.options.frameSamples) >>> 0;
    if (payload === undefined) {
      this.#stats.missing++;
      return { missing: true };
    }
    this.#frames.delete(due);
    this.#stats.played++;
    return { payload };
  }

  stats(): JitterStats {
    return { delayMs: this.#delayMs, queued: this.#frames.size, ...this.#stats };
  }

  /**
   * Sets the delay from the spread of transit times (95th percentile minus the minimum, plus a
   * frame), and shrinks a buffer that holds more than that by skipping one frame per tick.
   */
  private adapt(): void {
    const sorted = [...this.#transits].sort((a, b) => a - b);
    const spread = (sorted[Math.floor(sorted.length * 0.95)] ?? 0) - (sorted[0] ?? 0);
    const frameMs = (this.options.frameSamples / this.options.clockRate) * 1000;
    this.#delayMs = Math.min(this.options.maxDelayMs, Math.max(this.options.minDelayMs, spread + frameMs));
    const heldMs = this.#frames.size * frameMs;
    if (heldMs > this.#delayMs + 2 * frameMs && this.#playout !== undefined) {
      this.#frames.delete(this.#playout);
      this.#playout = (this.#playout + this.options.frameSamples) >>> 0;
    }
  }

  private oldest(): number {
    let oldest: number | undefined;
    for (const ts of this.#frames.keys()) if (oldest === undefined || timestampDelta(oldest, ts) < 0) oldest = ts;
    return oldest as number;
  }

  private dropOldest(): void {
    const oldest = this.oldest();
    this.#frames.delete(oldest);
    if (this.#playout !== undefined && timestampDelta(this.#playout, oldest) >= 0) {
      this.#playout = (oldest + this.options.frameSamples) >>> 0;
    }
  }

  /** A new SSRC is a new stream (RFC 3550 §8.2): start over. */
  private reset(ssrc: number, timestamp: number): void {
    this.#ssrc = ssrc;
    this.#firstTimestamp = timestamp;
    this.#frames.clear();
    this.#transits.length = 0;
    this.#playout = undefined;
    this.#startAt = undefined;
    this.#delayMs = this.options.minDelayMs;
  }
}
