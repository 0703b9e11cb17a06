import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameMessage, parseMessage, StreamFramer } from '../../src/sip/index.js';
import { INVITE, REGISTER } from './fixtures.js';

describe('stream framing (RFC 3261 §18.3)', () => {
  it('says how many bytes the first message takes, or that more are needed', () => {
    assert.deepEqual(frameMessage(Buffer.concat([INVITE, REGISTER])), { kind: 'message', length: INVITE.length });
    assert.deepEqual(frameMessage(INVITE.subarray(0, INVITE.length - 1)), { kind: 'incomplete' });
    assert.deepEqual(frameMessage(INVITE.subarray(0, 40)), { kind: 'incomplete' });
    assert.deepEqual(frameMessage(Buffer.alloc(0)), { kind: 'incomplete' });
  });

  it('reports CRLF keep-alives separately (RFC 5626 §4.4.1)', () => {
    const framer = new StreamFramer();
    const events = framer.push(Buffer.concat([Buffer.from('\r\n\r\n'), REGISTER, Buffer.from('\r\n')]));
    assert.deepEqual(events.map((event) => event.kind), ['keepalive', 'message', 'keepalive']);
  });

  it('MUST have Content-Length on a stream; a bad or over-large one breaks the connection', () => {
    const noLength = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n');
    assert.equal(frameMessage(noLength).kind, 'error');
    assert.equal(frameMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: -1\r\n\r\n')).kind, 'error');
    assert.equal(frameMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\n')).kind, 'error');
    assert.equal(frameMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 70000\r\n\r\n')).kind, 'error');
    assert.equal(frameMessage(Buffer.alloc(70_000, 'a')).kind, 'error', 'headers that never end');
    const framer = new StreamFramer();
    framer.push(Buffer.concat([REGISTER, noLength, INVITE]));
    assert.equal(framer.broken, true);
  });

  it('reassembles messages fed one byte at a time', () => {
    const framer = new StreamFramer();
    const wire = Buffer.concat([INVITE, REGISTER, INVITE]);
    const messages: Buffer[] = [];
    for (let i = 0; i < wire.length; i++) {
      for (const event of framer.push(wire.subarray(i, i + 1))) if (event.kind === 'message') messages.push(event.bytes);
    }
    assert.deepEqual(messages, [INVITE, REGISTER, INVITE]);
    assert.equal(framer.pending, 0);
    for (const bytes of messages) assert.ok(parseMessage(bytes, { transport: 'stream' }).ok);
  });

  it('counts error offsets from the start of the connection', () => {
    const framer = new StreamFramer({ maxMessageBytes: 1000 });
    const events = framer.push(Buffer.concat([REGISTER, Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 5000\r\n\r\n')]));
    const error = events.at(-1);
    assert.ok(error?.kind === 'error' && error.offset > REGISTER.length);
  });
});
