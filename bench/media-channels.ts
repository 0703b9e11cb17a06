/**
 * Media channels: N concurrent sessions on Kefu's media engine (one worker per core), each
 * playing a looped prompt (a WAV file, decoded once and cached as G.711) and listening for RFC
 * 4733 digits, against the load peer in a child process on loopback (50 packets/s each way per
 * session, a digit per session every 10 s). For rising N: Kefu's CPU (this process: main thread
 * and workers; the peer is measured apart), packets lost each way, p50/p99/max of how late
 * packets left after their time was due (each session's own phase on the 20 ms grid), CPU µs per packet and its ratio to the UDP floor
 * measured at the same N in the same run, memory per session, digits detected, and how late a
 * bare 2 ms timer in this process's main thread woke meanwhile (what the machine's load alone
 * costs). It stops at the first N with p99 > 5 ms or any loss and reports the largest N that
 * passed. One JSON line.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { MediaEngine } from '../src/media/index.js';
import { LoadPeer, cpuSince, peerSpread, sleep, udpFloor } from './support/media-load.js';

const steps = (process.env.MEDIA_BENCH_STEPS ?? '250,500,1000,1500,2000,2500').split(',').map(Number);
const seconds = 5;
// MEDIA_BENCH_STEPS=250,500 and MEDIA_BENCH_WORKERS=1 change the ramp and the worker count (default: one per core).
const prompt = join(tmpdir(), `kefu-bench-prompt-${process.pid}.wav`);
// A 3-second prompt: a two-tone phrase at a speech-like level, 16-bit 8 kHz mono.
const samples = Int16Array.from({ length: 24000 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * (i < 12000 ? 440 : 660) * i) / 8000)));
const wav = new wavefile.WaveFile();
wav.fromScratch(1, 8000, '16', samples);
writeFileSync(prompt, wav.toBuffer());

const engine = await MediaEngine.start({
  workers: Number(process.env.MEDIA_BENCH_WORKERS ?? availableParallelism()),
  host: '127.0.0.1',
  portMin: 20000,
  portMax: 29999,
  noRtpTimeoutMs: 30_000,
  symmetricRtp: true,
  speechCacheDir: join(tmpdir(), 'kefu-bench-speech'),
});
let digits = 0;
engine.on('dtmf', () => {
  digits++;
});

async function inBatches<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += 100) out.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => make(i + j)))));
  return out;
}

/** A bare timer on 2 ms absolute deadlines; the answer stops it and tells how late it woke (ms). */
function timerProbe(): () => { p50: number; p99: number; max: number } {
  const late: number[] = [];
  const start = performance.now();
  let next = 1;
  const fire = (): void => {
    const now = performance.now();
    late.push(now - (start + next * 2));
    next = Math.floor((now - start) / 2) + 1;
    timer = setTimeout(fire, start + next * 2 - now);
  };
  let timer = setTimeout(fire, 2);
  return () => {
    clearTimeout(timer);
    late.sort((a, b) => a - b);
    const at = (q: number) => Number((late[Math.min(late.length - 1, Math.floor(q * late.length))] ?? 0).toFixed(2));
    return { p50: at(0.5), p99: at(0.99), max: at(1) };
  };
}

async function step(n: number) {
  const floor = await udpFloor(n, seconds);
  const peer = LoadPeer.start();
  const peerPorts = await peer.open(n);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const sessions = await inBatches(n, async (i) => {
    const session = await engine.createSession();
    await engine.setRemote(session.id, { address: '127.0.0.1', port: peerPorts[i] as number, codec: 'PCMU', payloadType: 0, telephoneEventPayloadType: 101 });
    await engine.play(session.id, [{ kind: 'file', path: prompt }], { loop: true });
    return session;
  });
  const memoryPerSessionKiB = Math.round((process.memoryUsage().rss - rssBefore) / n / 1024);
  digits = 0;
  await peer.request({ cmd: 'start', targets: sessions.map((s) => s.port), dtmf: true, spread: peerSpread });
  await sleep(2000);
  await peer.request({ cmd: 'reset' });
  await engine.workerStats(true);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const probe = timerProbe();
  await sleep(seconds * 1000);
  const timerLateMs = probe();
  const cpu = cpuSince(cpuBefore);
  const wall = (performance.now() - wallBefore) / 1000;
  const workers = await engine.workerStats(false);
  const seen = await peer.measure();
  // Every digit the peer sent before it stopped, and every one Kefu saw once the last arrived.
  const { digitsSent, digitsStarted } = await peer.request<{ digitsSent: number; digitsStarted: number }>({ cmd: 'close' });
  await sleep(500);
  const digitsDetected = digits;
  const finals = await inBatches(n, (i) => engine.destroy((sessions[i] as { id: string }).id));
  const packets = seen.received + seen.sent;
  const cpuMicrosecondsPerPacket = (cpu * 1e6) / packets;
  const late = {
    p50: Math.max(...workers.map((w) => w.sendLateMs.p50)),
    p99: Math.max(...workers.map((w) => w.sendLateMs.p99)),
    max: Math.max(...workers.map((w) => w.sendLateMs.max)),
  };
  const lostFromPeer = finals.reduce((sum, s) => sum + s.lost, 0);
  return {
    sessions: n,
    kefuCpuPercent: Math.round((cpu / wall) * 100),
    peerCpuPercent: Math.round((seen.cpuSeconds / seen.seconds) * 100),
    packetsPerSecond: Math.round(packets / wall),
    lostToPeer: seen.lost,
    lostFromPeer,
    sendLateMs: late,
    skippedTicks: workers.reduce((sum, w) => sum + w.skippedTicks, 0),
    timerLateMs,
    cpuMicrosecondsPerPacket: Number(cpuMicrosecondsPerPacket.toFixed(2)),
    floorMicrosecondsPerPacket: floor.cpuMicrosecondsPerPacket,
    ratioToFloor: Number((cpuMicrosecondsPerPacket / floor.cpuMicrosecondsPerPacket).toFixed(2)),
    memoryPerSessionKiB,
    // Finished ≤ detected ≤ started: a digit cut off by the stop ends by timeout on Kefu's side.
    digitsSent,
    digitsStarted,
    digitsDetected,
    pass: late.p99 <= 5 && seen.lost === 0 && lostFromPeer === 0,
  };
}

const results = [];
for (const n of steps) {
  const result = await step(n);
  results.push(result);
  process.stderr.write(`${JSON.stringify(result)}\n`);
  if (!result.pass) break;
}
await engine.stop();
const passed = results.filter((r) => r.pass).map((r) => r.sessions);
process.stdout.write(
  `${JSON.stringify({ bench: 'media-channels', cores: availableParallelism(), peer: peerSpread ? 'spread' : 'burst', largestPassingSessions: passed.length === 0 ? 0 : Math.max(...passed), results })}\n`,
);
