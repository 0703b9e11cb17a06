import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calledParty } from '../../src/calls/called-party.js';
import { parseMessage, SipRequest } from '../../src/sip/index.js';

function invite(uri: string, extra: string[] = [], from = '"Li" <sip:13800138000@carrier.example>;tag=a1'): SipRequest {
  const text = [
    `INVITE ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK-1',
    `From: ${from}`,
    `To: <${uri}>`,
    'Call-ID: called-party-test',
    'CSeq: 1 INVITE',
    'Max-Forwards: 70',
    'Contact: <sip:13800138000@192.0.2.9>',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text));
  assert.ok(parsed.ok && parsed.message instanceof SipRequest, 'test INVITE did not parse');
  return parsed.message;
}

describe('[A2] the number the caller meant', () => {
  it('takes a direct call from the Request-URI, separators dropped, and the caller from From', () => {
    assert.deepEqual(calledParty(invite('sip:123-45@kefu.example;user=phone')), {
      dialled: '12345',
      original: undefined,
      source: undefined,
      caller: '13800138000',
    });
    assert.equal(calledParty(invite('tel:+86-755-8888-0000')).dialled, '+8675588880000');
    assert.equal(calledParty(invite('sip:12345@kefu.example', [], '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=x')).caller, undefined);
  });

  it('RFC 5806: the last Diversion value is the number first dialled', () => {
    const call = invite('sip:+8675500000000@kefu.example', [
      'Diversion: <sip:+8675588880001@pbx.acme.example>;reason=unconditional;counter=1',
      'Diversion: <tel:+86-755-8888-0000>;reason=user-busy, <sip:garbage',
    ]);
    // The broken last element is skipped; the one before it is the original.
    assert.deepEqual(calledParty(call), { dialled: '+8675500000000', original: '+8675588880000', source: 'diversion', caller: '13800138000' });
  });

  it('RFC 7044: the History-Info entry with the lowest index is the original target', () => {
    const call = invite('sip:+8675500000000@kefu.example', [
      'History-Info: <sip:+8675500000000@kefu.example>;index=1.1;mp=1, <sip:+8675588880000@acme.example?Reason=SIP%3Bcause%3D302>;index=1',
      'History-Info: <sip:+8675500000000@kefu.example>;index=1.1.1',
    ]);
    assert.deepEqual(calledParty(call), { dialled: '+8675500000000', original: '+8675588880000', source: 'history-info', caller: '13800138000' });
  });

  it('prefers Diversion when both are present, and ignores entries that are no numbers', () => {
    const call = invite('sip:+8675500000000@kefu.example', [
      'History-Info: <sip:+8675511112222@a.example>;index=1',
      'Diversion: <sip:reception@acme.example>, <sip:+8675588880000@acme.example>',
    ]);
    assert.equal(calledParty(call).original, '+8675588880000');
    const none = invite('sip:+8675500000000@kefu.example', ['Diversion: <sip:reception@acme.example>']);
    assert.deepEqual([calledParty(none).original, calledParty(none).source], [undefined, undefined]);
  });
});
