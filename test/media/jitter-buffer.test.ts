import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JitterBuffer, type Frame } from '../../src/media/jitter/jitter-buffer.js';
import { seededRandom } from '../helpers/random.js';

const options = { clockRate: 8000, frameSamples: 160, minDelayMs: 40, maxDelayMs: 200, capacity: 50 };
const packet = (n: number, base = 1000, ssrc = 1) => ({
  sequence: n & 0xffff,
  timestamp: (base + n * 160) >>> 0,
  ssrc,
  payload: Uint8Array.of(n & 0xff),
});
const contents = (frames: (Frame | undefined)[]) =>
  frames.filter((f) => f !== undefined).map((f) => ('missing' in f ? 'x' : (f.payload[0] as number)));


describe('jitter buffer', () => {
  it('plays an orderly stream in order after the minimum delay, nothing missing', () => {
    const buffer = new JitterBuffer(options);
    const out: (Frame | undefined)[] = [];
    for (let n = 0; n < 50; n++) {
      buffer.push(packet(n), n * 20);
      out.push(buffer.pop(n * 20));
    }
    assert.deepEqual(contents(out), Array.from({ length: 48 }, (_, i) => i));
    assert.equal(out[0], undefined, 'nothing plays while it fills');
    assert.equal(buffer.stats().missing, 0);
  });

  it('puts reordered packets back in order, drops duplicates and too-late packets, marks losses', () => {
    const buffer = new JitterBuffer(options);
    // Arrival order over time: 1 and 2 swapped, 3 twice, 4 lost until long after its turn.
    const arrivals: [number, number][] = [[0, 0], [2, 20], [1, 30], [3, 60], [3, 61], [5, 100], [6, 120], [7, 140], [8, 160], [4, 170]];
    const outcomes: string[] = [];
    const out: (Frame | undefined)[] = [];
    let next = 0;
    for (let t = 0; t <= 200; t += 20) {
      while (next < arrivals.length && (arrivals[next] as [number, number])[1] <= t) {
        const [n, at] = arrivals[next++] as [number, number];
        outcomes.push(buffer.push(packet(n), at));
      }
      out.push(buffer.pop(t));
    }
    assert.deepEqual(outcomes, ['queued', 'queued', 'queued', 'queued', 'duplicate', 'queued', 'queued', 'queued', 'queued', 'late']);
    assert.deepEqual(contents(out), [0, 1, 2, 3, 'x', 5, 6, 7, 8]);
    assert.equal(buffer.stats().missing, 1);
    assert.equal(buffer.stats().late, 1);
  });

  it('adapts its delay to jittery arrivals and conceals almost nothing', () => {
    const random = seededRandom(7);
    const buffer = new JitterBuffer(options);
    const arrivals = Array.from({ length: 1500 }, (_, n) => ({ n, at: n * 20 + random() * 60 })).sort((a, b) => a.at - b.at);
    let next = 0;
    let missingAfterWarmUp = 0;
    for (let t = 0; t < 1500 * 20; t += 20) {
      while (next < arrivals.length && (arrivals[next]?.at as number) <= t) {
        const a = arrivals[next++] as { n: number; at: number };
        buffer.push(packet(a.n), a.at);
      }
      const frame = buffer.pop(t);
      if (t > 2000 && frame !== undefined && 'missing' in frame) missingAfterWarmUp++;
    }
    const { delayMs } = buffer.stats();
    assert.ok(delayMs > 60 && delayMs <= 100, `delay ${delayMs} ms follows the 60 ms spread`);
    assert.ok(missingAfterWarmUp <= 15, `${missingAfterWarmUp} frames concealed of 1400`);
  });

  it('never holds more than its capacity', () => {
    const buffer = new JitterBuffer({ ...options, capacity: 10 });
    const outcomes = Array.from({ length: 30 }, (_, n) => buffer.push(packet(n), 0));
    assert.equal(outcomes.filter((o) => o === 'overflow').length, 20);
    assert.equal(buffer.stats().queued, 10);
    const first = buffer.pop(1000);
    assert.deepEqual(contents([first]), [20], 'the newest frames were kept');
  });

  it('plays across the 32-bit timestamp wrap', () => {
    const buffer = new JitterBuffer(options);
    const base = 0x1_0000_0000 - 3 * 160;
    const out: (Frame | undefined)[] = [];
    for (let n = 0; n < 10; n++) {
      buffer.push(packet(n, base), n * 20);
      out.push(buffer.pop(n * 20));
    }
    assert.deepEqual(contents(out), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('starts over on a new SSRC (a new stream, RFC 3550 §8.2)', () => {
    const buffer = new JitterBuffer(options);
    const out: (Frame | undefined)[] = [];
    for (let n = 0; n < 5; n++) {
      buffer.push(packet(n), n * 20);
      buffer.pop(n * 20);
    }
    for (let n = 0; n < 5; n++) {
      buffer.push(packet(n, 900_000, 2), 100 + n * 20);
      out.push(buffer.pop(100 + n * 20));
    }
    assert.deepEqual(contents(out), [0, 1, 2]);
  });

  it('shrinks back after a burst: the delay follows the jitter down', () => {
    const buffer = new JitterBuffer(options);
    for (let n = 0; n < 10; n++) buffer.push(packet(n), 0);
    for (let n = 10; n < 400; n++) {
      buffer.push(packet(n), n * 20 - 150);
      buffer.pop(n * 20);
    }
    assert.ok(buffer.stats().queued <= 6, `holds ${buffer.stats().queued} frames once the burst is over`);
  });
});
