import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DTMF_DIGITS, TelephoneEvent, digitOfEvent, eventOfDigit } from '../../src/media/index.js';

describe('telephone-event payload (RFC 4733 §2.3)', () => {
  it('reads the first and the end packet of a captured digit and writes them back', () => {
    const first = Uint8Array.of(0x01, 0x0a, 0x00, 0x00);
    const last = Uint8Array.of(0x01, 0x8a, 0x08, 0xc0);
    const a = TelephoneEvent.parse(first);
    const b = TelephoneEvent.parse(last);
    assert.ok(a.ok && b.ok);
    assert.deepEqual({ ...a.value }, { event: 1, end: false, volume: 10, duration: 0 });
    assert.deepEqual({ ...b.value }, { event: 1, end: true, volume: 10, duration: 2240 });
    assert.deepEqual(a.value.serialize(), first);
    assert.deepEqual(b.value.serialize(), last);
  });

  it('ignores the reserved R bit (§2.3.4) and bytes after the first event', () => {
    const result = TelephoneEvent.parse(Uint8Array.of(11, 0xc0 | 63, 0xff, 0xff, 9, 9, 9, 9));
    assert.ok(result.ok);
    assert.deepEqual({ ...result.value }, { event: 11, end: true, volume: 63, duration: 0xffff });
    assert.deepEqual([...result.value.serialize()], [11, 0x80 | 63, 0xff, 0xff], 'R is written as 0');
  });

  it('reports a payload shorter than 4 bytes with its offset', () => {
    for (const length of [0, 1, 2, 3]) {
      const result = TelephoneEvent.parse(new Uint8Array(length));
      assert.ok(!result.ok);
      assert.equal(result.error.offset, length);
      assert.equal(result.error.code, 'ERR_MEDIA_PARSE');
    }
  });

  it('refuses fields that do not fit (event 8 bits, volume 6, duration 16)', () => {
    assert.throws(() => new TelephoneEvent({ event: 256, end: false, volume: 0, duration: 0 }), /event/);
    assert.throws(() => new TelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 }), /volume/);
    assert.throws(() => new TelephoneEvent({ event: 1, end: false, volume: 0, duration: 0x10000 }), /duration/);
  });

  it('maps events 0–15 to 0–9 * # A–D and nothing else to a digit (RFC 4733 §3.2)', () => {
    assert.equal(DTMF_DIGITS.join(''), '0123456789*#ABCD');
    assert.equal(digitOfEvent(10), '*');
    assert.equal(digitOfEvent(11), '#');
    assert.equal(digitOfEvent(16), undefined, '16 is flash, not a digit');
    for (const digit of DTMF_DIGITS) assert.equal(digitOfEvent(eventOfDigit(digit)), digit);
  });
});
