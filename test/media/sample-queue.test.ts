import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SampleQueue } from '../../src/media/mixer/sample-queue.js';

describe('[issue 4] sample queue between sessions of different phases and ptimes', () => {
  it('hands 20 ms frames on as 30 ms frames in order, and nothing while too few wait', () => {
    const queue = new SampleQueue((n) => new Int16Array(n), 960);
    const out = new Int16Array(240);
    queue.put(Int16Array.from({ length: 160 }, (_, i) => i));
    assert.equal(queue.take(out), false);
    queue.put(Int16Array.from({ length: 160 }, (_, i) => 160 + i));
    assert.equal(queue.take(out), true);
    assert.deepEqual(Array.from(out), Array.from({ length: 240 }, (_, i) => i));
    assert.equal(queue.length, 80);
  });

  it('keeps the newest samples when the writer gets ahead by more than its capacity', () => {
    const queue = new SampleQueue((n) => new Uint8Array(n), 4);
    queue.put(Uint8Array.of(1, 2, 3));
    queue.put(Uint8Array.of(4, 5, 6));
    const out = new Uint8Array(4);
    assert.ok(queue.take(out));
    assert.deepEqual(Array.from(out), [3, 4, 5, 6]);
    queue.put(Uint8Array.of(7));
    queue.clear();
    assert.equal(queue.length, 0);
  });
});
