import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asAgentId, asInteractionId } from '../../src/routing/index.js';
import { Harness } from './harness.js';

const a1 = asAgentId('a1');

/** One queue and one agent, not ready, so callers pile up until the agent is made ready. */
function backlog(settings: Partial<Parameters<Harness['queue']>[0]> = {}): Harness {
  const harness = new Harness();
  harness.queue({ id: 'sales', ...settings });
  harness.agent({ id: 'a1', queues: ['sales'], skills: { english: 3, billing: 1 } });
  harness.send({ type: 'notReady', agent: a1, reason: 'break' });
  return harness;
}

/** Serves the queue with a1 one call at a time and returns the order. */
function drain(harness: Harness, count: number): string[] {
  const order: string[] = [];
  harness.send({ type: 'ready', agent: a1 });
  for (let index = 0; index < count; index++) {
    const offer = harness.offerTo('a1');
    order.push(offer.interaction);
    harness.accept('a1');
    harness.end(offer.interaction);
  }
  return order;
}

describe('queueing', () => {
  it('C2 a VIP goes ahead of everyone; priority counts as waiting time (30 s a level by default)', () => {
    const harness = backlog();
    harness.enqueue({ id: 'first', channel: 'voice', queue: 'sales' });
    harness.now += 40_000;
    harness.enqueue({ id: 'urgent', channel: 'voice', queue: 'sales', priority: 2 });
    harness.enqueue({ id: 'mild', channel: 'voice', queue: 'sales', priority: 1 });
    const vip = harness.enqueue({ id: 'vip', channel: 'voice', queue: 'sales', vip: true });
    assert.equal(harness.of('queued', vip)[0]?.position, 1);
    assert.deepEqual(drain(harness, 4), ['vip', 'urgent', 'first', 'mild']);
  });

  it('fairness across queues: an agent in two queues serves the longest waiting customer first, weighted by queue priority', () => {
    const harness = new Harness();
    harness.queue({ id: 'sales' });
    harness.queue({ id: 'support' });
    harness.queue({ id: 'gold', priority: 3 });
    harness.agent({ id: 'a1', queues: ['sales', 'support', 'gold'] });
    harness.send({ type: 'notReady', agent: a1, reason: 'break' });
    harness.enqueue({ id: 's1', channel: 'voice', queue: 'support' });
    harness.now += 10_000;
    harness.enqueue({ id: 'p1', channel: 'voice', queue: 'sales' });
    harness.now += 10_000;
    harness.enqueue({ id: 's2', channel: 'voice', queue: 'support' });
    harness.enqueue({ id: 'g1', channel: 'voice', queue: 'gold' });
    harness.now += 10_000;
    harness.enqueue({ id: 'p2', channel: 'voice', queue: 'sales' });
    assert.deepEqual(drain(harness, 5), ['g1', 's1', 'p1', 's2', 'p2']);
  });

  it('skills with levels; requirements relax while the customer waits', () => {
    const harness = new Harness();
    harness.queue({ id: 'support', relaxation: [{ afterSeconds: 30, lowerBy: 2 }, { afterSeconds: 90, lowerBy: 5 }] });
    harness.agent({ id: 'novice', queues: ['support'], skills: { french: 2 } });
    harness.agent({ id: 'none', queues: ['support'], skills: {} });
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'support', skills: [{ skill: 'french', level: 4 }] });
    assert.deepEqual(harness.offered(), []);
    assert.equal(harness.advance(29).length, 0);
    assert.deepEqual(harness.offered(harness.advance(1)), ['c1→novice'], 'french 4 − 2 = 2 after 30 s');
    harness.send({ type: 'reject', reservation: harness.offerTo('novice').reservation });
    assert.deepEqual(harness.offered(harness.advance(60)), ['c1→none'], 'after 90 s french is no longer required');
  });

  it('C5 maximum wait overflows to another queue, keeping the customer\'s seniority there', () => {
    const harness = new Harness();
    harness.queue({ id: 'backup' });
    harness.queue({ id: 'sales', maxWaitSeconds: 60, overflow: { kind: 'queue', queue: 'backup' } });
    harness.agent({ id: 'b1', queues: ['backup'] });
    harness.send({ type: 'notReady', agent: asAgentId('b1'), reason: 'break' });
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    harness.now += 30_000;
    harness.enqueue({ id: 'c2', channel: 'voice', queue: 'backup' });
    const moved = harness.advance(30);
    assert.deepEqual(harness.of('overflow', moved).map(({ interaction, target, reason, waitedMs }) => ({ interaction, target, reason, waitedMs })), [
      { interaction: 'c1', target: { kind: 'queue', queue: 'backup' }, reason: 'max_wait', waitedMs: 60_000 },
    ]);
    assert.deepEqual(harness.of('queued', moved).map(({ queue, position }) => ({ queue, position })), [{ queue: 'backup', position: 1 }]);
    assert.equal(harness.stats('sales').waiting, 0);
  });

  it('C5 overflow to voicemail or a flow lets the interaction go; to a callback keeps its place', () => {
    const harness = backlog({ maxWaitSeconds: 20, overflow: { kind: 'voicemail', mailbox: '8000' } });
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    assert.deepEqual(harness.of('overflow', harness.advance(20)).map((overflow) => overflow.target), [{ kind: 'voicemail', mailbox: '8000' }]);
    const gone = harness.send({ type: 'end', interaction: asInteractionId('c1') });
    assert.equal(harness.of('refused', gone)[0]?.code, 'ERR_UNKNOWN_INTERACTION', 'the core has let go of it');

    const callbacks = backlog({ maxWaitSeconds: 20, overflow: { kind: 'callback' } });
    callbacks.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    callbacks.now += 5000;
    callbacks.enqueue({ id: 'c2', channel: 'voice', queue: 'sales' });
    const kept = callbacks.advance(15);
    assert.deepEqual(callbacks.of('overflow', kept).map((overflow) => overflow.target.kind), ['callback']);
    assert.equal(callbacks.advance(600).filter((decision) => decision.type === 'overflow').length, 1, 'c2 overflowed too, c1 never again');
    callbacks.send({ type: 'ready', agent: a1 });
    const offer = callbacks.offerTo('a1');
    assert.deepEqual({ interaction: offer.interaction, mode: offer.mode }, { interaction: 'c1', mode: 'callback' });
  });

  it('"press 1 to be called back" keeps the place and stops the maximum wait', () => {
    const harness = backlog({ maxWaitSeconds: 20, overflow: { kind: 'flow', flow: 'goodbye' } });
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    harness.send({ type: 'callback', interaction: asInteractionId('c1') });
    assert.equal(harness.of('overflow', harness.advance(60)).length, 0);
    assert.deepEqual(drain(harness, 1), ['c1']);
    assert.equal(harness.offerTo('a1').mode, 'callback');
  });

  it('C5 a queue with nobody logged in overflows at once when told to', () => {
    const harness = new Harness();
    harness.queue({ id: 'night', overflowWhenUnstaffed: true, overflow: { kind: 'voicemail', mailbox: '8000' } });
    const decisions = harness.enqueue({ id: 'c1', channel: 'voice', queue: 'night' });
    assert.deepEqual(decisions.map((decision) => decision.type), ['overflow']);
    assert.equal(harness.of('overflow', decisions)[0]?.reason, 'unstaffed');
  });

  it('C3 capacity per channel: one call, three chats, two e-mails at once', () => {
    const harness = new Harness();
    harness.queue({ id: 'web' });
    harness.agent({ id: 'a1', queues: ['web'], capacity: { voice: 1, chat: 3, email: 2 } });
    for (const [index, channel] of (['chat', 'chat', 'chat', 'chat', 'email', 'email', 'email', 'voice', 'voice'] as const).entries()) {
      harness.enqueue({ id: `${channel}${index}`, channel, queue: 'web' });
    }
    assert.deepEqual(harness.offered().sort(), ['chat0→a1', 'chat1→a1', 'chat2→a1', 'email4→a1', 'email5→a1', 'voice7→a1']);
    assert.deepEqual(harness.core.agent(a1)?.used, { voice: 1, chat: 3, email: 2, sms: 0, fax: 0 });
    const outbound = harness.send({ type: 'assign', interaction: asInteractionId('out1'), channel: 'voice', agent: a1 });
    assert.equal(harness.of('refused', outbound)[0]?.code, 'ERR_NO_CAPACITY');
    harness.send({ type: 'reject', reservation: harness.offerTo('a1').reservation });
    assert.equal(harness.stats('web').waiting, 9, 'five still ringing, four in the list');
    assert.deepEqual(harness.core.agent(a1)?.used, { voice: 0, chat: 3, email: 2, sms: 0, fax: 0 });
  });

  it('queue statistics: waiting, longest wait, service level against its target, agents by state', () => {
    const harness = new Harness();
    harness.queue({ id: 'sales', serviceLevel: { percent: 80, seconds: 20 }, ringTimeoutSeconds: 60 });
    harness.agent({ id: 'a1', queues: ['sales'] });
    harness.agent({ id: 'a2', queues: ['sales'] });
    harness.agent({ id: 'a3', queues: ['sales'] }, false);
    harness.enqueue({ id: 'quick', channel: 'voice', queue: 'sales' });
    harness.now += 5000;
    harness.accept(harness.offerTo('a1').agent);
    harness.enqueue({ id: 'slow', channel: 'voice', queue: 'sales' });
    harness.now += 30_000;
    harness.accept('a2');
    for (const id of ['w1', 'w2', 'w3']) harness.enqueue({ id, channel: 'voice', queue: 'sales' });
    harness.now += 25_000;
    harness.end('w3');
    harness.now += 5000;
    const stats = harness.stats('sales');
    assert.equal(stats.waiting, 2);
    assert.equal(stats.longestWaitMs, 30_000);
    assert.deepEqual(stats.serviceLevel, { percent: 100 / 3, answered: 2, answeredWithinThreshold: 1, abandoned: 1, targetPercent: 80, thresholdSeconds: 20 });
    assert.deepEqual(stats.agents, { logged_out: 1, ready: 0, not_ready: 0, reserved: 0, busy: 2, wrap_up: 0 });
    assert.equal(harness.of('abandoned').at(-1)?.waitedMs, 25_000);
  });

  it('C5 position and expected wait announced at the queue\'s interval', () => {
    const harness = backlog({ announceEverySeconds: 30, expectedHandleSeconds: 120 });
    harness.send({ type: 'ready', agent: a1 });
    harness.enqueue({ id: 'c0', channel: 'voice', queue: 'sales' });
    harness.accept('a1');
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    harness.now += 10_000;
    harness.enqueue({ id: 'c2', channel: 'voice', queue: 'sales' });
    const first = harness.advance(20);
    assert.deepEqual(harness.of('announce', first).map(({ interaction, position, expectedWaitSeconds }) => ({ interaction, position, expectedWaitSeconds })), [
      { interaction: 'c1', position: 1, expectedWaitSeconds: 120 },
    ]);
    const second = harness.advance(10);
    assert.deepEqual(harness.of('announce', second).map(({ interaction, position }) => ({ interaction, position })), [{ interaction: 'c2', position: 2 }]);
    const late = harness.advance(3600);
    assert.equal(harness.of('announce', late).length, 2, 'a long pause announces once each, not once per missed interval');
  });

  it('bad input is refused naming the field, and changes nothing', () => {
    const harness = new Harness();
    const refusedQueue = harness.send({ type: 'defineQueue', queue: { id: 'q', ringTimeoutSeconds: -1 } });
    assert.deepEqual(harness.of('refused', refusedQueue).map(({ code, field }) => ({ code, field })), [{ code: 'ERR_VALIDATION', field: 'queue.ringTimeoutSeconds' }]);
    const noOverflow = harness.send({ type: 'defineQueue', queue: { id: 'q', maxWaitSeconds: 30 } });
    assert.equal(harness.of('refused', noOverflow)[0]?.field, 'queue.overflow');
    const unknownTarget = harness.send({ type: 'defineQueue', queue: { id: 'q', maxWaitSeconds: 30, overflow: { kind: 'queue', queue: 'nowhere' } } });
    assert.equal(harness.of('refused', unknownTarget)[0]?.code, 'ERR_UNKNOWN_QUEUE');
    const noQueue = harness.send({ type: 'enqueue', interaction: { id: 'c1', channel: 'voice', queue: 'q' } });
    assert.deepEqual(harness.of('refused', noQueue).map(({ code, field }) => ({ code, field })), [{ code: 'ERR_UNKNOWN_QUEUE', field: 'interaction.queue' }]);
    harness.queue({ id: 'q' });
    const badChannel = harness.send({ type: 'enqueue', interaction: { id: 'c1', channel: 'pigeon' as never, queue: 'q' } });
    assert.equal(harness.of('refused', badChannel)[0]?.field, 'interaction.channel');
    const badAgent = harness.send({ type: 'defineAgent', agent: { id: 'a1', queues: ['q', 'elsewhere'] } });
    assert.deepEqual(harness.of('refused', badAgent).map(({ code, field }) => ({ code, field })), [{ code: 'ERR_UNKNOWN_QUEUE', field: 'agent.queues.1' }]);
    assert.equal(harness.core.agent(a1), undefined);
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'q' });
    assert.equal(harness.of('refused', harness.send({ type: 'enqueue', interaction: { id: 'c1', channel: 'voice', queue: 'q' } }))[0]?.code, 'ERR_DUPLICATE_INTERACTION');
  });

  it('a supervisor\'s live skill change reaches a waiting customer at once', () => {
    const harness = new Harness();
    harness.queue({ id: 'support' });
    harness.agent({ id: 'a1', queues: ['support'], skills: {} });
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'support', skills: [{ skill: 'japanese', level: 2 }] });
    assert.deepEqual(harness.offered(), []);
    const changed = harness.send({ type: 'defineAgent', agent: { id: 'a1', queues: ['support'], skills: { japanese: 3 } } });
    assert.deepEqual(harness.offered(changed), ['c1→a1']);
  });
});
