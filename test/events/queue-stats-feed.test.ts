import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventHub, QueueStatsFeed, type QueueStatsData } from '../../src/events/index.js';
import { FakeTimers } from '../helpers/fake-timers.js';

interface Published {
  at: number;
  tenant: string;
  queueId: string;
  waiting: number;
}

/** A feed over a fake clock; the provider reads `figures`, the test changes them. */
function setUp() {
  const timers = new FakeTimers();
  const hub = new EventHub({ now: () => timers.now });
  const figures = new Map<string, number>();
  const provided: string[] = [];
  const feed = new QueueStatsFeed({
    hub,
    clock: { now: () => timers.now, set: (ms, callback) => timers.set(ms, callback) },
    provider: (tenantId, queueId): QueueStatsData | undefined => {
      provided.push(`${tenantId}/${queueId}`);
      const waiting = figures.get(`${tenantId}/${queueId}`);
      if (waiting === undefined) return undefined;
      return {
        queueId,
        waiting,
        longestWaitMs: waiting > 0 ? 1000 : 0,
        serviceLevel: { percent: null, answered: 0, answeredWithinThreshold: 0, abandoned: 0, targetPercent: 80, thresholdSeconds: 20 },
        agents: { ready: 1 },
      };
    },
  });
  const published: Published[] = [];
  for (const tenant of ['t1', 't2']) {
    hub.subscribe(tenant, (event) => {
      if (event.type === 'queue.stats') published.push({ at: timers.now, tenant, queueId: event.data.queueId, waiting: event.data.waiting });
    });
  }
  return { timers, feed, figures, published, provided };
}

describe('E6 queue statistics, coalesced', () => {
  it('publishes a burst of changes once, right after it, never during the marking call', () => {
    const { timers, feed, figures, published } = setUp();
    figures.set('t1/sales', 0);
    for (let i = 0; i < 50; i++) feed.markDirty('t1', 'sales');
    assert.equal(published.length, 0, 'not inside markDirty');
    timers.advance(0);
    assert.deepEqual(published, [{ at: 0, tenant: 't1', queueId: 'sales', waiting: 0 }]);
  });

  it('publishes one queue at most once a second, and a change within a second of it', () => {
    const { timers, feed, figures, published } = setUp();
    figures.set('t1/sales', 0);
    feed.markDirty('t1', 'sales');
    timers.advance(0);
    for (let t = 0; t < 2500; t += 100) {
      timers.advance(100);
      feed.markDirty('t1', 'sales');
    }
    timers.advance(2000);
    assert.deepEqual(
      published.map((p) => p.at),
      [0, 1000, 2000, 3000],
      'changes every 100 ms go out once a second; the last change (at 2.5 s) by 3 s, then nothing',
    );
  });

  it('keeps each queue and tenant apart', () => {
    const { timers, feed, figures, published } = setUp();
    figures.set('t1/sales', 0).set('t1/support', 0).set('t2/sales', 0);
    feed.markDirty('t1', 'sales');
    feed.markDirty('t1', 'support');
    feed.markDirty('t2', 'sales');
    timers.advance(0);
    assert.deepEqual(
      published.map((p) => `${p.tenant}/${p.queueId}`).sort(),
      ['t1/sales', 't1/support', 't2/sales'],
    );
  });

  it('goes on publishing every second while someone waits (their wait grows), and stops when nobody does', () => {
    const { timers, feed, figures, published } = setUp();
    figures.set('t1/sales', 2);
    feed.markDirty('t1', 'sales');
    timers.advance(3500);
    assert.deepEqual(published.map((p) => p.at), [0, 1000, 2000, 3000]);
    figures.set('t1/sales', 0);
    timers.advance(3000);
    assert.deepEqual(published.map((p) => p.at), [0, 1000, 2000, 3000, 4000], 'one more with nobody waiting, then quiet');
  });

  it('forgets a queue the provider no longer knows, and stops on close', () => {
    const { timers, feed, figures, published, provided } = setUp();
    feed.markDirty('t1', 'gone');
    timers.advance(0);
    assert.deepEqual(provided, ['t1/gone']);
    assert.equal(published.length, 0);
    figures.set('t1/sales', 1);
    feed.markDirty('t1', 'sales');
    timers.advance(0);
    feed.close();
    timers.advance(5000);
    assert.equal(published.length, 1);
    assert.equal(timers.pending, 0);
  });
});
