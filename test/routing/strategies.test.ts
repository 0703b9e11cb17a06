import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asAgentId, asReservationId, type Strategy } from '../../src/routing/index.js';
import { Harness } from './harness.js';

/** A queue with this strategy and agents a1…aN serving it, all ready. */
function centre(strategy: Strategy, agents = 3, options: ConstructorParameters<typeof Harness>[0] = {}): Harness {
  const harness = new Harness(options);
  harness.queue({ id: 'sales', strategy });
  for (let index = 1; index <= agents; index++) harness.agent({ id: `a${index}`, queues: ['sales'], skills: { english: index } });
  return harness;
}

/** Call `id` arrives, is answered by whoever is offered it, talks for `talkSeconds` and ends; returns that agent. */
function serve(harness: Harness, id: string, talkSeconds = 10): string {
  const offer = harness.of('offer', harness.enqueue({ id, channel: 'voice', queue: 'sales' })).at(-1);
  assert.ok(offer, `${id} was not offered`);
  harness.send({ type: 'accept', reservation: offer.reservation });
  harness.now += talkSeconds * 1000;
  harness.end(id);
  harness.now += 1000;
  return offer.agent;
}

describe('routing strategies', () => {
  it('C1 longest idle: the agent who finished work longest ago gets the next call, so calls spread evenly', () => {
    const harness = centre('longest_idle');
    const served = Array.from({ length: 30 }, (_, index) => serve(harness, `c${index}`));
    assert.deepEqual(served.slice(0, 6), ['a1', 'a2', 'a3', 'a1', 'a2', 'a3']);
    for (const agent of ['a1', 'a2', 'a3']) assert.equal(served.filter((name) => name === agent).length, 10);
  });

  it('longest idle counts from when an agent comes back from not ready, not from before the break', () => {
    const harness = centre('longest_idle', 2);
    harness.send({ type: 'notReady', agent: asAgentId('a1'), reason: 'break' });
    harness.now += 60_000;
    assert.equal(serve(harness, 'c1'), 'a2');
    harness.send({ type: 'ready', agent: asAgentId('a1') });
    harness.now += 5000;
    assert.equal(serve(harness, 'c2'), 'a2', 'a2 finished c1 before a1 came back');
  });

  it('round robin: members in the order they joined, whoever has been idle longer', () => {
    const harness = centre('round_robin');
    assert.deepEqual(['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => serve(harness, id)), ['a1', 'a2', 'a3', 'a1', 'a2']);
  });

  it('ring all: every free agent rings; the first to answer wins, the others are cancelled, a late answer is refused', () => {
    const harness = centre('ring_all');
    const offers = harness.of('offer', harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' }));
    assert.deepEqual(offers.map((offer) => offer.agent).sort(), ['a1', 'a2', 'a3']);
    const decisions = harness.accept('a2');
    assert.deepEqual(
      harness.of('reservationEnded', decisions).map((ended) => `${ended.agent}:${ended.outcome}`).sort(),
      ['a1:cancelled', 'a2:accepted', 'a3:cancelled'],
    );
    const late = harness.send({ type: 'accept', reservation: harness.offerTo('a1').reservation });
    assert.deepEqual(harness.of('refused', late).map((refused) => refused.code), ['ERR_RESERVATION_ENDED']);
    assert.deepEqual([harness.state('a1'), harness.state('a2'), harness.state('a3')], ['ready', 'busy', 'ready']);
  });

  it('ring all: an agent who becomes free while the call rings is rung too', () => {
    const harness = centre('ring_all', 2);
    harness.send({ type: 'notReady', agent: asAgentId('a2'), reason: 'break' });
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    const joined = harness.send({ type: 'ready', agent: asAgentId('a2') });
    assert.deepEqual(harness.offered(joined), ['c1→a2']);
    assert.deepEqual(harness.offered(), ['c1→a1', 'c1→a2']);
  });

  it('fewest calls: the agent who answered the fewest since log-in', () => {
    const harness = centre('fewest_calls', 2);
    assert.equal(serve(harness, 'c1'), 'a1');
    harness.send({ type: 'notReady', agent: asAgentId('a2'), reason: 'break' });
    assert.equal(serve(harness, 'c2'), 'a1');
    harness.send({ type: 'ready', agent: asAgentId('a2') });
    // a1 has now been idle longer, but a2 has answered fewer
    assert.deepEqual(['c3', 'c4', 'c5'].map((id) => serve(harness, id)), ['a2', 'a2', 'a1']);
  });

  it('least talk time: the agent with the least time connected since log-in', () => {
    const harness = centre('least_talk_time', 2);
    assert.equal(serve(harness, 'c1', 300), 'a1');
    assert.equal(serve(harness, 'c2', 10), 'a2');
    assert.equal(serve(harness, 'c3', 10), 'a2', 'a1 was idle longer, but has talked 300 s to a2\'s 10 s');
  });

  it('random: the same seed gives the same choices, and the choices spread over the agents', () => {
    const run = (seed: number) => {
      const harness = centre('random', 4, { seed });
      return Array.from({ length: 200 }, (_, index) => serve(harness, `c${index}`));
    };
    assert.deepEqual(run(7), run(7));
    assert.notDeepEqual(run(7), run(8));
    const served = run(7);
    for (const agent of ['a1', 'a2', 'a3', 'a4']) assert.ok(served.filter((name) => name === agent).length > 20, `${agent} got too few`);
  });

  it('skills weighted: the agent with the highest levels in the skills the call asks for', () => {
    const harness = new Harness();
    harness.queue({ id: 'support', strategy: 'skills_weighted' });
    harness.agent({ id: 'junior', queues: ['support'], skills: { billing: 2, english: 5 } });
    harness.agent({ id: 'senior', queues: ['support'], skills: { billing: 5, english: 4 } });
    harness.agent({ id: 'linguist', queues: ['support'], skills: { english: 9 } });
    const decisions = harness.enqueue({ id: 'c1', channel: 'voice', queue: 'support', skills: [{ skill: 'billing', level: 1 }, { skill: 'english', level: 1 }] });
    assert.deepEqual(harness.offered(decisions), ['c1→senior']);
  });

  it('reservation ids come from the injected factory, for the database row written before the offer', () => {
    let next = 100;
    const harness = centre('longest_idle', 1, { newReservationId: () => `row-${++next}` });
    const offer = harness.of('offer', harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' }))[0]!;
    assert.equal(offer.reservation, asReservationId('row-101'));
  });
});
