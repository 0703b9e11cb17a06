import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  canAnswer,
  createResponse,
  displayText,
  paramValue,
  parseMessage,
  serializeUri,
  unescape,
  uriEquals,
  viaBranch,
  type Message,
  type SipRequest,
  type SipResponse,
  type SipUri,
} from '../../src/sip/index.js';
import { INVITE, REGISTER } from './fixtures.js';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'sip-torture');
const torture = (name: string): Buffer => readFileSync(join(CORPUS, name));

function parse(bytes: Buffer | string): Message {
  const result = parseMessage(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  assert.ok(result.ok, result.ok ? '' : `${result.error.reason} at ${result.error.offset}`);
  return result.message;
}
const request = (bytes: Buffer | string): SipRequest => parse(bytes) as SipRequest;
const sipUri = (uri: unknown): SipUri => uri as SipUri;

describe('parsing requests and responses (RFC 3261 §7, §20)', () => {
  it('reads a softphone INVITE with SDP and writes it back byte for byte', () => {
    const invite = request(INVITE);
    assert.equal(invite.method, 'INVITE');
    assert.equal(serializeUri(invite.uri), 'sip:8001@pbx.example.com');
    assert.equal(invite.callId, 'a84b4c76e66710@192.0.2.10');
    assert.deepEqual(invite.cseq, { seq: 314159, method: 'INVITE' });
    assert.equal(invite.maxForwards, 70);
    assert.equal(invite.fromTag, '1928301774');
    assert.equal(invite.toTag, undefined);
    assert.equal(displayText(invite.from!), '张三');
    assert.equal(invite.via[0]?.transport, 'UDP');
    assert.equal(viaBranch(invite.via[0]!), 'z9hG4bK776asdhds');
    assert.equal(paramValue(invite.via[0]!.params, 'rport'), '', 'RFC 3581: rport without a value');
    assert.equal(invite.headers.get('x-kefu-opaque'), ';;,,;;  keep "this" <as> it=is', 'unknown headers are opaque');
    assert.ok(invite.body.toString().startsWith('v=0\r\n'));
    assert.deepEqual(invite.serialize(), INVITE);
  });

  it('reads a REGISTER with a digest Authorization and writes it back byte for byte', () => {
    const register = request(REGISTER);
    const contacts = register.contacts;
    assert.ok(Array.isArray(contacts) && contacts.length === 1);
    assert.equal(paramValue(contacts[0]!.params, 'expires'), '3600');
    assert.equal(paramValue(contacts[0]!.params, '+sip.instance'), '<urn:uuid:00000000-0000-1000-8000-000A95A0E128>');
    assert.ok(register.headers.get('authorization')?.startsWith('Digest username="1001"'));
    assert.deepEqual(register.serialize(), REGISTER);
  });

  it('undoes folding, reads compact names, LWS everywhere and leading zeros (RFC 4475 §3.1.1.1)', () => {
    const wsinv = request(torture('valid-wsinv.sip'));
    assert.equal(wsinv.headers.get('NewFangledHeader'), 'newfangled value continued newfangled value');
    assert.equal(wsinv.headers.get('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
    assert.equal(wsinv.toTag, '1918181833n');
    assert.equal(wsinv.fromTag, '98asjd8');
    assert.equal(displayText(wsinv.from!), 'J Rosenberg \\"');
    assert.deepEqual(wsinv.cseq, { seq: 9, method: 'INVITE' });
    assert.equal(wsinv.maxForwards, 68);
    assert.deepEqual(wsinv.via.map((via) => [via.transport, via.host, viaBranch(via)]), [
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    const contact = wsinv.contacts;
    assert.ok(Array.isArray(contact));
    assert.equal(displayText(contact[0]!), 'Quoted string ""');
    assert.equal(paramValue(contact[0]!.params, 'q'), '0.33');
    assert.equal(paramValue(contact[0]!.params, 'newparam'), 'newvalue');
    assert.equal(wsinv.headers.get('subject'), '', '`s :` is an empty Subject');
    assert.equal(wsinv.headers.fields.find((field) => field.key === 'via' && field.name === 'v')?.key, 'via');
  });

  it('accepts an unquoted UTF-8 display name, as phones sold in China send it, but not an unquoted comma', () => {
    const message = request('OPTIONS sip:a@b SIP/2.0\r\nFrom: 张三 <sip:1001@example.com>;tag=1\r\nTo: 客服 热线 <sip:8001@example.com>\r\n\r\n');
    assert.equal(displayText(message.from!), '张三');
    assert.equal(displayText(message.to!), '客服 热线');
    const comma = parseMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nFrom: 张, 三 <sip:1001@example.com>\r\n\r\n'));
    assert.equal(comma.ok, false);
  });

  it('maps every compact form to its long name (RFC 3261 §7.3.3)', () => {
    const pairs = { i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type', f: 'From', s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', u: 'Allow-Events', r: 'Refer-To', b: 'Referred-By', x: 'Session-Expires', y: 'Identity' };
    for (const [short, long] of Object.entries(pairs)) {
      const text = `OPTIONS sip:a@b SIP/2.0\r\n${short}: x${short}\r\n\r\n`;
      const result = parseMessage(Buffer.from(text));
      // The headers the parser checks reject "x…"; look at the raw fields for those.
      const fields = result.ok ? result.message.headers.fields : result.error.partial?.headers.fields;
      assert.equal(fields?.[0]?.key, long.toLowerCase(), short);
    }
  });

  it('keeps several values per line and several lines per header in order', () => {
    const message = request('OPTIONS sip:a@b SIP/2.0\r\nRoute: <sip:p1;lr>, <sip:p2;lr>\r\nSupported: timer\r\nRoute: <sip:p3;lr>\r\nk: path, gruu\r\n\r\n');
    assert.deepEqual(message.headers.list('route'), ['<sip:p1;lr>', '<sip:p2;lr>', '<sip:p3;lr>']);
    assert.deepEqual(message.headers.list('supported'), ['timer', 'path', 'gruu']);
    assert.deepEqual(message.headers.list('x-none'), []);
  });

  it('keeps escapes as written and unescapes once (RFC 4475 §3.1.1.3–§3.1.1.5)', () => {
    const esc01 = request(torture('valid-esc01.sip'));
    assert.equal(unescape(sipUri(esc01.uri).user!), 'sips:user@example.com');
    const contact = esc01.contacts as { uri: SipUri }[];
    assert.equal(unescape(contact[0]!.uri.params[1]!.value!), 'value%41');
    const escnull = request(torture('valid-escnull.sip'));
    assert.equal(unescape(sipUri(escnull.to!.uri).user!), 'null-\u0000-null', 'the AOR is not cut at the NUL');
    const [first, second] = escnull.contacts as { uri: SipUri }[];
    assert.ok(first && second && !uriEquals(first.uri, second.uri), 'two distinct contacts: %00 and %00%00');
    const esc02 = request(torture('valid-esc02.sip'));
    assert.equal(esc02.method, 'RE%47IST%45R');
    assert.equal(esc02.headers.get('C%6Fntact'), '<sip:alias2@host2.example.com>');
    assert.equal((esc02.contacts as unknown[]).length, 2, 'C%6Fntact is not a Contact');
  });

  it('tells contact-params from uri-params by the brackets (RFC 4475 §3.3.12, §3.3.13, §3.3.14)', () => {
    const [bare] = request(torture('valid-cparam01.sip')).contacts as { uri: SipUri; params: unknown[] }[];
    assert.deepEqual(bare!.uri.params, []);
    assert.deepEqual(bare!.params, [{ name: 'unknownparam', value: undefined }]);
    const [bracketed] = request(torture('valid-cparam02.sip')).contacts as { uri: SipUri; params: unknown[] }[];
    assert.deepEqual(bracketed!.uri.params, [{ name: 'unknownparam', value: undefined }]);
    assert.deepEqual(bracketed!.params, []);
    const [escaped] = request(torture('valid-regescrt.sip')).contacts as { uri: SipUri }[];
    assert.deepEqual(escaped!.uri.headers, [{ name: 'Route', value: '%3Csip:sip.example.com%3E' }]);
  });

  it('processes the first of two requests in a datagram and ignores the rest (RFC 4475 §3.1.1.8)', () => {
    const bytes = torture('valid-dblreq.sip');
    const result = parseMessage(bytes);
    assert.ok(result.ok && result.message.kind === 'request');
    assert.equal(result.message.method, 'REGISTER');
    assert.equal(result.message.body.length, 0);
    assert.ok(result.length < bytes.length);
    assert.ok(bytes.subarray(result.length).toString().startsWith('\r\nINVITE'));
  });

  it('frames a binary multipart body by Content-Length and passes it through untouched (RFC 4475 §3.1.1.11)', () => {
    const bytes = torture('valid-mpart01.sip');
    const mpart = request(bytes);
    assert.equal(mpart.body.length, 553);
    assert.ok(mpart.body.includes(0));
    assert.deepEqual(mpart.body, bytes.subarray(bytes.length - 553));
  });

  it('reads unusual reason phrases, and an empty one (RFC 4475 §3.1.1.12, §3.1.1.13)', () => {
    const unreason = parse(torture('valid-unreason.sip')) as SipResponse;
    assert.equal(unreason.status, 200);
    assert.ok(unreason.reason.startsWith('= 2**3 * 5**2 но'));
    const noreason = parse(torture('valid-noreason.sip')) as SipResponse;
    assert.deepEqual([noreason.status, noreason.reason], [100, '']);
    const bcast = parse(torture('valid-bcast.sip')) as SipResponse;
    assert.equal(bcast.via[1]?.host, '255.255.255.255');
  });

  it('reads IPv6 in Via sent-by and received, with or without brackets (RFC 5118 §4.5, §4.7)', () => {
    const delim = request(torture('ipv6-valid-via-received-param-with-delim.sip'));
    assert.equal(paramValue(delim.via[0]!.params, 'received'), '[2001:db8::9:255]');
    const noDelim = request(torture('ipv6-valid-via-received-param-no-delim.sip'));
    assert.equal(paramValue(noDelim.via[0]!.params, 'received'), '2001:db8::9:255');
    const mult = request(torture('ipv6-valid-mult-ip-in-header.sip'));
    assert.deepEqual(mult.via.map((via) => via.hostKind), ['ipv6', 'ipv4', 'ipv6']);
    const ambiguous = request(torture('ipv6-valid-port-ambiguous.sip'));
    assert.deepEqual([sipUri(ambiguous.uri).host, sipUri(ambiguous.uri).port], ['[2001:db8::10:5070]', undefined]);
    const unambiguous = request(torture('ipv6-valid-port-unambiguous.sip'));
    assert.deepEqual([sipUri(unambiguous.uri).host, sipUri(unambiguous.uri).port], ['[2001:db8::10]', 5070]);
  });

  it('accepts every known and unknown Via transport (RFC 4475 §3.1.1.10)', () => {
    const transports = request(torture('valid-transports.sip')).via.map((via) => via.transport);
    assert.ok(['UDP', 'SCTP', 'TLS', 'TCP'].every((transport) => transports.includes(transport)), transports.join());
    assert.ok(transports.some((transport) => !['UDP', 'SCTP', 'TLS', 'TCP'].includes(transport)));
  });

  it('skips CRLFs before the start line (RFC 3261 §7.5)', () => {
    const result = parseMessage(Buffer.concat([Buffer.from('\r\n\r\n'), REGISTER]));
    assert.ok(result.ok);
    assert.equal(result.length, REGISTER.length + 4);
  });

  it('keeps header bytes that are not UTF-8 exactly as they came', () => {
    const bytes = Buffer.concat([Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nX-Legacy: caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\r\nContent-Length: 0\r\n\r\n')]);
    const message = parse(bytes);
    assert.equal(message.headerEncoding, 'latin1');
    assert.deepEqual(message.serialize(), bytes);
  });

  it('writes the real body length into Content-Length, adding it when missing (RFC 3261 §18.3)', () => {
    const message = parse('MESSAGE sip:a@b SIP/2.0\r\nContent-Type: text/plain\r\n\r\nhello');
    assert.ok(message.serialize().toString().includes('Content-Length: 5\r\n\r\nhello'));
    message.body = Buffer.from('hi');
    message.headers.append('Content-Length', '999');
    assert.ok(message.serialize().toString().endsWith('Content-Length: 2\r\n\r\nhi'));
  });
});

describe('parse failures: offset, reason, status and a partial request', () => {
  function failure(text: string | Buffer, options = {}) {
    const result = parseMessage(typeof text === 'string' ? Buffer.from(text) : text, options);
    assert.ok(!result.ok, 'MUST be rejected');
    return result.error;
  }

  it('points at the malformed header and still carries what a 400 needs', () => {
    const bytes = INVITE.toString().replace('Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport', 'Via: SIP/2.0/UDP 192.0.2.10:5060;;branch');
    const error = failure(bytes);
    assert.equal(error.status, 400);
    assert.equal(error.kind, 'request');
    assert.equal(Buffer.from(bytes).subarray(error.offset, error.offset + 1).toString(), ';');
    assert.equal(error.partial?.method, 'INVITE');
    assert.equal(error.partial?.headers.get('call-id'), 'a84b4c76e66710@192.0.2.10');
  });

  it('skips a malformed header line (and its continuations) to keep the rest for the 400', () => {
    const bytes = Buffer.from(INVITE.toString().replace('Max-Forwards: 70\r\n', 'Max-Forwards: 70\r\nno colon here\r\n folded too\r\n'));
    const error = failure(bytes);
    assert.equal(bytes.subarray(error.offset, error.offset + 13).toString(), 'no colon here');
    assert.equal(error.status, 400);
    assert.equal(error.partial?.method, 'INVITE');
    assert.deepEqual(error.partial?.headers.fields.map((field) => field.key).slice(0, 4), ['via', 'max-forwards', 'from', 'to']);
  });

  it('gives byte offsets even after multi-byte UTF-8 characters', () => {
    const bytes = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nFrom: "张三" <sip:a@b>;tag=1\r\nCSeq: x OPTIONS\r\n\r\n');
    const error = failure(bytes);
    assert.equal(bytes.subarray(error.offset, error.offset + 1).toString(), 'x');
  });

  it('enforces the message size, header count and line length limits', () => {
    assert.equal(failure(INVITE, { limits: { maxMessageBytes: 200 } }).status, 513);
    assert.equal(failure(INVITE, { limits: { maxMessageBytes: INVITE.length - 10 } }).status, 513, 'the body counts');
    assert.match(failure(INVITE, { limits: { maxHeaderCount: 5 } }).reason, /too many header fields/);
    assert.match(failure(REGISTER, { limits: { maxLineLength: 100 } }).reason, /length limit/);
    const folded = `OPTIONS sip:a@b SIP/2.0\r\nX-Long: a\r\n${' b\r\n'.repeat(60)}\r\n`;
    assert.match(failure(folded, { limits: { maxLineLength: 100 } }).reason, /folded header/);
  });

  it('MUST still answer a request over the limits: the partial carries Via, From, To, Call-ID and CSeq within them', () => {
    const pad = (n: number, length: number) => Array.from({ length: n }, (_, i) => `X-Pad-${i}: ${'a'.repeat(length)}`);
    const lines = INVITE.toString().split('\r\n');
    const withPadding = (extra: string[]) => Buffer.from([...lines.slice(0, 7), ...extra, ...lines.slice(7)].join('\r\n'));
    const cases = [
      { bytes: withPadding(pad(8, 400)), limits: { maxMessageBytes: 1024 }, status: 513 },
      { bytes: withPadding(pad(40, 1)), limits: { maxHeaderCount: 32 }, status: 400 },
      { bytes: withPadding(pad(1, 600)), limits: { maxLineLength: 512 }, status: 400 },
    ];
    for (const { bytes, limits, status } of cases) {
      const error = failure(bytes, { limits });
      assert.equal(error.status, status);
      assert.ok(error.partial !== undefined && canAnswer(error.partial), `answerable under ${JSON.stringify(limits)}`);
      const response = createResponse(error.partial, status).serialize().toString();
      assert.match(response, /^Via: SIP\/2\.0\/UDP 192\.0\.2\.10:5060;branch=z9hG4bK776asdhds;rport\r$/m);
      assert.match(response, /^From: "张三" <sip:1001@pbx\.example\.com>;tag=1928301774\r$/m);
      assert.match(response, /^Call-ID: a84b4c76e66710@192\.0\.2\.10\r$/m);
      assert.match(response, /^CSeq: 314159 INVITE\r$/m);
      assert.doesNotMatch(response, /X-Pad/);
    }
    // A Call-ID line beyond the size limit is not read: nothing to answer with, nothing sent.
    const late = Buffer.from([lines[0], ...pad(8, 400), ...lines.slice(1)].join('\r\n'));
    const error = failure(late, { limits: { maxMessageBytes: 1024 } });
    assert.equal(error.partial !== undefined && canAnswer(error.partial), false);
  });

  it('drops broken responses: no status to answer with', () => {
    const error = failure('SIP/2.0 2000 OK\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual([error.kind, error.status], ['response', undefined]);
  });

  it('reports truncated input as incomplete', () => {
    assert.equal(failure(INVITE.subarray(0, 100)).incomplete, true);
    assert.equal(failure(INVITE.subarray(0, INVITE.length - 1)).incomplete, true);
    assert.equal(failure('').incomplete, true);
  });
});
