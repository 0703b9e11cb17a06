import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TelephoneEvent } from '../../../src/media/index.js';
import { DtmfSender } from '../../../src/media/session/dtmf-sender.js';

/** Runs the sender tick by tick from timestamp 1000; what each tick sent (undefined: audio). */
function run(sender: DtmfSender, ticks: number) {
  const out = [];
  for (let tick = 0; tick < ticks; tick++) {
    const packet = sender.next(1000 + tick * 160);
    out.push(packet === undefined ? undefined : { ...packet, event: (TelephoneEvent.parse(packet.payload) as { ok: true; value: TelephoneEvent }).value });
  }
  return out;
}

describe('[issue 4] RFC 4733 sender', () => {
  it('MUST send a marked start, growing durations on one timestamp, and the end packet three times (§2.5.1)', () => {
    const sender = new DtmfSender(160);
    let done = 0;
    sender.send(['5'], { durationMs: 100, gapMs: 40 }, () => done++);
    const sent = run(sender, 9);
    const events = sent.filter((p) => p !== undefined);
    assert.equal(events.length, 7, 'start, 3 updates, 3 ends');
    assert.deepEqual(events.map((p) => p.marker), [true, false, false, false, false, false, false]);
    assert.ok(events.every((p) => p.timestamp === 1000), 'every packet carries the event start timestamp');
    assert.deepEqual(events.map((p) => p.event.duration), [160, 320, 480, 640, 800, 800, 800]);
    assert.deepEqual(events.map((p) => p.event.end), [false, false, false, false, true, true, true]);
    assert.ok(events.every((p) => p.event.event === 5 && p.event.volume === 10));
    assert.equal(done, 1);
    assert.deepEqual(sent.slice(7), [undefined, undefined], 'audio again after the digit');
  });

  it('queued digits follow each other after the gap, each with its own timestamp', () => {
    const sender = new DtmfSender(160);
    const finished: string[] = [];
    sender.send(['1', '#'], { durationMs: 40, gapMs: 40 }, () => finished.push('all'));
    const sent = run(sender, 12);
    const starts = sent.filter((p) => p?.marker === true);
    assert.deepEqual(starts.map((p) => p?.event.event), [1, 11]);
    // Start, end ×3 (4 ticks), 2 ticks of gap: the second digit starts at tick 6.
    assert.deepEqual(starts.map((p) => p?.timestamp), [1000, 1000 + 6 * 160]);
    assert.deepEqual(sent.slice(4, 6), [undefined, undefined], 'a 40 ms gap of audio between the digits');
    assert.deepEqual(finished, ['all']);
    assert.equal(sender.busy, false);
  });
});
