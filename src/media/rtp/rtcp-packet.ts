/**
 * RTCP, RFC 3550 §6: sender reports (§6.4.1), receiver reports (§6.4.2) and compound packets
 * (§6.1, validity checks of Appendix A.2). Other packet types (SDES, BYE, APP, feedback) are kept
 * as opaque packets so that a compound packet re-serializes to the same bytes.
 */
import { ValidationError } from '../../errors.js';
import { type ParseResult, parseFailure, parsed } from '../media-parse-error.js';
import { REPORT_BLOCK_LENGTH, ReportBlock } from './rtcp-report-block.js';

export const RTCP_SENDER_REPORT = 200;
export const RTCP_RECEIVER_REPORT = 201;

const HEADER = 4;
const SENDER_INFO = 20;
const RTCP = 'RTCP';

/** The sender information of an SR, RFC 3550 §6.4.1. */
export interface SenderInfo {
  /** NTP timestamp, most significant word: seconds since 1900-01-01. */
  ntpSeconds: number;
  /** NTP timestamp, least significant word: fraction of a second over 2^32. */
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

/**
 * ```
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                         SSRC of sender                        |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |             NTP timestamp, least significant word             |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                         RTP timestamp                         |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                     sender's packet count                     |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                      sender's octet count                     |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *       |              report blocks (RC × 24 bytes) ...                |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *       |                  profile-specific extensions                  |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class RtcpSenderReport {
  readonly type = 'sender-report';

  constructor(
    readonly ssrc: number,
    readonly senderInfo: SenderInfo,
    readonly reportBlocks: readonly ReportBlock[] = [],
    readonly extensions: Uint8Array = new Uint8Array(0),
  ) {
    checkReports(reportBlocks, extensions);
  }

  get byteLength(): number {
    return HEADER + 4 + SENDER_INFO + REPORT_BLOCK_LENGTH * this.reportBlocks.length + this.extensions.length;
  }

  write(view: DataView, offset: number): void {
    writeHeader(view, offset, this.reportBlocks.length, RTCP_SENDER_REPORT, this.byteLength);
    view.setUint32(offset + 4, this.ssrc);
    const info = this.senderInfo;
    view.setUint32(offset + 8, info.ntpSeconds);
    view.setUint32(offset + 12, info.ntpFraction);
    view.setUint32(offset + 16, info.rtpTimestamp);
    view.setUint32(offset + 20, info.packetCount);
    view.setUint32(offset + 24, info.octetCount);
    writeBlocks(view, offset + 28, this.reportBlocks, this.extensions);
  }
}

/**
 * ```
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=RR=201   |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                     SSRC of packet sender                     |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *       |              report blocks (RC × 24 bytes) ...                |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *       |                  profile-specific extensions                  |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class RtcpReceiverReport {
  readonly type = 'receiver-report';

  constructor(
    readonly ssrc: number,
    readonly reportBlocks: readonly ReportBlock[] = [],
    readonly extensions: Uint8Array = new Uint8Array(0),
  ) {
    checkReports(reportBlocks, extensions);
  }

  get byteLength(): number {
    return HEADER + 4 + REPORT_BLOCK_LENGTH * this.reportBlocks.length + this.extensions.length;
  }

  write(view: DataView, offset: number): void {
    writeHeader(view, offset, this.reportBlocks.length, RTCP_RECEIVER_REPORT, this.byteLength);
    view.setUint32(offset + 4, this.ssrc);
    writeBlocks(view, offset + 8, this.reportBlocks, this.extensions);
  }
}

/** Any other RTCP packet (SDES, BYE, APP, RTPFB …), kept whole: header and body. */
export class RtcpOtherPacket {
  readonly type = 'other';

  constructor(
    /** The whole packet including its 4-byte header, without padding. */
    readonly bytes: Uint8Array,
  ) {
    if (bytes.length < HEADER || bytes.length % 4 !== 0) {
      throw new ValidationError(`an RTCP packet is whole 32-bit words, at least one; got ${bytes.length} bytes`);
    }
  }

  get packetType(): number {
    return this.bytes[1] ?? 0;
  }

  get byteLength(): number {
    return this.bytes.length;
  }

  write(view: DataView, offset: number): void {
    new Uint8Array(view.buffer, view.byteOffset + offset, this.bytes.length).set(this.bytes);
    // Our own length and version, so that the bytes stay consistent with what is written.
    writeHeader(view, offset, (this.bytes[0] ?? 0) & 0x1f, this.packetType, this.bytes.length);
  }
}

export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpOtherPacket;

/**
 * RFC 5761 §4: with rtcp-mux, RTP and RTCP share a port; a second octet from 192 to 223
 * (payload types 64–95 with the marker bit) is RTCP.
 */
export function isRtcpPacket(bytes: Uint8Array): boolean {
  const second = bytes[1];
  return bytes.length >= HEADER && second !== undefined && second >= 192 && second <= 223;
}

/**
 * Parses a compound RTCP packet, RFC 3550 §6.1, with the checks of Appendix A.2: every packet is
 * version 2, the first is an SR or RR, only the last may have padding, and the length fields add
 * up to the bytes received.
 */
export function parseRtcpCompound(bytes: Uint8Array): ParseResult<RtcpPacket[]> {
  if (bytes.length < HEADER) return parseFailure(RTCP, bytes.length, `a packet needs ${HEADER} header bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < HEADER) return parseFailure(RTCP, offset, 'a packet header is cut short');
    const first = bytes[offset] ?? 0;
    const packetType = bytes[offset + 1] ?? 0;
    const version = first >> 6;
    if (version !== 2) return parseFailure(RTCP, offset, `version is ${version}, not 2`);
    // RFC 3550 §6.4.1: length is the packet's size in 32-bit words minus one.
    const length = 4 * (view.getUint16(offset + 2) + 1);
    const end = offset + length;
    if (end > bytes.length) return parseFailure(RTCP, offset + 2, `length says ${length} bytes but ${bytes.length - offset} remain`);
    // RFC 3550 A.2: the first packet of a compound packet is an SR or an RR.
    if (offset === 0 && packetType !== RTCP_SENDER_REPORT && packetType !== RTCP_RECEIVER_REPORT) {
      return parseFailure(RTCP, 1, `a compound packet starts with SR or RR, not packet type ${packetType}`);
    }
    let bodyEnd = end;
    if ((first & 0x20) !== 0) {
      // RFC 3550 §6.4.1 and A.2: only the last packet of a compound packet may be padded.
      if (end !== bytes.length) return parseFailure(RTCP, offset, 'padding on a packet that is not the last');
      const padding = bytes[end - 1] ?? 0;
      if (padding === 0 || padding > length - HEADER) return parseFailure(RTCP, end - 1, `padding count ${padding} does not fit`);
      bodyEnd = end - padding;
    }
    const result = parseOne(bytes, view, offset, bodyEnd, first & 0x1f, packetType);
    if (!result.ok) return result;
    packets.push(result.value);
    offset = end;
  }
  return parsed(packets);
}

/** Writes packets one after another as a compound packet (RFC 3550 §6.1), without padding. */
export function serializeRtcpCompound(packets: readonly RtcpPacket[]): Uint8Array {
  const length = packets.reduce((sum, packet) => sum + packet.byteLength, 0);
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const packet of packets) {
    packet.write(view, offset);
    offset += packet.byteLength;
  }
  return bytes;
}

function parseOne(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  count: number,
  packetType: number,
): ParseResult<RtcpPacket> {
  if (packetType !== RTCP_SENDER_REPORT && packetType !== RTCP_RECEIVER_REPORT) {
    // Kept whole with padding removed; `write` gives it its own length and clears P.
    if ((end - start) % 4 !== 0 || end - start < HEADER) {
      return parseFailure(RTCP, start, `packet type ${packetType} is not whole 32-bit words after padding`);
    }
    return parsed(new RtcpOtherPacket(bytes.slice(start, end)));
  }
  const isSender = packetType === RTCP_SENDER_REPORT;
  const name = isSender ? 'RTCP SR' : 'RTCP RR';
  const fixed = HEADER + 4 + (isSender ? SENDER_INFO : 0);
  const blocksEnd = start + fixed + REPORT_BLOCK_LENGTH * count;
  if (blocksEnd > end) {
    return parseFailure(name, start, `RC says ${count} report blocks (${blocksEnd - start} bytes) but the packet has ${end - start}`);
  }
  const ssrc = view.getUint32(start + 4);
  const blocks: ReportBlock[] = [];
  for (let offset = start + fixed; offset < blocksEnd; offset += REPORT_BLOCK_LENGTH) blocks.push(ReportBlock.read(view, offset));
  // RFC 3550 §6.4.1: profile-specific extensions may follow the report blocks.
  const extensions = bytes.slice(blocksEnd, end);
  if (extensions.length % 4 !== 0) return parseFailure(name, blocksEnd, 'extensions are not whole 32-bit words');
  if (!isSender) return parsed(new RtcpReceiverReport(ssrc, blocks, extensions));
  return parsed(
    new RtcpSenderReport(
      ssrc,
      {
        ntpSeconds: view.getUint32(start + 8),
        ntpFraction: view.getUint32(start + 12),
        rtpTimestamp: view.getUint32(start + 16),
        packetCount: view.getUint32(start + 20),
        octetCount: view.getUint32(start + 24),
      },
      blocks,
      extensions,
    ),
  );
}

function checkReports(blocks: readonly ReportBlock[], extensions: Uint8Array): void {
  // RFC 3550 §6.4.1: RC is 5 bits; more sources need another RR in the compound packet.
  if (blocks.length > 31) throw new ValidationError(`an RTCP report holds at most 31 report blocks, not ${blocks.length}`);
  if (extensions.length % 4 !== 0) throw new ValidationError('RTCP profile extensions must be whole 32-bit words');
}

function writeHeader(view: DataView, offset: number, count: number, packetType: number, byteLength: number): void {
  view.setUint8(offset, (2 << 6) | count);
  view.setUint8(offset + 1, packetType);
  view.setUint16(offset + 2, byteLength / 4 - 1);
}

function writeBlocks(view: DataView, offset: number, blocks: readonly ReportBlock[], extensions: Uint8Array): void {
  for (const block of blocks) {
    block.write(view, offset);
    offset += REPORT_BLOCK_LENGTH;
  }
  new Uint8Array(view.buffer, view.byteOffset + offset, extensions.length).set(extensions);
}
