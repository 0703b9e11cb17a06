import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DigestAuthenticator, digestResponse, type DigestAlgorithm } from '../../src/sip/auth/digest-authenticator.js';
import { parseDigestCredentials, type DigestCredentials } from '../../src/sip/auth/digest-credentials.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const ha1Of = (user: string, realm: string, password: string) => ({
  md5: md5(`${user}:${realm}:${password}`),
  sha256: sha256(`${user}:${realm}:${password}`),
});

function answer(challenge: string, algorithm: DigestAlgorithm, password: string, nc = '00000001', method = 'REGISTER'): DigestCredentials {
  const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] as string;
  const credentials = { username: '1001', realm: 'demo', nonce, uri: 'sip:127.0.0.1', qop: 'auth', nc, cnonce: 'abc123', algorithm };
  const ha1 = ha1Of('1001', 'demo', password);
  return { ...credentials, response: digestResponse(algorithm, algorithm === 'MD5' ? ha1.md5 : ha1.sha256, method, credentials) };
}

describe('SIP digest authentication (RFC 3261 §22.4, RFC 2617, RFC 8760)', () => {
  it('computes the RFC 2617 §3.5 and RFC 7616 §3.9.1 example responses', () => {
    const rfc2617 = digestResponse('MD5', md5('Mufasa:testrealm@host.com:Circle Of Life'), 'GET', {
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    assert.equal(rfc2617, '6629fae49393a05397450978507c4ef1');
    const rfc7616 = digestResponse('SHA-256', sha256('Mufasa:http-auth@example.org:Circle of Life'), 'GET', {
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    });
    assert.equal(rfc7616, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('parses Authorization values with quoted strings, escapes and tokens', () => {
    const parsed = parseDigestCredentials(
      'Digest username="1001", realm="demo",nonce="n\\"1", uri="sip:kefu;transport=tcp", response="ABCDEF", algorithm=SHA-256, cnonce="c", qop=auth, nc=0000000a, opaque="o,p"',
    );
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    assert.equal(parsed.credentials.nonce, 'n"1');
    assert.equal(parsed.credentials.uri, 'sip:kefu;transport=tcp');
    assert.equal(parsed.credentials.response, 'abcdef');
    assert.equal(parsed.credentials.algorithm, 'SHA-256');
    assert.equal(parsed.credentials.opaque, 'o,p');
    assert.equal(parseDigestCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="x"').ok, true);
  });

  it('refuses malformed credentials with a reason, never an exception', () => {
    for (const bad of [
      '',
      'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
      'Digest username="1001", realm="demo"',
      'Digest username="1001, realm="demo", nonce="n", uri="u", response="r"',
      'Digest username="a", username="b", realm="r", nonce="n", uri="u", response="x"',
      'Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth',
      'Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth, cnonce="c", nc=12',
      'Digest =x',
      'Digest username',
      'Digest a=b c=d',
    ]) {
      const result = parseDigestCredentials(bad);
      assert.equal(result.ok, false, bad);
      assert.ok(!result.ok && result.reason.length > 0);
    }
  });

  it('accepts the right password with SHA-256 and MD5, refuses a wrong one and an unknown user', () => {
    const now = 1_000_000;
    const auth = new DigestAuthenticator({ nonceLifetimeMs: 60_000, algorithms: ['SHA-256', 'MD5'], now: () => now });
    const stored = ha1Of('1001', 'demo', 'right-password');
    const [sha, md] = auth.challenges('demo');
    assert.match(sha as string, /^Digest realm="demo", nonce="[\w-]+", algorithm=SHA-256, qop="auth"$/);
    assert.match(md as string, /algorithm=MD5/);
    assert.equal(auth.verify('REGISTER', answer(sha as string, 'SHA-256', 'right-password'), 'demo', stored), 'ok');
    assert.equal(auth.verify('REGISTER', answer(md as string, 'MD5', 'right-password', '00000002'), 'demo', stored), 'ok');
    assert.equal(auth.verify('REGISTER', answer(md as string, 'MD5', 'wrong-password', '00000003'), 'demo', stored), 'invalid');
    assert.equal(auth.verify('REGISTER', answer(md as string, 'MD5', 'right-password', '00000003'), 'demo', undefined), 'invalid');
    assert.equal(auth.verify('INVITE', answer(md as string, 'MD5', 'right-password', '00000004'), 'demo', stored), 'invalid', 'the method is covered');
    assert.equal(auth.verify('REGISTER', answer(md as string, 'MD5', 'right-password', '00000005'), 'acme', stored), 'invalid', 'another realm');
  });

  it('MUST answer stale for an expired nonce, and refuse forged nonces and replays', () => {
    let now = 5_000_000;
    const auth = new DigestAuthenticator({ nonceLifetimeMs: 30_000, algorithms: ['MD5'], now: () => now });
    const stored = ha1Of('1001', 'demo', 'pw-123456');
    const [challenge] = auth.challenges('demo');
    assert.match(auth.challenges('demo', true)[0] as string, /stale=true$/);
    const first = answer(challenge as string, 'MD5', 'pw-123456');
    assert.equal(auth.verify('REGISTER', first, 'demo', stored), 'ok');
    assert.equal(auth.verify('REGISTER', first, 'demo', stored), 'stale', 'the same nonce-count again is a replay');
    assert.equal(auth.verify('REGISTER', answer(challenge as string, 'MD5', 'pw-123456', '00000002'), 'demo', stored), 'ok');

    now += 31_000;
    assert.equal(auth.verify('REGISTER', answer(challenge as string, 'MD5', 'pw-123456', '00000003'), 'demo', stored), 'stale');
    assert.equal(auth.verify('REGISTER', answer(challenge as string, 'MD5', 'wrong', '00000004'), 'demo', stored), 'invalid');

    const other = new DigestAuthenticator({ nonceLifetimeMs: 30_000, algorithms: ['MD5'], now: () => now });
    const forged = answer(other.challenges('demo')[0] as string, 'MD5', 'pw-123456');
    assert.equal(auth.verify('REGISTER', forged, 'demo', stored), 'invalid', 'a nonce this node never issued');
  });

  it('MUST give every challenge its own nonce, even in the same millisecond (RFC 7616 §3.3)', () => {
    const now = 7_000_000;
    const auth = new DigestAuthenticator({ nonceLifetimeMs: 30_000, algorithms: ['MD5'], now: () => now });
    const stored = ha1Of('1001', 'demo', 'pw-123456');
    const challenges = Array.from({ length: 50 }, () => auth.challenges('demo')[0] as string);
    assert.equal(new Set(challenges.map((c) => /nonce="([^"]+)"/.exec(c)?.[1])).size, 50);
    // Fifty phones answering their own challenge with nonce-count 1: none is taken for a replay.
    for (const challenge of challenges) assert.equal(auth.verify('REGISTER', answer(challenge, 'MD5', 'pw-123456'), 'demo', stored), 'ok');
  });

  it('nodes sharing a secret accept each other’s nonces', () => {
    const secret = Buffer.alloc(32, 7);
    const now = () => 42_000;
    const a = new DigestAuthenticator({ secret, nonceLifetimeMs: 30_000, algorithms: ['SHA-256'], now });
    const b = new DigestAuthenticator({ secret, nonceLifetimeMs: 30_000, algorithms: ['SHA-256'], now });
    const stored = ha1Of('1001', 'demo', 'pw-123456');
    assert.equal(b.verify('REGISTER', answer(a.challenges('demo')[0] as string, 'SHA-256', 'pw-123456'), 'demo', stored), 'ok');
  });
});
