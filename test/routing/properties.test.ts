/**
 * The routing core's invariants over 10,000 random runs (fast-check): random queues (every
 * strategy, ring timeouts, wrap-ups, maximum waits with each kind of overflow, relaxation) and
 * agents (skills, several channels, several queues), then random sequences of what agents,
 * supervisors and customers do, with time moving on between them. Checked from the decisions
 * alone, after every event:
 * - no agent holds more interactions of a channel than their capacity;
 * - an interaction has at most one live offer (one per agent in a ring-all queue) and is
 *   accepted at most once;
 * - no reservation is still live after its expiry; the next wake-up is no later than the
 *   earliest expiry; offers go only to agents who are ready;
 * - agent state reports chain (each `from` is the last `to`);
 * and at the end, once every interaction has ended and time has passed, every reservation has
 * ended exactly once and no agent is left reserved, busy or in wrap-up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  asAgentId,
  asInteractionId,
  asReservationId,
  channels,
  RoutingCore,
  strategies,
  type Channel,
  type Decision,
  type QueueSettings,
  type RoutingEvent,
} from '../../src/routing/index.js';

const QUEUES = ['q0', 'q1', 'q2'];
const SKILLS = ['s0', 's1', 's2'];
const REASONS = ['break', 'lunch'];

const queueArb = (index: number) =>
  fc.record({
    strategy: fc.constantFrom(...strategies),
    priority: fc.integer({ min: -2, max: 2 }),
    ringTimeoutSeconds: fc.integer({ min: 2, max: 30 }),
    wrapUpSeconds: fc.constantFrom(0, 0, 5, 20),
    maxWaitSeconds: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    overflow: fc.constantFrom(
      ...(index === 0 ? [] : [{ kind: 'queue' as const, queue: 'q0' }]),
      { kind: 'flow' as const, flow: 'f' },
      { kind: 'voicemail' as const, mailbox: 'm' },
      { kind: 'callback' as const },
    ),
    overflowWhenUnstaffed: fc.constantFrom(false, false, false, true),
    relaxation: fc.constantFrom(0, 1, 2).map((steps) => [{ afterSeconds: 5, lowerBy: 1 }, { afterSeconds: 20, lowerBy: 5 }].slice(0, steps)),
    announceEverySeconds: fc.option(fc.constantFrom(5, 15), { nil: undefined }),
  });

const skillsArb = fc.dictionary(fc.constantFrom(...SKILLS), fc.integer({ min: 1, max: 5 }), { minKeys: 1, maxKeys: 3, size: 'max' });
const agentArb = fc.record({
  loggedIn: fc.constantFrom(true, true, true, false),
  queues: fc.subarray(QUEUES, { minLength: 1 }),
  skills: skillsArb,
  capacity: fc.record({ voice: fc.constantFrom(0, 1, 1, 1), chat: fc.integer({ min: 0, max: 3 }), email: fc.integer({ min: 0, max: 2 }) }),
});

const agentIndex = fc.nat({ max: 4 });
const commandArb = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('login' as const), agent: agentIndex, reason: fc.option(fc.constantFrom(...REASONS), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('logout' as const), agent: agentIndex }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('ready' as const), agent: agentIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('notReady' as const), agent: agentIndex, reason: fc.constantFrom(...REASONS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('force' as const), agent: agentIndex, to: fc.constantFrom('logged_out' as const, 'ready' as const, 'not_ready' as const) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('enqueue' as const),
      channel: fc.constantFrom<Channel>('voice', 'voice', 'chat', 'email'),
      queue: fc.constantFrom(...QUEUES),
      priority: fc.integer({ min: 0, max: 3 }),
      vip: fc.boolean(),
      skills: fc.array(fc.record({ skill: fc.constantFrom(...SKILLS), level: fc.integer({ min: 1, max: 3 }) }), { maxLength: 1 }),
    }),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('accept' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reject' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('assign' as const), agent: agentIndex, channel: fc.constantFrom<Channel>('voice', 'chat') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extendWrapUp' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('endWrapUp' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('callback' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reskill' as const), agent: agentIndex, skills: skillsArb, queues: fc.subarray(QUEUES, { minLength: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const) }) },
);
type Command = typeof commandArb extends fc.Arbitrary<infer T> ? T : never;

const scenarioArb = fc.record({
  queues: fc.tuple(queueArb(0), queueArb(1), queueArb(2)),
  agents: fc.array(agentArb, { minLength: 1, maxLength: 5, size: 'max' }),
  missedLimit: fc.integer({ min: 1, max: 3 }),
  steps: fc.array(fc.record({ afterMs: fc.constantFrom(0, 0, 200, 1000, 1000, 3000, 3000, 8000, 30_000), command: commandArb }), { minLength: 10, maxLength: 60, size: 'max' }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface LiveOffer {
  agent: string;
  interaction: string;
  channel: Channel;
  expiresAt: number;
  ringAll: boolean;
}

/** What the decisions say, kept independently of the core. */
class Observer {
  readonly live = new Map<string, LiveOffer>();
  readonly ended = new Map<string, number>();
  readonly offered = new Set<string>();
  /** Slots per agent per channel: offers, accepted work until its end or wrap-up end. */
  readonly used = new Map<string, Record<Channel, number>>();
  readonly workChannel = new Map<string, { agent: string; channel: Channel }>();
  readonly accepted = new Map<string, number>();
  readonly states = new Map<string, { to: string; presence: string }>();
  /** Interactions the core knows and that have not ended from its point of view. */
  readonly open = new Set<string>();
  readonly inWrapUp = new Set<string>();

  constructor(
    private readonly capacity: Map<string, Partial<Record<Channel, number>>>,
    private readonly ringAll: Set<string>,
  ) {
    for (const agent of capacity.keys()) this.used.set(agent, Object.fromEntries(channels.map((channel) => [channel, 0])) as Record<Channel, number>);
  }

  take(agent: string, channel: Channel, delta: number): void {
    const used = this.used.get(agent)!;
    used[channel] += delta;
    assert.ok(used[channel] >= 0, `${agent} ${channel} slots went negative`);
    assert.ok(used[channel] <= (this.capacity.get(agent)![channel] ?? 0), `${agent} holds ${used[channel]} ${channel} interactions, capacity ${this.capacity.get(agent)![channel] ?? 0}`);
  }

  see(decision: Decision): void {
    switch (decision.type) {
      case 'offer': {
        assert.equal(this.offered.has(decision.reservation), false, 'reservation ids are unique');
        assert.equal(this.states.get(decision.agent)?.presence, 'ready', `offer to ${decision.agent}, who is not ready`);
        this.offered.add(decision.reservation);
        const ringAll = this.ringAll.has(decision.queue);
        let together = false;
        for (const other of this.live.values()) {
          if (other.interaction !== decision.interaction) continue;
          assert.ok(ringAll && other.ringAll, `${decision.interaction} offered twice at once`);
          assert.notEqual(other.agent, decision.agent, `${decision.interaction} offered twice to ${decision.agent}`);
          together = true;

        }
        if (together) count('ring all: a second agent rung');
        this.live.set(decision.reservation, { agent: decision.agent, interaction: decision.interaction, channel: decision.channel, expiresAt: decision.expiresAt, ringAll });
        this.take(decision.agent, decision.channel, 1);
        return;
      }
      case 'reservationEnded': {
        const offer = this.live.get(decision.reservation);
        assert.ok(offer, `reservation ${decision.reservation} ended but was not live`);
        this.live.delete(decision.reservation);
        this.ended.set(decision.reservation, (this.ended.get(decision.reservation) ?? 0) + 1);
        if (decision.outcome === 'accepted') {
          const count = (this.accepted.get(decision.interaction) ?? 0) + 1;
          assert.equal(count, 1, `${decision.interaction} accepted twice`);
          this.accepted.set(decision.interaction, count);
          this.workChannel.set(decision.interaction, { agent: decision.agent, channel: offer.channel });
        } else {
          this.take(offer.agent, offer.channel, -1);
        }
        return;
      }
      case 'ended': {
        this.open.delete(decision.interaction);
        if (decision.wrapUpEndsAt === null) this.#release(decision.interaction);
        else this.inWrapUp.add(decision.interaction);
        return;
      }
      case 'wrapUp':
        if (decision.phase === 'ended') {
          this.inWrapUp.delete(decision.interaction);
          this.#release(decision.interaction);
        }
        return;
      case 'abandoned':
        this.open.delete(decision.interaction);
        return;
      case 'overflow':
        if (decision.target.kind === 'flow' || decision.target.kind === 'voicemail') this.open.delete(decision.interaction);
        return;
      case 'agentState': {
        const previous = this.states.get(decision.agent)?.to ?? 'logged_out';
        assert.equal(decision.from, previous, `${decision.agent} reported from ${decision.from} after ${previous}`);
        this.states.set(decision.agent, { to: decision.to, presence: decision.presence });
        return;
      }
      case 'queued':
      case 'announce':
      case 'refused':
        return;
    }
  }

  #release(interaction: string): void {
    const work = this.workChannel.get(interaction)!;
    this.workChannel.delete(interaction);
    this.take(work.agent, work.channel, -1);
  }
}

/** How often each kind of decision came up over all runs, so a generator that stopped exercising the core shows. */
const seen = new Map<string, number>();
const count = (name: string) => seen.set(name, (seen.get(name) ?? 0) + 1);

function run(scenario: Scenario): void {
  const core = new RoutingCore({ missedLimit: scenario.missedLimit, notReadyReasons: REASONS });
  let now = 1_000_000;
  let nextId = 0;
  const capacity = new Map<string, Partial<Record<Channel, number>>>();
  scenario.agents.forEach((agent, index) => capacity.set(`a${index}`, agent.capacity));
  const ringAll = new Set(QUEUES.filter((_, index) => scenario.queues[index]!.strategy === 'ring_all'));
  const observer = new Observer(capacity, ringAll);
  const known: string[] = [];

  const send = (event: RoutingEvent): Decision[] => {
    const step = core.handle(event, now);
    for (const decision of step.decisions) {
      observer.see(decision);
      count(decision.type === 'reservationEnded' ? decision.outcome : decision.type);
    }
    let earliest = Infinity;
    for (const offer of observer.live.values()) {
      assert.ok(offer.expiresAt > now, 'a reservation outlived its expiry');
      earliest = Math.min(earliest, offer.expiresAt);
    }
    if (earliest !== Infinity) assert.ok(step.wakeAt !== null && step.wakeAt <= earliest, 'the next wake-up is after an expiry');
    return step.decisions;
  };

  scenario.queues.forEach((settings, index) => {
    const queue: QueueSettings = { id: QUEUES[index]!, ...settings, ...(settings.maxWaitSeconds === undefined && index % 2 === 0 ? { overflow: undefined } : {}) };
    assert.equal(send({ type: 'defineQueue', queue }).length, 0);
  });
  scenario.agents.forEach(({ loggedIn, ...agent }, index) => {
    send({ type: 'defineAgent', agent: { id: `a${index}`, ...agent } });
    if (loggedIn) send({ type: 'login', agent: asAgentId(`a${index}`) });
  });

  const agentId = (index: number) => asAgentId(`a${index % scenario.agents.length}`);
  const pick = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);
  const command = (step: Command): RoutingEvent | undefined => {
    switch (step.kind) {
      case 'login':
        return { type: 'login', agent: agentId(step.agent), ...(step.reason === undefined ? {} : { reason: step.reason }) };
      case 'logout':
      case 'ready':
        return { type: step.kind, agent: agentId(step.agent) };
      case 'notReady':
        return { type: 'notReady', agent: agentId(step.agent), reason: step.reason };
      case 'force':
        return { type: 'force', agent: agentId(step.agent), to: step.to, reason: 'break', by: 'sup' };
      case 'enqueue': {
        const id = `i${++nextId}`;
        known.push(id);
        observer.open.add(id);
        return { type: 'enqueue', interaction: { id, channel: step.channel, queue: step.queue, priority: step.priority, vip: step.vip, skills: step.skills } };
      }
      case 'accept':
      case 'reject': {
        const reservation = pick([...observer.live.keys()], step.pick);
        return reservation === undefined ? undefined : { type: step.kind, reservation: asReservationId(reservation) };
      }
      case 'end':
      case 'callback': {
        const id = pick([...observer.open], step.pick);
        return id === undefined ? undefined : { type: step.kind, interaction: asInteractionId(id) };
      }
      case 'extendWrapUp':
      case 'endWrapUp': {
        const id = pick([...observer.inWrapUp], step.pick);
        if (id === undefined) return undefined;
        return step.kind === 'endWrapUp' ? { type: 'endWrapUp', interaction: asInteractionId(id) } : { type: 'extendWrapUp', interaction: asInteractionId(id), seconds: 10 };
      }
      case 'assign': {
        const id = `o${++nextId}`;
        return { type: 'assign', interaction: asInteractionId(id), channel: step.channel, agent: agentId(step.agent) };
      }
      case 'reskill': {
        const index = step.agent % scenario.agents.length;
        return { type: 'defineAgent', agent: { id: `a${index}`, queues: step.queues, skills: step.skills, capacity: scenario.agents[index]!.capacity } };
      }
      case 'tick':
        return { type: 'tick' };
    }
  };

  for (const step of scenario.steps) {
    now += step.afterMs;
    const event = command(step.command);
    if (event === undefined) continue;
    const decisions = send(event);
    if (event.type === 'assign' && !decisions.some((decision) => decision.type === 'refused')) {
      observer.take(event.agent, event.channel, 1);
      observer.workChannel.set(event.interaction, { agent: event.agent, channel: event.channel });
      observer.open.add(event.interaction);
    }
  }

  // Everyone hangs up, then time passes: nothing may be left holding an agent.
  for (const id of [...observer.open]) send({ type: 'end', interaction: asInteractionId(id) });
  for (let rounds = 0; rounds < 20; rounds++) {
    now += 3_600_000;
    if (send({ type: 'tick' }).length === 0) break;
  }
  assert.equal(observer.live.size, 0, 'live reservations after everything ended');
  for (const reservation of observer.offered) assert.equal(observer.ended.get(reservation), 1, `reservation ${reservation} ended ${observer.ended.get(reservation) ?? 0} times`);
  for (const [agent, reported] of observer.states) assert.ok(['logged_out', 'ready', 'not_ready'].includes(reported.to), `${agent} left ${reported.to}`);
  for (const [agent, used] of observer.used) {
    assert.deepEqual(core.agent(asAgentId(agent))!.used, used, `${agent}'s slots agree with the decisions`);
    for (const channel of channels) assert.equal(used[channel], 0, `${agent} still holds a ${channel} slot`);
  }
}

describe('routing core invariants (property-based)', () => {
  it('10,000 random event sequences: capacity, one offer at a time, every reservation ends, no stuck agent', () => {
    fc.assert(fc.property(scenarioArb, run), { numRuns: 10_000 });
    const least = { offer: 20_000, accepted: 5000, rejected: 1000, timed_out: 5000, cancelled: 1000, overflow: 5000, wrapUp: 5000, announce: 5000, refused: 5000, 'ring all: a second agent rung': 100 };
    for (const [name, minimum] of Object.entries(least)) assert.ok((seen.get(name) ?? 0) >= minimum, `only ${seen.get(name) ?? 0} × ${name} over all runs`);
  });
});
