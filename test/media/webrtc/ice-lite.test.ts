/**
 * Kefu's ICE-lite responder against werift's STUN messages (another implementation of RFC 5389):
 * a full agent's Binding request with the right credentials gets a success response that
 * werift verifies (MESSAGE-INTEGRITY with our password, FINGERPRINT) and whose XOR-MAPPED-ADDRESS
 * is where the request came from; wrong credentials get nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classes, Message, methods, parseMessage } from 'werift';
import { answerBinding, isStun, newIceCredentials } from '../../../src/media/webrtc/ice-lite.js';

const local = { ufrag: 'kefu', pwd: 'kefu-password-of-24-chars' };

function request(username: string, pwd: string, nominate: boolean): Buffer {
  const message = new Message(methods.BINDING, classes.REQUEST)
    .setAttribute('USERNAME', username)
    .setAttribute('PRIORITY', 2113937151)
    .setAttribute('ICE-CONTROLLING', 1234567890n);
  if (nominate) message.setAttribute('USE-CANDIDATE', null);
  return message.addMessageIntegrity(Buffer.from(pwd, 'utf8')).addFingerprint().bytes;
}

describe('[A4] ICE-lite Binding responses (RFC 8445 §2.5, RFC 5389)', () => {
  it('answers a valid check with the source address, integrity and fingerprint', () => {
    const bytes = request(`${local.ufrag}:u5zQ`, local.pwd, false);
    assert.equal(isStun(bytes), true);
    const answer = answerBinding(bytes, { address: '192.0.2.2', port: 43555 }, local);
    assert.ok(answer !== undefined);
    assert.equal(answer.nominated, false);
    const response = parseMessage(answer.response, Buffer.from(local.pwd, 'utf8'));
    assert.ok(response !== undefined, 'werift accepts its integrity and fingerprint');
    assert.equal(response.messageMethod, methods.BINDING);
    assert.equal(response.messageClass, classes.RESPONSE);
    assert.equal(response.transactionIdHex, parseMessage(bytes)?.transactionIdHex);
    assert.deepEqual(response.getAttributeValue('XOR-MAPPED-ADDRESS'), ['192.0.2.2', 43555]);
  });

  it('says when the controlling agent nominates the pair (USE-CANDIDATE)', () => {
    assert.equal(answerBinding(request(`${local.ufrag}:u5zQ`, local.pwd, true), { address: '127.0.0.1', port: 5000 }, local)?.nominated, true);
  });

  it('ignores checks with another ufrag or a wrong password', () => {
    assert.equal(answerBinding(request('other:u5zQ', local.pwd, false), { address: '127.0.0.1', port: 5000 }, local), undefined);
    assert.equal(answerBinding(request(`${local.ufrag}:u5zQ`, 'a-wrong-password-24-chars', false), { address: '127.0.0.1', port: 5000 }, local), undefined);
  });

  it('makes credentials of the lengths RFC 8445 §5.3 asks, from ice-chars', () => {
    const made = newIceCredentials();
    assert.match(made.ufrag, /^[A-Za-z0-9+/]{4,256}$/);
    assert.match(made.pwd, /^[A-Za-z0-9+/]{22,256}$/);
    assert.notEqual(newIceCredentials().pwd, made.pwd);
  });
});
