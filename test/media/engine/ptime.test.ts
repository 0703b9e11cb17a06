import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type MediaEvents, MediaEngine, MediaStateError } from '../../../src/media/index.js';
import { temporaryFolder } from '../../helpers/audio.js';
import { RtpPeer, dominantTone, levelDbfs } from '../../helpers/rtp-peer.js';

const folder = temporaryFolder('media-ptime');
let engine: MediaEngine;
const peers: RtpPeer[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function peer(ptimeMs: number): Promise<RtpPeer> {
  const p = await RtpPeer.open({ codec: 'PCMU', ptimeMs });
  peers.push(p);
  return p;
}

async function sessionFor(p: RtpPeer, group?: string) {
  const session = await engine.createSession(group === undefined ? {} : { group });
  await engine.setRemote(session.id, { address: '127.0.0.1', port: p.port, codec: p.codec, payloadType: p.payloadType, telephoneEventPayloadType: p.telephoneEventPayloadType, ptimeMs: p.ptimeMs });
  return session;
}

function next<K extends keyof MediaEvents>(kind: K, session: string, timeoutMs = 10_000): Promise<MediaEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${kind} event for ${session}`)), timeoutMs);
    const off = engine.on(kind, (event) => {
      if (event.session !== session) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

/** The left channel (what the peer said) of a 16-bit stereo WAV with a 44-byte header. */
function leftChannel(path: string): Int16Array {
  const bytes = readFileSync(path);
  const frames = (bytes.length - 44) / 4;
  return Int16Array.from({ length: frames }, (_, i) => bytes.readInt16LE(44 + i * 4));
}

before(async () => {
  engine = await MediaEngine.start({ workers: 1, host: '127.0.0.1', portMin: 43000, portMax: 43199, noRtpTimeoutMs: 5000, symmetricRtp: true, speechCacheDir: folder.file('speech') });
});

after(async () => {
  for (const p of peers) p.close();
  await engine.stop();
  folder.remove();
});

describe('[issue 4] ptime 10–60 ms (RFC 4566 §6 a=ptime)', () => {
  it('sends a peer at ptime 30 frames of 30 ms: 240 samples a packet, timestamps 240 apart, the tone intact', async () => {
    const p = await peer(30);
    const session = await sessionFor(p);
    const played = next('played', session.id);
    await engine.play(session.id, [{ kind: 'frequencies', hz: [1004], ms: 900 }]);
    await played;
    await sleep(100);
    const audio = p.audioPackets;
    assert.ok(audio.length >= 30, `${audio.length} packets`);
    assert.ok(audio.every((packet) => packet.bytes === 240), 'every packet carries 30 ms');
    const steps = new Set(audio.slice(1).map((packet, i) => (packet.timestamp - (audio[i] as { timestamp: number }).timestamp) >>> 0));
    assert.deepEqual([...steps], [240]);
    const heard = Int16Array.from(p.heard);
    const tone = dominantTone(heard.subarray(heard.length / 2 - 1600, heard.length / 2 + 1600));
    assert.ok(Math.abs(tone.hz - 1004) <= 4, `heard ${tone.hz} Hz`);
    await engine.destroy(session.id);
  });

  it('records what a peer at ptime 40 says: the WAV holds its tone without gaps', async () => {
    const p = await peer(40);
    const session = await sessionFor(p);
    const path = folder.file('ptime40.wav');
    await engine.record(session.id, { path, channels: 2 });
    p.play(session.port, 700, 8000);
    await sleep(1500);
    p.stop();
    await engine.stopRecording(session.id);
    const left = leftChannel(path);
    const middle = left.subarray(left.length / 2 - 2400, left.length / 2 + 2400);
    assert.ok(Math.abs(dominantTone(middle).hz - 700) <= 4, `recorded ${dominantTone(middle).hz} Hz`);
    assert.ok(levelDbfs(middle) > -21, `level ${levelDbfs(middle).toFixed(1)} dBFS`);
    await engine.destroy(session.id);
  });

  it('bridges a peer at ptime 20 to a peer at ptime 30: each hears the other’s tone in its own packet size', async () => {
    const a = await peer(20);
    const b = await peer(30);
    const sa = await sessionFor(a, 'ptime-bridge');
    const sb = await sessionFor(b, 'ptime-bridge');
    await engine.bridge(sa.id, sb.id);
    a.play(sa.port, 600, 8000);
    b.play(sb.port, 1400, 8000);
    await sleep(1500);
    a.stop();
    b.stop();
    const heardByA = a.lastHeard(800).subarray(0, 4000);
    const heardByB = b.lastHeard(800).subarray(0, 4000);
    assert.ok(Math.abs(dominantTone(heardByA).hz - 1400) <= 4, `A heard ${dominantTone(heardByA).hz} Hz`);
    assert.ok(Math.abs(dominantTone(heardByB).hz - 600) <= 4, `B heard ${dominantTone(heardByB).hz} Hz`);
    assert.ok(a.audioPackets.every((packet) => packet.bytes === 160));
    assert.ok(b.audioPackets.every((packet) => packet.bytes === 240));
    await engine.destroy(sa.id);
    await engine.destroy(sb.id);
  });

  it('refuses a ptime it cannot serve', async () => {
    const p = await peer(20);
    const session = await engine.createSession();
    await assert.rejects(
      engine.setRemote(session.id, { address: '127.0.0.1', port: p.port, codec: 'PCMU', payloadType: 0, ptimeMs: 25 }),
      MediaStateError,
    );
    await engine.destroy(session.id);
  });
});

describe('[issue 4] packet loss concealment on a recording', () => {
  it('fills a lost 20 ms frame with the last one heard instead of a hole of silence', async () => {
    const p = await peer(20);
    const session = await sessionFor(p);
    const path = folder.file('lossy.wav');
    // Every tenth packet of the tone never arrives.
    p.dropFrame = (index) => index % 10 === 5;
    await engine.record(session.id, { path, channels: 2 });
    p.play(session.port, 500, 8000);
    await sleep(1500);
    p.stop();
    await engine.stopRecording(session.id);
    const stats = await engine.destroy(session.id);
    assert.ok(stats.lost >= 5, `${stats.lost} packets lost`);
    const left = leftChannel(path);
    // Where the tone was heard (from its first sample to its last), no 10 ms stretch is silent.
    const loud = (i: number) => Math.abs(left[i] as number) > 1000;
    let first = 0;
    while (first < left.length && !loud(first)) first++;
    let last = left.length - 1;
    while (last > first && !loud(last)) last--;
    const silentStretches = [];
    for (let start = first; start + 80 <= last; start += 40) {
      let peak = 0;
      for (let i = start; i < start + 80; i++) peak = Math.max(peak, Math.abs(left[i] as number));
      if (peak < 1000) silentStretches.push(start);
    }
    assert.ok(last - first > 8000, 'more than a second of tone was recorded');
    assert.deepEqual(silentStretches, [], 'no lost frame left a hole');
  });
});
