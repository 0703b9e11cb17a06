import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientTransactionLayer, createResponse, parseMessage, TIMER_D_MS, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { defaultTimerValues } from '../../src/sip/transaction/timers.js';
import type { Peer } from '../../src/sip/transport/peer.js';
import { FakeTimers } from '../helpers/fake-timers.js';

const T1 = defaultTimerValues.t1;
const udp: Peer = { transport: 'UDP', address: '127.0.0.1', port: 5070 };
const tcp: Peer = { transport: 'TCP', address: '127.0.0.1', port: 5070 };

function request(method: string): SipRequest {
  const text = [
    `${method} sip:1001@127.0.0.1:5070 SIP/2.0`,
    'Max-Forwards: 70',
    'From: <sip:kefu@127.0.0.1>;tag=k1',
    'To: <sip:1001@127.0.0.1>',
    'Call-ID: client-1',
    `CSeq: 1 ${method}`,
    'Route: <sip:proxy.example;lr>',
    'Contact: <sip:kefu@127.0.0.1:5060>',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text));
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  return parsed.message;
}

function setup(options: { failSend?: boolean } = {}) {
  const timers = new FakeTimers();
  const sent: { message: SipRequest; at: number }[] = [];
  const layer = new ClientTransactionLayer({
    values: defaultTimerValues,
    clock: timers,
    send: (message) => {
      if (options.failSend) throw new Error('ECONNREFUSED');
      sent.push({ message, at: timers.now });
    },
    sentBy: () => '127.0.0.1:5060',
  });
  const heard: SipResponse[] = [];
  const start = (method: string, peer: Peer = udp) => {
    const req = request(method);
    const transaction = layer.send(req, peer, (response) => heard.push(response));
    return { req, transaction };
  };
  return { timers, sent, layer, heard, start };
}

const times = (sent: { at: number }[]) => sent.map((s) => s.at);

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)', () => {
  it('MUST retransmit over UDP on Timer A, T1 doubling, and time out with 408 on Timer B (64·T1)', () => {
    const { timers, sent, layer, heard, start } = setup();
    const { req, transaction } = start('INVITE');
    assert.match(req.headers.get('via') ?? '', /^SIP\/2\.0\/UDP 127\.0\.0\.1:5060;branch=z9hG4bK-[0-9a-f]+;rport$/);
    timers.advance(64 * T1);
    assert.deepEqual(times(sent), [0, 500, 1500, 3500, 7500, 15500, 31500]);
    assert.deepEqual(heard.map((r) => r.status), [408]);
    assert.equal(transaction.state, 'terminated');
    assert.equal(layer.size, 0);
    assert.equal(timers.pending, 0, 'every timer cleared');
  });

  it('MUST NOT retransmit over TCP; Timer B still applies', () => {
    const { timers, sent, heard, start } = setup();
    start('INVITE', tcp);
    timers.advance(64 * T1);
    assert.equal(sent.length, 1);
    assert.deepEqual(heard.map((r) => r.status), [408]);
  });

  it('stops retransmitting in Proceeding and passes every provisional response up', () => {
    const { timers, sent, layer, heard, start } = setup();
    const { req, transaction } = start('INVITE');
    timers.advance(T1);
    layer.receive(createResponse(req, 180, { toTag: 'u1' }));
    timers.advance(120_000);
    assert.equal(sent.length, 2, 'the INVITE and one retransmission, nothing in Proceeding');
    assert.equal(transaction.state, 'proceeding');
    assert.deepEqual(heard.map((r) => r.status), [180], 'no Timer B in Proceeding');
  });

  it('MUST acknowledge a non-2xx final response itself (§17.1.1.3) and absorb its retransmissions until Timer D', () => {
    const { timers, sent, layer, heard, start } = setup();
    const { req, transaction } = start('INVITE');
    const busy = createResponse(req, 486, { toTag: 'u1' });
    layer.receive(busy);
    layer.receive(busy);
    assert.deepEqual(heard.map((r) => r.status), [486], 'passed up once');
    const acks = sent.filter((s) => s.message.method === 'ACK').map((s) => s.message);
    assert.equal(acks.length, 2, 'an ACK for each copy of the 486');
    const ack = acks[0] as SipRequest;
    assert.equal(ack.headers.get('via'), req.headers.get('via'), 'same Via and branch as the INVITE');
    assert.equal(ack.headers.get('cseq'), '1 ACK');
    assert.match(ack.headers.get('to') ?? '', /;tag=u1$/, 'the To of the response');
    assert.equal(ack.headers.get('route'), '<sip:proxy.example;lr>');
    assert.equal(ack.startLine(), 'ACK sip:1001@127.0.0.1:5070 SIP/2.0');
    assert.equal(transaction.state, 'completed');
    timers.advance(TIMER_D_MS - 1);
    assert.equal(transaction.state, 'completed');
    timers.advance(1);
    assert.equal(transaction.state, 'terminated');
    assert.equal(layer.size, 0);
  });

  it('ends at once after a non-2xx over TCP (Timer D zero)', () => {
    const { layer, start } = setup();
    const { req, transaction } = start('INVITE', tcp);
    layer.receive(createResponse(req, 503));
    assert.equal(transaction.state, 'terminated');
  });

  it('MUST pass every 2xx up in Accepted, send no ACK itself, and end on Timer M (64·T1)', () => {
    const { timers, sent, layer, heard, start } = setup();
    const { req, transaction } = start('INVITE');
    const ok = createResponse(req, 200, { toTag: 'u1' });
    layer.receive(ok);
    layer.receive(ok);
    layer.receive(createResponse(req, 486, { toTag: 'u1' }));
    assert.deepEqual(heard.map((r) => r.status), [200, 200]);
    assert.equal(transaction.state, 'accepted');
    assert.equal(sent.length, 1, 'the ACK of a 2xx is the dialog\'s, not the transaction\'s');
    timers.advance(64 * T1);
    assert.equal(transaction.state, 'terminated');
    assert.equal(layer.receive(ok), false, 'a 2xx after Timer M matches no transaction');
  });

  it('treats a transport error as 503 (§8.1.3.1)', () => {
    const { heard, layer, start } = setup({ failSend: true });
    const { transaction } = start('INVITE');
    assert.deepEqual(heard.map((r) => r.status), [503]);
    assert.equal(transaction.state, 'terminated');
    assert.equal(layer.size, 0);
  });
});

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('MUST retransmit on Timer E, T1 doubling up to T2, and time out with 408 on Timer F', () => {
    const { timers, sent, heard, start } = setup();
    start('OPTIONS');
    timers.advance(64 * T1);
    assert.deepEqual(times(sent), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    assert.deepEqual(heard.map((r) => r.status), [408]);
    assert.equal(timers.pending, 0);
  });

  it('retransmits every T2 in Proceeding', () => {
    const { timers, sent, layer, heard, start } = setup();
    const { req } = start('BYE');
    timers.advance(T1);
    layer.receive(createResponse(req, 100));
    sent.length = 0;
    timers.advance(12_000);
    assert.deepEqual(times(sent), [1500, 5500, 9500], 'first at the doubled interval, then every T2');
    assert.deepEqual(heard.map((r) => r.status), [100]);
  });

  it('passes the final response up once and absorbs retransmissions until Timer K (T4)', () => {
    const { timers, sent, layer, heard, start } = setup();
    const { req, transaction } = start('INFO');
    const ok = createResponse(req, 200, { toTag: 'u1' });
    layer.receive(ok);
    layer.receive(ok);
    timers.advance(10_000);
    assert.deepEqual(heard.map((r) => r.status), [200]);
    assert.equal(sent.length, 1, 'no retransmission after the final response');
    assert.equal(transaction.state, 'terminated', `ended after T4 = ${defaultTimerValues.t4} ms`);
  });

  it('MUST NOT retransmit over TCP and ends at once on the final response (Timer K zero)', () => {
    const { timers, sent, layer, start } = setup();
    const { req, transaction } = start('BYE', tcp);
    timers.advance(10_000);
    assert.equal(sent.length, 1);
    layer.receive(createResponse(req, 200));
    assert.equal(transaction.state, 'terminated');
  });

  it('matches responses by branch and CSeq method (§17.1.3): a CANCEL shares its INVITE\'s branch', () => {
    const { layer, heard, start } = setup();
    const { req: invite } = start('INVITE');
    const cancel = request('CANCEL');
    cancel.headers.prepend('Via', invite.headers.get('via') ?? '');
    const cancelHeard: number[] = [];
    layer.send(cancel, udp, (r) => cancelHeard.push(r.status));
    assert.equal(cancel.headers.getAll('via').length, 1, 'the CANCEL keeps the INVITE\'s Via');
    layer.receive(createResponse(cancel, 200));
    layer.receive(createResponse(invite, 487, { toTag: 'u1' }));
    assert.deepEqual(cancelHeard, [200]);
    assert.deepEqual(heard.map((r) => r.status), [487]);
    const stray = createResponse(invite, 200);
    stray.headers.set('Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-other');
    assert.equal(layer.receive(stray), false, 'an unknown branch matches nothing');
  });
});
