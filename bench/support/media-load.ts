/**
 * What the media benchmarks share: the load peer in a child process (bench/support/load-peer.ts),
 * and the UDP floor — a bare dgram loop exchanging the same packet pattern with the load peer on
 * one deadline clock, the least a process can spend per RTP packet in Node. The media benchmark
 * divides by it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { type Socket, createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import type { PeerMeasure, PeerRequest } from './load-peer.js';

export class LoadPeer {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadPeer {
    const child = fork(fileURLToPath(new URL('load-peer.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new LoadPeer(child);
  }

  request<T>(request: PeerRequest): Promise<T> {
    return new Promise((resolve) => {
      this.child.once('message', (reply) => resolve(reply as T));
      this.child.send(request);
    });
  }

  async open(legs: number): Promise<number[]> {
    return (await this.request<{ ports: number[] }>({ cmd: 'open', legs })).ports;
  }

  measure(): Promise<PeerMeasure> {
    return this.request<PeerMeasure>({ cmd: 'measure' });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.request({ cmd: 'close' });
    await exited;
  }
}

/** Whether the load peer spreads its legs over the 20 ms (MEDIA_BENCH_PEER=burst: one burst). */
export const peerSpread = process.env.MEDIA_BENCH_PEER !== 'burst';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function cpuSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

export interface FloorResult {
  legs: number;
  packets: number;
  /** Packets a second this process sent and received: 100 × legs when it keeps up. */
  packetsPerSecond: number;
  cpuMicrosecondsPerPacket: number;
  cpuPercent: number;
  lost: number;
}

/**
 * N legs × 50 packets/s each way between this process's bare sockets and the load peer, for
 * `seconds` after a warm-up: CPU of this process per packet sent or received.
 */
export async function udpFloor(legs: number, seconds: number): Promise<FloorResult> {
  const peer = LoadPeer.start();
  const peerPorts = await peer.open(legs);
  const sockets: Socket[] = [];
  let received = 0;
  for (let i = 0; i < legs; i++) {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    socket.on('message', () => {
      received++;
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    sockets.push(socket);
  }
  await peer.request({ cmd: 'start', targets: sockets.map((s) => s.address().port), dtmf: false, spread: peerSpread });
  const payload = Buffer.alloc(160, 0xfe);
  let sent = 0;
  const start = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const sequences = new Uint16Array(legs);
  const fire = (): void => {
    const now = performance.now();
    while (start + next * 20 <= now) {
      for (let i = 0; i < legs; i++) {
        const bytes = Buffer.allocUnsafe(172);
        bytes[0] = 0x80;
        bytes[1] = 0;
        bytes.writeUInt16BE(sequences[i] as number, 2);
        sequences[i] = ((sequences[i] as number) + 1) & 0xffff;
        bytes.writeUInt32BE((next * 160) >>> 0, 4);
        bytes.writeUInt32BE(i, 8);
        payload.copy(bytes, 12);
        (sockets[i] as Socket).send(bytes, peerPorts[i] as number, '127.0.0.1');
        sent++;
      }
      next++;
    }
    timer = setTimeout(fire, start + next * 20 - performance.now());
  };
  fire();
  await sleep(2000);
  await peer.request({ cmd: 'reset' });
  const cpuBefore = process.cpuUsage();
  const sentBefore = sent;
  const receivedBefore = received;
  const wallBefore = performance.now();
  await sleep(seconds * 1000);
  const cpu = cpuSince(cpuBefore);
  const wall = (performance.now() - wallBefore) / 1000;
  const packets = sent - sentBefore + (received - receivedBefore);
  const seen = await peer.measure();
  clearTimeout(timer);
  for (const socket of sockets) socket.close();
  await peer.close();
  return {
    legs,
    packets,
    packetsPerSecond: Math.round(packets / wall),
    cpuMicrosecondsPerPacket: Number(((cpu * 1e6) / packets).toFixed(2)),
    cpuPercent: Math.round((cpu / wall) * 100),
    lost: seen.lost,
  };
}
