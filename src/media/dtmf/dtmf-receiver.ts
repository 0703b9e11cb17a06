/**
 * Turns a stream of RFC 4733 telephone-event packets into digits, each exactly once: a
 * `digit-start` on the first packet of an event and a `digit-end` when it ends, by the E bit, by
 * the next event when the end packets were lost, or by a timeout on the clock the caller passes in.
 * Retransmitted end packets and late packets of an event already ended change nothing, however
 * late they come: a packet of an ended event with a newer sequence number is one of its own
 * (RFC 3550 §5.1: every packet gets the next number), so a stalled sender or a worker that fell
 * behind cannot make one keypress two.
 *
 * It knows nothing of SDP: the owner tells it which payload types carry telephone-events (the
 * one negotiated in the offer, 101 for most phones, 96 for sipp's `play_dtmf`), and changes them
 * after a re-offer. A new SSRC mid-call is a new source whose events are new events.
 */
import type { RtpPacket } from '../rtp/rtp-packet.js';
import { type DtmfDigit, type DtmfNotice, digitOfEvent } from './dtmf-digit.js';
import { TelephoneEvent } from './telephone-event.js';

export interface DtmfReceiverOptions {
  /** Payload types negotiated for telephone-event (RFC 4733 §2.5.2.1), e.g. [101]. */
  payloadTypes: readonly number[];
  /** Timestamp units per second, the `rate` of the telephone-event format (default 8000). */
  clockRate?: number;
  /** An event without updates for this long has lost its end packets (default 250 ms). */
  lostEndTimeoutMs?: number;
  /**
   * How long an ended event's sequence numbers are remembered (default 1000 ms): within it a
   * copy of one of its packets (same number or older) is ignored; after it the same (SSRC,
   * timestamp) with numbers that went back is a new keypress, as sipp's packaged pcaps resend
   * identical packets when a digit is repeated.
   */
  endedMemoryMs?: number;
}

/** The fields of an RTP packet the receiver reads. */
export type TelephoneEventPacket = Pick<RtpPacket, 'payloadType' | 'ssrc' | 'sequenceNumber' | 'timestamp' | 'payload'>;

interface EventKey {
  ssrc: number;
  /** RFC 4733 §2.3.1: all packets of one event carry the event's start timestamp. */
  timestamp: number;
  /** The newest sequence number seen of the event. */
  sequence: number;
}

type ReceiverState =
  | { name: 'idle' }
  | (EventKey & {
      name: 'playing';
      digit: DtmfDigit;
      event: number;
      /** Duration of earlier segments of a long event (§2.5.1.3), in timestamp units. */
      earlierSegments: number;
      duration: number;
      lastPacketMs: number;
    })
  | (EventKey & { name: 'ended'; lastPacketMs: number });

/** An event's state once it ends, keeping what tells its later packets from a new keypress. */
function endedState(state: EventKey, lastPacketMs: number): ReceiverState {
  return { name: 'ended', ssrc: state.ssrc, timestamp: state.timestamp, sequence: state.sequence, lastPacketMs };
}

export interface DtmfReceiverCounts {
  /** Packets whose payload type is not a telephone-event one (audio, comfort noise …). */
  otherPayloadType: number;
  malformed: number;
  /** Events that are not digits (flash, modem tones …). */
  notDigits: number;
  /** Packets of an event already ended or superseded: retransmitted ends and late packets. */
  stale: number;
}

/** RFC 4733 §2.5.1.3: a segment of a long event reaches the 16-bit duration's limit. */
const LONG_SEGMENT = 0xffff - 8000;

export class DtmfReceiver {
  private payloadTypes: Set<number>;
  private readonly clockRate: number;
  private readonly lostEndTimeoutMs: number;
  private readonly endedMemoryMs: number;
  private state: ReceiverState = { name: 'idle' };
  readonly counts: DtmfReceiverCounts = { otherPayloadType: 0, malformed: 0, notDigits: 0, stale: 0 };

  constructor(options: DtmfReceiverOptions) {
    this.payloadTypes = new Set(options.payloadTypes);
    this.clockRate = options.clockRate ?? 8000;
    this.lostEndTimeoutMs = options.lostEndTimeoutMs ?? 250;
    this.endedMemoryMs = options.endedMemoryMs ?? 1000;
  }

  /** After a re-offer: the telephone-event payload types now in force. */
  setPayloadTypes(payloadTypes: readonly number[]): void {
    this.payloadTypes = new Set(payloadTypes);
  }

  /** Feeds one RTP packet that arrived at `nowMs`; returns what it started or ended. */
  receive(packet: TelephoneEventPacket, nowMs: number): DtmfNotice[] {
    const notices = this.tick(nowMs);
    // RFC 4733 §2.5.2.1 / RFC 3550 §5.1: payload types not negotiated for events are not ours.
    if (!this.payloadTypes.has(packet.payloadType)) {
      this.counts.otherPayloadType += 1;
      return notices;
    }
    const result = TelephoneEvent.parse(packet.payload);
    if (!result.ok) {
      this.counts.malformed += 1;
      return notices;
    }
    const event = result.value;
    const digit = digitOfEvent(event.event);
    if (digit === undefined) {
      this.counts.notDigits += 1;
      return notices;
    }
    notices.push(...this.transition(packet, event, digit, nowMs));
    return notices;
  }

  /** Lets time pass: ends an event whose end packets were all lost (no update for the timeout). */
  tick(nowMs: number): DtmfNotice[] {
    const state = this.state;
    if (state.name !== 'playing' || nowMs - state.lastPacketMs < this.lostEndTimeoutMs) return [];
    this.state = endedState(state, nowMs);
    return [this.endNotice(state, nowMs, 'timeout')];
  }

  private transition(packet: TelephoneEventPacket, event: TelephoneEvent, digit: DtmfDigit, nowMs: number): DtmfNotice[] {
    const state = this.state;
    switch (state.name) {
      case 'idle':
        return this.begin(packet, event, digit, nowMs);
      case 'playing': {
        if (sameEvent(state, packet)) {
          state.duration = Math.max(state.duration, event.duration);
          state.lastPacketMs = nowMs;
          if (isNewer(packet.sequenceNumber, state.sequence)) state.sequence = packet.sequenceNumber;
          if (!event.end) return [];
          // RFC 4733 §2.3.3 and §2.5.2.2: the E bit ends the event; its duration is final.
          this.state = endedState(state, nowMs);
          return [this.endNotice(state, nowMs, 'end-bit')];
        }
        if (state.ssrc === packet.ssrc && isBefore(packet.timestamp, state.timestamp)) {
          this.counts.stale += 1; // a late packet of an earlier event
          return [];
        }
        if (
          // RFC 4733 §2.5.1.3: a long event goes on in a new segment whose timestamp is the old
          // one plus the old segment's duration; that is the same keypress, not a new digit.
          state.ssrc === packet.ssrc &&
          state.event === event.event &&
          state.duration >= LONG_SEGMENT &&
          ((packet.timestamp - state.timestamp) >>> 0) === state.duration
        ) {
          state.earlierSegments += state.duration;
          state.timestamp = packet.timestamp;
          state.sequence = packet.sequenceNumber;
          state.duration = event.duration;
          state.lastPacketMs = nowMs;
          if (!event.end) return [];
          this.state = endedState(state, nowMs);
          return [this.endNotice(state, nowMs, 'end-bit')];
        }
        // A new event while this one had no end: its end packets were lost.
        const ended = this.endNotice(state, nowMs, 'next-event');
        return [ended, ...this.begin(packet, event, digit, nowMs)];
      }
      case 'ended': {
        const remembered = nowMs - state.lastPacketMs <= this.endedMemoryMs;
        if (sameEvent(state, packet) && (remembered || isNewer(packet.sequenceNumber, state.sequence))) {
          // RFC 4733 §2.5.1.4: the final packet is sent three times; the copies change nothing,
          // nor do the event's updates and ends that come late, each with a newer number.
          state.lastPacketMs = nowMs;
          if (isNewer(packet.sequenceNumber, state.sequence)) state.sequence = packet.sequenceNumber;
          this.counts.stale += 1;
          return [];
        }
        if (remembered && state.ssrc === packet.ssrc && isBefore(packet.timestamp, state.timestamp)) {
          this.counts.stale += 1;
          return [];
        }
        return this.begin(packet, event, digit, nowMs);
      }
      default:
        return assertNever(state);
    }
  }

  private begin(packet: TelephoneEventPacket, event: TelephoneEvent, digit: DtmfDigit, nowMs: number): DtmfNotice[] {
    const start: DtmfNotice = { kind: 'digit-start', digit, atMs: nowMs };
    const playing = {
      name: 'playing' as const,
      ssrc: packet.ssrc,
      timestamp: packet.timestamp,
      sequence: packet.sequenceNumber,
      digit,
      event: event.event,
      earlierSegments: 0,
      duration: event.duration,
      lastPacketMs: nowMs,
    };
    if (event.end) {
      // Only the end packets arrived: the digit starts and ends at once, with their duration.
      this.state = endedState(playing, nowMs);
      return [start, this.endNotice(playing, nowMs, 'end-bit')];
    }
    this.state = playing;
    return [start];
  }

  private endNotice(
    state: { digit: DtmfDigit; duration: number; earlierSegments: number },
    nowMs: number,
    ending: 'end-bit' | 'timeout' | 'next-event',
  ): DtmfNotice {
    const durationMs = ((state.earlierSegments + state.duration) * 1000) / this.clockRate;
    return { kind: 'digit-end', digit: state.digit, durationMs, atMs: nowMs, ending };
  }
}

function sameEvent(key: EventKey, packet: TelephoneEventPacket): boolean {
  return key.ssrc === packet.ssrc && key.timestamp === packet.timestamp;
}

/** RFC 3550 §5.1: sequence numbers wrap at 2^16; `a` is newer than `b` within half the range ahead. */
function isNewer(a: number, b: number): boolean {
  const delta = (a - b) & 0xffff;
  return delta !== 0 && delta < 0x8000;
}

/** RFC 3550 §5.1 timestamps wrap: `a` is before `b` when b − a mod 2^32 is under half the range. */
function isBefore(a: number, b: number): boolean {
  const delta = (b - a) >>> 0;
  return delta !== 0 && delta < 0x80000000;
}

function assertNever(state: never): never {
  throw new Error(`unknown DTMF receiver state ${JSON.stringify(state)}`);
}
