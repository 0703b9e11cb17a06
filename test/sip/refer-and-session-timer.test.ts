import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fault, parseMessage, parseReferTo, referToValue, sipfrag, sipfragStatus, type SipRequest } from '../../src/sip/index.js';
import { negotiateAsUas, negotiatedByResponse } from '../../src/sip/dialog/session-timer.js';

function message(...headers: string[]): SipRequest {
  const parsed = parseMessage(Buffer.from(['INVITE sip:a@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-1', 'From: <sip:b@h>;tag=1', 'To: <sip:a@h>', 'Call-ID: c', 'CSeq: 1 INVITE', 'Max-Forwards: 70', ...headers, '', ''].join('\r\n')));
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  return parsed.message;
}

describe('Refer-To and sipfrag (RFC 3515, RFC 3891)', () => {
  it('reads the Replaces of an attended transfer, escaped inside the Refer-To URI', () => {
    const referTo = parseReferTo('<sip:2000@pbx.example?Replaces=12345%40192.0.2.1%3Bto-tag%3D7743%3Bfrom-tag%3D6472%3Bearly-only>');
    assert.ok(!(referTo instanceof Fault));
    assert.deepEqual(referTo.replaces, { callId: '12345@192.0.2.1', toTag: '7743', fromTag: '6472', earlyOnly: true });
  });

  it('writes what it reads', () => {
    const replaces = { callId: 'a@b', toTag: 't', fromTag: 'f' };
    const referTo = parseReferTo(referToValue('sip:2000@pbx.example', replaces));
    assert.ok(!(referTo instanceof Fault));
    assert.deepEqual(referTo.replaces, replaces);
  });

  it('refuses a Replaces without both tags, and a Refer-To that is no address', () => {
    assert.ok(parseReferTo('<sip:2000@pbx.example?Replaces=abc%3Bto-tag%3D1>') instanceof Fault);
    assert.ok(parseReferTo('<<>') instanceof Fault);
  });

  it('reads and writes sipfrag status lines', () => {
    assert.equal(sipfrag(180).toString(), 'SIP/2.0 180 Ringing\r\n');
    assert.equal(sipfragStatus(Buffer.from('SIP/2.0 503 Service Unavailable\r\n')), 503);
    assert.equal(sipfragStatus(Buffer.from('garbage')), undefined);
  });
});

describe('session timer negotiation (RFC 4028)', () => {
  const settings = { expires: 1800, minSe: 90 };

  it('answers an interval below Min-SE with 422 (§8.1)', () => {
    assert.deepEqual(negotiateAsUas(message('Session-Expires: 60'), settings), { kind: 'too-small', minSe: 90 });
  });

  it('lets a UAC that supports timers refresh, and requires timer of it (§9)', () => {
    const decision = negotiateAsUas(message('Session-Expires: 1800', 'Supported: timer'), settings);
    assert.deepEqual(decision, { kind: 'run', interval: 1800, refresher: 'uac', headers: [['Session-Expires', '1800;refresher=uac'], ['Require', 'timer']] });
  });

  it('refreshes itself when the UAC does not support timers (§9)', () => {
    const decision = negotiateAsUas(message('x: 600'), settings);
    assert.ok(decision.kind === 'run');
    assert.equal(decision.refresher, 'uas');
    assert.equal(decision.headers.length, 1, 'no Require: timer');
  });

  it('runs no timer without Session-Expires, and raises an interval below Min-SE in a 2xx', () => {
    assert.deepEqual(negotiateAsUas(message(), settings), { kind: 'none' });
    assert.deepEqual(negotiatedByResponse(message('Session-Expires: 0;refresher=uas'), 90), { interval: 90, refresher: 'uas' });
    assert.equal(negotiatedByResponse(message('Session-Expires: soon'), 90), undefined);
  });
});
