import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Fault, parseCredentials, parseMessage, type Credentials } from '../../src/sip/index.js';
import { REGISTER } from './fixtures.js';

function credentials(value: string): Credentials {
  const parsed = parseCredentials(value);
  assert.ok(!(parsed instanceof Fault), parsed instanceof Fault ? parsed.reason : '');
  return parsed;
}

describe('Authorization and WWW-Authenticate values (RFC 3261 §25.1)', () => {
  it('reads a digest Authorization into unquoted parameters', () => {
    const result = parseMessage(REGISTER);
    assert.ok(result.ok);
    const digest = credentials(result.message.headers.get('authorization') ?? '');
    assert.equal(digest.scheme, 'Digest');
    assert.equal(digest.params.get('username'), '1001');
    assert.equal(digest.params.get('uri'), 'sip:pbx.example.com');
    assert.equal(digest.params.get('qop'), 'auth');
    assert.equal(digest.params.get('nc'), '00000001');
  });

  it('reads a challenge with escapes in a quoted realm', () => {
    const challenge = credentials('Digest realm="a \\"quoted\\" realm", nonce="abc", algorithm=SHA-256, qop="auth,auth-int", stale=TRUE');
    assert.equal(challenge.params.get('realm'), 'a "quoted" realm');
    assert.equal(challenge.params.get('qop'), 'auth,auth-int');
    assert.equal(challenge.params.get('stale'), 'TRUE');
  });

  it('parses an unknown scheme without trouble (RFC 4475 §3.3.7)', () => {
    const bytes = readFileSync(join(import.meta.dirname, '..', '..', '..', 'shared', 'sip-torture', 'valid-regaut01.sip'));
    const result = parseMessage(bytes);
    assert.ok(result.ok);
    const unknown = credentials(result.message.headers.get('authorization') ?? '');
    assert.equal(unknown.scheme, 'NoOneKnowsThisScheme');
    assert.equal(unknown.params.get('opaque-data'), 'here');
    assert.equal(credentials('Bearer mF_9.B5f-4.1JqM').token, 'mF_9.B5f-4.1JqM');
  });

  it('rejects broken parameter lists with an offset', () => {
    for (const [value, offset] of [['Digest realm="x', 13], ['Digest realm x', 13], ['Digest a=1,, b=2', 11], ['Digest a=1, a=2', 12], ['', 0]] as const) {
      const parsed = parseCredentials(value);
      assert.ok(parsed instanceof Fault, value);
      assert.equal(parsed.offset, offset, `${value}: ${parsed.reason}`);
    }
  });
});
