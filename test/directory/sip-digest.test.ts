import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sipHa1 } from '../../src/directory/sip-digest.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** RFC 2617 §3.2.2.1 / RFC 7616 §3.4.1: request-digest = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2)). */
function response(h: (text: string) => string, ha1: string, nonce: string, cnonce: string, method: string, uri: string): string {
  return h(`${ha1}:${nonce}:00000001:${cnonce}:auth:${h(`${method}:${uri}`)}`);
}

describe('SIP digest HA1', () => {
  it('is H(username ":" realm ":" password) in MD5 and SHA-256', () => {
    const ha1 = sipHa1('1001', 'demo', 'phone-secret');
    assert.equal(ha1.md5, md5('1001:demo:phone-secret'));
    assert.equal(ha1.sha256, sha256('1001:demo:phone-secret'));
    assert.match(ha1.md5, /^[0-9a-f]{32}$/);
    assert.match(ha1.sha256, /^[0-9a-f]{64}$/);
  });

  it('matches the worked example of RFC 2617 §3.5 (Mufasa)', () => {
    const ha1 = sipHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life');
    assert.equal(ha1.md5, '939e7578ed9e3c518a452acee763bce9');
    const digest = response(md5, ha1.md5, 'dcd98b7102dd2f0e8b11d0f600bfb0c093', '0a4f113b', 'GET', '/dir/index.html');
    assert.equal(digest, '6629fae49393a05397450978507c4ef1', 'a registrar holding only HA1 checks the client’s response');
  });

  it('matches the MD5 and SHA-256 examples of RFC 7616 §3.9.1 (used for SIP by RFC 8760)', () => {
    const ha1 = sipHa1('Mufasa', 'http-auth@example.org', 'Circle of Life');
    const nonce = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
    const cnonce = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
    assert.equal(response(md5, ha1.md5, nonce, cnonce, 'GET', '/dir/index.html'), '8ca523f5e9506fed4657c9700eebdbec');
    assert.equal(
      response(sha256, ha1.sha256, nonce, cnonce, 'GET', '/dir/index.html'),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('changes with each of username, realm and password', () => {
    const base = sipHa1('1001', 'demo', 'secret');
    for (const other of [sipHa1('1002', 'demo', 'secret'), sipHa1('1001', 'acme', 'secret'), sipHa1('1001', 'demo', 'Secret')]) {
      assert.notEqual(other.md5, base.md5);
      assert.notEqual(other.sha256, base.sha256);
    }
    assert.deepEqual(sipHa1('1001', 'demo', 'secret'), base, 'and is the same every time');
  });

  it('hashes a non-ASCII password as UTF-8, as phones send it', () => {
    assert.equal(sipHa1('1001', 'demo', '密码').md5, createHash('md5').update(Buffer.from('1001:demo:密码', 'utf8')).digest('hex'));
  });
});
