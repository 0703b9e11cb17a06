import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaClock, type Tick, type TimeSource } from '../../src/media/clock/media-clock.js';

/** A time source whose timers fire when the test advances time, `lateBy` ms after they were due. */
class FakeTime implements TimeSource {
  current = 1000;
  lateBy = 0;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  now() {
    return this.current;
  }
  after(delayMs: number, callback: () => void) {
    const timer = { at: this.current + Math.max(0, delayMs) + this.lateBy, callback, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
  advance(ms: number) {
    const end = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const next = this.timers.sort((a, b) => a.at - b.at)[0];
      if (next === undefined || next.at > end) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.current = next.at;
      next.callback();
    }
    this.current = end;
  }
}

describe('media clock', () => {
  it('ticks every 20 ms against absolute deadlines: late timers do not drift', () => {
    const time = new FakeTime();
    time.lateBy = 3;
    const ticks: Tick[] = [];
    const clock = new MediaClock(time, { periodMs: 20, maxCatchUp: 5 }, (tick) => ticks.push(tick));
    clock.start();
    time.advance(10_000);
    assert.equal(ticks.length, 500, 'ten seconds hold 500 ticks whatever each timer’s lateness');
    assert.deepEqual(ticks.slice(0, 3).map((t) => [t.index, t.dueAt]), [[0, 1000], [1, 1020], [2, 1040]]);
    assert.ok(ticks.every((t) => t.lateMs <= 3), 'each tick is as late as its timer, no more');
    assert.equal(ticks.at(-1)?.dueAt, 1000 + 499 * 20);
  });

  it('catches up after a short stall by running the missed ticks in order', () => {
    const time = new FakeTime();
    const ticks: Tick[] = [];
    const clock = new MediaClock(time, { periodMs: 20, maxCatchUp: 5 }, (tick) => {
      ticks.push(tick);
      if (tick.index === 10) time.current += 70; // the event loop was blocked for 70 ms
    });
    clock.start();
    time.advance(1000);
    assert.deepEqual(ticks.map((t) => t.index), Array.from({ length: ticks.length }, (_, i) => i), 'no index skipped');
    assert.ok(ticks.length >= 50);
    assert.equal(clock.skipped, 0);
  });

  it('skips what it cannot catch up after a long stall, and counts it', () => {
    const time = new FakeTime();
    const ticks: Tick[] = [];
    const clock = new MediaClock(time, { periodMs: 20, maxCatchUp: 5 }, (tick) => {
      ticks.push(tick);
      if (tick.index === 3) time.current += 1000;
    });
    clock.start();
    time.advance(2000);
    assert.ok(clock.skipped >= 40, `skipped ${clock.skipped}`);
    const late = ticks.filter((t) => t.lateMs > 100);
    assert.ok(late.length <= 6, 'at most maxCatchUp + 1 ticks run late in a burst');
  });

  it('stops at once and is idempotent', () => {
    const time = new FakeTime();
    let count = 0;
    const clock = new MediaClock(time, { periodMs: 20, maxCatchUp: 5 }, () => {
      count++;
      if (count === 5) clock.stop();
    });
    clock.start();
    clock.start();
    time.advance(1000);
    assert.equal(count, 5);
    clock.stop();
    assert.equal(clock.running, false);
  });
});
