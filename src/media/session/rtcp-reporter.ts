/**
 * When a session sends RTCP and what it says: a sender report when it sent RTP since the last
 * report, a receiver report otherwise, each with a report block for the source it hears and an
 * SDES CNAME, at randomised intervals around five seconds.
 */
import { RtcpReceiverReport, RtcpSenderReport, type RtcpPacket, RtcpOtherPacket, serializeRtcpCompound } from '../rtp/rtcp-packet.js';
import type { ReceiverStats } from '../rtp/receiver-stats.js';

/** RFC 3550 §6.2: the recommended minimum interval between reports is five seconds. */
export const RTCP_INTERVAL_MS = 5000;

/** Seconds from 1900-01-01 (NTP's epoch) to 1970-01-01 (RFC 868). */
const NTP_EPOCH_OFFSET = 2_208_988_800;

export interface SentCounts {
  packets: number;
  octets: number;
  /** RTP timestamp that corresponds to the wall-clock time of the report. */
  rtpTimestamp: number;
}

export class RtcpReporter {
  #nextAt: number;
  #packetsAtLastReport = 0;

  constructor(
    private readonly ssrc: number,
    private readonly cname: string,
    private readonly random: () => number,
    startMs: number,
  ) {
    // RFC 3550 §6.2: the first report may go out after half the minimum interval.
    this.#nextAt = startMs + this.interval() / 2;
  }

  due(nowMs: number): boolean {
    return nowMs >= this.#nextAt;
  }

  /** The compound packet to send now; schedules the next one. */
  build(nowMs: number, wallMs: number, sent: SentCounts, heard: { ssrc: number; stats: ReceiverStats } | undefined): Uint8Array {
    this.#nextAt = nowMs + this.interval();
    const blocks = heard === undefined || !heard.stats.snapshot().valid ? [] : [heard.stats.reportBlock(heard.ssrc, nowMs)];
    const packets: RtcpPacket[] = [];
    // RFC 3550 §6.4: an SR when we sent data since the previous report, an RR otherwise.
    if (sent.packets > this.#packetsAtLastReport) {
      const seconds = wallMs / 1000 + NTP_EPOCH_OFFSET;
      const ntpSeconds = Math.floor(seconds) >>> 0;
      const ntpFraction = Math.floor((seconds - Math.floor(seconds)) * 0x1_0000_0000) >>> 0;
      packets.push(
        new RtcpSenderReport(
          this.ssrc,
          { ntpSeconds, ntpFraction, rtpTimestamp: sent.rtpTimestamp >>> 0, packetCount: sent.packets >>> 0, octetCount: sent.octets >>> 0 },
          blocks,
        ),
      );
    } else {
      packets.push(new RtcpReceiverReport(this.ssrc, blocks));
    }
    this.#packetsAtLastReport = sent.packets;
    // RFC 3550 §6.1: every compound packet carries an SDES packet with the CNAME item.
    packets.push(new RtcpOtherPacket(sdesCname(this.ssrc, this.cname)));
    return serializeRtcpCompound(packets);
  }

  /** RFC 3550 §6.3.1: the interval is randomised over [0.5, 1.5] times the computed one. */
  private interval(): number {
    return RTCP_INTERVAL_MS * (0.5 + this.random());
  }
}

/** RFC 3550 §6.5: an SDES packet with one chunk holding the CNAME item (type 1). */
function sdesCname(ssrc: number, cname: string): Uint8Array {
  const text = new TextEncoder().encode(cname).subarray(0, 255);
  // Chunk: SSRC, item type, length, text, then at least one null octet up to a 32-bit boundary.
  const chunk = 4 + 2 + text.length;
  const padded = chunk + (4 - (chunk % 4));
  const bytes = new Uint8Array(4 + padded);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, 0x81);
  view.setUint8(1, 202);
  view.setUint16(2, bytes.length / 4 - 1);
  view.setUint32(4, ssrc >>> 0);
  bytes[8] = 1;
  bytes[9] = text.length;
  bytes.set(text, 10);
  return bytes;
}
