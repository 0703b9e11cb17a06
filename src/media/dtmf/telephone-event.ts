/**
 * The RFC 4733 telephone-event payload (§2.3): one named event, its end flag, volume and
 * duration so far. Carried in RTP with a dynamic payload type chosen by the SDP offer.
 */
import { ValidationError } from '../../errors.js';
import { type ParseResult, parseFailure, parsed } from '../media-parse-error.js';

export const TELEPHONE_EVENT_LENGTH = 4;

export interface TelephoneEventFields {
  /** §2.3.2: the event code, 0–255 (0–15 are DTMF digits). */
  event: number;
  /** §2.3.3: E, set on the packets that end the event. */
  end: boolean;
  /** §2.3.5: power level in dBm0 below zero, 0–63 (10 means −10 dBm0). */
  volume: number;
  /** §2.3.6: duration so far, in timestamp units, from the event's RTP timestamp. */
  duration: number;
}

/**
 * RFC 4733 §2.3, Figure 1:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class TelephoneEvent implements TelephoneEventFields {
  readonly event: number;
  readonly end: boolean;
  readonly volume: number;
  readonly duration: number;

  constructor(fields: TelephoneEventFields) {
    check('event', fields.event, 255);
    check('volume', fields.volume, 63);
    check('duration', fields.duration, 0xffff);
    this.event = fields.event;
    this.end = fields.end;
    this.volume = fields.volume;
    this.duration = fields.duration;
  }

  /**
   * Reads the first event of a payload. RFC 4733 §2.5.1.5 lets a sender pack several events
   * with RFC 2198 redundancy (its own payload type); a plain telephone-event payload is one
   * 4-byte event, and bytes after it are ignored.
   */
  static parse(payload: Uint8Array): ParseResult<TelephoneEvent> {
    if (payload.length < TELEPHONE_EVENT_LENGTH) {
      return parseFailure('telephone-event', payload.length, `a telephone-event payload has 4 bytes, got ${payload.length}`);
    }
    const flags = payload[1] ?? 0;
    return parsed(
      new TelephoneEvent({
        event: payload[0] ?? 0,
        end: (flags & 0x80) !== 0,
        // §2.3.4: R is reserved; senders set it to 0 and receivers ignore it.
        volume: flags & 0x3f,
        duration: ((payload[2] ?? 0) << 8) | (payload[3] ?? 0),
      }),
    );
  }

  serialize(): Uint8Array {
    return Uint8Array.of(this.event, (this.end ? 0x80 : 0) | this.volume, this.duration >> 8, this.duration & 0xff);
  }
}

function check(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ValidationError(`telephone-event ${name} must be an integer from 0 to ${max}, not ${value}`);
  }
}
