/**
 * RTP data packets, RFC 3550 §5.1 (fixed header), §5.3.1 (header extension) and the padding rule
 * of §5.1. `parse` checks every length against the bytes it was given and returns an error with
 * an offset and a reason; `serialize` writes the same bytes back.
 */
import { ValidationError } from '../../errors.js';
import { MediaParseError, type ParseResult, parsed } from '../media-parse-error.js';

/** RFC 3550 §5.3.1: a profile-defined 16-bit value and a whole number of 32-bit words. */
export interface RtpHeaderExtension {
  profile: number;
  /** The extension's words, without its 4-byte header; length is a multiple of 4. */
  data: Uint8Array;
}

export interface RtpPacketFields {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs?: readonly number[];
  extension?: RtpHeaderExtension;
  payload: Uint8Array;
  /** Octets of padding after the payload, the count octet included (0 = no padding). */
  paddingLength?: number;
}

/** RFC 3550 §5.1: the fixed header's length in bytes. */
export const RTP_FIXED_HEADER = 12;
const RTP = 'RTP';

/**
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  if X
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    payload ...  | padding ... | padding count |  if P
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class RtpPacket {
  /** RFC 3550 §5.1: this memo defines version 2. */
  static readonly version = 2;

  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  readonly extension: RtpHeaderExtension | undefined;
  /** A view into the parsed bytes (not a copy) when the packet came from `parse`. */
  readonly payload: Uint8Array;
  readonly paddingLength: number;

  constructor(fields: RtpPacketFields) {
    checkInteger('payloadType', fields.payloadType, 0, 127);
    checkInteger('sequenceNumber', fields.sequenceNumber, 0, 0xffff);
    checkInteger('timestamp', fields.timestamp, 0, 0xffffffff);
    checkInteger('ssrc', fields.ssrc, 0, 0xffffffff);
    const csrcs = fields.csrcs ?? [];
    // RFC 3550 §5.1: CC is 4 bits, so at most 15 contributing sources.
    if (csrcs.length > 15) throw new ValidationError(`an RTP packet carries at most 15 CSRCs, not ${csrcs.length}`);
    for (const csrc of csrcs) checkInteger('csrc', csrc, 0, 0xffffffff);
    if (fields.extension !== undefined) {
      checkInteger('extension.profile', fields.extension.profile, 0, 0xffff);
      const length = fields.extension.data.length;
      // RFC 3550 §5.3.1: the length field counts 32-bit words in 16 bits.
      if (length % 4 !== 0 || length / 4 > 0xffff) {
        throw new ValidationError(`an RTP header extension is whole 32-bit words (at most 65535), not ${length} bytes`);
      }
    }
    const paddingLength = fields.paddingLength ?? 0;
    checkInteger('paddingLength', paddingLength, 0, 255);
    this.marker = fields.marker ?? false;
    this.payloadType = fields.payloadType;
    this.sequenceNumber = fields.sequenceNumber;
    this.timestamp = fields.timestamp;
    this.ssrc = fields.ssrc;
    this.csrcs = csrcs;
    this.extension = fields.extension;
    this.payload = fields.payload;
    this.paddingLength = paddingLength;
  }

  static parse(bytes: Uint8Array): ParseResult<RtpPacket> {
    const header = new RtpHeader();
    const error = readRtpHeader(bytes, header);
    if (error !== undefined) return { ok: false, error };
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const csrcs: number[] = [];
    for (let i = 0; i < header.csrcCount; i += 1) csrcs.push(view.getUint32(RTP_FIXED_HEADER + 4 * i));
    const at = header.extensionAt;
    const extension = at < 0 ? undefined : { profile: view.getUint16(at), data: bytes.subarray(at + 4, header.payloadStart) };
    return parsed(
      new RtpPacket({
        marker: header.marker,
        payloadType: header.payloadType,
        sequenceNumber: header.sequenceNumber,
        timestamp: header.timestamp,
        ssrc: header.ssrc,
        csrcs,
        ...(extension === undefined ? {} : { extension }),
        payload: bytes.subarray(header.payloadStart, header.payloadEnd),
        paddingLength: header.paddingLength,
      }),
    );
  }

  /** Total length in bytes of the serialized packet. */
  get byteLength(): number {
    const extension = this.extension === undefined ? 0 : 4 + this.extension.data.length;
    return RTP_FIXED_HEADER + 4 * this.csrcs.length + extension + this.payload.length + this.paddingLength;
  }

  /**
   * The packet's bytes. `allocate` may hand out pooled memory (a media worker passes
   * `Buffer.allocUnsafe`, which carves small buffers from a shared slab instead of one
   * ArrayBuffer per packet); every byte is written.
   */
  serialize(allocate: (length: number) => Uint8Array = (length) => new Uint8Array(length)): Uint8Array {
    const bytes = allocate(this.byteLength);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    bytes[0] =
      (RtpPacket.version << 6) |
      (this.paddingLength > 0 ? 0x20 : 0) |
      (this.extension === undefined ? 0 : 0x10) |
      this.csrcs.length;
    bytes[1] = (this.marker ? 0x80 : 0) | this.payloadType;
    view.setUint16(2, this.sequenceNumber);
    view.setUint32(4, this.timestamp);
    view.setUint32(8, this.ssrc);
    let offset = RTP_FIXED_HEADER;
    for (const csrc of this.csrcs) {
      view.setUint32(offset, csrc);
      offset += 4;
    }
    if (this.extension !== undefined) {
      view.setUint16(offset, this.extension.profile);
      view.setUint16(offset + 2, this.extension.data.length / 4);
      bytes.set(this.extension.data, offset + 4);
      offset += 4 + this.extension.data.length;
    }
    bytes.set(this.payload, offset);
    offset += this.payload.length;
    if (this.paddingLength > 0) {
      // RFC 3550 §5.1: padding octets are zero but for the last, which holds the count.
      bytes.fill(0, offset, bytes.length - 1);
      bytes[bytes.length - 1] = this.paddingLength;
    }
    return bytes;
  }
}

/**
 * The fields of a received packet's header and where its payload lies, filled in place by
 * `readRtpHeader`: a media worker reads every packet into one of these instead of building an
 * `RtpPacket`, and makes objects only for what needs them (telephone-events, the jitter buffer).
 */
export class RtpHeader {
  marker = false;
  payloadType = 0;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  csrcCount = 0;
  /** Offset of the header extension (RFC 3550 §5.3.1), -1 when X is not set. */
  extensionAt = -1;
  payloadStart = 0;
  payloadEnd = 0;
  paddingLength = 0;
}

/**
 * Checks an RTP packet's header, CSRC list, extension and padding against the bytes given (the
 * checks of RFC 3550 §5.1, §5.3.1 and A.1) and reads them into `into`. Returns the error of a
 * packet that is not valid RTP, else undefined; allocates nothing for a valid one.
 */
export function readRtpHeader(bytes: Uint8Array, into: RtpHeader): MediaParseError | undefined {
  const length = bytes.length;
  if (length < RTP_FIXED_HEADER) return new MediaParseError(RTP, length, `a packet needs ${RTP_FIXED_HEADER} header bytes, got ${length}`);
  const first = bytes[0] as number;
  const version = first >> 6;
  // RFC 3550 §5.1 and A.1: packets whose version is not 2 are not RTP.
  if (version !== RtpPacket.version) return new MediaParseError(RTP, 0, `version is ${version}, not 2`);
  const csrcCount = first & 0x0f;
  const second = bytes[1] as number;
  // RFC 3550 A.1: the payload type must not be that of an SR or RR (72/73 with the marker
  // bit read as part of the type: the second octet is 200 or 201). Such a packet is RTCP.
  if (second === 200 || second === 201) return new MediaParseError(RTP, 1, `second octet ${second} is an RTCP SR/RR, not RTP`);
  let offset = RTP_FIXED_HEADER + 4 * csrcCount;
  if (length < offset) return new MediaParseError(RTP, length, `CC says ${csrcCount} CSRCs but the packet ends first`);
  let extensionAt = -1;
  if ((first & 0x10) !== 0) {
    // RFC 3550 §5.3.1: a 4-byte extension header, then `length` 32-bit words.
    if (length < offset + 4) return new MediaParseError(RTP, offset, 'X is set but the extension header is missing');
    const words = ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number);
    const end = offset + 4 + 4 * words;
    if (length < end) return new MediaParseError(RTP, offset + 2, `the extension claims ${words} words but only ${length - offset - 4} bytes follow`);
    extensionAt = offset;
    offset = end;
  }
  let paddingLength = 0;
  if ((first & 0x20) !== 0) {
    // RFC 3550 §5.1: the last octet of the padding counts how many padding octets to ignore,
    // itself included; the padding follows the header.
    paddingLength = bytes[length - 1] as number;
    if (paddingLength === 0) return new MediaParseError(RTP, length - 1, 'P is set but the padding count is 0');
    if (paddingLength > length - offset) return new MediaParseError(RTP, length - 1, `the padding count ${paddingLength} reaches into the header`);
  }
  into.marker = (second & 0x80) !== 0;
  into.payloadType = second & 0x7f;
  into.sequenceNumber = ((bytes[2] as number) << 8) | (bytes[3] as number);
  into.timestamp = (((bytes[4] as number) << 24) | ((bytes[5] as number) << 16) | ((bytes[6] as number) << 8) | (bytes[7] as number)) >>> 0;
  into.ssrc = (((bytes[8] as number) << 24) | ((bytes[9] as number) << 16) | ((bytes[10] as number) << 8) | (bytes[11] as number)) >>> 0;
  into.csrcCount = csrcCount;
  into.extensionAt = extensionAt;
  into.payloadStart = offset;
  into.payloadEnd = length - paddingLength;
  into.paddingLength = paddingLength;
  return undefined;
}

/**
 * Writes the 12-byte fixed header of a packet without CSRCs, extension or padding (what a media
 * session sends) at the start of `into`, which the caller reuses from packet to packet. The
 * numbers are the caller's to keep in range: sequence numbers mod 2^16, timestamps and the SSRC
 * mod 2^32 (RFC 3550 §5.1).
 */
export function writeRtpHeader(into: Uint8Array, marker: boolean, payloadType: number, sequenceNumber: number, timestamp: number, ssrc: number): void {
  into[0] = RtpPacket.version << 6;
  into[1] = (marker ? 0x80 : 0) | payloadType;
  into[2] = sequenceNumber >>> 8;
  into[3] = sequenceNumber;
  into[4] = timestamp >>> 24;
  into[5] = timestamp >>> 16;
  into[6] = timestamp >>> 8;
  into[7] = timestamp;
  into[8] = ssrc >>> 24;
  into[9] = ssrc >>> 16;
  into[10] = ssrc >>> 8;
  into[11] = ssrc;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`RTP ${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
}
