/**
 * A WebRTC session of the media engine against werift's RTCPeerConnection standing in for a
 * browser (full ICE, DTLS, SRTP of its own): Kefu answers its offer, the checks, the handshake
 * and SRTP succeed, Kefu's tone reaches the peer decrypted, and the peer's audio reaches Kefu.
 * Both DTLS roles: the peer's actpass makes Kefu the server; a peer that says passive makes
 * Kefu the client (RFC 5763 §5).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import { g711Decode, MediaEngine } from '../../../src/media/index.js';
import { answerOffer } from '../../../src/sdp/index.js';
import { temporaryFolder } from '../../helpers/audio.js';
import { dominantTone } from '../../helpers/rtp-peer.js';

const folder = temporaryFolder('webrtc-session');
let engine: MediaEngine;
const closing: (() => Promise<unknown>)[] = [];

before(async () => {
  engine = await MediaEngine.start({ workers: 1, host: '127.0.0.1', portMin: 43000, portMax: 43099, noRtpTimeoutMs: 30_000, symmetricRtp: true, speechCacheDir: folder.file('speech') });
});
after(async () => {
  for (const close of closing) await close();
  await engine.stop();
});

/** A werift peer offering PCMU on loopback; what it hears is collected as linear samples. */
async function browserStandIn(setup: 'actpass' | 'passive') {
  const pc = new RTCPeerConnection({
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 })] },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
  });
  closing.push(() => pc.close());
  const heard: number[] = [];
  const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
  transceiver.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp: RtpPacket) => heard.push(...g711Decode('PCMU', rtp.payload))));
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => (pc.iceGatheringState === 'complete' ? resolve() : pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve())));
  const offer = (pc.localDescription?.sdp ?? '').replace('a=setup:actpass', `a=setup:${setup}`);
  return { pc, transceiver, heard, offer };
}

async function until(what: string, ms: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('[A4] a WebRTC media session (ICE-lite, DTLS-SRTP) with werift as the browser', () => {
  for (const setup of ['actpass', 'passive'] as const) {
    it(`the peer offers setup:${setup}: Kefu is the DTLS ${setup === 'actpass' ? 'server' : 'client'}, and audio flows both ways`, async () => {
      const peer = await browserStandIn(setup);
      const session = await engine.createSession({ webrtc: true });
      closing.push(() => engine.destroy(session.id).catch(() => null));
      assert.ok(session.webrtc !== undefined);
      const answer = answerOffer(peer.offer, { address: '127.0.0.1', port: session.port, codecs: ['PCMU'], telephoneEvent: true, sessionId: 1, sessionVersion: 1, webrtc: session.webrtc });
      assert.ok(answer.ok, answer.ok ? '' : answer.reason);
      assert.equal(answer.audio.webrtc?.role, setup === 'actpass' ? 'server' : 'client');
      const { webrtc, ...endpoint } = answer.audio;
      await engine.setRemote(session.id, {
        address: endpoint.remoteAddress,
        port: endpoint.remotePort,
        codec: endpoint.codec,
        payloadType: endpoint.payloadType,
        webrtc: { iceUfrag: webrtc!.iceUfrag, fingerprints: webrtc!.fingerprints, role: webrtc!.role },
      });
      await peer.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      await until('SRTP keys', 20_000, async () => (await engine.stats(session.id)).webrtc?.secured === true);
      await engine.play(session.id, [{ kind: 'frequencies', hz: [1004], ms: 3000 }]);
      await until('the tone at the peer', 20_000, () => peer.heard.length >= 8000 * 2);
      const tone = dominantTone(Int16Array.from(peer.heard.slice(-8000)));
      assert.ok(Math.abs(tone.hz - 1004) <= 4 && tone.dbfs > -20, JSON.stringify(tone));
      // The peer's packets: Kefu counts them after SRTP, none failing authentication.
      const silence = Buffer.alloc(160, 0xff);
      for (let i = 0; i < 25; i++) await peer.transceiver.sender.sendRtp(new RtpPacket(new RtpHeader({ payloadType: 0, sequenceNumber: i + 1, timestamp: i * 160 }), silence));
      await until('the peer at Kefu', 10_000, async () => (await engine.stats(session.id)).received >= 20);
      const stats = await engine.stats(session.id);
      assert.equal(stats.webrtc?.unprotectFailed, 0);
      assert.ok((stats.webrtc?.stunAnswered ?? 0) > 0);
    });
  }
});
