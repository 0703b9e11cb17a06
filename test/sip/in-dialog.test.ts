import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Dialog, DialogEndReason, DialogHandler, InviteHandler, Respond, SipServer } from '../../src/sip/index.js';
import { FakeTimers } from '../helpers/fake-timers.js';
import { startSipServer } from '../helpers/sip-server.js';
import { UdpPeer } from '../helpers/udp-peer.js';

const sdp = (direction: string) => `v=0\no=peer 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 40000 RTP/AVP 0\na=${direction}\n`;

describe('requests inside a dialog, both directions (RFC 3261 §12–15, RFC 3311, RFC 3515, RFC 4028, RFC 6086)', () => {
  const timers = new FakeTimers();
  const hooks: DialogHandler = {};
  const ended: [string, DialogEndReason][] = [];
  const acked: Dialog[] = [];
  let server: SipServer;
  let peer: UdpPeer;
  let call = 0;
  let holdInvite = false;
  let heldRespond: Respond | undefined;

  before(async () => {
    const handler: InviteHandler = {
      onInvite: (_request, _transaction, respond) => (holdInvite ? (heldRespond = respond) : respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(sdp('sendrecv').replaceAll('\n', '\r\n')) })),
      onAck: (dialog) => acked.push(dialog),
      onEnd: (dialog, reason) => ended.push([dialog.callId, reason]),
      onOffer: (...args) => hooks.onOffer?.(...args),
      onRefer: (...args) => hooks.onRefer?.(...args),
      onInfo: (...args) => hooks.onInfo?.(...args),
      onNotify: (...args) => hooks.onNotify?.(...args),
    };
    server = await startSipServer(handler, { clock: timers, now: () => timers.now });
    peer = await UdpPeer.open();
  });
  after(async () => {
    peer.close();
    await server.close();
  });
  beforeEach(() => {
    for (const key of Object.keys(hooks) as (keyof DialogHandler)[]) delete hooks[key];
  });

  /** What the peer (the caller) sends: `cseq` and `toTag` place it in the dialog. */
  function request(method: string, callId: string, cseq: number, toTag?: string, extra: string[] = [], body = ''): string {
    return [
      `${method} sip:kefu@127.0.0.1:${server.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-${callId}-${method}-${cseq};rport`,
      'From: <sip:caller@127.0.0.1>;tag=caller',
      `To: <sip:kefu@127.0.0.1>${toTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:caller@127.0.0.1:${peer.port}>`,
      'Allow: INVITE, ACK, BYE, CANCEL, UPDATE, REFER, NOTIFY, INFO',
      'Max-Forwards: 70',
      ...(body ? ['Content-Type: application/sdp'] : []),
      ...extra,
      '',
      body,
    ].join('\n');
  }

  /** INVITE → 100 → 200 → ACK: a confirmed UAS dialog. */
  async function establish(extra: string[] = []) {
    const callId = `in-dialog-${++call}`;
    peer.sendText(request('INVITE', callId, 1, undefined, extra, sdp('sendrecv')), server.port);
    const ok = await peer.response(200, 'INVITE');
    const toTag = ok.toTag as string;
    peer.sendText(request('ACK', callId, 1, toTag), server.port);
    while (acked.at(-1)?.callId !== callId) await peer.settle(10);
    return { callId, toTag, ok, dialog: acked.at(-1) as Dialog };
  }

  async function hangUp(callId: string, toTag: string, cseq: number) {
    peer.sendText(request('BYE', callId, cseq, toTag), server.port);
    await peer.response(200, 'BYE');
  }

  it('passes a hold re-INVITE (a=sendonly) up and sends the answer it is given, until the ACK', async () => {
    const { callId, toTag } = await establish();
    const offers: string[] = [];
    hooks.onOffer = (_dialog, offer, respond) => {
      offers.push(offer.body.toString());
      respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(sdp('recvonly')) });
    };
    peer.sendText(request('INVITE', callId, 2, toTag, [], sdp('sendonly')), server.port);
    const ok = await peer.response(200, 'INVITE');
    assert.match(offers[0] ?? '', /a=sendonly/);
    assert.match(ok.body.toString(), /a=recvonly/);
    assert.match(ok.headers.get('contact') ?? '', /^<sip:kefu@127\.0\.0\.1:\d+>$/);
    timers.advance(500);
    await peer.response(200, 'INVITE');
    peer.sendText(request('ACK', callId, 2, toTag), server.port);
    await peer.settle();
    const before = peer.received.length;
    timers.advance(10_000);
    assert.equal(await peer.settle(), before, 'no 2xx after the ACK');
    await hangUp(callId, toTag, 3);
  });

  it('refreshes the session with an UPDATE without a body (RFC 3311), no delegate needed', async () => {
    const { callId, toTag } = await establish();
    peer.sendText(request('UPDATE', callId, 2, toTag), server.port);
    await peer.response(200, 'UPDATE');
    await hangUp(callId, toTag, 3);
  });

  it('answers glare with 491 and retries its own re-INVITE after the §14.1 wait', async () => {
    const { callId, toTag, dialog } = await establish();
    const result = dialog.reinvite({ headers: [['Content-Type', 'application/sdp']], body: Buffer.from(sdp('sendonly')) });
    const ours = await peer.request('INVITE');
    assert.equal(ours.headers.get('cseq'), '1 INVITE', 'the UAS side starts its own CSeq space');
    assert.equal(ours.startLine(), `INVITE sip:caller@127.0.0.1:${peer.port} SIP/2.0`, 'to the remote target');
    peer.sendText(request('INVITE', callId, 2, toTag, [], sdp('sendonly')), server.port);
    await peer.response(491, 'INVITE');
    peer.reply(ours, 491, server.port);
    await peer.request('ACK');
    timers.advance(2000);
    const retry = await peer.request('INVITE');
    assert.equal(retry.headers.get('cseq'), '2 INVITE');
    peer.reply(retry, 200, server.port, { headers: [['Contact', `<sip:caller@127.0.0.1:${peer.port}>`], ['Content-Type', 'application/sdp']], body: Buffer.from(sdp('recvonly')) });
    assert.equal((await result).status, 200);
    const ack = await peer.request('ACK');
    assert.equal(ack.headers.get('cseq'), '2 ACK');
    await hangUp(callId, toTag, 3);
  });

  it('sends a re-INVITE without an offer and the answer to the 2xx\'s offer in the ACK (RFC 3264 §5)', async () => {
    const { callId, toTag, dialog } = await establish();
    const offers: string[] = [];
    const result = dialog.reinvite({
      answer: (ok) => {
        offers.push(ok.body.toString());
        return { contentType: 'application/sdp', body: Buffer.from(sdp('sendrecv')) };
      },
    });
    const invite = await peer.request('INVITE');
    assert.equal(invite.body.length, 0);
    peer.reply(invite, 200, server.port, { headers: [['Contact', `<sip:caller@127.0.0.1:${peer.port}>`], ['Content-Type', 'application/sdp']], body: Buffer.from(sdp('sendonly')) });
    assert.equal((await result).status, 200);
    const ack = await peer.request('ACK');
    assert.match(offers[0] ?? '', /a=sendonly/);
    assert.equal(ack.headers.get('content-type'), 'application/sdp');
    assert.match(ack.body.toString(), /a=sendrecv/);
    await hangUp(callId, toTag, 2);
  });

  it('settles a re-INVITE waiting to retry after 491 with that 491 when the dialog ends first', async () => {
    const { callId, toTag, dialog } = await establish();
    const result = dialog.reinvite({ headers: [['Content-Type', 'application/sdp']], body: Buffer.from(sdp('sendonly')) });
    peer.reply(await peer.request('INVITE'), 491, server.port);
    await peer.request('ACK');
    await hangUp(callId, toTag, 2);
    assert.equal((await result).status, 491);
    timers.advance(5000);
    assert.equal(peer.received.filter((m) => m.kind === 'request' && m.method === 'INVITE' && m.callId === callId).length, 1, 'no retry after the end');
  });

  it('answers a re-INVITE that arrives while another is unanswered with 500 and Retry-After (§14.2)', async () => {
    const { callId, toTag } = await establish();
    let answer: ((status: number) => void) | undefined;
    hooks.onOffer = (_dialog, _offer, respond) => (answer = (status) => respond(status, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(sdp('sendrecv')) }));
    peer.sendText(request('INVITE', callId, 2, toTag, [], sdp('sendonly')), server.port);
    await peer.settle();
    peer.sendText(request('INVITE', callId, 3, toTag, [], sdp('sendrecv')), server.port);
    const busy = await peer.response(500, 'INVITE');
    assert.match(busy.headers.get('retry-after') ?? '', /^([0-9]|10)$/);
    answer?.(200);
    await peer.response(200, 'INVITE');
    peer.sendText(request('ACK', callId, 2, toTag), server.port);
    await hangUp(callId, toTag, 4);
  });

  it('accepts a REFER with 202 and reports the transfer in NOTIFYs with sipfrag bodies; Replaces is passed up', async () => {
    const { callId, toTag } = await establish();
    let refer: Parameters<NonNullable<DialogHandler['onRefer']>>[1] | undefined;
    hooks.onRefer = (_dialog, request) => (refer = request);
    const referTo = 'Refer-To: <sip:2000@127.0.0.1?Replaces=abc%40host%3Bto-tag%3D111%3Bfrom-tag%3D222>';
    peer.sendText(request('REFER', callId, 2, toTag, [referTo]), server.port);
    await peer.response(202, 'REFER');
    const trying = await peer.request('NOTIFY');
    assert.equal(trying.headers.get('event'), 'refer');
    assert.equal(trying.headers.get('subscription-state'), 'active;expires=60');
    assert.equal(trying.headers.get('content-type'), 'message/sipfrag;version=2.0');
    assert.equal(trying.body.toString(), 'SIP/2.0 100 Trying\r\n');
    peer.reply(trying, 200, server.port);
    assert.ok(refer !== undefined);
    assert.deepEqual(refer.referTo.replaces, { callId: 'abc@host', toTag: '111', fromTag: '222' });
    assert.equal(refer.referTo.target.uri.scheme, 'sip');
    void refer.notify(200);
    const done = await peer.request('NOTIFY');
    assert.equal(done.body.toString(), 'SIP/2.0 200 OK\r\n');
    assert.equal(done.headers.get('subscription-state'), 'terminated;reason=noresource');
    assert.equal(Number(done.cseq?.seq), Number(trying.cseq?.seq) + 1);
    peer.reply(done, 200, server.port);
    assert.equal(await refer.notify(486), undefined, 'the subscription has ended');
    await hangUp(callId, toTag, 3);
  });

  it('answers a REFER without Refer-To with 400', async () => {
    const { callId, toTag } = await establish();
    hooks.onRefer = () => undefined;
    peer.sendText(request('REFER', callId, 2, toTag), server.port);
    await peer.response(400, 'REFER');
    await hangUp(callId, toTag, 3);
  });

  it('passes an INFO with application/dtmf-relay up (RFC 6086)', async () => {
    const { callId, toTag } = await establish();
    const bodies: string[] = [];
    hooks.onInfo = (_dialog, info, respond) => {
      bodies.push(info.body.toString());
      respond(200);
    };
    const info = request('INFO', callId, 2, toTag, ['Content-Type: application/dtmf-relay'], 'Signal=5\nDuration=160\n');
    peer.sendText(info, server.port);
    await peer.response(200, 'INFO');
    assert.deepEqual(bodies, ['Signal=5\r\nDuration=160\r\n']);
    await hangUp(callId, toTag, 3);
  });

  it('sends an INFO with the body it is given (RFC 6086)', async () => {
    const { callId, toTag, dialog } = await establish();
    const sent = dialog.info('application/dtmf-relay', Buffer.from('Signal=#\r\nDuration=160\r\n'));
    const info = await peer.request('INFO');
    assert.equal(info.headers.get('content-type'), 'application/dtmf-relay');
    assert.equal(info.body.toString(), 'Signal=#\r\nDuration=160\r\n');
    peer.reply(info, 200, server.port);
    assert.equal((await sent).status, 200);
    await hangUp(callId, toTag, 2);
  });

  it('sends a REFER and passes the NOTIFYs\' sipfrag statuses up', async () => {
    const { callId, toTag, dialog } = await establish();
    const statuses: (number | undefined)[] = [];
    hooks.onNotify = (_dialog, _request, status) => statuses.push(status);
    const sent = dialog.refer('sip:2000@127.0.0.1', { replaces: { callId: 'x@y', toTag: 'a', fromTag: 'b' } });
    const refer = await peer.request('REFER');
    assert.equal(refer.headers.get('refer-to'), '<sip:2000@127.0.0.1?Replaces=x%40y%3Bto-tag%3Da%3Bfrom-tag%3Db>');
    assert.ok(refer.headers.get('contact'));
    peer.reply(refer, 202, server.port);
    assert.equal((await sent).status, 202);
    for (const [cseq, frag, state] of [[2, 'SIP/2.0 180 Ringing', 'active'], [3, 'SIP/2.0 200 OK', 'terminated']] as const) {
      const notify = request('NOTIFY', callId, cseq, toTag, ['Event: refer', `Subscription-State: ${state}`, 'Content-Type: message/sipfrag;version=2.0'], `${frag}\n`);
      peer.sendText(notify, server.port);
      await peer.response(200, 'NOTIFY');
    }
    assert.deepEqual(statuses, [180, 200]);
    await hangUp(callId, toTag, 4);
  });

  it('sends no 2xx and makes no dialog when the answer comes after a CANCEL (§9.2)', async () => {
    holdInvite = true;
    try {
      const invite = request('INVITE', 'cancelled', 1, undefined, [], sdp('sendrecv'));
      peer.sendText(invite, server.port);
      await peer.response(100, 'INVITE');
      peer.sendText(invite.replace('INVITE sip:', 'CANCEL sip:').replace('CSeq: 1 INVITE', 'CSeq: 1 CANCEL').replace(/\nContent-Type[^]*$/, '\n\n'), server.port);
      await peer.response(200, 'CANCEL');
      await peer.response(487, 'INVITE');
      heldRespond?.(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(sdp('sendrecv')) });
      timers.advance(1000);
      await peer.settle();
      const oks = peer.received.filter((m) => m.kind === 'response' && m.callId === 'cancelled' && m.status === 200 && m.cseq?.method === 'INVITE');
      assert.equal(oks.length, 0, 'no 200 after the 487');
      assert.equal(acked.some((d) => d.callId === 'cancelled'), false);
    } finally {
      holdInvite = false;
    }
  });

  it('answers 422 with its Min-SE to a session interval below it (RFC 4028 §8.1)', async () => {
    peer.sendText(request('INVITE', 'too-short', 1, undefined, ['Session-Expires: 60', 'Supported: timer'], sdp('sendrecv')), server.port);
    const refused = await peer.response(422, 'INVITE');
    assert.equal(refused.headers.get('min-se'), '90');
  });

  it('refreshes at half the interval when it is the refresher (RFC 4028 §10), by UPDATE since the peer allows it', async () => {
    const { callId, toTag, ok } = await establish(['Session-Expires: 120;refresher=uas', 'Supported: timer']);
    assert.equal(ok.headers.get('session-expires'), '120;refresher=uas');
    assert.equal(ok.headers.get('require'), 'timer');
    timers.advance(60_000);
    const update = await peer.request('UPDATE');
    assert.equal(update.headers.get('session-expires'), '120;refresher=uac');
    assert.equal(update.body.length, 0);
    peer.reply(update, 200, server.port, { headers: [['Session-Expires', '120;refresher=uac'], ['Require', 'timer']] });
    await peer.settle();
    timers.advance(60_000);
    const next = await peer.request('UPDATE');
    peer.reply(next, 200, server.port, { headers: [['Session-Expires', '120;refresher=uac']] });
    await peer.settle();
    await hangUp(callId, toTag, 2);
    assert.deepEqual(ended.at(-1), [callId, 'bye']);
  });

  it('sends BYE when the peer, the refresher, lets the session expire (RFC 4028 §10)', async () => {
    const { callId } = await establish(['Session-Expires: 90;refresher=uac', 'Supported: timer']);
    timers.advance(59_999);
    assert.notDeepEqual(ended.at(-1), [callId, 'session-expired']);
    timers.advance(1);
    const bye = await peer.request('BYE');
    assert.equal(bye.headers.get('call-id'), callId);
    assert.deepEqual(ended.at(-1), [callId, 'session-expired']);
    peer.reply(bye, 200, server.port);
  });

  it('ends the dialog with its own BYE, every timer cleared', async () => {
    const { callId, dialog } = await establish(['Session-Expires: 1800;refresher=uas', 'Supported: timer']);
    const pendingBefore = timers.pending;
    const sent = dialog.bye();
    const bye = await peer.request('BYE');
    assert.equal(bye.headers.get('cseq'), '1 BYE');
    assert.deepEqual(ended.at(-1), [callId, 'local-bye']);
    peer.reply(bye, 200, server.port);
    assert.equal((await sent).status, 200);
    assert.ok(timers.pending < pendingBefore, 'the session timers went with the dialog');
    await assert.rejects(dialog.reinvite(), /cannot send/);
    peer.sendText(request('BYE', callId, 5, bye.fromTag), server.port);
    await peer.response(481, 'BYE');
  });
});
