import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentStates, asAgentId, asInteractionId, type Decision } from '../../src/routing/index.js';
import { agentStateOf, canMoveAgent } from '../../src/routing/agent-state.js';
import { Harness } from './harness.js';

const a1 = asAgentId('a1');
const a2 = asAgentId('a2');

function transitions(harness: Harness, agent: string, decisions: Decision[] = harness.log): string[] {
  return harness.of('agentState', decisions).filter((change) => change.agent === agent).map((change) => `${change.to}${change.reason === null ? '' : `(${change.reason})`}`);
}

function centre(options: ConstructorParameters<typeof Harness>[0] = {}, wrapUpSeconds = 0): Harness {
  const harness = new Harness(options);
  harness.queue({ id: 'sales', wrapUpSeconds, ringTimeoutSeconds: 15 });
  harness.agent({ id: 'a1', queues: ['sales'] });
  return harness;
}

describe('D1 agent state machine', () => {
  it('the table allows what the core does and nothing that skips a step', () => {
    assert.equal(canMoveAgent('logged_out', 'reserved'), false, 'a logged-out agent is never offered');
    assert.equal(canMoveAgent('not_ready', 'reserved'), false, 'a not-ready agent is never offered');
    assert.equal(canMoveAgent('ready', 'wrap_up'), false, 'no wrap-up without work');
    assert.equal(canMoveAgent('reserved', 'busy'), true);
    assert.equal(canMoveAgent('wrap_up', 'reserved'), true, 'a chat may be offered during a call\'s wrap-up');
    assert.equal(agentStateOf('not_ready', { offers: 0, busy: 1, wrapUp: 0 }), 'busy', 'work overrides presence');
    assert.equal(agentStateOf('ready', { offers: 1, busy: 1, wrapUp: 1 }), 'reserved', 'a ringing offer shows first');
    assert.deepEqual([...agentStates], ['logged_out', 'ready', 'not_ready', 'reserved', 'busy', 'wrap_up']);
  });

  it('a call\'s life reports every state with its time: ready → reserved → busy → wrap_up → ready', () => {
    const harness = centre({}, 30);
    const times: number[] = [];
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    times.push(harness.now);
    harness.now += 4000;
    harness.accept('a1');
    harness.now += 60_000;
    harness.end('c1');
    harness.advance(30);
    const changes = harness.of('agentState');
    assert.deepEqual(transitions(harness, 'a1'), ['ready', 'reserved', 'busy', 'wrap_up', 'ready']);
    assert.deepEqual(
      changes.map((change) => change.at - changes[0]!.at),
      [0, 0, 4000, 64_000, 94_000],
    );
    assert.deepEqual(changes.map((change) => change.from), ['logged_out', 'ready', 'reserved', 'busy', 'wrap_up']);
  });

  it('not ready takes one of the tenant\'s reasons; others are refused naming the field', () => {
    const harness = centre({ notReadyReasons: ['lunch', 'coaching'] });
    harness.send({ type: 'notReady', agent: a1, reason: 'coaching' });
    assert.equal(harness.state('a1'), 'not_ready(coaching)');
    const refused = harness.of('refused', harness.send({ type: 'notReady', agent: a1, reason: 'nap' }));
    assert.deepEqual(refused.map(({ code, field }) => ({ code, field })), [{ code: 'ERR_UNKNOWN_REASON', field: 'reason' }]);
    assert.equal(harness.state('a1'), 'not_ready(coaching)');
    harness.send({ type: 'logout', agent: a1 });
    assert.equal(harness.of('refused', harness.send({ type: 'ready', agent: a1 }))[0]?.code, 'ERR_NOT_LOGGED_IN');
    assert.equal(harness.of('refused', harness.send({ type: 'ready', agent: asAgentId('ghost') }))[0]?.code, 'ERR_UNKNOWN_AGENT');
  });

  it('ring-no-answer: the call goes back ahead of later callers and the agent goes not ready "missed"', () => {
    const harness = centre();
    harness.agent({ id: 'a2', queues: ['sales'] });
    harness.send({ type: 'notReady', agent: a2, reason: 'break' });
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    harness.now += 2000;
    harness.enqueue({ id: 'c2', channel: 'voice', queue: 'sales' });
    assert.equal(harness.wakeAt, harness.offerTo('a1').expiresAt);
    const rangOut = harness.advance(15);
    assert.deepEqual(harness.of('reservationEnded', rangOut).map((ended) => ended.outcome), ['timed_out']);
    assert.deepEqual(harness.of('queued', rangOut).map(({ interaction, position, requeued }) => ({ interaction, position, requeued })), [{ interaction: 'c1', position: 1, requeued: true }]);
    assert.equal(harness.state('a1'), 'not_ready(missed)');
    const next = harness.send({ type: 'ready', agent: a2 });
    assert.deepEqual(harness.offered(next), ['c1→a2'], 'the missed call is served before the later one');
  });

  it('the "missed" count is configurable; an agent is not offered the call they just let ring out', () => {
    const harness = centre({ missedLimit: 2, reofferAfterSeconds: 60 });
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    harness.send({ type: 'reject', reservation: harness.offerTo('a1').reservation });
    assert.equal(harness.state('a1'), 'ready', 'one miss of two allowed');
    assert.deepEqual(harness.offered(), ['c1→a1'], 'not rung again at once');
    harness.enqueue({ id: 'c2', channel: 'voice', queue: 'sales' });
    assert.deepEqual(harness.offered(), ['c1→a1', 'c2→a1'], 'a later call still reaches them');
    harness.accept('a1');
    harness.end('c2');
    assert.deepEqual(harness.offered(), ['c1→a1', 'c2→a1'], 'c1 still passes a1 over');
    harness.advance(60);
    assert.deepEqual(harness.offered(), ['c1→a1', 'c2→a1', 'c1→a1'], 'after the pause a1 may take c1 again');
    harness.advance(15);
    assert.equal(harness.state('a1'), 'ready', 'an answered call in between resets the count');
  });

  it('wrap-up holds the next offer; it can be extended, or ended early', () => {
    const harness = centre({}, 20);
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    harness.accept('a1');
    harness.end('c1');
    harness.enqueue({ id: 'c2', channel: 'voice', queue: 'sales' });
    assert.deepEqual(harness.offered(), ['c1→a1']);
    const extended = harness.send({ type: 'extendWrapUp', interaction: asInteractionId('c1'), seconds: 30 });
    assert.deepEqual(harness.of('wrapUp', extended).map(({ phase, endsAt }) => ({ phase, endsAt })), [{ phase: 'extended', endsAt: harness.now + 50_000 }]);
    assert.equal(harness.wakeAt, harness.now + 50_000);
    harness.advance(20);
    assert.equal(harness.state('a1'), 'wrap_up');
    harness.advance(10);
    const early = harness.send({ type: 'endWrapUp', interaction: asInteractionId('c1') });
    assert.deepEqual(harness.offered(early), ['c2→a1']);
    assert.deepEqual(transitions(harness, 'a1', early), ['ready', 'reserved']);
    assert.equal(harness.of('refused', harness.send({ type: 'endWrapUp', interaction: asInteractionId('c2') }))[0]?.code, 'ERR_NOT_IN_WRAP_UP');
  });

  it('not ready during a call: the agent stays busy, then is not ready and gets no new call', () => {
    const harness = centre();
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    harness.accept('a1');
    const chosen = harness.send({ type: 'notReady', agent: a1, reason: 'lunch' });
    assert.deepEqual(harness.of('agentState', chosen).map(({ to, presence, reason }) => ({ to, presence, reason })), [{ to: 'busy', presence: 'not_ready', reason: 'lunch' }]);
    harness.enqueue({ id: 'c2', channel: 'voice', queue: 'sales' });
    harness.end('c1');
    assert.equal(harness.state('a1'), 'not_ready(lunch)');
    assert.deepEqual(harness.offered(), ['c1→a1']);
  });

  it('a supervisor forces a change, named in the record; a forced log-out cancels the ringing offer and puts the call back', () => {
    const harness = centre();
    harness.agent({ id: 'a2', queues: ['sales'], skills: {} }, false);
    const forced = harness.send({ type: 'force', agent: a2, to: 'not_ready', reason: 'break', by: 'sup-9' });
    assert.deepEqual(harness.of('agentState', forced).map(({ to, by }) => ({ to, by })), [{ to: 'not_ready', by: 'sup-9' }], 'logs a logged-out agent in');
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    const out = harness.send({ type: 'force', agent: a1, to: 'logged_out', by: 'sup-9' });
    assert.deepEqual(harness.of('reservationEnded', out).map((ended) => ended.outcome), ['cancelled']);
    assert.deepEqual(harness.of('queued', out).map((queued) => queued.requeued), [true]);
    assert.deepEqual(harness.of('agentState', out).map(({ to, by }) => ({ to, by })), [{ to: 'logged_out', by: 'sup-9' }]);
    const back = harness.send({ type: 'force', agent: a2, to: 'ready', by: 'sup-9' });
    assert.deepEqual(harness.offered(back), ['c1→a2']);
    assert.deepEqual(harness.of('agentState', back).map(({ to, by }) => ({ to, by })), [{ to: 'ready', by: 'sup-9' }, { to: 'reserved', by: null }]);
  });

  it('an agent logged out during a call stays busy until it ends, then is logged out', () => {
    const harness = centre({}, 10);
    harness.enqueue({ id: 'c1', channel: 'voice', queue: 'sales' });
    harness.accept('a1');
    harness.send({ type: 'logout', agent: a1 });
    assert.equal(harness.state('a1'), 'busy');
    harness.end('c1');
    assert.equal(harness.state('a1'), 'wrap_up');
    harness.advance(10);
    assert.equal(harness.state('a1'), 'logged_out');
    assert.equal(harness.wakeAt, null, 'nothing left to wake for');
  });
});
