import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SipParseError } from '../../src/errors.js';
import { escape, expandIPv6, parseUri, serializeUri, unescape, uriEquals, uriFrom, uriParam, type SipUri, type Uri } from '../../src/sip/index.js';

function uri(text: string): Uri {
  const result = parseUri(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.error.reason}`);
  return result.value;
}

function failsAt(text: string, offset: number, reason: RegExp): void {
  const result = parseUri(text);
  assert.ok(!result.ok, `${text} MUST be rejected`);
  assert.equal(result.error.offset, offset, `${text}: ${result.error.reason}`);
  assert.match(result.error.reason, reason);
}

describe('SIP and SIPS URIs (RFC 3261 §19.1)', () => {
  it('reads user, password, host, port, parameters and headers, and writes them back unchanged', () => {
    const text = 'sips:alice:secret@Atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent';
    const parsed = uri(text) as SipUri;
    assert.equal(parsed.scheme, 'sips');
    assert.equal(parsed.user, 'alice');
    assert.equal(parsed.password, 'secret');
    assert.equal(parsed.host, 'Atlanta.example.com');
    assert.equal(parsed.hostKind, 'domain');
    assert.equal(parsed.port, 5061);
    assert.deepEqual(parsed.params, [
      { name: 'transport', value: 'tcp' },
      { name: 'lr', value: undefined },
      { name: 'maddr', value: '239.255.255.1' },
    ]);
    assert.deepEqual(parsed.headers, [
      { name: 'subject', value: 'project%20x' },
      { name: 'priority', value: 'urgent' },
    ]);
    assert.equal(uriParam(parsed, 'LR'), '');
    assert.equal(serializeUri(parsed), text);
  });

  it('takes the user part up to the first "@", with ";" "?" "/" allowed in it (RFC 4475 §3.1.1.2, §3.1.1.9)', () => {
    const semi = uri('sip:user;par=u%40example.net@example.com') as SipUri;
    assert.equal(semi.user, 'user;par=u%40example.net');
    assert.equal(semi.host, 'example.com');
    assert.deepEqual(semi.params, []);
    const crazy = uri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com") as SipUri;
    assert.equal(crazy.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(crazy.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  });

  it('reads IPv4 addresses and IPv6 references, where a port only follows "]" (RFC 5118 §4.3, §4.4)', () => {
    assert.equal((uri('sip:192.0.2.1:5070') as SipUri).hostKind, 'ipv4');
    const ambiguous = uri('sip:user@[2001:db8::10:5070]') as SipUri;
    assert.deepEqual([ambiguous.host, ambiguous.hostKind, ambiguous.port], ['[2001:db8::10:5070]', 'ipv6', undefined]);
    const port = uri('sip:user@[2001:db8::10]:5070') as SipUri;
    assert.deepEqual([port.host, port.port], ['[2001:db8::10]', 5070]);
    assert.equal((uri('sip:[2001:db8:::192.0.2.1]') as SipUri).hostKind, 'ipv6', 'RFC 5118 §4.10: three colons are tolerated');
    assert.equal((uri('sip:[::ffff:192.0.2.2]') as SipUri).hostKind, 'ipv6');
  });

  it('rejects malformed URIs with the offset of the fault', () => {
    failsAt('sip:2001:db8::10', 4, /\[\]/);
    failsAt('sip:user@host:99999', 14, /65535/);
    failsAt('sip:user@host:12a', 14, /port/);
    failsAt('sip:user@', 9, /empty host/);
    failsAt('sip:us er@host', 6, /user part/);
    failsAt('sip:user@ho st', 11, /host/);
    failsAt('sip:host;=x', 9, /empty URI param name/);
    failsAt('sip:host?subject', 9, /without "="/);
    failsAt('sip:user@[2001:db8::1', 9, /"]"/);
    failsAt('sip:user@256.1.1.1', 9, /IPv4/);
    failsAt('sip:a%4@host', 5, /user part/);
    failsAt('no-scheme', 0, /no scheme/);
    failsAt(' sip:host', 0, /scheme/);
  });

  it('throws SipParseError (ERR_SIP_PARSE) for a bad URI given by code or configuration', () => {
    assert.equal(uriFrom('sip:kefu@example.com').scheme, 'sip');
    assert.throws(() => uriFrom('sip:user@host:99999'), (error: unknown) => error instanceof SipParseError && error.code === 'ERR_SIP_PARSE' && error.offset === 14);
  });
});

describe('tel URIs (RFC 3966) and other schemes', () => {
  it('reads global numbers with visual separators and local numbers with phone-context', () => {
    const global = uri('tel:+86-10-6234-5678;ext=101');
    assert.deepEqual(global, { scheme: 'tel', number: '+86-10-6234-5678', params: [{ name: 'ext', value: '101' }] });
    assert.equal(serializeUri(global), 'tel:+86-10-6234-5678;ext=101');
    assert.equal(uri('tel:7042;phone-context=example.com').scheme, 'tel');
    failsAt('tel:7042', 4, /phone-context/);
    failsAt('tel:+86 10', 4, /telephone number/);
  });

  it('keeps any other absolute URI opaque, so that a server can answer 416 (RFC 4475 §3.3.2)', () => {
    assert.deepEqual(uri('soap.beep://192.0.2.103:3002'), { scheme: 'soap.beep', opaque: '//192.0.2.103:3002' });
    assert.deepEqual(uri('nobodyknowsthisscheme:totallyopaquecontent'), { scheme: 'nobodyknowsthisscheme', opaque: 'totallyopaquecontent' });
    failsAt('1abc:x', 0, /scheme/);
  });
});

describe('escaping (RFC 3261 §19.1.2)', () => {
  it('escapes what a component does not allow and unescapes exactly once (RFC 4475 §3.1.1.3)', () => {
    assert.equal(escape('I have spaces', 'user'), 'I%20have%20spaces');
    assert.equal(escape('a@b', 'user'), 'a%40b');
    assert.equal(escape('张', 'user'), '%E5%BC%A0');
    assert.equal(escape('100%', 'param'), '100%25');
    assert.equal(unescape('v%61lue%25%34%31'), 'value%41');
    assert.equal(unescape('null-%00-null'), 'null-\u0000-null');
  });
});

describe('URI comparison (RFC 3261 §19.1.4)', () => {
  const same = (a: string, b: string): boolean => uriEquals(uri(a), uri(b));

  it('finds the RFC\'s equivalent URIs equal', () => {
    assert.ok(same('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'));
    assert.ok(same('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'));
    assert.ok(same('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'));
    assert.ok(same('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'));
    assert.ok(same('sip:alice@atlanta.com?subject=project%20x&priority=urgent', 'sip:alice@atlanta.com?priority=urgent&subject=project%20x'));
    assert.ok(same('sip:[2001:db8::10]', 'sip:[2001:DB8:0:0:0:0:0:10]'));
    assert.ok(same('tel:+1-201-555-0123', 'tel:+12015550123'));
  });

  it('finds the RFC\'s different URIs different', () => {
    assert.ok(!same('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'), 'user is case-sensitive');
    assert.ok(!same('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'), 'an absent port is not 5060');
    assert.ok(!same('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'), 'transport present in one only');
    assert.ok(!same('sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp'));
    assert.ok(!same('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'), 'headers never ignored');
    assert.ok(!same('sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4'), 'no name resolution');
    assert.ok(!same('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off'));
    assert.ok(!same('sip:alice@atlanta.com', 'sips:alice@atlanta.com'));
    assert.ok(!same('sip:value%41@host', 'sip:value%2541@host'), 'RFC 4475 §3.1.1.3: no recursive unescaping');
  });

  it('expands IPv6 addresses to eight groups, IPv4-mapped and three-colon forms included', () => {
    assert.equal(expandIPv6('::ffff:192.0.2.2'), '0000:0000:0000:0000:0000:ffff:c000:0202');
    assert.equal(expandIPv6('2001:db8:::192.0.2.1'), expandIPv6('2001:db8::192.0.2.1'));
  });
});
