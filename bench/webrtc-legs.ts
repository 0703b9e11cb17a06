/**
 * WebRTC legs: CPU per browser's leg (ICE-lite, DTLS-SRTP, bridged to a plain RTP leg) as a
 * ratio to a plain RTP leg, both measured in the same run on Kefu's media engine (this process:
 * main thread and workers). First N pairs of plain RTP legs bridged to each other against the
 * load peer; then N WebRTC legs against werift peers in a child process (the browsers, 50 SRTP
 * packets/s each way) bridged to N plain legs against the load peer. One JSON line.
 */
import { fork } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MediaEngine } from '../src/media/index.js';
import { answerOffer } from '../src/sdp/index.js';
import { LoadPeer, cpuSince, sleep } from './support/media-load.js';
import type { WebRtcPeerRequest } from './support/webrtc-peer.js';

// WEBRTC_BENCH_LEGS changes N; the browsers' side (werift) costs more than Kefu's, and shares the machine.
const legs = Number(process.env.WEBRTC_BENCH_LEGS ?? 10);
const seconds = 10;

const engine = await MediaEngine.start({
  workers: availableParallelism(),
  host: '127.0.0.1',
  portMin: 30000,
  portMax: 31999,
  noRtpTimeoutMs: 60_000,
  symmetricRtp: true,
  speechCacheDir: join(tmpdir(), 'kefu-bench-speech'),
});

/** Kefu's CPU (% of one core) over `seconds`, after two seconds for everything to settle. */
async function measure(): Promise<number> {
  await sleep(2000);
  const before = process.cpuUsage();
  const wall = performance.now();
  await sleep(seconds * 1000);
  return (cpuSince(before) / ((performance.now() - wall) / 1000)) * 100;
}

async function plainPairs(): Promise<number> {
  const peer = LoadPeer.start();
  const ports = await peer.open(2 * legs);
  const sessions = [];
  for (let i = 0; i < 2 * legs; i++) {
    const session = await engine.createSession({ group: `plain-${Math.floor(i / 2)}` });
    await engine.setRemote(session.id, { address: '127.0.0.1', port: ports[i]!, codec: 'PCMU', payloadType: 0, telephoneEventPayloadType: 101 });
    sessions.push(session);
    if (i % 2 === 1) await engine.bridge(sessions[i - 1]!.id, session.id);
  }
  await peer.request({ cmd: 'start', targets: sessions.map((s) => s.port), dtmf: false });
  const cpu = await measure();
  await peer.close();
  for (const session of sessions) await engine.destroy(session.id);
  return cpu;
}

async function browserPairs(): Promise<{ cpu: number; hearing: number }> {
  const browsers = fork(fileURLToPath(new URL('support/webrtc-peer.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(request: WebRtcPeerRequest) =>
    new Promise<T>((resolve) => {
      browsers.once('message', (reply) => resolve(reply as T));
      browsers.send(request);
    });
  const { sdps } = await ask<{ sdps: string[] }>({ cmd: 'offer', legs });
  const peer = LoadPeer.start();
  const ports = await peer.open(legs);
  const plain = [];
  const secure = [];
  const answers = [];
  for (let i = 0; i < legs; i++) {
    const browserLeg = await engine.createSession({ group: `browser-${i}`, webrtc: true });
    const answer = answerOffer(sdps[i]!, { address: '127.0.0.1', port: browserLeg.port, codecs: ['PCMU'], telephoneEvent: true, sessionId: randomInt(1, 2 ** 31), sessionVersion: 1, webrtc: browserLeg.webrtc! });
    if (!answer.ok) throw new Error(`Kefu refused the offer: ${answer.reason}`);
    const { webrtc } = answer.audio;
    await engine.setRemote(browserLeg.id, {
      address: answer.audio.remoteAddress,
      port: answer.audio.remotePort,
      codec: 'PCMU',
      payloadType: answer.audio.payloadType,
      webrtc: { iceUfrag: webrtc!.iceUfrag, fingerprints: webrtc!.fingerprints, role: webrtc!.role },
    });
    const phoneLeg = await engine.createSession({ group: `browser-${i}` });
    await engine.setRemote(phoneLeg.id, { address: '127.0.0.1', port: ports[i]!, codec: 'PCMU', payloadType: 0, telephoneEventPayloadType: 101 });
    await engine.bridge(browserLeg.id, phoneLeg.id);
    secure.push(browserLeg);
    plain.push(phoneLeg);
    answers.push(answer.sdp);
  }
  const { hearing } = await ask<{ hearing: number }>({ cmd: 'answer', sdps: answers });
  await peer.request({ cmd: 'start', targets: plain.map((s) => s.port), dtmf: false });
  const cpu = await measure();
  await ask({ cmd: 'close' });
  await peer.close();
  for (const session of [...secure, ...plain]) await engine.destroy(session.id);
  return { cpu, hearing };
}

const plainCpu = await plainPairs();
const browser = await browserPairs();
await engine.stop();
const perPlainLeg = plainCpu / (2 * legs);
const perBrowserLeg = (browser.cpu - legs * perPlainLeg) / legs;
process.stdout.write(
  `${JSON.stringify({
    bench: 'webrtc-legs',
    cores: availableParallelism(),
    legs,
    browsersHearingKefu: browser.hearing,
    // The figures hold only when every browser got through ICE and DTLS before the measure.
    complete: browser.hearing === legs,
    plainPairsCpuPercent: Number(plainCpu.toFixed(1)),
    browserPairsCpuPercent: Number(browser.cpu.toFixed(1)),
    cpuPercentPerPlainLeg: Number(perPlainLeg.toFixed(3)),
    cpuPercentPerWebRtcLeg: Number(perBrowserLeg.toFixed(3)),
    ratioToPlainLeg: Number((perBrowserLeg / perPlainLeg).toFixed(2)),
  })}\n`,
);
