/**
 * The load peer of the media benchmarks, run as a child process so that its CPU is measured
 * apart from what it loads: N legs, each a UDP socket on 127.0.0.1 sending one 20 ms PCMU packet
 * (172 bytes) every 20 ms of one deadline clock to its target port, and a digit as RFC 4733
 * telephone-events (PT 101) every 10 s. Like N phones that were not switched on together, the
 * legs are spread over ten 2 ms phases of the 20 ms (`spread`); without it every leg sends on the
 * same tick, one burst of N packets every 20 ms. It counts what it receives per leg and the sequence gaps
 * (packets lost). Driven over IPC: open → start → measure/reset → close.
 */
import { type Socket, createSocket } from 'node:dgram';

export type PeerRequest =
  | { cmd: 'open'; legs: number }
  | { cmd: 'start'; targets: number[]; dtmf: boolean; spread?: boolean }
  | { cmd: 'measure' }
  | { cmd: 'reset' }
  | { cmd: 'close' };

export interface PeerMeasure {
  received: number;
  sent: number;
  lost: number;
  digitsSent: number;
  /** This process's CPU seconds (user + system) since the last reset. */
  cpuSeconds: number;
  seconds: number;
}

interface Leg {
  socket: Socket;
  ssrc: number;
  target: number;
  sequence: number;
  timestamp: number;
  /** Highest sequence received and how many arrived, for loss (RFC 3550 A.3, simplified). */
  firstSeq: number | undefined;
  lastSeq: number;
  received: number;
  receivedAtReset: number;
  expectedAtReset: number;
  /** Ticks left of the digit being sent (0: audio). */
  digitTick: number;
}

const PCMU_SILENCE_LIKE = new Uint8Array(160).map((_, i) => (i % 2 === 0 ? 0xfe : 0x7e));
const TELEPHONE_EVENT_PT = 101;
/** Ticks between two digits of one leg: 10 s. */
const DIGIT_EVERY = 500;
/** A digit: start, update, end ×3 (five ticks, 60 ms of tone). */
const DIGIT_PACKETS: { duration: number; end: boolean; marker: boolean }[] = [
  { duration: 160, end: false, marker: true },
  { duration: 320, end: false, marker: false },
  { duration: 480, end: true, marker: false },
  { duration: 480, end: true, marker: false },
  { duration: 480, end: true, marker: false },
];

const legs: Leg[] = [];
let timer: NodeJS.Timeout | undefined;
let sent = 0;
let digitsSent = 0;
let digitsStarted = 0;
let cpuAtReset = process.cpuUsage();
let resetAt = performance.now();
let dtmf = false;
/** Phases of the 20 ms the legs are spread over: 10 (2 ms apart), or 1 (one burst). */
let phases = 10;

function packet(leg: Leg, payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(12 + payload.length);
  bytes[0] = 0x80;
  bytes[1] = (marker ? 0x80 : 0) | payloadType;
  bytes.writeUInt16BE(leg.sequence, 2);
  bytes.writeUInt32BE(timestamp >>> 0, 4);
  bytes.writeUInt32BE(leg.ssrc, 8);
  bytes.set(payload, 12);
  leg.sequence = (leg.sequence + 1) & 0xffff;
  return bytes;
}

function tick(index: number, phase: number): void {
  for (let i = phase; i < legs.length; i += phases) {
    const leg = legs[i] as Leg;
    if (dtmf && leg.digitTick === 0 && (index + i * 7) % DIGIT_EVERY === 0) {
      leg.digitTick = DIGIT_PACKETS.length;
      digitsStarted++;
    }
    let bytes: Buffer;
    if (leg.digitTick > 0) {
      const step = DIGIT_PACKETS[DIGIT_PACKETS.length - leg.digitTick] as (typeof DIGIT_PACKETS)[number];
      const eventTimestamp = leg.timestamp - (DIGIT_PACKETS.length - leg.digitTick) * 160;
      const payload = Uint8Array.of(5, (step.end ? 0x80 : 0) | 10, step.duration >> 8, step.duration & 0xff);
      bytes = packet(leg, TELEPHONE_EVENT_PT, step.marker, eventTimestamp, payload);
      leg.digitTick--;
      if (leg.digitTick === 0) digitsSent++;
    } else {
      bytes = packet(leg, 0, false, leg.timestamp, PCMU_SILENCE_LIKE);
    }
    leg.timestamp = (leg.timestamp + 160) >>> 0;
    leg.socket.send(bytes, leg.target, '127.0.0.1');
    sent++;
  }
}

function startClock(): void {
  const start = performance.now();
  const step = 20 / phases;
  let next = 0;
  const fire = (): void => {
    const now = performance.now();
    for (; start + next * step <= now; next++) tick(Math.floor(next / phases), next % phases);
    timer = setTimeout(fire, start + next * step - performance.now());
  };
  fire();
}

async function open(count: number): Promise<number[]> {
  for (let i = 0; i < count; i++) {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    const leg: Leg = { socket, ssrc: 0x10000 + i, target: 0, sequence: 1, timestamp: 0, firstSeq: undefined, lastSeq: 0, received: 0, receivedAtReset: 0, expectedAtReset: 0, digitTick: 0 };
    socket.on('message', (bytes) => {
      // RTCP (second octet 200–204 on a muxed port) is not counted as media.
      if (bytes.length < 12 || (bytes[1] as number) >= 192) return;
      const seq = bytes.readUInt16BE(2);
      if (leg.firstSeq === undefined) {
        leg.firstSeq = seq;
        leg.lastSeq = seq;
      } else {
        // Unwrapped forward distance; a late or repeated packet does not move the highest.
        const ahead = (seq - (leg.lastSeq & 0xffff) + 0x10000) & 0xffff;
        if (ahead > 0 && ahead < 0x8000) leg.lastSeq += ahead;
      }
      leg.received++;
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    legs.push(leg);
  }
  return legs.map((leg) => leg.socket.address().port);
}

function expected(leg: Leg): number {
  return leg.firstSeq === undefined ? 0 : leg.lastSeq - leg.firstSeq + 1;
}

function measure(): PeerMeasure {
  const cpu = process.cpuUsage(cpuAtReset);
  let received = 0;
  let lost = 0;
  for (const leg of legs) {
    const got = leg.received - leg.receivedAtReset;
    received += got;
    lost += Math.max(0, expected(leg) - leg.expectedAtReset - got);
  }
  return { received, sent, lost, digitsSent, cpuSeconds: (cpu.user + cpu.system) / 1e6, seconds: (performance.now() - resetAt) / 1000 };
}

function reset(): void {
  for (const leg of legs) {
    leg.receivedAtReset = leg.received;
    leg.expectedAtReset = expected(leg);
  }
  sent = 0;
  cpuAtReset = process.cpuUsage();
  resetAt = performance.now();
}

process.on('message', (request: PeerRequest) => {
  const reply = (value: unknown) => process.send?.(value);
  switch (request.cmd) {
    case 'open':
      void open(request.legs).then((ports) => reply({ ports }));
      return;
    case 'start':
      request.targets.forEach((target, i) => ((legs[i] as Leg).target = target));
      dtmf = request.dtmf;
      phases = request.spread === true ? 10 : 1;
      startClock();
      reply({ started: true });
      return;
    case 'measure':
      reply(measure());
      return;
    case 'reset':
      reset();
      reply({ reset: true });
      return;
    case 'close':
      if (timer !== undefined) clearTimeout(timer);
      for (const leg of legs) leg.socket.close();
      reply({ closed: true, digitsSent, digitsStarted });
      process.disconnect();
      return;
    default: {
      const impossible: never = request;
      return impossible;
    }
  }
});
