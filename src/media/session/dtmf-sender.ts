/**
 * Sends DTMF digits as RFC 4733 telephone-events, one packet per media-clock tick: a start packet
 * (marker bit), updates with the growing duration, then the end packet three times, every packet
 * of one event with the event's start timestamp. Digits queue up and follow each other after a
 * pause in which audio flows again.
 */
import { type DtmfDigit, eventOfDigit } from '../dtmf/dtmf-digit.js';
import { TelephoneEvent } from '../dtmf/telephone-event.js';

export interface DtmfSendOptions {
  /** Tone length of each digit (default 100 ms). */
  durationMs?: number;
  /** Pause between digits, sent as audio (default 60 ms). */
  gapMs?: number;
  /** RFC 4733 §2.3.4: power level as -dBm0, 0 to 63 (default 10). */
  volume?: number;
}

/** One telephone-event packet to send: its payload, whether it carries the marker, its timestamp. */
export interface DtmfPacket {
  payload: Uint8Array;
  marker: boolean;
  timestamp: number;
}

interface QueuedDigit {
  digit: DtmfDigit;
  durationSamples: number;
  gapTicks: number;
  volume: number;
  done: () => void;
}

type SenderState =
  | { name: 'idle' }
  | { name: 'playing'; digit: QueuedDigit; timestamp: number; duration: number }
  | { name: 'ending'; digit: QueuedDigit; timestamp: number; duration: number; endsSent: number }
  | { name: 'gap'; ticksLeft: number };

/** RFC 4733 §2.5.1.4: the final packet is sent three times in all. */
const END_PACKETS = 3;

export class DtmfSender {
  readonly #queue: QueuedDigit[] = [];
  #state: SenderState = { name: 'idle' };

  /** Samples a packet: the session's ptime, which a re-offer may change between two packets. */
  constructor(public frameSamples: number) {}

  /** True while an event is being sent: the tick sends its packet instead of audio. */
  get busy(): boolean {
    return this.#state.name === 'playing' || this.#state.name === 'ending' || this.#queue.length > 0;
  }

  /** Queues digits; `done` runs when the last end packet of the last digit has been sent. */
  send(digits: readonly DtmfDigit[], options: DtmfSendOptions, done: () => void): void {
    const durationSamples = Math.max(this.frameSamples, Math.round(((options.durationMs ?? 100) * 8000) / 1000 / this.frameSamples) * this.frameSamples);
    const gapTicks = Math.max(1, Math.round((options.gapMs ?? 60) / ((this.frameSamples / 8000) * 1000)));
    const volume = options.volume ?? 10;
    if (digits.length === 0) {
      done();
      return;
    }
    digits.forEach((digit, i) =>
      this.#queue.push({ digit, durationSamples, gapTicks, volume, done: i === digits.length - 1 ? done : () => undefined }),
    );
  }

  /**
   * The packet of this tick, or undefined when audio is to be sent instead. `timestamp` is the
   * RTP timestamp of the audio frame this tick would carry.
   */
  next(timestamp: number): DtmfPacket | undefined {
    const state = this.#state;
    switch (state.name) {
      case 'gap':
        this.#state = state.ticksLeft > 1 ? { name: 'gap', ticksLeft: state.ticksLeft - 1 } : { name: 'idle' };
        return undefined;
      case 'idle': {
        const digit = this.#queue.shift();
        if (digit === undefined) return undefined;
        // RFC 4733 §2.5.1.2: the first packet carries the marker bit and the event's start
        // timestamp, which every later packet of the event repeats (§2.3.1).
        this.#state = { name: 'playing', digit, timestamp, duration: this.frameSamples };
        return this.packet(digit, timestamp, this.frameSamples, false, true);
      }
      case 'playing': {
        // RFC 4733 §2.5.1.2: updates carry the duration so far, cumulative from the start.
        const duration = state.duration + this.frameSamples;
        if (duration >= state.digit.durationSamples) {
          this.#state = { name: 'ending', digit: state.digit, timestamp: state.timestamp, duration, endsSent: 1 };
          return this.packet(state.digit, state.timestamp, duration, true, false);
        }
        this.#state = { ...state, duration };
        return this.packet(state.digit, state.timestamp, duration, false, false);
      }
      case 'ending': {
        // RFC 4733 §2.5.1.4: the end packet is retransmitted with the same timestamp and duration.
        const packet = this.packet(state.digit, state.timestamp, state.duration, true, false);
        if (state.endsSent + 1 >= END_PACKETS) {
          this.#state = { name: 'gap', ticksLeft: state.digit.gapTicks };
          state.digit.done();
        } else {
          this.#state = { ...state, endsSent: state.endsSent + 1 };
        }
        return packet;
      }
      default: {
        const impossible: never = state;
        return impossible;
      }
    }
  }

  private packet(digit: QueuedDigit, timestamp: number, duration: number, end: boolean, marker: boolean): DtmfPacket {
    const payload = new TelephoneEvent({ event: eventOfDigit(digit.digit), end, volume: digit.volume, duration }).serialize();
    return { payload, marker, timestamp };
  }
}
