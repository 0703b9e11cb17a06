import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MediaEvents, MediaEngine, MediaSessionNotFoundError } from '../../../src/media/index.js';
import { temporaryFolder } from '../../helpers/audio.js';
import { RtpPeer, dominantTone } from '../../helpers/rtp-peer.js';

const folder = temporaryFolder('media-replacement');
let engine: MediaEngine;
const peers: RtpPeer[] = [];

async function playingSession() {
  const p = await RtpPeer.open({ codec: 'PCMU' });
  peers.push(p);
  const session = await engine.createSession();
  await engine.setRemote(session.id, { address: '127.0.0.1', port: p.port, codec: 'PCMU', payloadType: 0, telephoneEventPayloadType: 101 });
  await engine.play(session.id, [{ kind: 'frequencies', hz: [800], ms: 1000 }], { loop: true });
  return { peer: p, session };
}

/** Waits until the peer has heard `ms` more of audio than it had. */
async function hears(p: RtpPeer, ms: number): Promise<void> {
  const until = p.heard.length + ms * 8;
  const deadline = Date.now() + 10_000;
  while (p.heard.length < until) {
    if (Date.now() > deadline) throw new Error(`the peer heard nothing more within 10 s (${p.heard.length} samples)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

before(async () => {
  engine = await MediaEngine.start({ workers: 2, host: '127.0.0.1', portMin: 43400, portMax: 43599, noRtpTimeoutMs: 30_000, symmetricRtp: true, speechCacheDir: folder.file('speech') });
});

after(async () => {
  for (const p of peers) p.close();
  await engine.stop();
  folder.remove();
});

describe('[issue 4] a media worker that dies is replaced', () => {
  it('ends the dead worker’s sessions with worker-failed, keeps the other worker’s, and places new sessions on the replacement', async () => {
    const a = await playingSession();
    const b = await playingSession();
    assert.notEqual(a.session.worker, b.session.worker, 'one session on each worker');
    await hears(a.peer, 200);
    await hears(b.peer, 200);
    const failed: MediaEvents['worker-failed'][] = [];
    engine.on('worker-failed', (event) => failed.push(event));
    // Let the thread live past the time under which a dead worker is not replaced again.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    await engine.terminateWorker(a.session.worker);

    assert.deepEqual(
      failed.map(({ session, worker }) => ({ session, worker })),
      [{ session: a.session.id, worker: a.session.worker }],
      'only the dead worker’s session ends, with an event saying which worker',
    );
    await assert.rejects(engine.stats(a.session.id), MediaSessionNotFoundError, 'the session is gone');
    await hears(b.peer, 300);
    const heardByB = b.peer.lastHeard(200);
    assert.ok(Math.abs(dominantTone(heardByB).hz - 800) <= 4, 'the other worker’s session plays on');

    const stats = await engine.workerStats();
    assert.equal(stats.length, 2, 'a replacement took the dead worker’s place');
    const c = await playingSession();
    assert.equal(c.session.worker, a.session.worker, 'a new session goes to the replacement, which holds none');
    await hears(c.peer, 300);
    assert.ok(Math.abs(dominantTone(c.peer.lastHeard(200)).hz - 800) <= 4, 'and the replacement plays');
    await engine.destroy(b.session.id);
    await engine.destroy(c.session.id);
  });
});
