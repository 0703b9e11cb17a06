import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LossConcealer } from '../../src/media/jitter/loss-concealer.js';

const tone = (samples: number, amplitude = 10000) => Int16Array.from({ length: samples }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
const peak = (frame: Int16Array, from = 0, to = frame.length) => Math.max(...Array.from(frame.subarray(from, to), Math.abs));

describe('[issue 4] packet loss concealment (ITU-T G.711 Appendix I style)', () => {
  it('conceals a lost 20 ms frame with the last one heard: full level for 10 ms, then fading', () => {
    const concealer = new LossConcealer();
    const heard = tone(160);
    concealer.received(Int16Array.from(heard));
    const concealed = concealer.conceal(160);
    assert.deepEqual(Array.from(concealed.subarray(0, 80)), Array.from(heard.subarray(0, 80)), 'the first 10 ms repeat the last frame');
    assert.ok(peak(concealed, 80, 160) < peak(heard, 80, 160), 'then the level falls');
    assert.ok(peak(concealed, 80, 160) > peak(heard) * 0.7, 'by 20 % per 10 ms, not at once');
  });

  it('falls to silence 60 ms into a loss, and is silent before anything was heard', () => {
    const concealer = new LossConcealer();
    assert.equal(peak(concealer.conceal(160)), 0, 'nothing heard yet: silence');
    concealer.received(tone(160));
    const frames = [concealer.conceal(160), concealer.conceal(160), concealer.conceal(160), concealer.conceal(160)];
    assert.ok(peak(frames[1] as Int16Array) > 0 && peak(frames[1] as Int16Array) < peak(frames[0] as Int16Array));
    assert.ok(peak(frames[2] as Int16Array, 80) < peak(frames[1] as Int16Array) * 0.25, '50–60 ms: below a fifth');
    assert.equal(peak(frames[3] as Int16Array), 0, 'from 60 ms on, silence');
  });

  it('fades the first frame after a loss in from the concealment, and leaves frames without loss alone', () => {
    const concealer = new LossConcealer();
    const first = tone(160);
    concealer.received(Int16Array.from(first));
    const untouched = tone(160, 5000);
    assert.deepEqual(Array.from(concealer.received(Int16Array.from(untouched))), Array.from(untouched), 'no loss: the frame as it came');
    concealer.conceal(160);
    const back = concealer.received(new Int16Array(160));
    assert.ok(peak(back, 0, 8) > 0, 'the join starts from the concealment, not from a jump to the new frame');
    assert.equal(peak(back, 32), 0, 'after 4 ms, the frame as it came');
  });

  it('conceals frames of any ptime', () => {
    const concealer = new LossConcealer();
    concealer.received(tone(240));
    assert.equal(concealer.conceal(240).length, 240);
    assert.equal(concealer.concealing, 240);
  });
});
