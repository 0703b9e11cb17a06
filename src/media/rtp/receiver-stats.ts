/**
 * What a receiver knows about one RTP source, RFC 3550 §6.4.1 with the algorithms of Appendix A:
 * sequence validation and the extended highest sequence number with wrap-around (A.1), expected
 * and lost packets, cumulative and fractional (A.3), and interarrival jitter (A.8). It is fed
 * (sequence number, RTP timestamp, arrival time) per packet; arrival times come from the caller's
 * clock, so tests feed crafted times and nothing here reads the wall clock.
 */
import { ReportBlock } from './rtcp-report-block.js';

/** RFC 3550 A.1: constants of update_seq. */
const RTP_SEQ_MOD = 0x10000;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;

export interface ReceiverSnapshot {
  /** Packets counted as received (duplicates included, as A.3 counts them). */
  received: number;
  /** Cycles × 65536 + highest sequence number seen, A.1. */
  extendedHighestSequence: number;
  expected: number;
  /** Expected minus received since the start; negative when duplicates outnumber losses. */
  cumulativeLost: number;
  /** Interarrival jitter in RTP timestamp units (A.8), rounded as a report carries it. */
  jitter: number;
  /** The same jitter in milliseconds. */
  jitterMs: number;
  /** True once MIN_SEQUENTIAL packets arrived in sequence (A.1 probation is over). */
  valid: boolean;
}

export class ReceiverStats {
  private probation = MIN_SEQUENTIAL;
  private started = false;
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private received = 0;
  private receivedPrior = 0;
  private expectedPrior = 0;
  private jitter = 0;
  private lastTransitPoint: { arrival: number; timestamp: number } | undefined;
  private lastSenderReport: { middle: number; arrivalMs: number } | undefined;

  /** `clockRate`: RTP timestamp units per second (8000 for G.711 and telephone-events). */
  constructor(readonly clockRate: number) {}

  /**
   * Counts one arriving packet. Returns false for packets A.1 does not count: those of a source
   * still on probation, and a first packet after a very large jump (until the next one confirms
   * the new sequence).
   */
  update(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): boolean {
    if (!this.started) {
      // RFC 3550 A.1: on the first packet, init_seq(s, seq); s->max_seq = seq - 1; probation.
      this.started = true;
      this.initSequence(sequenceNumber);
      this.maxSeq = (sequenceNumber - 1) & 0xffff;
      this.probation = MIN_SEQUENTIAL;
    }
    const counted = this.updateSequence(sequenceNumber);
    if (counted) this.updateJitter(rtpTimestamp, arrivalMs);
    return counted;
  }

  /** Remembers an SR from this source for the LSR and DLSR fields of our next report (§6.4.1). */
  senderReportReceived(ntpSeconds: number, ntpFraction: number, arrivalMs: number): void {
    // RFC 3550 §6.4.1: LSR is the middle 32 bits of the 64-bit NTP timestamp.
    const middle = (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
    this.lastSenderReport = { middle, arrivalMs };
  }

  snapshot(): ReceiverSnapshot {
    const extendedHighestSequence = this.cycles + this.maxSeq;
    const expected = this.started && this.probation === 0 ? extendedHighestSequence - this.baseSeq + 1 : 0;
    return {
      received: this.received,
      extendedHighestSequence,
      expected,
      cumulativeLost: expected - this.received,
      jitter: Math.floor(this.jitter),
      jitterMs: (this.jitter * 1000) / this.clockRate,
      valid: this.started && this.probation === 0,
    };
  }

  /**
   * The report block for this source in our next SR or RR, RFC 3550 §6.4.1 and A.3. Computes the
   * fraction lost since the previous call, so call it once per report sent.
   */
  reportBlock(ssrc: number, nowMs: number): ReportBlock {
    const snapshot = this.snapshot();
    // RFC 3550 A.3: fraction lost over the interval since the previous report.
    const expectedInterval = snapshot.expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = snapshot.expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const sr = this.lastSenderReport;
    return new ReportBlock({
      ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: snapshot.cumulativeLost,
      extendedHighestSequence: snapshot.extendedHighestSequence >>> 0,
      jitter: Math.min(0xffffffff, snapshot.jitter),
      lastSenderReport: sr?.middle ?? 0,
      // RFC 3550 §6.4.1: DLSR in units of 1/65536 seconds, 0 if no SR has been received.
      delaySinceLastSenderReport: sr === undefined ? 0 : Math.min(0xffffffff, Math.max(0, Math.round(((nowMs - sr.arrivalMs) * 65536) / 1000))),
    });
  }

  private initSequence(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1; // so seq === badSeq is false
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** RFC 3550 A.1 update_seq, line for line. */
  private updateSequence(seq: number): boolean {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      // Source is not valid until MIN_SEQUENTIAL packets with sequential numbers arrived.
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation -= 1;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSequence(seq);
          this.received += 1;
          return true;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with permissible gap; a smaller number means it wrapped: another 64K cycle.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: two sequential packets mean the other side restarted; re-sync.
      if (seq === this.badSeq) {
        this.initSequence(seq);
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // else: a duplicate or reordered packet, counted but not moving max_seq.
    this.received += 1;
    return true;
  }

  /** RFC 3550 A.8: J += (|D(i-1,i)| - J) / 16, in timestamp units. */
  private updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const previous = this.lastTransitPoint;
    this.lastTransitPoint = { arrival, timestamp: rtpTimestamp };
    if (previous === undefined) return;
    // D = (Rj - Ri) - (Sj - Si); the timestamp difference taken modulo 2^32 so a wrap is harmless.
    const timestampDelta = (rtpTimestamp - previous.timestamp) | 0;
    const d = Math.abs(arrival - previous.arrival - timestampDelta);
    this.jitter += (d - this.jitter) / 16;
  }
}
