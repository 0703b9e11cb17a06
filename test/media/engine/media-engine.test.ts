import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import { AudioFileError, type MediaEvents, MediaEngine, MediaPlacementError, MediaSessionNotFoundError, MediaStateError } from '../../../src/media/index.js';
import { temporaryFolder } from '../../helpers/audio.js';
import { RtpPeer, dominantTone, levelDbfs, tonePower } from '../../helpers/rtp-peer.js';

const folder = temporaryFolder('media-engine');
let engine: MediaEngine;
const peers: RtpPeer[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function peer(codec: 'PCMU' | 'PCMA' = 'PCMU'): Promise<RtpPeer> {
  const p = await RtpPeer.open({ codec });
  peers.push(p);
  return p;
}

/** A Kefu session whose remote is the peer. */
async function sessionFor(p: RtpPeer, options: { group?: string; inbandDtmf?: boolean } = {}) {
  const session = await engine.createSession(options);
  await engine.setRemote(session.id, {
    address: '127.0.0.1',
    port: p.port,
    codec: p.codec,
    payloadType: p.payloadType,
    telephoneEventPayloadType: p.telephoneEventPayloadType,
  });
  return session;
}

function next<K extends keyof MediaEvents>(kind: K, session: string, timeoutMs = 5000): Promise<MediaEvents[K]> {
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

before(async () => {
  engine = await MediaEngine.start({
    workers: 2,
    host: '127.0.0.1',
    portMin: 42000,
    portMax: 42999,
    noRtpTimeoutMs: 400,
    symmetricRtp: true,
    speechCacheDir: folder.file('speech'),
  });
});

after(async () => {
  for (const p of peers) p.close();
  await engine.stop();
  folder.remove();
});

describe('[issue 4] media engine over real RTP on loopback', () => {
  it('runs sessions on worker threads, spread over the workers, on even ports', async () => {
    const a = await engine.createSession();
    const b = await engine.createSession();
    const stats = await engine.workerStats();
    assert.equal(stats.length, 2);
    for (const s of stats) assert.notEqual(s.threadId, threadId, 'sessions run off the main thread');
    assert.notEqual(a.worker, b.worker);
    assert.equal(a.port % 2, 0);
    assert.equal(b.port % 2, 0);
    assert.equal(stats.reduce((n, s) => n + s.sessions, 0), 2);
    await engine.destroy(a.id);
    await engine.destroy(b.id);
  });

  it('plays a 1004 Hz tone that the peer hears at that frequency and level', async () => {
    const p = await peer('PCMA');
    const session = await sessionFor(p);
    const played = next('played', session.id);
    await engine.play(session.id, [{ kind: 'frequencies', hz: [1004], ms: 1000 }]);
    assert.equal((await played).end, 'finished');
    await sleep(100);
    const tone = dominantTone(p.lastHeard(1000).subarray(0, 6000));
    assert.ok(Math.abs(tone.hz - 1004) <= 4, `heard ${tone.hz} Hz`);
    // renderTone's level: amplitude 5000 of 32768, −19.3 dBFS as mean power of a sine.
    assert.ok(Math.abs(tone.dbfs - -19.3) < 1, `level ${tone.dbfs.toFixed(1)} dBFS`);
    await engine.destroy(session.id);
  });

  it('records what the peer plays: the WAV holds its tone, with duration and SHA-256', async () => {
    const p = await peer('PCMU');
    const session = await sessionFor(p);
    const path = folder.file('call.wav');
    await engine.record(session.id, { path, channels: 2 });
    p.play(session.port, 700, 8000);
    await sleep(1500);
    p.stop();
    const recorded = next('recorded', session.id);
    const recording = await engine.stopRecording(session.id);
    assert.ok(recording !== null);
    assert.deepEqual((await recorded).recording, recording);
    const bytes = readFileSync(path);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), recording.sha256);
    assert.ok(recording.durationMs > 1200 && recording.durationMs < 1700, `${recording.durationMs} ms`);
    // Left channel: what the peer said (16-bit stereo after a 44-byte header).
    const frames = (bytes.length - 44) / 4;
    const left = new Int16Array(frames);
    for (let i = 0; i < frames; i++) left[i] = bytes.readInt16LE(44 + i * 4);
    const middle = left.subarray(frames / 2 - 2000, frames / 2 + 2000);
    const tone = dominantTone(middle);
    assert.ok(Math.abs(tone.hz - 700) <= 4, `recorded ${tone.hz} Hz`);
    assert.ok(Math.abs(levelDbfs(middle) - 20 * Math.log10(8000 / 32768 / Math.SQRT2)) < 1, `level ${levelDbfs(middle).toFixed(1)} dBFS`);
    await engine.destroy(session.id);
  });

  it('sends RFC 4733 digits the peer decodes, and turns the peer’s digits into dtmf events', async () => {
    const p = await peer('PCMU');
    const session = await sessionFor(p);
    await engine.sendDtmf(session.id, '1234*#');
    await sleep(100);
    assert.deepEqual(p.digits, ['1', '2', '3', '4', '*', '#']);
    const heard: string[] = [];
    const off = engine.on('dtmf', (event) => {
      if (event.session === session.id) heard.push(`${event.digit}/${event.via}`);
    });
    for (const digit of ['9', '0', '#'] as const) await p.sendDigit(session.port, digit);
    await sleep(100);
    off();
    assert.deepEqual(heard, ['9/rfc4733', '0/rfc4733', '#/rfc4733']);
    await engine.destroy(session.id);
  });

  it('plays a sequence of speech (zh-CN), read-back digits (en) and a beep, back to back', async () => {
    const p = await peer('PCMU');
    const session = await sessionFor(p);
    const played = next('played', session.id, 30_000);
    const started = performance.now();
    await engine.play(session.id, [
      { kind: 'speech', text: '您好，欢迎致电', language: 'zh-CN' },
      { kind: 'digits', digits: '95', language: 'en' },
      { kind: 'tone', tone: 'beep', language: 'en' },
    ]);
    assert.equal((await played).end, 'finished');
    const seconds = (performance.now() - started) / 1000;
    await sleep(100);
    const heard = p.lastHeard(Math.round(seconds * 1000));
    assert.ok(seconds > 1, `the sequence lasted ${seconds.toFixed(1)} s`);
    assert.ok(levelDbfs(heard) > -40, 'speech is heard, not silence');
    const beep = p.lastHeard(450).subarray(0, 2000);
    assert.ok(Math.abs(dominantTone(beep).hz - 1000) <= 4, 'the beep comes last');
    await engine.destroy(session.id);
  });

  it('a key press stops an interruptible prompt (barge-in)', async () => {
    const p = await peer('PCMU');
    const session = await sessionFor(p);
    const played = next('played', session.id);
    await engine.play(session.id, [{ kind: 'tone', tone: 'hold', language: 'en' }], { loop: true, interruptible: true });
    await sleep(200);
    await p.sendDigit(session.port, '5');
    assert.equal((await played).end, 'interrupted');
    await engine.destroy(session.id);
  });

  it('detects in-band digits when asked, for peers that send tones as audio', async () => {
    const p = await peer('PCMA');
    const session = await sessionFor(p, { inbandDtmf: true });
    const dtmf = next('dtmf', session.id);
    p.play(session.port, [770, 1336], 6000);
    await sleep(200);
    p.play(session.port, 0);
    const event = await dtmf;
    assert.equal(event.digit, '5');
    assert.equal(event.via, 'inband');
    p.stop();
    await engine.destroy(session.id);
  });

  it('ends a recording at its maximum length and says so with a recorded event', async () => {
    const p = await peer('PCMU');
    const session = await sessionFor(p);
    const recorded = next('recorded', session.id);
    await engine.record(session.id, { path: folder.file('short.wav'), channels: 1, maxDurationMs: 400 });
    p.play(session.port, 500);
    const { recording } = await recorded;
    p.stop();
    assert.equal(recording.reason, 'max-length');
    assert.equal(recording.durationMs, 400);
    await assert.rejects(engine.stopRecording(session.id), MediaStateError);
    const stats = await engine.stats(session.id);
    assert.ok(stats.received > 10 && stats.sent > 10, 'packets counted both ways');
    await engine.destroy(session.id);
  });

  it('answers errors as KefuErrors with codes: unknown session, play before the remote is known', async () => {
    await assert.rejects(engine.destroy('m999999'), (error: unknown) => error instanceof MediaSessionNotFoundError && error.code === 'ERR_MEDIA_SESSION_NOT_FOUND');
    const session = await engine.createSession();
    await assert.rejects(engine.play(session.id, [{ kind: 'silence', ms: 100 }]), (error: unknown) => error instanceof MediaStateError && error.code === 'ERR_MEDIA_STATE');
    await engine.setRemote(session.id, { address: '127.0.0.1', port: 9, codec: 'PCMU', payloadType: 0 });
    await assert.rejects(engine.play(session.id, [{ kind: 'file', path: folder.file('missing.wav') }]), (error: unknown) => error instanceof AudioFileError);
    await engine.destroy(session.id);
  });

  it('symmetric RTP: audio follows the peer to the port its packets come from', async () => {
    const p = await peer('PCMU');
    const session = await sessionFor(p);
    await engine.play(session.id, [{ kind: 'frequencies', hz: [440], ms: 5000 }]);
    const natPort = await p.moveSource();
    p.play(session.port, 0);
    await sleep(400);
    const before = p.receivedOn.get(natPort) ?? 0;
    await sleep(300);
    assert.ok((p.receivedOn.get(natPort) ?? 0) - before >= 10, 'packets reach the port the peer sends from');
    const onOld = p.receivedOn.get(p.port) ?? 0;
    await sleep(200);
    assert.equal(p.receivedOn.get(p.port) ?? 0, onOld, 'nothing more goes to the signalled port');
    p.stop();
    await engine.destroy(session.id);
  });

  it('raises timeout when no RTP arrives for the configured time', async () => {
    const p = await peer('PCMU');
    const session = await sessionFor(p);
    const timeout = await next('timeout', session.id, 3000);
    assert.ok(timeout.silentMs >= 400);
    await engine.destroy(session.id);
  });

  it('bridges a PCMU peer and a PCMA peer: each tone crosses at its frequency, digits as RFC 4733', async () => {
    const a = await peer('PCMU');
    const b = await peer('PCMA');
    const sa = await sessionFor(a, { group: 'bridge-1' });
    const sb = await sessionFor(b, { group: 'bridge-1' });
    await engine.bridge(sa.id, sb.id);
    a.play(sa.port, 600);
    b.play(sb.port, 1400);
    await sleep(1200);
    a.stop();
    b.stop();
    const atB = dominantTone(b.lastHeard(600).subarray(0, 4000));
    const atA = dominantTone(a.lastHeard(600).subarray(0, 4000));
    assert.ok(Math.abs(atB.hz - 600) <= 4, `B heard ${atB.hz} Hz`);
    assert.ok(Math.abs(atA.hz - 1400) <= 4, `A heard ${atA.hz} Hz`);
    await a.sendDigit(sa.port, '7');
    await sleep(300);
    assert.deepEqual(b.digits, ['7']);
    await engine.destroy(sa.id);
    await engine.destroy(sb.id);
  });

  it('refuses to bridge sessions on different workers, and places a session near another on its worker', async () => {
    const x = await engine.createSession();
    const y = await engine.createSession({ group: 'elsewhere' });
    const z = x.worker === y.worker ? await engine.createSession() : y;
    const other = z.worker !== x.worker ? z : y;
    if (other.worker !== x.worker) await assert.rejects(engine.bridge(x.id, other.id), MediaPlacementError);
    const neighbour = await engine.createSession({ near: other.id });
    assert.equal(neighbour.worker, other.worker, 'placed on the worker of the session it is near');
    await engine.bridge(other.id, neighbour.id);
    for (const s of new Set([x.id, y.id, z.id, neighbour.id])) await engine.destroy(s);
  });

  it('mixes three talkers over RTP: each hears the other two, not itself; listen-only is unheard; a whisper reaches one', async () => {
    const hz = { a: 400, b: 1000, c: 1600, supervisor: 2400 };
    const parties = { a: await peer(), b: await peer(), c: await peer(), supervisor: await peer() };
    const sessions: Record<string, { id: string; port: number }> = {};
    for (const name of Object.keys(parties) as (keyof typeof parties)[]) {
      sessions[name] = await sessionFor(parties[name], { group: 'conf-1' });
    }
    const id = (name: keyof typeof parties) => (sessions[name] as { id: string }).id;
    for (const name of ['a', 'b', 'c'] as const) await engine.joinMixer(id(name), 'conf-1', { kind: 'talk' });
    await engine.joinMixer(id('supervisor'), 'conf-1', { kind: 'listen' });
    for (const name of Object.keys(parties) as (keyof typeof parties)[]) parties[name].play((sessions[name] as { port: number }).port, hz[name], 6000);
    await sleep(1000);
    const hears = (listener: keyof typeof parties, speaker: keyof typeof parties) =>
      tonePower(parties[listener].lastHeard(400), hz[speaker]) > 1e5;
    for (const listener of ['a', 'b', 'c'] as const) {
      for (const speaker of ['a', 'b', 'c'] as const) {
        assert.equal(hears(listener, speaker), listener !== speaker, `${listener} hearing ${speaker}`);
      }
      assert.equal(hears(listener, 'supervisor'), false, `${listener} hears the listen-only supervisor`);
    }
    for (const speaker of ['a', 'b', 'c'] as const) assert.ok(hears('supervisor', speaker), `supervisor hears ${speaker}`);
    await engine.joinMixer(id('supervisor'), 'conf-1', { kind: 'whisper', to: id('b') });
    await sleep(600);
    assert.equal(hears('b', 'supervisor'), true, 'b hears the whisper');
    assert.equal(hears('a', 'supervisor'), false, 'a does not');
    assert.equal(hears('c', 'supervisor'), false, 'c does not');
    for (const name of Object.keys(parties) as (keyof typeof parties)[]) {
      parties[name].stop();
      await engine.destroy(id(name));
    }
  });
});

describe('[issue 4] media engine stop', () => {
  it('finishes recordings in progress, says so, and refuses commands afterwards', async () => {
    const own = await MediaEngine.start({
      workers: 1,
      host: '127.0.0.1',
      portMin: 43100,
      portMax: 43199,
      noRtpTimeoutMs: 5000,
      symmetricRtp: true,
      speechCacheDir: folder.file('speech'),
    });
    const session = await own.createSession();
    await own.setRemote(session.id, { address: '127.0.0.1', port: 9, codec: 'PCMU', payloadType: 0 });
    const path = folder.file('at-stop.wav');
    await own.record(session.id, { path, channels: 1 });
    await sleep(300);
    const recorded = new Promise<MediaEvents['recorded']>((resolve) => own.on('recorded', resolve));
    await own.stop();
    const { recording } = await recorded;
    assert.equal(recording.path, path);
    assert.equal(recording.reason, 'stopped');
    assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), recording.sha256);
    await assert.rejects(own.createSession(), /stopped/);
    await own.stop();
  });
});
