import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaParseError, RtpPacket } from '../../src/media/index.js';
import { RTP_FIXED_HEADER, RtpHeader, readRtpHeader, writeRtpHeader } from '../../src/media/rtp/rtp-packet.js';

/** The first packet of sipp's dtmf_2833_1.pcap: PT 101 with the marker, event 1, volume 10. */
const CAPTURED = Uint8Array.from(Buffer.from('80e51f30000033e00e05384e010a0000', 'hex'));

function parseOk(bytes: Uint8Array): RtpPacket {
  const result = RtpPacket.parse(bytes);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

function parseError(bytes: Uint8Array): MediaParseError {
  const result = RtpPacket.parse(bytes);
  assert.ok(!result.ok, 'expected a parse error');
  return result.error;
}

describe('RTP packets (RFC 3550 §5.1)', () => {
  it('reads the fields of a captured packet and writes the same bytes back', () => {
    const packet = parseOk(CAPTURED);
    assert.equal(packet.marker, true);
    assert.equal(packet.payloadType, 101);
    assert.equal(packet.sequenceNumber, 0x1f30);
    assert.equal(packet.timestamp, 0x33e0);
    assert.equal(packet.ssrc, 0x0e05384e);
    assert.deepEqual(packet.csrcs, []);
    assert.equal(packet.extension, undefined);
    assert.deepEqual([...packet.payload], [0x01, 0x0a, 0x00, 0x00]);
    assert.deepEqual(packet.serialize(), CAPTURED);
  });

  it('round-trips CSRCs, a header extension (§5.3.1) and padding', () => {
    const packet = new RtpPacket({
      marker: false,
      payloadType: 0,
      sequenceNumber: 65535,
      timestamp: 0xffffffff,
      ssrc: 0xdeadbeef,
      csrcs: [1, 2, 0xffffffff],
      extension: { profile: 0xbede, data: Uint8Array.of(0x10, 0xaa, 0, 0, 1, 2, 3, 4) },
      payload: new Uint8Array(160).fill(0xff),
      paddingLength: 4,
    });
    const bytes = packet.serialize();
    assert.equal(bytes.length, 12 + 12 + 4 + 8 + 160 + 4);
    assert.equal(bytes[0], 0b1011_0011, 'V=2, P, X, CC=3');
    assert.equal(bytes[bytes.length - 1], 4, 'the last padding octet counts the padding');
    const back = parseOk(bytes);
    assert.deepEqual(back.csrcs, [1, 2, 0xffffffff]);
    assert.equal(back.extension?.profile, 0xbede);
    assert.deepEqual([...(back.extension?.data ?? [])], [0x10, 0xaa, 0, 0, 1, 2, 3, 4]);
    assert.equal(back.payload.length, 160, 'padding is not payload');
    assert.equal(back.paddingLength, 4);
    assert.deepEqual(back.serialize(), bytes);
  });

  it('MUST reject a version other than 2', () => {
    const bytes = CAPTURED.slice();
    bytes[0] = 0x40;
    const error = parseError(bytes);
    assert.equal(error.code, 'ERR_MEDIA_PARSE');
    assert.equal(error.offset, 0);
    assert.match(error.reason, /version is 1/);
  });

  it('MUST NOT take an RTCP sender or receiver report for RTP (A.1)', () => {
    const rtcp = Uint8Array.from(Buffer.from('80c8000600000001000000000000000000000000000000000000000000000000', 'hex'));
    const error = parseError(rtcp);
    assert.equal(error.offset, 1);
    assert.match(error.reason, /RTCP SR\/RR/);
  });

  it('reports, with offset and reason, every length that does not fit', () => {
    assert.match(parseError(CAPTURED.subarray(0, 11)).reason, /12 header bytes/);
    const csrcs = CAPTURED.slice();
    csrcs[0] = 0x82; // CC = 2 but only 4 bytes follow the fixed header
    assert.match(parseError(csrcs).reason, /CC says 2 CSRCs/);
    const noExtension = CAPTURED.slice(0, 12);
    noExtension[0] = 0x90;
    assert.equal(parseError(noExtension).offset, 12);
    const longExtension = Uint8Array.from([...CAPTURED.subarray(0, 12), 0xbe, 0xde, 0x00, 0x05, 1, 2, 3, 4]);
    longExtension[0] = 0x90;
    const error = parseError(longExtension);
    assert.equal(error.offset, 14);
    assert.match(error.reason, /claims 5 words but only 4 bytes follow/);
    const zeroPadding = CAPTURED.slice();
    zeroPadding[0] = 0xa0;
    zeroPadding[15] = 0;
    assert.match(parseError(zeroPadding).reason, /padding count is 0/);
    const hugePadding = CAPTURED.slice();
    hugePadding[0] = 0xa0;
    hugePadding[15] = 5;
    assert.match(parseError(hugePadding).reason, /reaches into the header/);
  });

  it('never throws and never reads past the end on truncated or random bytes', () => {
    const full = new RtpPacket({
      payloadType: 8,
      sequenceNumber: 7,
      timestamp: 160,
      ssrc: 42,
      csrcs: [9],
      extension: { profile: 1, data: new Uint8Array(4) },
      payload: new Uint8Array(20),
      paddingLength: 3,
    }).serialize();
    for (let length = 0; length < full.length; length += 1) {
      const cut = full.slice(0, length);
      const result = RtpPacket.parse(cut);
      if (!result.ok) assert.ok(result.error.offset >= 0 && result.error.offset <= length, `offset within ${length} bytes`);
    }
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (let i = 0; i < 5000; i += 1) {
      const bytes = Uint8Array.from({ length: random() % 64 }, random);
      if (bytes.length > 0) bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x80; // mostly version 2, to reach deeper
      const result = RtpPacket.parse(bytes);
      if (result.ok) {
        const back = result.value;
        assert.ok(back.payload.length + back.paddingLength <= bytes.length);
      } else {
        assert.ok(result.error.offset <= bytes.length);
      }
    }
  });

  it('refuses to build a packet whose fields do not fit the header', () => {
    const base = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: new Uint8Array(0) };
    assert.throws(() => new RtpPacket({ ...base, payloadType: 128 }), /payloadType/);
    assert.throws(() => new RtpPacket({ ...base, sequenceNumber: 65536 }), /sequenceNumber/);
    assert.throws(() => new RtpPacket({ ...base, csrcs: new Array<number>(16).fill(1) }), /at most 15 CSRCs/);
    assert.throws(() => new RtpPacket({ ...base, extension: { profile: 1, data: new Uint8Array(3) } }), /whole 32-bit words/);
  });

  it('reads a header in place as parse does, and writes a fixed header as serialize does', () => {
    let seed = 777;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    const header = new RtpHeader();
    for (let i = 0; i < 5000; i += 1) {
      const bytes = Uint8Array.from({ length: random() % 64 }, random);
      if (bytes.length > 0) bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x80;
      const parsed = RtpPacket.parse(bytes);
      const error = readRtpHeader(bytes, header);
      if (!parsed.ok) {
        assert.deepEqual(error, parsed.error);
        continue;
      }
      const packet = parsed.value;
      assert.equal(error, undefined);
      assert.deepEqual(
        [header.marker, header.payloadType, header.sequenceNumber, header.timestamp, header.ssrc, header.csrcCount, header.paddingLength],
        [packet.marker, packet.payloadType, packet.sequenceNumber, packet.timestamp, packet.ssrc, packet.csrcs.length, packet.paddingLength],
      );
      assert.deepEqual(bytes.subarray(header.payloadStart, header.payloadEnd), packet.payload);
    }
    for (const fields of [
      { marker: true, payloadType: 101, sequenceNumber: 0xffff, timestamp: 0xffffffff, ssrc: 0x80000001 },
      { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0 },
      { marker: false, payloadType: 127, sequenceNumber: 0x1234, timestamp: 0x89abcdef, ssrc: 0xdeadbeef },
    ]) {
      const payload = Uint8Array.from({ length: 160 }, random);
      const bytes = new Uint8Array(RTP_FIXED_HEADER + payload.length).fill(0xaa);
      writeRtpHeader(bytes, fields.marker, fields.payloadType, fields.sequenceNumber, fields.timestamp, fields.ssrc);
      bytes.set(payload, RTP_FIXED_HEADER);
      assert.deepEqual(bytes, new RtpPacket({ ...fields, payload }).serialize());
    }
  });
});
