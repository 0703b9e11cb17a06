/**
 * The media engine's own JavaScript per packet, without sockets or threads: S RTP sessions, each
 * playing a looped prompt from G.711 bytes and listening for RFC 4733 digits, are each handed one
 * 172-byte PCMU packet and asked for one packet per round, as a worker's tick does; their socket
 * drops what they send. CPU ns per packet (received or sent), the best and the median of five
 * measures. Unlike `media-channels`, it hardly moves with the machine's load, so it shows what a
 * change to the hot path saves; the system calls and wake-ups that `udp-floor` measures are not in
 * it. One JSON line. `MEDIA_HOT_SESSIONS` and `MEDIA_HOT_ROUNDS` change the size.
 */
import type { RemoteInfo } from 'node:dgram';
import { type PacketSocket, RtpSession } from '../src/media/session/rtp-session.js';

const sessions = Number(process.env.MEDIA_HOT_SESSIONS ?? 500);
const rounds = Number(process.env.MEDIA_HOT_ROUNDS ?? 400);
const listeners: ((bytes: Buffer, from: RemoteInfo) => void)[] = [];
const prompt = Uint8Array.from({ length: 24000 }, (_, i) => (i * 7) & 0xff);
const list: RtpSession[] = [];
for (let s = 0; s < sessions; s++) {
  const socket: PacketSocket = {
    on: (_event, listener) => (listeners[s] = listener),
    send: () => undefined,
    getSendQueueCount: () => 0,
    close: () => undefined,
  };
  const rtp = new RtpSession({
    id: `hot-${s}`,
    socket,
    port: 40000 + 2 * s,
    time: { now: () => 0, after: () => () => undefined },
    random: Math.random,
    noRtpTimeoutMs: Number.MAX_SAFE_INTEGER,
    symmetric: true,
    inbandDtmf: false,
    openRtcpSocket: () => Promise.reject(new Error('rtcp-mux only')),
    events: { dtmf: () => undefined, timeout: () => undefined, played: () => undefined },
  });
  await rtp.setRemote({ address: '127.0.0.1', port: 50000 + s, codec: 'PCMU', payloadType: 0, telephoneEventPayloadType: 101 });
  rtp.play([prompt], { loop: true });
  list.push(rtp);
}
const from: RemoteInfo = { address: '127.0.0.1', family: 'IPv4', port: 0, size: 172 };
const packet = Buffer.alloc(172, 0xfe);
packet[0] = 0x80;

function run(count: number): void {
  for (let r = 0; r < count; r++) {
    const now = r * 20;
    packet.writeUInt16BE(r & 0xffff, 2);
    packet.writeUInt32BE((r * 160) >>> 0, 4);
    for (let s = 0; s < sessions; s++) {
      const rtp = list[s] as RtpSession;
      rtp.receive(now);
      from.port = 50000 + s;
      packet.writeUInt32BE(s, 8);
      // dgram hands every datagram over in a Buffer of its own.
      listeners[s]?.(Buffer.from(packet), from);
      rtp.send(now);
    }
  }
}

run(200);
const measures: number[] = [];
for (let k = 0; k < 5; k++) {
  const before = process.cpuUsage();
  run(rounds);
  const used = process.cpuUsage(before);
  measures.push(((used.user + used.system) * 1000) / (rounds * sessions * 2));
}
measures.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ bench: 'media-hot-path', sessions, rounds, nsPerPacketBest: Math.round(measures[0] as number), nsPerPacketMedian: Math.round(measures[2] as number) })}\n`);
