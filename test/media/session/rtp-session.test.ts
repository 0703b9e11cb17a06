import assert from 'node:assert/strict';
import { type Socket, createSocket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import { RtpPacket, isRtcpPacket, parseRtcpCompound, type RtcpPacket, type TimeSource } from '../../../src/media/index.js';
import { PortRange } from '../../../src/media/session/port-range.js';
import { type PacketSocket, RtpSession, type SessionEvents } from '../../../src/media/session/rtp-session.js';
import { seededRandom } from '../../helpers/random.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ports = new PortRange(44000, 44099, '127.0.0.1');
const closers: (() => void)[] = [];
after(() => closers.forEach((close) => close()));

/** A manual clock: the test moves it; no timer is ever set by the session. */
function manualTime(): TimeSource & { at: number } {
  const time = {
    at: 0,
    now: () => time.at,
    after: () => {
      throw new Error('a session sets no timers');
    },
  };
  return time;
}

async function listener(): Promise<{ socket: Socket; port: number; packets: { bytes: Buffer; from: number }[] }> {
  const socket = createSocket('udp4');
  const packets: { bytes: Buffer; from: number }[] = [];
  socket.on('message', (bytes, from) => packets.push({ bytes, from: from.port }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closers.push(() => socket.close());
  return { socket, port: socket.address().port, packets };
}

async function session(options: { symmetric?: boolean; events?: Partial<SessionEvents> } = {}) {
  const time = manualTime();
  const { socket, port } = await ports.bindRtp();
  const rtp = new RtpSession({
    id: 't',
    socket,
    port,
    time,
    random: seededRandom(3),
    noRtpTimeoutMs: 1000,
    symmetric: options.symmetric ?? true,
    inbandDtmf: false,
    openRtcpSocket: () => ports.bindRtcp(port),
    events: { dtmf: () => undefined, timeout: () => undefined, played: () => undefined, ...options.events },
  });
  closers.push(() => rtp.close());
  return { rtp, time };
}

const rtpOf = (bytes: Buffer) => (RtpPacket.parse(bytes) as { ok: true; value: RtpPacket }).value;

describe('[issue 4] RTP session', () => {
  it('sends one packet a tick: marker on the first, sequence +1, timestamp +160, one SSRC (RFC 3550 §5.1)', async () => {
    const peer = await listener();
    const { rtp, time } = await session();
    await rtp.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMA', payloadType: 8 });
    for (let tick = 0; tick < 5; tick++) {
      time.at = tick * 20;
      rtp.send(time.at);
    }
    await sleep(50);
    const sent = peer.packets.map((p) => rtpOf(p.bytes));
    assert.equal(sent.length, 5);
    assert.deepEqual(sent.map((p) => p.marker), [true, false, false, false, false]);
    for (let i = 1; i < 5; i++) {
      assert.equal(sent[i]?.sequenceNumber, ((sent[0]?.sequenceNumber as number) + i) & 0xffff);
      assert.equal(sent[i]?.timestamp, ((sent[0]?.timestamp as number) + 160 * i) >>> 0);
      assert.equal(sent[i]?.ssrc, rtp.ssrc);
    }
    assert.ok(sent.every((p) => p.payloadType === 8 && p.payload.length === 160 && p.payload.every((b) => b === 0xd5)), 'A-law silence');
  });

  it('writes each packet over the last one sent, but never over one the socket still queues', async () => {
    const peer = await listener();
    const { socket, port } = await ports.bindRtp();
    let queued = 0;
    const handed: Uint8Array[] = [];
    const counting: PacketSocket = {
      on: (event, listener) => socket.on(event, listener),
      send: (bytes, toPort, address) => {
        handed.push(bytes);
        socket.send(bytes, toPort, address);
      },
      // What dgram says when the system's send buffer was full and it holds packets back.
      getSendQueueCount: () => queued,
      close: () => socket.close(),
    };
    const time = manualTime();
    const rtp = new RtpSession({
      id: 'q',
      socket: counting,
      port,
      time,
      random: seededRandom(5),
      noRtpTimeoutMs: 1000,
      symmetric: false,
      inbandDtmf: false,
      openRtcpSocket: () => ports.bindRtcp(port),
      events: { dtmf: () => undefined, timeout: () => undefined, played: () => undefined },
    });
    closers.push(() => rtp.close());
    await rtp.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU', payloadType: 0 });
    rtp.send(0);
    rtp.send(20);
    assert.equal(handed[1], handed[0], 'the second packet reuses the first one’s buffer');
    queued = 1;
    const waiting = Uint8Array.from(handed[1] as Uint8Array);
    rtp.send(40);
    assert.notEqual(handed[2], handed[1]);
    assert.deepEqual(Uint8Array.from(handed[1] as Uint8Array), waiting, 'the queued packet still holds its own header');
    await sleep(50);
    const sequences = peer.packets.map((p) => rtpOf(p.bytes).sequenceNumber);
    assert.deepEqual(sequences, [0, 1, 2].map((i) => ((sequences[0] as number) + i) & 0xffff));
  });

  it('sends an SR within the randomised first interval, on the RTP port with rtcp-mux (RFC 5761) and on port+1 without', async () => {
    const muxed = await listener();
    const separate = await listener();
    const a = await session();
    const b = await session();
    await a.rtp.setRemote({ address: '127.0.0.1', port: muxed.port, codec: 'PCMU', payloadType: 0 });
    await b.rtp.setRemote({ address: '127.0.0.1', port: muxed.port + 0, rtcpPort: separate.port, codec: 'PCMU', payloadType: 0 });
    // RFC 3550 §6.2/§6.3.1: the first report after half of [2.5 s, 7.5 s]: by 3.75 s.
    for (let tick = 0; tick <= 3750 / 20; tick++) {
      a.time.at = b.time.at = tick * 20;
      a.rtp.send(tick * 20);
      b.rtp.send(tick * 20);
    }
    await sleep(50);
    const reports = (packets: { bytes: Buffer; from: number }[]) =>
      packets.filter((p) => p.bytes[1] === 200).map((p) => ({ from: p.from, packets: (parseRtcpCompound(p.bytes) as { ok: true; value: RtcpPacket[] }).value }));
    const viaMux = reports(muxed.packets).filter((r) => r.from === a.rtp.port);
    assert.equal(viaMux.length, 1, 'one SR from the RTP port');
    const sr = viaMux[0]?.packets[0];
    assert.ok(sr?.type === 'sender-report' && sr.ssrc === a.rtp.ssrc);
    assert.ok(sr.type === 'sender-report' && sr.senderInfo.packetCount > 0 && sr.senderInfo.octetCount === sr.senderInfo.packetCount * 160);
    assert.equal(viaMux[0]?.packets[1]?.type, 'other', 'an SDES CNAME follows (RFC 3550 §6.1)');
    const viaRtcpPort = reports(separate.packets);
    assert.equal(viaRtcpPort.length, 1);
    assert.equal(viaRtcpPort[0]?.from, b.rtp.port + 1, 'from the odd port above the RTP port');
    assert.equal(reports(muxed.packets).filter((r) => r.from === b.rtp.port).length, 0);
  });

  it('drops bad bytes and unknown payload types, counts them, and keeps serving', async () => {
    const peer = await listener();
    const { rtp } = await session();
    await rtp.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU', payloadType: 0, telephoneEventPayloadType: 101 });
    const junk = [Buffer.from([0x80]), Buffer.from('not rtp at all, not at all'), Buffer.alloc(12, 0xff), Buffer.from([0x80, 0xc8, 0xff, 0xff, 0, 0, 0, 0])];
    for (const bytes of junk) peer.socket.send(bytes, rtp.port, '127.0.0.1');
    const video = new RtpPacket({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 9, payload: new Uint8Array(160) }).serialize();
    peer.socket.send(video, rtp.port, '127.0.0.1');
    const audio = new RtpPacket({ payloadType: 0, sequenceNumber: 2, timestamp: 160, ssrc: 9, payload: new Uint8Array(160) }).serialize();
    peer.socket.send(audio, rtp.port, '127.0.0.1');
    await sleep(100);
    const stats = rtp.statistics();
    assert.equal(stats.malformed, 4);
    assert.equal(stats.unknownPayloadType, 1);
    assert.equal(stats.received, 1);
  });

  it('hands on one 160-sample frame a tick whatever length the peer’s payloads have', async () => {
    const peer = await listener();
    const { rtp, time } = await session();
    await rtp.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU', payloadType: 0 });
    rtp.decodes = true;
    for (const [seq, length] of [[1, 400], [2, 7]] as const) {
      const bytes = new RtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 9, payload: new Uint8Array(length).fill(0x80) }).serialize();
      peer.socket.send(bytes, rtp.port, '127.0.0.1');
    }
    await sleep(50);
    const lengths = [];
    const firstBytes = [];
    for (let at = 1000; at <= 1200; at += 20) {
      rtp.receive((time.at = at));
      if (rtp.heard !== undefined) lengths.push([rtp.heard.length, rtp.heardPayload?.length]);
      if (rtp.heardPayload !== undefined) firstBytes.push(rtp.heardPayload[0]);
    }
    // The two packets, then frames that conceal the ones that never came: all of 160 samples.
    assert.ok(lengths.length > 2);
    assert.ok(lengths.every(([heard, payload]) => heard === 160 && payload === 160));
    assert.deepEqual(firstBytes.slice(0, 2), [0x80, 0x80]);
  });

  it('with symmetric RTP off, keeps sending to the signalled address', async () => {
    const signalled = await listener();
    const nat = await listener();
    const { rtp } = await session({ symmetric: false });
    await rtp.setRemote({ address: '127.0.0.1', port: signalled.port, codec: 'PCMU', payloadType: 0 });
    const audio = new RtpPacket({ payloadType: 0, sequenceNumber: 2, timestamp: 160, ssrc: 9, payload: new Uint8Array(160) }).serialize();
    nat.socket.send(audio, rtp.port, '127.0.0.1');
    await sleep(50);
    rtp.send(0);
    await sleep(50);
    assert.equal(signalled.packets.length, 1);
    assert.equal(nat.packets.length, 0);
  });

  it('with symmetric RTP on, a second source does not take over while the first keeps talking (RFC 4961 §4)', async () => {
    const first = await listener();
    const intruder = await listener();
    const { rtp, time } = await session();
    await rtp.setRemote({ address: '127.0.0.1', port: first.port, codec: 'PCMU', payloadType: 0 });
    const packet = (seq: number) => new RtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 9, payload: new Uint8Array(160) }).serialize();
    first.socket.send(packet(1), rtp.port, '127.0.0.1');
    await sleep(30);
    time.at = 100;
    intruder.socket.send(packet(2), rtp.port, '127.0.0.1');
    await sleep(30);
    rtp.send(100);
    await sleep(30);
    assert.equal(first.packets.length, 1);
    assert.equal(rtp.statistics().foreignSource, 1);
    time.at = 2000;
    intruder.socket.send(packet(3), rtp.port, '127.0.0.1');
    await sleep(30);
    rtp.send(2000);
    await sleep(30);
    const rtpOnly = intruder.packets.filter((p) => !isRtcpPacket(p.bytes));
    assert.equal(rtpOnly.length, 1, 'after the first source fell silent, the new one is latched');
  });

  it('raises timeout once after the configured silence, and again only after RTP flowed', async () => {
    const peer = await listener();
    const timeouts: number[] = [];
    const { rtp, time } = await session({ events: { timeout: (ms) => timeouts.push(ms) } });
    await rtp.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU', payloadType: 0 });
    for (const at of [500, 999, 1000, 1500]) rtp.receive((time.at = at));
    assert.deepEqual(timeouts, [1000]);
    peer.socket.send(new RtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 9, payload: new Uint8Array(160) }).serialize(), rtp.port, '127.0.0.1');
    await sleep(50);
    for (const at of [2000, 2499, 2500]) rtp.receive((time.at = at));
    assert.deepEqual(timeouts, [1000, 1000]);
  });
});
