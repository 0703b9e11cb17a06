import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createResponse, parseMessage, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { ServerTransactionLayer } from '../../src/sip/transaction/server-transaction-layer.js';
import { defaultTimerValues } from '../../src/sip/transaction/timers.js';
import type { Peer } from '../../src/sip/transport/peer.js';
import { stampReceived } from '../../src/sip/transport/received.js';
import { FakeTimers } from '../helpers/fake-timers.js';

function request(method: string, branch = 'z9hG4bK-abc', extra = ''): SipRequest {
  const text = [
    `${method} sip:1001@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=${branch};rport`,
    'From: <sip:caller@127.0.0.1>;tag=f1',
    `To: <sip:1001@127.0.0.1>${extra}`,
    'Call-ID: call-1@127.0.0.1',
    `CSeq: 1 ${method === 'ACK' || method === 'CANCEL' ? method : method}`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text));
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  return parsed.message;
}

const udp: Peer = { transport: 'UDP', address: '127.0.0.1', port: 5070 };
const tcp: Peer = { transport: 'TCP', address: '127.0.0.1', port: 40000, connection: { id: 1, closed: false, write: () => undefined } };

function setup() {
  const timers = new FakeTimers();
  const sent: { status: number; at: number; peer: Peer }[] = [];
  const timedOut: SipRequest[] = [];
  const layer = new ServerTransactionLayer({
    values: defaultTimerValues,
    clock: timers,
    send: (response: SipResponse, peer: Peer) => sent.push({ status: response.status, at: timers.now, peer }),
    timedOut: (r) => timedOut.push(r),
  });
  return { timers, sent, timedOut, layer };
}

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('MUST absorb retransmissions in Trying, answer them again in Completed, and end on Timer J', () => {
    const { timers, sent, layer } = setup();
    const first = layer.arrive(request('OPTIONS'), udp);
    assert.equal(first.kind, 'new');
    assert.equal(layer.arrive(request('OPTIONS'), udp).kind, 'absorbed');
    assert.equal(sent.length, 0, 'nothing is sent for a retransmission in Trying');
    if (first.kind !== 'new') return;
    first.transaction.respond(createResponse(first.transaction.request, 200));
    assert.equal(layer.arrive(request('OPTIONS'), udp).kind, 'absorbed');
    assert.deepEqual(sent.map((s) => s.status), [200, 200], 'the final response is sent again');
    timers.advance(64 * 500 - 1);
    assert.equal(layer.size, 1);
    timers.advance(1);
    assert.equal(layer.size, 0, 'Timer J = 64·T1 ends it');
    assert.equal(layer.arrive(request('OPTIONS'), udp).kind, 'new', 'afterwards it is a new request');
  });

  it('ends at once over a reliable transport, and sends responses back on the connection', () => {
    const { sent, layer } = setup();
    const arrival = layer.arrive(request('REGISTER'), tcp);
    assert.ok(arrival.kind === 'new');
    arrival.transaction.respond(createResponse(arrival.transaction.request, 100));
    assert.equal(arrival.transaction.state, 'proceeding');
    arrival.transaction.respond(createResponse(arrival.transaction.request, 401));
    assert.equal(layer.size, 0);
    assert.ok(sent.every((s) => s.peer === tcp));
  });

  it('stamps received and rport, and sends UDP responses to the source port (RFC 3581 §4)', () => {
    const { sent, layer } = setup();
    const natted: Peer = { transport: 'UDP', address: '192.0.2.1', port: 40123 };
    const options = request('OPTIONS');
    stampReceived(options, natted);
    assert.match(options.headers.get('via') as string, /;received=192\.0\.2\.1;rport=40123$/);
    const arrival = layer.arrive(options, natted);
    assert.ok(arrival.kind === 'new');
    arrival.transaction.respond(createResponse(arrival.transaction.request, 200));
    assert.deepEqual(sent[0]?.peer, { transport: 'UDP', address: '192.0.2.1', port: 40123 });
  });
});

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  it('MUST retransmit a final non-2xx response on Timer G, doubling up to T2, until the ACK', () => {
    const { timers, sent, layer } = setup();
    const arrival = layer.arrive(request('INVITE'), udp);
    assert.ok(arrival.kind === 'new');
    const tx = arrival.transaction;
    tx.respond(createResponse(tx.request, 100));
    assert.equal(layer.arrive(request('INVITE'), udp).kind, 'absorbed');
    assert.deepEqual(sent.map((s) => s.status), [100, 100], 'a retransmitted INVITE gets the last provisional again');
    tx.respond(createResponse(tx.request, 486));
    timers.advance(9_000);
    assert.deepEqual(
      sent.filter((s) => s.status === 486).map((s) => s.at),
      [0, 500, 1500, 3500, 7500],
      'G: T1, 2·T1, 4·T1, then T2 (4 s) apart',
    );
    assert.equal(layer.arrive(request('ACK'), udp).kind, 'absorbed', 'the ACK of a non-2xx stays in the transaction');
    assert.equal(tx.state, 'confirmed');
    const count = sent.length;
    timers.advance(10_000);
    assert.equal(sent.length, count, 'no retransmission after the ACK');
    assert.equal(tx.state, 'terminated', 'Timer I (T4) ended it');
  });

  it('MUST give up on Timer H when no ACK comes, and tell the core', () => {
    const { timers, timedOut, layer } = setup();
    const arrival = layer.arrive(request('INVITE'), udp);
    assert.ok(arrival.kind === 'new');
    arrival.transaction.respond(createResponse(arrival.transaction.request, 404));
    timers.advance(64 * 500);
    assert.equal(arrival.transaction.state, 'terminated');
    assert.equal(timedOut.length, 1);
  });

  it('after a 2xx it absorbs INVITE retransmissions and passes the ACK to the core (Accepted)', () => {
    const { timers, sent, layer } = setup();
    const arrival = layer.arrive(request('INVITE'), udp);
    assert.ok(arrival.kind === 'new');
    const tx = arrival.transaction;
    tx.respond(createResponse(tx.request, 200));
    assert.equal(tx.state, 'accepted');
    assert.equal(layer.arrive(request('INVITE'), udp).kind, 'absorbed');
    assert.equal(sent.length, 1, 'the transaction does not resend a 2xx: the core does (§13.3.1.4)');
    tx.respond(createResponse(tx.request, 200));
    assert.equal(sent.length, 2, "the core's 2xx retransmission passes");
    assert.equal(layer.arrive(request('ACK', 'z9hG4bK-ack'), udp).kind, 'ack');
    timers.advance(64 * 500);
    assert.equal(tx.state, 'terminated', 'Timer L');
  });

  it('over TCP: no Timer G, and the ACK ends it at once', () => {
    const { timers, sent, layer } = setup();
    const arrival = layer.arrive(request('INVITE'), tcp);
    assert.ok(arrival.kind === 'new');
    arrival.transaction.respond(createResponse(arrival.transaction.request, 480));
    timers.advance(5000);
    assert.equal(sent.length, 1);
    layer.arrive(request('ACK'), tcp);
    assert.equal(arrival.transaction.state, 'terminated');
  });

  it('a CANCEL finds the INVITE it cancels (§9.2)', () => {
    const { layer } = setup();
    const invite = layer.arrive(request('INVITE'), udp);
    const cancel = layer.arrive(request('CANCEL'), udp);
    assert.ok(invite.kind === 'new' && cancel.kind === 'cancel');
    assert.equal(cancel.invite, invite.transaction);
    const stray = layer.arrive(request('CANCEL', 'z9hG4bK-other'), udp);
    assert.ok(stray.kind === 'cancel' && stray.invite === undefined);
  });

  it('keys requests from RFC 2543 elements (no magic cookie) by their fields', () => {
    const { layer } = setup();
    assert.equal(layer.arrive(request('OPTIONS', 'old-branch'), udp).kind, 'new');
    assert.equal(layer.arrive(request('OPTIONS', 'old-branch'), udp).kind, 'absorbed');
  });
});
