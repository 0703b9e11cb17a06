import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'sdp-transform';
import { answerOffer, createOffer, readAnswer, type LocalMedia } from '../../src/sdp/index.js';

const kefu: LocalMedia = {
  address: '127.0.0.1',
  port: 40000,
  codecs: ['PCMU', 'PCMA'],
  telephoneEvent: true,
  sessionId: 1700000000,
  sessionVersion: 1,
};

const sdp = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;
const head = (address = '127.0.0.1') => ['v=0', `o=peer 1 1 IN IP${address.includes(':') ? 6 : 4} ${address}`, 's=-', `c=IN IP${address.includes(':') ? 6 : 4} ${address}`, 't=0 0'];

/** SIPp's built-in uac scenario offers exactly this. */
const sippOffer = sdp(...head(), 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000');

function accepted(offer: string, local: LocalMedia = kefu) {
  const result = answerOffer(offer, local);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return { ...result, parsed: parse(result.sdp) };
}

describe('SDP offer/answer (RFC 3264)', () => {
  it("answers SIPp's PCMU offer with PCMU on our address and port", () => {
    const { audio, parsed } = accepted(sippOffer);
    assert.deepEqual(audio, {
      remoteAddress: '127.0.0.1',
      remotePort: 6000,
      codec: 'PCMU',
      payloadType: 0,
      telephoneEventPayloadType: undefined,
      ptime: 20,
      direction: 'sendrecv',
      rtcpMux: false,
    });
    assert.equal(parsed.media[0]?.port, 40000);
    assert.equal(String(parsed.media[0]?.payloads), '0');
    assert.equal(parsed.connection?.ip, '127.0.0.1');
    assert.equal(parsed.media[0]?.direction, 'sendrecv');
  });

  it("MUST follow the offerer's codec preference and keep its telephone-event payload type (§6.1, RFC 4733)", () => {
    const offer = sdp(
      ...head(),
      'm=audio 7000 RTP/AVP 8 18 0 96',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:18 G729/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:96 telephone-event/8000',
      'a=fmtp:96 0-15',
      'a=ptime:30',
    );
    const { audio, parsed } = accepted(offer);
    assert.equal(audio.codec, 'PCMA');
    assert.equal(audio.payloadType, 8);
    assert.equal(audio.telephoneEventPayloadType, 96);
    assert.equal(audio.ptime, 30);
    assert.equal(parsed.media[0]?.payloads, '8 96');
    assert.deepEqual(parsed.media[0]?.fmtp, [{ payload: 96, config: '0-16' }]);
  });

  it('takes telephone-event at 8000 Hz, not the 48 kHz one a browser also offers', () => {
    const offer = sdp(
      ...head(),
      'm=audio 7000 RTP/AVP 111 0 110 126',
      'a=rtpmap:111 opus/48000/2',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:110 telephone-event/48000',
      'a=rtpmap:126 telephone-event/8000',
      'a=rtcp-mux',
    );
    const { audio } = accepted(offer);
    assert.equal(audio.codec, 'PCMU');
    assert.equal(audio.telephoneEventPayloadType, 126);
    assert.equal(audio.rtcpMux, true, 'rtcp-mux offered is accepted (RFC 5761 §5.1.1)');
  });

  it('knows the static payload types without rtpmap lines (RFC 3551 §6)', () => {
    const { audio } = accepted(sdp(...head(), 'm=audio 7000 RTP/AVP 8 0'));
    assert.equal(audio.codec, 'PCMA');
  });

  it('mirrors hold: sendonly → recvonly, inactive → inactive, c=0.0.0.0 → recvonly (§6.1, §8.4)', () => {
    const held = (attribute: string | undefined, address = '127.0.0.1') =>
      accepted(sdp(...head(address), 'm=audio 6000 RTP/AVP 0', ...(attribute ? [attribute] : []))).audio.direction;
    assert.equal(held('a=sendonly'), 'recvonly');
    assert.equal(held('a=inactive'), 'inactive');
    assert.equal(held('a=recvonly'), 'sendonly');
    assert.equal(held(undefined, '0.0.0.0'), 'recvonly');
    const onHoldOurselves = answerOffer(sippOffer, { ...kefu, direction: 'sendonly' });
    assert.ok(onHoldOurselves.ok);
    assert.equal(onHoldOurselves.audio.direction, 'sendonly');
  });

  it('keeps every m= line in order and declines the ones it does not take with port 0 (§6)', () => {
    const offer = sdp(
      ...head(),
      'm=video 9000 RTP/AVP 96',
      'a=rtpmap:96 H264/90000',
      'm=audio 0 RTP/AVP 0',
      'm=audio 6002 RTP/AVP 0',
      'm=audio 6004 RTP/AVP 8',
    );
    const { audio, parsed } = accepted(offer);
    assert.deepEqual(
      parsed.media.map((m) => [m.type, m.port]),
      [['video', 0], ['audio', 0], ['audio', 40000], ['audio', 0]],
    );
    assert.equal(audio.remotePort, 6002);
  });

  it('answers 488 when nothing fits and 400 when the offer is unreadable', () => {
    const noCodec = answerOffer(sdp(...head(), 'm=audio 6000 RTP/AVP 18', 'a=rtpmap:18 G729/8000'), kefu);
    assert.deepEqual(noCodec.ok ? undefined : noCodec.status, 488);
    const srtp = answerOffer(sdp(...head(), 'm=audio 6000 RTP/SAVP 0'), kefu);
    assert.equal(srtp.ok ? undefined : srtp.status, 488);
    const declined = answerOffer(sdp(...head(), 'm=audio 0 RTP/AVP 0'), kefu);
    assert.equal(declined.ok ? undefined : declined.status, 488);
    for (const garbage of ['', 'hello', sdp('v=1', 'o=x 1 1 IN IP4 1.2.3.4', 's=-', 't=0 0'), sdp('v=0', 's=-', 'm=audio 6000 RTP/AVP 0')]) {
      const result = answerOffer(garbage, kefu);
      assert.equal(result.ok ? undefined : result.status, 400, JSON.stringify(garbage));
    }
    const noAddress = answerOffer(sdp('v=0', 'o=x 1 1 IN IP4 1.2.3.4', 's=-', 't=0 0', 'm=audio 6000 RTP/AVP 0'), kefu);
    assert.equal(noAddress.ok ? undefined : noAddress.status, 400);
  });

  it('handles IPv6 addresses', () => {
    const { audio, parsed } = accepted(sdp(...head('2001:db8::1'), 'm=audio 6000 RTP/AVP 0'), { ...kefu, address: '::1' });
    assert.equal(audio.remoteAddress, '2001:db8::1');
    assert.equal(parsed.connection?.version, 6);
  });

  it('an offer we make is answered and read back to the same stream', () => {
    const offer = createOffer({ ...kefu, codecs: ['PCMA', 'PCMU'] });
    const parsedOffer = parse(offer);
    assert.equal(parsedOffer.media[0]?.payloads, '8 0 101');
    const peer: LocalMedia = { ...kefu, address: '127.0.0.2', port: 50000, codecs: ['PCMU'] };
    const answer = answerOffer(offer, peer);
    assert.ok(answer.ok);
    const read = readAnswer(answer.sdp, { ...kefu, codecs: ['PCMA', 'PCMU'] });
    assert.ok(read.ok, read.ok ? '' : read.reason);
    assert.deepEqual(read.audio, { ...answer.audio, remoteAddress: '127.0.0.2', remotePort: 50000 });

    const hold = createOffer({ ...kefu, direction: 'sendonly', sessionVersion: 2 });
    const holdAnswer = answerOffer(hold, peer);
    assert.ok(holdAnswer.ok);
    assert.equal(parse(hold).origin?.sessionVersion, 2);
    const heldRead = readAnswer(holdAnswer.sdp, { ...kefu, direction: 'sendonly' });
    assert.equal(heldRead.ok && heldRead.audio.direction, 'sendonly');
  });

  it('reading an answer refuses a declined stream or a codec we did not offer', () => {
    const declined = readAnswer(sdp(...head(), 'm=audio 0 RTP/AVP 0'), kefu);
    assert.equal(declined.ok, false);
    const foreign = readAnswer(sdp(...head(), 'm=audio 6000 RTP/AVP 18', 'a=rtpmap:18 G729/8000'), kefu);
    assert.equal(foreign.ok, false);
  });
});
