import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePeer, isSecure, parsePeer, type Peer } from '../../src/sip/index.js';

describe('peers: how a binding records where a phone is', () => {
  it('parsePeer reads back what describePeer wrote, for every transport and IPv6', () => {
    const peers: Peer[] = [
      { transport: 'UDP', address: '192.0.2.1', port: 5060 },
      { transport: 'TCP', address: '192.0.2.1', port: 40000 },
      { transport: 'TLS', address: '2001:db8::1', port: 5061 },
      { transport: 'WS', address: '127.0.0.1', port: 51234 },
      { transport: 'WSS', address: '::1', port: 443 },
    ];
    for (const peer of peers) assert.deepEqual(parsePeer(describePeer(peer)), peer);
    assert.equal(describePeer({ transport: 'WSS', address: '::1', port: 443 }), 'wss:[::1]:443');
  });

  it('parsePeer refuses anything else', () => {
    for (const text of ['', 'sctp:192.0.2.1:5060', 'ws:192.0.2.1', 'ws:192.0.2.1:70000', 'ws:::1:5060', 'WS:192.0.2.1:5060x']) {
      assert.equal(parsePeer(text), undefined, text);
    }
  });

  it('TLS and WSS are the secure hops (RFC 3261 §26.2.2)', () => {
    assert.deepEqual((['UDP', 'TCP', 'TLS', 'WS', 'WSS'] as const).filter(isSecure), ['TLS', 'WSS']);
  });
});
