import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canSee, EventHub, type NewEvent, type StreamEvent, type Viewer } from '../../src/events/index.js';

function agentState(agentId: string, to = 'ready'): NewEvent {
  return { type: 'agent.state', data: { agentId, from: 'logged_out', to, reason: null, presence: to, by: null } };
}

function seqs(events: StreamEvent[]): number[] {
  return events.map((event) => event.seq);
}

describe('E6 event hub', () => {
  it('numbers each tenant\'s events 1, 2, 3 … on their own, stamped with the time', () => {
    const hub = new EventHub({ now: () => Date.UTC(2025, 0, 1, 8, 0, 0) });
    assert.equal(hub.publish('t1', agentState('a1')).seq, 1);
    assert.equal(hub.publish('t1', agentState('a2')).seq, 2);
    const other = hub.publish('t2', agentState('b1'));
    assert.equal(other.seq, 1, 'another tenant counts from 1');
    assert.equal(other.at, '2025-01-01T08:00:00.000Z');
    assert.equal(hub.lastSeq('t1'), 2);
    assert.equal(hub.lastSeq('unknown'), 0);
  });

  it('delivers to the tenant\'s subscribers only, in order, until they unsubscribe', () => {
    const hub = new EventHub();
    const t1: StreamEvent[] = [];
    const t2: StreamEvent[] = [];
    const first = hub.subscribe('t1', (event) => t1.push(event));
    hub.subscribe('t2', (event) => t2.push(event));
    hub.publish('t1', agentState('a1'));
    hub.publish('t1', agentState('a2'));
    first.unsubscribe();
    hub.publish('t1', agentState('a3'));
    assert.deepEqual(seqs(t1), [1, 2]);
    assert.deepEqual(t2, []);
  });

  it('replays exactly the events after `since`, then follows live without a gap or a repeat', () => {
    const hub = new EventHub();
    for (let i = 0; i < 5; i++) hub.publish('t1', agentState(`a${i}`));
    const live: StreamEvent[] = [];
    const subscription = hub.subscribe('t1', (event) => live.push(event), { since: 3 });
    assert.equal(subscription.seq, 5);
    assert.deepEqual(subscription.resumption.kind === 'replay' && seqs(subscription.resumption.events), [4, 5]);
    hub.publish('t1', agentState('a5'));
    assert.deepEqual(seqs(live), [6]);
    const upToDate = hub.subscribe('t1', () => undefined, { since: 6, stream: hub.stream });
    assert.deepEqual(upToDate.resumption, { kind: 'replay', events: [] });
  });

  it('keeps at most maxEvents per tenant: a `since` older than that is told to reset', () => {
    const hub = new EventHub({ maxEvents: 3 });
    for (let i = 0; i < 10; i++) hub.publish('t1', agentState(`a${i}`));
    const held = hub.subscribe('t1', () => undefined, { since: 7 });
    assert.deepEqual(held.resumption.kind === 'replay' && seqs(held.resumption.events), [8, 9, 10], 'the last three are held');
    assert.deepEqual(hub.subscribe('t1', () => undefined, { since: 6 }).resumption, { kind: 'reset', seq: 10, reason: 'buffer_exceeded' });
  });

  it('keeps events for at most maxAgeMs', () => {
    let now = 0;
    const hub = new EventHub({ maxAgeMs: 60_000, now: () => now });
    hub.publish('t1', agentState('a1'));
    now = 30_000;
    hub.publish('t1', agentState('a2'));
    now = 70_000;
    const recent = hub.subscribe('t1', () => undefined, { since: 1 });
    assert.deepEqual(recent.resumption.kind === 'replay' && seqs(recent.resumption.events), [2]);
    assert.equal(hub.subscribe('t1', () => undefined, { since: 0 }).resumption.kind, 'reset', 'seq 1 has expired');
    now = 100_000;
    assert.equal(hub.subscribe('t1', () => undefined, { since: 1 }).resumption.kind, 'reset', 'seq 2 has expired too');
    assert.deepEqual(hub.subscribe('t1', () => undefined, { since: 2 }).resumption, { kind: 'replay', events: [] }, 'nothing missed');
  });

  it('treats a seq this stream never reached, or another stream\'s, as unknown', () => {
    const hub = new EventHub();
    hub.publish('t1', agentState('a1'));
    assert.deepEqual(hub.subscribe('t1', () => undefined, { since: 5 }).resumption, { kind: 'reset', seq: 1, reason: 'unknown_seq' });
    assert.deepEqual(hub.subscribe('t1', () => undefined, { since: 1, stream: 'before-a-restart' }).resumption, {
      kind: 'reset',
      seq: 1,
      reason: 'unknown_seq',
    });
  });

  it('holds a long run of events in order across the buffer\'s compaction', () => {
    const hub = new EventHub({ maxEvents: 1500 });
    for (let i = 0; i < 5000; i++) hub.publish('t1', agentState('a1'));
    const resumed = hub.subscribe('t1', () => undefined, { since: 3600 });
    assert.ok(resumed.resumption.kind === 'replay');
    assert.deepEqual(seqs(resumed.resumption.events), Array.from({ length: 1400 }, (_, i) => 3601 + i));
  });

  it('drops a subscriber that throws and reports it; the publisher and the others go on', () => {
    const errors: unknown[] = [];
    const hub = new EventHub({ onSubscriberError: (error) => errors.push(error) });
    const good: number[] = [];
    hub.subscribe('t1', () => {
      throw new Error('broken');
    });
    hub.subscribe('t1', (event) => good.push(event.seq));
    hub.publish('t1', agentState('a1'));
    hub.publish('t1', agentState('a2'));
    assert.deepEqual(good, [1, 2]);
    assert.equal(errors.length, 1, 'reported once, then dropped');
  });

  it('gives each event an audience: agents see their own state and interactions, supervisors all', () => {
    const hub = new EventHub();
    const own = { kind: 'member', agentId: 'a1' } as const;
    const other = { kind: 'member', agentId: 'a2' } as const;
    const supervisor = { kind: 'supervisor' } as const;
    const state = hub.publish('t1', agentState('a1'));
    assert.deepEqual(state.audience, { agentId: 'a1' });
    const offered = hub.publish('t1', {
      type: 'interaction.offered',
      data: { interactionId: 'i1', queueId: 'q1', agentId: 'a1', reservationId: 'r1', channel: 'voice', mode: 'live', expiresAt: 0 },
    });
    const queued = hub.publish('t1', { type: 'interaction.queued', data: { interactionId: 'i1', queueId: 'q1', channel: 'voice', position: 1, requeued: false } });
    const transferred = hub.publish('t1', {
      type: 'interaction.transferred',
      data: { interactionId: 'i1', agentId: 'a1', to: { kind: 'agent', agentId: 'a2' }, mode: 'blind' },
    });
    const stats = hub.publish('t1', {
      type: 'queue.stats',
      data: {
        queueId: 'q1',
        waiting: 0,
        longestWaitMs: 0,
        serviceLevel: { percent: null, answered: 0, answeredWithinThreshold: 0, abandoned: 0, targetPercent: 80, thresholdSeconds: 20 },
        agents: { ready: 1 },
      },
    });
    const forced = hub.publish('t1', { ...agentState('a2'), audience: 'all' });
    const seen = (viewer: Viewer) =>
      [state, offered, queued, transferred, stats, forced].filter((event) => canSee(viewer, event.audience)).map((event) => event.seq);
    assert.deepEqual(seen(supervisor), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(seen(own), [1, 2, 4, 5, 6]);
    assert.deepEqual(seen(other), [4, 5, 6], 'the transfer target sees the transfer; nobody else\'s state unless published to all');
    assert.deepEqual(seen({ kind: 'member', agentId: null }), [5, 6], 'a member who is no agent sees what is for all');
  });
});
