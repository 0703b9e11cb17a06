/**
 * The reception report block that RTCP sender and receiver reports carry, RFC 3550 §6.4.1.
 */
import { ValidationError } from '../../errors.js';

export const REPORT_BLOCK_LENGTH = 24;

export interface ReportBlockFields {
  /** SSRC_n: the source this block reports on. */
  ssrc: number;
  /** Fraction of packets lost since the previous report, as a fixed-point number over 256. */
  fractionLost: number;
  /** Cumulative packets lost; signed 24 bits, negative when duplicates outnumber losses. */
  cumulativeLost: number;
  /** Extended highest sequence number received: cycles in the high 16 bits. */
  extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received (0 if none). */
  lastSenderReport: number;
  /** Delay since that SR, in units of 1/65536 seconds (0 if none). */
  delaySinceLastSenderReport: number;
}

/**
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 */
export class ReportBlock implements ReportBlockFields {
  readonly ssrc: number;
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  readonly extendedHighestSequence: number;
  readonly jitter: number;
  readonly lastSenderReport: number;
  readonly delaySinceLastSenderReport: number;

  constructor(fields: ReportBlockFields) {
    for (const name of ['ssrc', 'extendedHighestSequence', 'jitter', 'lastSenderReport', 'delaySinceLastSenderReport'] as const) {
      const value = fields[name];
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new ValidationError(`report block ${name} must be an unsigned 32-bit integer, not ${value}`);
      }
    }
    if (!Number.isInteger(fields.fractionLost) || fields.fractionLost < 0 || fields.fractionLost > 255) {
      throw new ValidationError(`report block fractionLost must be 0..255, not ${fields.fractionLost}`);
    }
    if (!Number.isInteger(fields.cumulativeLost)) {
      throw new ValidationError(`report block cumulativeLost must be an integer, not ${fields.cumulativeLost}`);
    }
    this.ssrc = fields.ssrc;
    this.fractionLost = fields.fractionLost;
    // RFC 3550 §6.4.1: cumulative loss is a signed 24-bit field; clamp what does not fit.
    this.cumulativeLost = Math.max(-0x800000, Math.min(0x7fffff, fields.cumulativeLost));
    this.extendedHighestSequence = fields.extendedHighestSequence;
    this.jitter = fields.jitter;
    this.lastSenderReport = fields.lastSenderReport;
    this.delaySinceLastSenderReport = fields.delaySinceLastSenderReport;
  }

  /** Reads a block at `offset`; the caller has checked that 24 bytes are there. */
  static read(view: DataView, offset: number): ReportBlock {
    const lossWord = view.getUint32(offset + 4);
    const lost24 = lossWord & 0xffffff;
    return new ReportBlock({
      ssrc: view.getUint32(offset),
      fractionLost: lossWord >>> 24,
      cumulativeLost: lost24 & 0x800000 ? lost24 - 0x1000000 : lost24,
      extendedHighestSequence: view.getUint32(offset + 8),
      jitter: view.getUint32(offset + 12),
      lastSenderReport: view.getUint32(offset + 16),
      delaySinceLastSenderReport: view.getUint32(offset + 20),
    });
  }

  write(view: DataView, offset: number): void {
    view.setUint32(offset, this.ssrc);
    view.setUint32(offset + 4, ((this.fractionLost << 24) | (this.cumulativeLost & 0xffffff)) >>> 0);
    view.setUint32(offset + 8, this.extendedHighestSequence);
    view.setUint32(offset + 12, this.jitter);
    view.setUint32(offset + 16, this.lastSenderReport);
    view.setUint32(offset + 20, this.delaySinceLastSenderReport);
  }
}
