import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DtmfReceiver, RtpPacket, TelephoneEvent, type DtmfNotice, type TelephoneEventPacket } from '../../src/media/index.js';
import { readPcapUdp } from '../helpers/pcap.js';

const SIPP_DTMF = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'star', 'pound'] as const;
const DIGIT_OF_FILE: Record<(typeof SIPP_DTMF)[number], string> = {
  0: '0', 1: '1', 2: '2', 3: '3', 4: '4', 5: '5', 6: '6', 7: '7', 8: '8', 9: '9', star: '*', pound: '#',
};

/** The RTP packets of one of sipp's packaged RFC 2833 captures, with capture times from 0. */
function sippCapture(name: string): { packet: RtpPacket; atMs: number }[] {
  const datagrams = readPcapUdp(`/usr/share/sip-tester/dtmf_2833_${name}.pcap`);
  const start = datagrams[0]?.timeMs ?? 0;
  return datagrams.map(({ payload, timeMs }) => {
    const result = RtpPacket.parse(payload);
    assert.ok(result.ok, `dtmf_2833_${name}.pcap holds RTP`);
    return { packet: result.value, atMs: timeMs - start };
  });
}

/** Each packet made here gets the next sequence number, as a sender numbers its packets. */
let nextSequence = 0;

interface EventPacketSpec {
  ssrc?: number;
  payloadType?: number;
  timestamp: number;
  event: number;
  duration: number;
  end?: boolean;
}

function eventPacket(spec: EventPacketSpec): TelephoneEventPacket {
  return {
    ssrc: spec.ssrc ?? 0x1234,
    payloadType: spec.payloadType ?? 101,
    sequenceNumber: nextSequence++ & 0xffff,
    timestamp: spec.timestamp >>> 0,
    payload: new TelephoneEvent({ event: spec.event, end: spec.end ?? false, volume: 10, duration: spec.duration }).serialize(),
  };
}

/**
 * What a sender does for one key (RFC 4733 §2.5.1.2–4): an update every 20 ms (160 units) while
 * the key is down, then the end packet three times.
 */
function keypress(spec: { ssrc?: number; payloadType?: number; timestamp: number; event: number; updates: number }): TelephoneEventPacket[] {
  const packets: TelephoneEventPacket[] = [];
  for (let i = 0; i < spec.updates; i += 1) packets.push(eventPacket({ ...spec, duration: 160 * i }));
  for (let i = 0; i < 3; i += 1) packets.push(eventPacket({ ...spec, duration: 160 * spec.updates, end: true }));
  return packets;
}

/** Feeds packets 20 ms apart from `startMs` (the three ends together); returns every notice. */
function play(receiver: DtmfReceiver, packets: readonly TelephoneEventPacket[], startMs = 0): DtmfNotice[] {
  return packets.flatMap((packet, i) => receiver.receive(packet, startMs + 20 * Math.min(i, packets.length - 3)));
}

function digits(notices: readonly DtmfNotice[]): string {
  return notices.filter((notice) => notice.kind === 'digit-end').map((notice) => notice.digit).join('');
}

describe('RFC 4733 DTMF receiver', () => {
  for (const name of SIPP_DTMF) {
    it(`yields exactly one '${DIGIT_OF_FILE[name]}' from sipp's dtmf_2833_${name}.pcap`, () => {
      const receiver = new DtmfReceiver({ payloadTypes: [101] });
      const notices = sippCapture(name).flatMap(({ packet, atMs }) => receiver.receive(packet, atMs));
      notices.push(...receiver.tick(10_000));
      assert.deepEqual(
        notices.map((notice) => `${notice.kind} ${notice.digit}`),
        [`digit-start ${DIGIT_OF_FILE[name]}`, `digit-end ${DIGIT_OF_FILE[name]}`],
      );
      const end = notices[1];
      assert.ok(end?.kind === 'digit-end');
      assert.equal(end.ending, 'end-bit');
      assert.equal(end.durationMs, 280, '2240 units at 8 kHz');
      assert.equal(receiver.counts.stale, 2, 'the two retransmitted end packets are ignored (§2.5.1.4)');
    });
  }

  it('reads all twelve captures in a row on one receiver, as one caller would press them', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    const notices = SIPP_DTMF.flatMap((name, i) => sippCapture(name).flatMap(({ packet, atMs }) => receiver.receive(packet, 2000 * i + atMs)));
    assert.equal(digits(notices), '0123456789*#');
    assert.equal(notices.length, 24);
  });

  it('takes the same capture twice, seconds apart, as two keypresses (sipp resends identical packets)', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    const capture = sippCapture('5');
    const notices = [...capture, ...capture.map(({ packet, atMs }) => ({ packet, atMs: atMs + 3000 }))].flatMap(({ packet, atMs }) =>
      receiver.receive(packet, atMs),
    );
    assert.equal(digits(notices), '55');
  });

  it("accepts sipp's play_dtmf: PT 96 after PT 97 filler, and a new SSRC mid-call", () => {
    const receiver = new DtmfReceiver({ payloadTypes: [96] });
    const filler = Array.from({ length: 20 }, (_, i): TelephoneEventPacket => ({ ssrc: 0x77, payloadType: 97, sequenceNumber: i, timestamp: i * 160, payload: new Uint8Array(160) }));
    const notices = play(receiver, filler);
    const presses = [1, 2, 3].map((event, i) => keypress({ ssrc: 0x77, payloadType: 96, timestamp: 3200 + 3200 * i, event, updates: 10 }));
    presses.forEach((packets, i) => notices.push(...play(receiver, packets, 400 + 400 * i)));
    // The phone restarts its RTP stream: a new SSRC whose timestamps begin anywhere.
    notices.push(...play(receiver, keypress({ ssrc: 0x99, payloadType: 96, timestamp: 5, event: 11, updates: 10 }), 2000));
    assert.equal(digits(notices), '123#');
    assert.equal(receiver.counts.otherPayloadType, 20);
    assert.ok(notices.filter((notice) => notice.kind === 'digit-end').every((notice) => notice.kind === 'digit-end' && notice.ending === 'end-bit'));
  });

  it('listens only to the payload types of the offer, and to new ones after a re-offer', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    assert.equal(digits(play(receiver, keypress({ payloadType: 96, timestamp: 0, event: 7, updates: 5 }))), '');
    receiver.setPayloadTypes([96]);
    assert.equal(digits(play(receiver, keypress({ payloadType: 96, timestamp: 8000, event: 7, updates: 5 }), 1000)), '7');
  });

  it('ends an event whose end packets were all lost: by the next event, or by the clock', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101], lostEndTimeoutMs: 250 });
    const withoutEnd = (timestamp: number, event: number): TelephoneEventPacket[] => keypress({ timestamp, event, updates: 8 }).slice(0, -3);
    const notices = play(receiver, [...withoutEnd(0, 4), ...withoutEnd(3200, 5)]);
    assert.deepEqual(
      notices.filter((notice) => notice.kind === 'digit-end').map((notice) => notice.kind === 'digit-end' && `${notice.digit} ${notice.ending}`),
      ['4 next-event'],
    );
    assert.deepEqual(receiver.tick(300), [], 'not before the timeout');
    const timedOut = receiver.tick(320 + 250);
    assert.equal(timedOut.length, 1);
    assert.ok(timedOut[0]?.kind === 'digit-end' && timedOut[0].digit === '5' && timedOut[0].ending === 'timeout');
    assert.equal(timedOut[0]?.kind === 'digit-end' && timedOut[0].durationMs, 140, 'the duration last reported');
    // The end packets arrive after all: the digit was already reported, so nothing more.
    assert.deepEqual(play(receiver, keypress({ timestamp: 3200, event: 5, updates: 8 }).slice(-3), 600), []);
  });

  it('keeps one keypress one digit when its packets come over a second late (a stalled sender or worker)', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    const packets = keypress({ timestamp: 4000, event: 7, updates: 6 });
    const notices = play(receiver, packets.slice(0, 3));
    // The worker falls behind: its clock ends the digit (no update for 250 ms), then the rest of
    // the keypress, queued meanwhile, arrives 1.5 s late with newer sequence numbers.
    notices.push(...receiver.tick(1500), ...play(receiver, packets.slice(3), 1520));
    // The sender stalls 1.4 s before its end packets.
    const next = keypress({ timestamp: 40_000, event: 2, updates: 4 });
    notices.push(...play(receiver, next.slice(0, 4), 5000), ...play(receiver, next.slice(4), 6400));
    assert.equal(digits(notices), '72');
    assert.equal(notices.length, 4);
  });

  it('still reports a digit whose first packets were lost, or of which only the end arrived', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    assert.equal(digits(play(receiver, keypress({ timestamp: 0, event: 8, updates: 10 }).slice(4))), '8');
    const onlyEnds = keypress({ timestamp: 8000, event: 9, updates: 10 }).slice(-3);
    const notices = play(receiver, onlyEnds, 1000);
    assert.deepEqual(
      notices.map((notice) => notice.kind),
      ['digit-start', 'digit-end'],
    );
    assert.equal(digits(notices), '9');
  });

  it('ignores an update that arrives after the end packets (reordering)', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    const packets = keypress({ timestamp: 0, event: 3, updates: 6 });
    const reordered = [...packets.slice(0, 4), ...packets.slice(6), packets[4]!, packets[5]!];
    const notices = reordered.flatMap((packet, i) => receiver.receive(packet, i * 20));
    assert.equal(digits(notices), '3');
    assert.equal(notices.length, 2);
  });

  it('ignores a late packet of the previous event once the next has begun', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    const first = keypress({ timestamp: 1000, event: 1, updates: 5 });
    const second = keypress({ timestamp: 5000, event: 2, updates: 5 });
    const notices = [...play(receiver, first), ...play(receiver, second.slice(0, 2), 200), ...receiver.receive(first[2]!, 240), ...play(receiver, second.slice(2), 260)];
    assert.equal(digits(notices), '12');
    assert.equal(notices.length, 4);
  });

  it('keeps a long event over 8 s one keypress across its segments (§2.5.1.3)', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    const notices: DtmfNotice[] = [];
    let now = 0;
    // The first segment's updates run up to the 16-bit limit, 0xFFFF units (8.19 s at 8 kHz).
    const durations: number[] = [];
    for (let duration = 0; duration < 0xffff; duration += 160) durations.push(duration);
    durations.push(0xffff);
    for (const duration of durations) notices.push(...receiver.receive(eventPacket({ timestamp: 100, event: 0, duration }), (now += 20)));
    for (let duration = 0; duration <= 1600; duration += 160) notices.push(...receiver.receive(eventPacket({ timestamp: 100 + 0xffff, event: 0, duration }), (now += 20)));
    for (let i = 0; i < 3; i += 1) notices.push(...receiver.receive(eventPacket({ timestamp: 100 + 0xffff, event: 0, duration: 1760, end: true }), now));
    assert.deepEqual(
      notices.map((notice) => notice.kind),
      ['digit-start', 'digit-end'],
    );
    const end = notices[1];
    assert.ok(end?.kind === 'digit-end');
    assert.equal(end.durationMs, ((0xffff + 1760) * 1000) / 8000);
  });

  it('counts and skips events that are not digits and payloads too short to read', () => {
    const receiver = new DtmfReceiver({ payloadTypes: [101] });
    assert.deepEqual(play(receiver, keypress({ timestamp: 0, event: 16, updates: 3 })), []);
    assert.equal(receiver.counts.notDigits, 6);
    assert.deepEqual(receiver.receive({ ssrc: 1, payloadType: 101, sequenceNumber: 0, timestamp: 0, payload: Uint8Array.of(1, 2, 3) }, 0), []);
    assert.equal(receiver.counts.malformed, 1);
  });
});
