import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ReceiverStats,
  ReportBlock,
  RtcpOtherPacket,
  RtcpReceiverReport,
  RtcpSenderReport,
  isRtcpPacket,
  parseRtcpCompound,
  serializeRtcpCompound,
  type RtcpPacket,
} from '../../src/media/index.js';

const block = new ReportBlock({
  ssrc: 0x11223344,
  fractionLost: 25,
  cumulativeLost: -3,
  extendedHighestSequence: 0x0001_0005,
  jitter: 41,
  lastSenderReport: 0x56789abc,
  delaySinceLastSenderReport: 32768,
});

/** An RR written out by hand from the diagram of RFC 3550 §6.4.2: one report block. */
const HAND_WRITTEN_RR = Buffer.from(
  [
    '81c90007', // V=2 P=0 RC=1, PT=201, length 7 (8 words)
    'cafebabe', // SSRC of packet sender
    '11223344', // SSRC_1
    '19fffffd', // fraction lost 25, cumulative lost -3 (24-bit two's complement)
    '00010005', // extended highest sequence: 1 cycle, seq 5
    '00000029', // jitter 41
    '56789abc', // LSR
    '00008000', // DLSR: 0.5 s in 1/65536 s
  ].join(''),
  'hex',
);

function parseOk(bytes: Uint8Array): RtcpPacket[] {
  const result = parseRtcpCompound(bytes);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

function parseFails(bytes: Uint8Array): string {
  const result = parseRtcpCompound(bytes);
  assert.ok(!result.ok, 'expected a parse error');
  return `${result.error.offset}: ${result.error.reason}`;
}

describe('RTCP sender and receiver reports (RFC 3550 §6.4)', () => {
  it('reads a receiver report written from the RFC diagram, signed loss included', () => {
    const [rr] = parseOk(HAND_WRITTEN_RR);
    assert.ok(rr instanceof RtcpReceiverReport);
    assert.equal(rr.ssrc, 0xcafebabe);
    assert.deepEqual({ ...rr.reportBlocks[0] }, { ...block });
    assert.deepEqual(serializeRtcpCompound([rr]), Uint8Array.from(HAND_WRITTEN_RR));
  });

  it('round-trips a compound packet: SR with two blocks, RR, and an SDES kept whole', () => {
    const sr = new RtcpSenderReport(
      0xcafebabe,
      { ntpSeconds: 0xe8d1_2345, ntpFraction: 0x8000_0000, rtpTimestamp: 123456, packetCount: 500, octetCount: 80000 },
      [block, new ReportBlock({ ...block, ssrc: 7, cumulativeLost: 0x7fffff })],
    );
    const rr = new RtcpReceiverReport(0xcafebabe, [], Uint8Array.of(1, 2, 3, 4));
    // SDES, RFC 3550 §6.5: one chunk with CNAME "kefu" and the end item, padded to a word.
    const sdes = new RtcpOtherPacket(Uint8Array.from(Buffer.from('81ca0003cafebabe01046b6566750000', 'hex')));
    const bytes = serializeRtcpCompound([sr, rr, sdes]);
    assert.equal(bytes.length, 28 + 2 * 24 + (8 + 4) + 16);
    const packets = parseOk(bytes);
    assert.equal(packets.length, 3);
    const [srBack, rrBack, sdesBack] = packets;
    assert.ok(srBack instanceof RtcpSenderReport);
    assert.deepEqual(srBack.senderInfo, sr.senderInfo);
    assert.equal(srBack.reportBlocks.length, 2);
    assert.equal(srBack.reportBlocks[1]?.cumulativeLost, 0x7fffff);
    assert.ok(rrBack instanceof RtcpReceiverReport);
    assert.deepEqual([...rrBack.extensions], [1, 2, 3, 4], 'profile-specific extensions survive');
    assert.ok(sdesBack instanceof RtcpOtherPacket);
    assert.equal(sdesBack.packetType, 202);
    assert.deepEqual(serializeRtcpCompound(packets), bytes);
  });

  it('clamps a cumulative loss beyond 24 signed bits', () => {
    assert.equal(new ReportBlock({ ...block, cumulativeLost: 1e9 }).cumulativeLost, 0x7fffff);
    assert.equal(new ReportBlock({ ...block, cumulativeLost: -1e9 }).cumulativeLost, -0x800000);
  });

  it('accepts padding on the last packet only (A.2)', () => {
    const padded = Uint8Array.from([...HAND_WRITTEN_RR, 0, 0, 0, 4]);
    padded[0] = 0xa1; // P set
    padded[3] = 8; // length now 9 words
    const [rr] = parseOk(padded);
    assert.ok(rr instanceof RtcpReceiverReport);
    assert.equal(rr.extensions.length, 0);
    const twice = Uint8Array.from([...padded, ...HAND_WRITTEN_RR]);
    assert.match(parseFails(twice), /^0: padding on a packet that is not the last/);
  });

  it('reports every inconsistency with an offset: version, first type, lengths, RC', () => {
    const version = Uint8Array.from(HAND_WRITTEN_RR);
    version[0] = 0x41;
    assert.match(parseFails(version), /^0: version is 1/);
    const sdesFirst = Uint8Array.from(Buffer.from('81ca0003cafebabe01046b6566750000', 'hex'));
    assert.match(parseFails(sdesFirst), /^1: a compound packet starts with SR or RR/);
    assert.match(parseFails(HAND_WRITTEN_RR.subarray(0, 20)), /^2: length says 32 bytes but 20 remain/);
    const tooManyBlocks = Uint8Array.from(HAND_WRITTEN_RR);
    tooManyBlocks[0] = 0x82; // RC = 2, room for 1
    assert.match(parseFails(tooManyBlocks), /RC says 2 report blocks/);
    const trailing = Uint8Array.from([...HAND_WRITTEN_RR, 0x81, 0xc9]);
    assert.match(parseFails(trailing), /^32: a packet header is cut short/);
    assert.match(parseFails(new Uint8Array(2)), /4 header bytes/);
  });

  it('never throws on truncated compound packets', () => {
    const bytes = serializeRtcpCompound([new RtcpReceiverReport(1, [block, block]), new RtcpReceiverReport(2, [block])]);
    for (let length = 0; length <= bytes.length; length += 1) {
      const result = parseRtcpCompound(bytes.subarray(0, length));
      if (!result.ok) assert.ok(result.error.offset <= length);
      else assert.equal(length % 4, 0);
    }
  });

  it('carries what ReceiverStats measured through an RR on the wire and back', () => {
    const stats = new ReceiverStats(8000);
    for (let seq = 65500; seq < 65500 + 100; seq += 1) if (seq % 10 !== 3) stats.update(seq & 0xffff, (seq * 160) >>> 0, seq * 20);
    const sent = new RtcpReceiverReport(0xcafebabe, [stats.reportBlock(0x1234, 0)]);
    const [received] = parseOk(serializeRtcpCompound([sent]));
    assert.ok(received instanceof RtcpReceiverReport);
    const block = received.reportBlocks[0];
    assert.equal(block?.ssrc, 0x1234);
    assert.equal(block?.extendedHighestSequence, 65500 + 99, 'past the wrap: cycle 1, sequence 63');
    assert.equal(block?.cumulativeLost, 10);
    assert.equal(block?.fractionLost, Math.floor((10 * 256) / 99));
  });

  it('never throws on random bytes', () => {
    let seed = 99;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (let i = 0; i < 5000; i += 1) {
      const bytes = Uint8Array.from({ length: random() % 96 }, random);
      if (bytes.length > 1) {
        bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x80;
        bytes[1] = 200 + (random() % 6);
      }
      const result = parseRtcpCompound(bytes);
      if (!result.ok) assert.ok(result.error.offset <= bytes.length);
    }
  });

  it('tells RTCP from RTP on a shared port (RFC 5761 §4)', () => {
    assert.equal(isRtcpPacket(HAND_WRITTEN_RR), true);
    assert.equal(isRtcpPacket(Uint8Array.from(Buffer.from('80e51f30000033e00e05384e010a0000', 'hex'))), false);
    assert.equal(isRtcpPacket(Uint8Array.from(Buffer.from('8000000100000000000000000000', 'hex'))), false);
  });
});
