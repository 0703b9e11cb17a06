/**
 * The SDP of browsers' legs: Kefu answers Chromium's own offer (captured from Chromium here, in
 * chrome-offer.sdp) with PCMU, the 8 kHz telephone-event, ICE-lite, its fingerprint and a passive
 * DTLS role; offers actpass itself and reads the browser's choice of role from the answer; and
 * keeps plain RTP and DTLS-SRTP apart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse, write } from 'sdp-transform';
import { answerOffer, createOffer, offersWebRtc, readAnswer, type LocalMedia } from '../../src/sdp/index.js';

const chromeOffer = readFileSync(new URL('./chrome-offer.sdp', import.meta.url), 'utf8').replace(/\r?\n/g, '\r\n');
const browserFingerprint = '03:CF:10:36:8E:10:71:9E:33:59:59:93:54:24:68:B3:94:E0:96:6D:72:C6:C9:DB:3D:10:A9:DC:3F:36:47:E7';

const plain: LocalMedia = { address: '127.0.0.1', port: 40000, codecs: ['PCMU', 'PCMA'], telephoneEvent: true, sessionId: 1700000000, sessionVersion: 1 };
const browserLeg: LocalMedia = {
  ...plain,
  webrtc: { iceUfrag: 'kefu', icePwd: 'kefu-password-of-24-chars', fingerprint: { algorithm: 'sha-256', value: 'AA:BB:CC' }, ssrc: 1234 },
};

describe('[A4] WebRTC SDP (RFC 8829, RFC 5763, RFC 8839)', () => {
  it("answers Chromium's offer with PCMU, ICE-lite, a host candidate, our fingerprint and setup:passive", () => {
    assert.equal(offersWebRtc(chromeOffer), true);
    const result = answerOffer(chromeOffer, browserLeg);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.deepEqual(result.audio, {
      remoteAddress: '192.0.2.2',
      remotePort: 43555,
      codec: 'PCMU',
      payloadType: 0,
      // RFC 4733 §7.1.1: the 8 kHz one (126), not Chrome's 48 kHz one (110).
      telephoneEventPayloadType: 126,
      ptime: 20,
      direction: 'sendrecv',
      rtcpMux: true,
      webrtc: { iceUfrag: 'u5zQ', icePwd: '4W+qRBDPBQBQMWuKCYSJyvem', fingerprints: [{ algorithm: 'sha-256', value: browserFingerprint }], role: 'server' },
    });
    const answer = parse(result.sdp);
    assert.equal(answer.icelite, 'ice-lite');
    assert.deepEqual(answer.groups, [{ type: 'BUNDLE', mids: 0 }]);
    const audio = answer.media[0]!;
    assert.equal(audio.protocol, 'UDP/TLS/RTP/SAVPF');
    assert.equal(audio.payloads, '0 126');
    assert.equal(audio.setup, 'passive');
    assert.equal(String(audio.mid), '0');
    assert.deepEqual([audio.iceUfrag, audio.icePwd, audio.fingerprint], ['kefu', 'kefu-password-of-24-chars', { type: 'sha-256', hash: 'AA:BB:CC' }]);
    assert.deepEqual(audio.candidates?.map((c) => [c.ip, c.port, c.type]), [['127.0.0.1', 40000, 'host']]);
    assert.deepEqual(audio.ssrcs, [{ id: 1234, attribute: 'cname', value: 'kefu' }]);
    assert.equal(audio.rtcpMux, 'rtcp-mux');
  });

  it('keeps plain RTP and DTLS-SRTP apart: 488 either way', () => {
    const plainAnswer = answerOffer(chromeOffer, plain);
    assert.deepEqual(plainAnswer.ok ? undefined : plainAnswer.status, 488);
    const sippOffer = 'v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
    assert.equal(offersWebRtc(sippOffer), false);
    const secureAnswer = answerOffer(sippOffer, browserLeg);
    assert.deepEqual(secureAnswer.ok ? undefined : secureAnswer.status, 488);
  });

  it('refuses a WebRTC offer without a fingerprint, or without rtcp-mux, saying why', () => {
    const parsed = parse(chromeOffer);
    const noFingerprint = { ...parsed, media: parsed.media.map((m) => ({ ...m, fingerprint: undefined })) };
    const refused = answerOffer(write(noFingerprint), browserLeg);
    assert.deepEqual(refused.ok ? undefined : [refused.status, refused.reason], [488, 'the WebRTC stream has no DTLS fingerprint']);
    const noMux = { ...parsed, media: parsed.media.map((m) => ({ ...m, rtcpMux: undefined })) };
    const refusedMux = answerOffer(write(noMux), browserLeg);
    assert.match(refusedMux.ok ? '' : refusedMux.reason, /must multiplex RTP and RTCP/);
  });

  it("offers actpass with ICE-lite and reads the browser's DTLS role from its answer", () => {
    const offer = parse(createOffer(browserLeg));
    assert.equal(offer.icelite, 'ice-lite');
    const audio = offer.media[0]!;
    assert.deepEqual([audio.protocol, audio.setup, audio.rtcpMux, String(audio.mid)], ['UDP/TLS/RTP/SAVPF', 'actpass', 'rtcp-mux', '0']);
    const answer = (setup: string) =>
      [
        'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
        'm=audio 9 UDP/TLS/RTP/SAVPF 0 101', 'c=IN IP4 0.0.0.0', 'a=ice-ufrag:AbCd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx',
        `a=fingerprint:sha-256 ${browserFingerprint}`, `a=setup:${setup}`, 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux',
        'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', '',
      ].join('\r\n');
    const active = readAnswer(answer('active'), browserLeg);
    assert.ok(active.ok);
    // c=0.0.0.0 is JSEP's placeholder, not a hold.
    assert.deepEqual([active.audio.webrtc?.role, active.audio.direction, active.audio.rtcpMux], ['server', 'sendrecv', true]);
    const passive = readAnswer(answer('passive'), browserLeg);
    assert.equal(passive.ok && passive.audio.webrtc?.role, 'client');
    const undecided = readAnswer(answer('actpass'), browserLeg);
    assert.deepEqual(undecided.ok ? undefined : undecided.reason, 'the answer left a=setup at actpass');
  });
});
