import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Dialog, DialogEndReason, SipRequest, SipResponse, SipServer } from '../../src/sip/index.js';
import { FakeTimers } from '../helpers/fake-timers.js';
import { startSipServer } from '../helpers/sip-server.js';
import { UdpPeer } from '../helpers/udp-peer.js';

describe('UAC dialogs (RFC 3261 §12.1.2, §13.2.2.4, §9.1) against a hand-written UAS over UDP', () => {
  const timers = new FakeTimers();
  const ended: [string, DialogEndReason][] = [];
  let server: SipServer;
  let peer: UdpPeer;

  before(async () => {
    server = await startSipServer(
      { onInvite: (_r, _t, respond) => respond(480), onEnd: (dialog: Dialog, reason) => ended.push([dialog.remoteTag, reason]) },
      { clock: timers, now: () => timers.now },
    );
    peer = await UdpPeer.open();
  });
  after(async () => {
    peer.close();
    await server.close();
  });

  const call = (onProvisional?: (response: SipResponse, early: Dialog | undefined) => void) =>
    server.invite({
      uri: `sip:bob@127.0.0.1:${peer.port}`,
      from: '"Kefu" <sip:4000@127.0.0.1>',
      peer: { transport: 'UDP', address: '127.0.0.1', port: peer.port },
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from('v=0\r\n'),
      ...(onProvisional ? { onProvisional } : {}),
    });

  it('makes an early dialog per forked 1xx, confirms the one the 2xx names, ACKs every 2xx and BYEs the other fork', async () => {
    const early: Dialog[] = [];
    const outgoing = call((_response, dialog) => {
      if (dialog !== undefined) early.push(dialog);
    });
    const invite = await peer.request('INVITE');
    assert.equal(invite.startLine(), `INVITE sip:bob@127.0.0.1:${peer.port} SIP/2.0`);
    assert.match(invite.headers.get('session-expires') ?? '', /^1800;refresher=uac$/, 'RFC 4028 §7.1: a session timer is asked for');
    const contact = [['Contact', `<sip:bob@127.0.0.1:${peer.port}>`]] as [string, string][];
    peer.reply(invite, 100, server.port);
    peer.reply(invite, 180, server.port, { toTag: 'fork-a', headers: contact });
    peer.reply(invite, 183, server.port, { toTag: 'fork-b', headers: contact });
    await peer.settle();
    assert.deepEqual(
      early.map((d) => [d.remoteTag, d.state]),
      [['fork-a', 'early'], ['fork-b', 'early']],
    );
    const record: [string, string][] = [['Record-Route', '<sip:p1.example;lr>, <sip:p2.example;lr>'], ...contact];
    const ok = peer.reply(invite, 200, server.port, { toTag: 'fork-b', headers: record });
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'answered');
    const { dialog } = outcome;
    assert.equal(dialog, early[1], 'the early dialog of fork b is the one confirmed');
    assert.equal(dialog.state, 'confirmed');
    assert.deepEqual(dialog.routeSet, ['<sip:p2.example;lr>', '<sip:p1.example;lr>'], 'Record-Route reversed');

    const ack = await peer.request('ACK');
    assert.equal(ack.startLine(), `ACK sip:bob@127.0.0.1:${peer.port} SIP/2.0`, 'to the remote target, the route set being loose');
    assert.deepEqual(ack.headers.getAll('route'), ['<sip:p2.example;lr>', '<sip:p1.example;lr>']);
    assert.equal(ack.headers.get('cseq'), '1 ACK');
    assert.notEqual(ack.via[0]?.params.find((p) => p.name === 'branch')?.value, invite.via[0]?.params.find((p) => p.name === 'branch')?.value, 'a new branch');

    // §13.2.2.4: the 2xx retransmitted (its ACK lost) gets the same ACK again.
    peer.send(ok, server.port);
    const again = await peer.request('ACK');
    assert.equal(again.serialize().toString(), ack.serialize().toString());

    // A 2xx from the other fork: ACK, then BYE (§13.2.2.4).
    peer.reply(invite, 200, server.port, { toTag: 'fork-a', headers: contact });
    const otherAck = await peer.request('ACK');
    assert.match(otherAck.headers.get('to') ?? '', /tag=fork-a/);
    const otherBye = await peer.request('BYE');
    assert.match(otherBye.headers.get('to') ?? '', /tag=fork-a/);
    peer.reply(otherBye, 200, server.port);

    // §12.2.1.1: the BYE of the dialog: CSeq up by one, the route set, the remote target.
    const byeSent = dialog.bye();
    const bye = await peer.request('BYE');
    assert.match(bye.headers.get('to') ?? '', /tag=fork-b/);
    assert.equal(bye.headers.get('cseq'), '2 BYE');
    assert.deepEqual(bye.headers.getAll('route'), ['<sip:p2.example;lr>', '<sip:p1.example;lr>']);
    peer.reply(bye, 200, server.port);
    assert.equal((await byeSent).status, 200);
    assert.deepEqual(ended, [
      ['fork-a', 'local-bye'],
      ['fork-b', 'local-bye'],
    ]);
    assert.equal(dialog.state, 'terminated');
  });

  it('sends a strict route set\'s first URI as the Request-URI and the remote target last (§12.2.1.1)', async () => {
    const outgoing = call();
    const invite = await peer.request('INVITE');
    peer.reply(invite, 200, server.port, {
      toTag: 'strict',
      headers: [['Record-Route', '<sip:strict.example>'], ['Contact', `<sip:bob@127.0.0.1:${peer.port}>`]],
    });
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'answered');
    const ack = await peer.request('ACK');
    assert.equal(ack.startLine(), 'ACK sip:strict.example SIP/2.0');
    assert.deepEqual(ack.headers.getAll('route'), [`<sip:bob@127.0.0.1:${peer.port}>`]);
    void outcome.dialog.bye();
    peer.reply(await peer.request('BYE'), 200, server.port);
  });

  it('CANCELs only after a provisional response, with the INVITE\'s branch, and ends in 487 (§9.1)', async () => {
    const outgoing = call();
    const invite = await peer.request('INVITE');
    outgoing.cancel();
    await peer.settle();
    assert.equal(peer.received.filter((m) => m.kind === 'request' && m.method === 'CANCEL').length, 0, 'no CANCEL before a provisional response');
    peer.reply(invite, 180, server.port, { toTag: 'ringing' });
    const cancel = await peer.request('CANCEL');
    assert.equal(cancel.headers.get('via'), invite.headers.get('via'));
    assert.equal(cancel.headers.get('cseq'), '1 CANCEL');
    assert.equal(cancel.uri.scheme, 'sip');
    assert.equal(cancel.startLine().split(' ')[1], invite.startLine().split(' ')[1]);
    peer.reply(cancel, 200, server.port);
    peer.reply(invite, 487, server.port, { toTag: 'ringing' });
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.response.status, 487);
    const ack = (await peer.request('ACK')) as SipRequest;
    assert.equal(ack.headers.get('via'), invite.headers.get('via'), 'the 487 is acknowledged inside the transaction');
  });

  it('sends the INVITE again with the Min-SE of a 422 (RFC 4028 §7.4)', async () => {
    const outgoing = call();
    const first = await peer.request('INVITE');
    peer.reply(first, 422, server.port, { toTag: 'short', headers: [['Min-SE', '3600']] });
    await peer.request('ACK');
    const second = await peer.request('INVITE');
    assert.equal(second.headers.get('session-expires'), '3600;refresher=uac');
    assert.equal(second.headers.get('cseq'), '2 INVITE');
    assert.equal(second.callId, first.callId);
    assert.equal(second.fromTag, first.fromTag);
    assert.notEqual(second.headers.get('via'), first.headers.get('via'));
    peer.reply(second, 200, server.port, { toTag: 'long', headers: [['Contact', `<sip:bob@127.0.0.1:${peer.port}>`], ['Session-Expires', '3600;refresher=uas']] });
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'answered');
    assert.equal((await peer.request('ACK')).headers.get('cseq'), '2 ACK');
    void outcome.dialog.bye();
    const bye = await peer.request('BYE');
    assert.equal(bye.headers.get('cseq'), '3 BYE');
    peer.reply(bye, 200, server.port);
  });

  it('retransmits the INVITE over UDP and gives up with 408 after 64·T1 of silence', async () => {
    const outgoing = call();
    await peer.request('INVITE');
    timers.advance(500);
    await peer.request('INVITE');
    timers.advance(1000);
    await peer.request('INVITE');
    timers.advance(64 * 500);
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.response.status, 408);
  });
});
