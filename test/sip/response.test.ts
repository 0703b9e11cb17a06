import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BRANCH_COOKIE, createResponse, HeaderList, newTag, parseMessage, serializeUri, SipRequest, uriFrom, validateRequest } from '../../src/sip/index.js';
import { INVITE, REGISTER } from './fixtures.js';

function request(bytes: Buffer | string): SipRequest {
  const result = parseMessage(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  assert.ok(result.ok && result.message.kind === 'request');
  return result.message;
}

describe('responses to a request (RFC 3261 §8.2.6)', () => {
  it('MUST copy Via (in order), From, To, Call-ID and CSeq, and add a To tag', () => {
    const invite = request(INVITE.toString().replace('Via:', 'Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1\r\nVia:'));
    const ringing = createResponse(invite, 180, { toTag: 'kefu1' });
    assert.equal(ringing.startLine(), 'SIP/2.0 180 Ringing');
    assert.deepEqual(ringing.headers.getAll('via'), invite.headers.getAll('via'));
    assert.equal(ringing.headers.get('from'), invite.headers.get('from'));
    assert.equal(ringing.headers.get('to'), '<sip:8001@pbx.example.com>;tag=kefu1');
    assert.equal(ringing.headers.get('call-id'), invite.callId);
    assert.equal(ringing.headers.get('cseq'), '314159 INVITE');
    const again = parseMessage(ringing.serialize());
    assert.ok(again.ok && again.message.kind === 'response');
    assert.equal(again.message.toTag, 'kefu1');
  });

  it('100 Trying has no To tag and copies Timestamp (RFC 3261 §8.2.6.1)', () => {
    const invite = request(INVITE.toString().replace('Max-Forwards: 70', 'Max-Forwards: 70\r\nTimestamp: 54'));
    const trying = createResponse(invite, 100);
    assert.equal(trying.headers.get('to'), '<sip:8001@pbx.example.com>');
    assert.equal(trying.headers.get('timestamp'), '54');
  });

  it('keeps a To tag the request already has, and makes a random one when none is given', () => {
    const inDialog = request(REGISTER.toString().replace('To: <sip:1001@pbx.example.com>', 'To: <sip:1001@pbx.example.com>;tag=abc'));
    assert.equal(createResponse(inDialog, 200).headers.get('to'), '<sip:1001@pbx.example.com>;tag=abc');
    const tags = new Set([1, 2, 3].map(() => createResponse(request(REGISTER), 200).headers.get('to')));
    assert.equal(tags.size, 3);
  });

  it('carries a Warning with the reason, extra headers and a body', () => {
    const response = createResponse(request(REGISTER), 420, {
      headers: [['Unsupported', 'foo']],
      warning: { agent: 'kefu', text: 'say "why"' },
      body: Buffer.from('x'),
    });
    assert.equal(response.reason, 'Bad Extension');
    assert.equal(response.headers.get('warning'), '399 kefu "say \\"why\\""');
    assert.equal(response.headers.get('unsupported'), 'foo');
    assert.ok(response.serialize().toString().endsWith('Content-Length: 1\r\n\r\nx'));
  });

  it('answers a request that failed to parse from its partial headers', () => {
    const result = parseMessage(Buffer.from(INVITE.toString().replace('SIP/2.0\r\n', 'SIP/3.0\r\n')));
    assert.ok(!result.ok && result.error.partial !== undefined);
    const response = createResponse(result.error.partial, result.error.status ?? 0);
    assert.equal(response.startLine(), 'SIP/2.0 505 Version Not Supported');
    assert.equal(response.headers.get('cseq'), '314159 INVITE');
  });
});

describe('request checks (RFC 3261 §8.2)', () => {
  it('lets a well-formed INVITE and REGISTER through', () => {
    assert.equal(validateRequest(request(INVITE)), undefined);
    assert.equal(validateRequest(request(REGISTER)), undefined);
  });

  it('takes the methods, schemes and body types it accepts from a policy', () => {
    assert.equal(validateRequest(request(INVITE), { methods: ['REGISTER'] })?.status, 501);
    assert.equal(validateRequest(request(INVITE), { bodyTypes: ['text/plain'] })?.status, 415);
    const tel = request(INVITE.toString().replace('INVITE sip:8001@pbx.example.com', 'INVITE tel:+8675500000000'));
    assert.equal(validateRequest(tel), undefined);
    assert.equal(validateRequest(tel, { schemes: ['sip'] })?.status, 416);
  });

  it('answers 406 when Accept leaves out SDP, accepting wildcards', () => {
    const withAccept = (accept: string): SipRequest => request(INVITE.toString().replace('Max-Forwards', `Accept: ${accept}\r\nMax-Forwards`));
    assert.equal(validateRequest(withAccept('text/html'))?.status, 406);
    assert.equal(validateRequest(withAccept('application/*')), undefined);
    assert.equal(validateRequest(withAccept('text/html, */*;q=0.1')), undefined);
  });
});

describe('REGISTER wildcard (RFC 3261 §10.3 step 6)', () => {
  const register = (contact: string, expires: string): SipRequest =>
    request(REGISTER.toString().replace(/Contact: .*\r\n/, `Contact: ${contact}\r\n`).replace('Expires: 3600', `Expires: ${expires}`));

  it('accepts "*" alone with Expires: 0 and rejects it otherwise', () => {
    assert.equal(validateRequest(register('*', '0')), undefined);
    assert.equal(validateRequest(register('*', '3600'))?.status, 400);
    assert.equal(validateRequest(register('*\r\nContact: <sip:a@b>', '0'))?.status, 400);
    assert.equal(parseMessage(Buffer.from(REGISTER.toString().replace(/Contact: .*\r\n/, 'Contact: *, <sip:a@b>\r\n'))).ok, false);
  });
});

describe('requests built from parts', () => {
  it('serializes an OPTIONS made in code into bytes that parse back to the same request', () => {
    const headers = new HeaderList();
    headers.append('Via', `SIP/2.0/UDP 192.0.2.1:5060;branch=${BRANCH_COOKIE}abc;rport`);
    headers.append('Max-Forwards', '70');
    headers.append('From', `"客服" <sip:kefu@example.com>;tag=${newTag()}`);
    headers.append('To', '<sip:1001@example.com>');
    headers.append('Call-ID', 'built@192.0.2.1');
    headers.append('CSeq', '1 OPTIONS');
    const options = new SipRequest('OPTIONS', uriFrom('sip:1001@example.com'), headers);
    const bytes = options.serialize();
    assert.ok(bytes.toString().endsWith('Content-Length: 0\r\n\r\n'));
    const parsed = parseMessage(bytes, { transport: 'stream' });
    assert.ok(parsed.ok && parsed.message.kind === 'request');
    assert.equal(parsed.message.startLine(), 'OPTIONS sip:1001@example.com SIP/2.0');
    assert.equal(parsed.message.headers.get('from'), headers.get('from'));
    assert.equal(validateRequest(parsed.message), undefined);
  });

  it('re-parses headers changed after parsing (cached views follow the change)', () => {
    const register = request(REGISTER);
    assert.equal(register.cseq?.seq, 2);
    register.headers.set('CSeq', '3 REGISTER');
    register.headers.set('To', '<sip:1002@pbx.example.com>');
    assert.equal(register.cseq?.seq, 3);
    assert.equal(register.to && serializeUri(register.to.uri), 'sip:1002@pbx.example.com');
    assert.ok(register.serialize().toString().includes('To: <sip:1002@pbx.example.com>\r\n'));
  });
});
