import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendSchedule, TICK_MS } from '../../src/media/clock/send-schedule.js';

/** Ticks at which each item was served, over `ticks` ticks from 0. */
function run<T>(schedule: SendSchedule<T>, ticks: number, from = 0): Map<T, number[]> {
  const served = new Map<T, number[]>();
  for (let tick = from; tick < from + ticks; tick++) {
    for (const item of schedule.take(tick)) served.set(item, [...(served.get(item) ?? []), tick]);
  }
  return served;
}

describe('[issue 4] send schedule: each session on a phase of its own, once per ptime', () => {
  it('spreads 1,000 sessions of 20 ms evenly over the ten 2 ms phases of a frame', () => {
    const schedule = new SendSchedule<number>();
    for (let i = 0; i < 1000; i++) schedule.add(i, SendSchedule.periodOf(20));
    const perTick = Array.from({ length: 10 }, (_, tick) => schedule.take(tick).length);
    assert.deepEqual(perTick, Array(10).fill(100), 'a tenth of the sessions on each tick, not all on one');
    assert.equal(TICK_MS * 10, 20);
  });

  it('serves a session exactly one ptime apart, for every ptime from 10 to 60 ms', () => {
    for (const ptime of [10, 20, 30, 40, 50, 60]) {
      const schedule = new SendSchedule<string>();
      schedule.add('a', SendSchedule.periodOf(ptime));
      schedule.add('b', SendSchedule.periodOf(20));
      const ticks = run(schedule, 1000).get('a') ?? [];
      const gaps = new Set(ticks.slice(1).map((tick, i) => (tick - (ticks[i] as number)) * TICK_MS));
      assert.deepEqual([...gaps], [ptime], `ptime ${ptime}`);
      assert.ok(ticks.length >= Math.floor(2000 / ptime));
    }
  });

  it('refuses a ptime outside 10–60 ms in 10 ms steps', () => {
    for (const ptime of [0, 5, 25, 70, 22.5]) assert.throws(() => SendSchedule.periodOf(ptime), RangeError, `ptime ${ptime}`);
  });

  it('puts a follower on its leader’s phase, and forgets what was removed', () => {
    const schedule = new SendSchedule<string>();
    schedule.add('a', 10);
    schedule.add('b', 10);
    schedule.add('c', 10);
    schedule.follow('c', 'a');
    schedule.remove('b');
    const served = run(schedule, 40);
    assert.deepEqual(served.get('c'), served.get('a'));
    assert.equal(served.get('b'), undefined);
    assert.equal(schedule.size, 2);
  });

  it('after ticks the clock skipped, serves each session again on its own phase, not in a burst', () => {
    const schedule = new SendSchedule<number>();
    for (let i = 0; i < 10; i++) schedule.add(i, 10);
    const before = run(schedule, 10);
    const after = run(schedule, 20, 500);
    for (let i = 0; i < 10; i++) {
      const phase = ((before.get(i) as number[])[0] as number) % 10;
      assert.deepEqual(after.get(i), [500 + ((phase - 500 % 10 + 10) % 10), 510 + ((phase - 500 % 10 + 10) % 10)]);
    }
  });
});
