/**
 * The path from a caller entering a queue to the agent's INVITE (issue 6 §8, FEATURES L2): one
 * write to the database before the INVITE — the reservation, which also inserts the interaction's
 * row — and everything else stored behind it, in order. The routing store is the real one on the
 * test database; a wrapper holds back its other writes until the test lets them through, and
 * notes every call that reached the database. The events that tell of a change wait for it to be
 * stored: an agent's screen reads the interaction offered to them as soon as told.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DialOptions, DialOutcome } from '../../src/calls/index.js';
import { createAgent } from '../../src/directory/index.js';
import { RoutingService, storeDirectory, type RoutingStore } from '../../src/routing/index.js';
import type { TenantRow } from '../../src/store/index.js';
import { ScriptedChannel } from '../helpers/scripted-channel.js';
import { testStore, type TestStore } from '../helpers/store.js';

/** The routing repository, with the writes named in `held` waiting for `gate()`; `reached` lists the calls let through, in order. */
function heldBack(repo: RoutingStore, held: Set<string>, gate: () => Promise<void>, reached: string[]): RoutingStore {
  const pass =
    <A extends unknown[], R>(name: keyof RoutingStore, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (held.has(name)) await gate();
      reached.push(name);
      return call(...args);
    };
  return {
    acquireLease: pass('acquireLease', repo.acquireLease.bind(repo)),
    renewLease: pass('renewLease', repo.renewLease.bind(repo)),
    releaseLease: pass('releaseLease', repo.releaseLease.bind(repo)),
    reserve: pass('reserve', repo.reserve.bind(repo)),
    endReservation: pass('endReservation', repo.endReservation.bind(repo)),
    createInteraction: pass('createInteraction', repo.createInteraction.bind(repo)),
    updateInteraction: pass('updateInteraction', repo.updateInteraction.bind(repo)),
    addEvent: pass('addEvent', repo.addEvent.bind(repo)),
    logAgentState: pass('logAgentState', repo.logAgentState.bind(repo)),
  };
}

/** A caller whose agent's phone answers when the test says; notes what had reached the database when the INVITE would leave. */
class RingingChannel extends ScriptedChannel {
  reachedAtInvite: string[] | undefined;
  #answer: () => void = () => undefined;
  readonly invited: Promise<void>;
  #invited: () => void = () => undefined;
  /** Whether the dial was asked for (the phone looked up, its media made) and how it ended. */
  dialStarted = false;
  outcome: DialOutcome | undefined;

  constructor(private readonly reached: string[]) {
    super([]);
    this.invited = new Promise((resolve) => (this.#invited = resolve));
  }

  answer(): void {
    this.#answer();
  }

  override async dial(options: DialOptions): Promise<DialOutcome> {
    this.dialStarted = true;
    if (options.ready !== undefined && !(await options.ready)) {
      this.outcome = { answered: false, reason: 'cancelled' };
      return this.outcome;
    }
    this.reachedAtInvite = [...this.reached];
    this.#invited();
    await new Promise<void>((resolve) => (this.#answer = resolve));
    const target = options.targets[0]!;
    if (options.onAnswer !== undefined && !(await options.onAnswer(target))) return { answered: false, reason: 'cancelled' };
    return { answered: true, target };
  }
}

describe('[L2] the way from the queue to the agent\'s INVITE', () => {
  let test: TestStore;
  let demo: TenantRow;

  before(async () => {
    test = await testStore('demo');
    demo = test.tenants[0]!;
    await test.store.repos.queues.create(demo.id, { name: 'sales', settings: {} });
  });
  after(() => test.close());

  /** An agent of the sales queue, extension `extension`. */
  const salesAgent = (extension: string, displayName: string) =>
    createAgent(test.store.repos, demo, { username: extension, displayName, password: `agent-pass-${extension}`, extension, sipPassword: `sip-pass-${extension}`, skills: { sales: 5 } });

  /** Routing on the test's database through `store`; `published` hears the event types. */
  const routingWith = (store: RoutingStore, published: string[] = []) =>
    new RoutingService({
      store,
      directory: storeDirectory(test.store),
      events: { publish: (_tenant, event) => void published.push(event.type), queueChanged: () => undefined },
      log: { info: () => undefined, warn: () => undefined },
    });

  it('the INVITE waits for one write, the reservation with the interaction\'s row; the timeline and states are stored after it, in order', async () => {
    const agent = await salesAgent('2001', 'Wang Fang');
    const reached: string[] = [];
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    const held = new Set(['createInteraction', 'updateInteraction', 'addEvent', 'logAgentState']);
    const published: string[] = [];
    const routing = routingWith(heldBack(test.store.repos.routing, held, () => gate, reached), published);
    try {
      await routing.command(demo.id, agent.id, { type: 'login' });
      gate = new Promise((resolve) => (release = resolve));
      reached.length = 0;
      published.length = 0;

      const channel = new RingingChannel(reached);
      const ticket = await routing.enqueue(demo.id, { queue: 'sales', priority: 0, vip: false, skills: [], channel, sipCallId: 'offer-path-1', caller: '13800138000', customerId: undefined });
      assert.ok(ticket !== undefined);
      await channel.invited;
      assert.deepEqual(channel.reachedAtInvite, ['reserve'], 'one round trip to the database before the INVITE');

      const stored = await test.store.repos.routing.listInteractions(demo.id, { sipCallId: 'offer-path-1' }, { limit: 10, offset: 0 });
      assert.equal(stored.total, 1, 'the reservation wrote the interaction\'s row');
      const id = stored.items[0]!.id;
      assert.deepEqual(await test.store.repos.routing.timeline(demo.id, id), [], 'the timeline waits behind the INVITE');
      assert.ok(!published.includes('interaction.offered') && !published.includes('agent.state'), 'events wait for what they tell of to be stored');

      release();
      channel.answer();
      assert.deepEqual(await ticket.done, { served: true, agent: '2001' });
      await routing.stop();
      const kinds = (await test.store.repos.routing.timeline(demo.id, id)).map((entry) => entry.kind);
      assert.deepEqual(kinds.slice(0, 2), ['queued', 'offered']);
      assert.ok(kinds.includes('answered') && kinds.includes('ended'), kinds.join(' '));
      assert.equal((await test.store.repos.routing.getInteraction(demo.id, id))?.state, 'ended');
      const states = await test.store.repos.routing.agentStateLog(demo.id, { agentId: agent.id }, { limit: 20, offset: 0 });
      assert.ok(states.items.some((entry) => entry.to === 'reserved'), 'the agent\'s reserved state is stored too');
      const offered = published.indexOf('interaction.offered');
      assert.ok(published.indexOf('interaction.queued') < offered && offered < published.indexOf('interaction.answered'), published.join(' '));
    } finally {
      release();
      await routing.stop();
    }
  });

  it("the phone is made ready beside the reservation and rings once it is stored; a reservation the database refuses rings nobody", async () => {
    const agent = await salesAgent('2002', 'Li Lei');
    const reached: string[] = [];
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    let verdict: 'stored' | 'slot_taken' = 'stored';
    const repo = heldBack(test.store.repos.routing, new Set(['reserve']), () => gate, reached);
    const store: RoutingStore = { ...repo, reserve: async (...args) => ((await repo.reserve(...args)) === 'reserved' && verdict === 'stored' ? 'reserved' : 'slot_taken') };
    const routing = routingWith(store);
    try {
      await routing.command(demo.id, agent.id, { type: 'login' });
      gate = new Promise((resolve) => (release = resolve));
      const channel = new RingingChannel(reached);
      const ticket = await routing.enqueue(demo.id, { queue: 'sales', priority: 0, vip: false, skills: [], channel, sipCallId: 'offer-path-2', caller: '13800138001', customerId: undefined });
      await until(() => channel.dialStarted);
      assert.equal(channel.reachedAtInvite, undefined, 'dialling began while the reservation was being written; nothing rang');
      release();
      await channel.invited;
      channel.answer();
      assert.deepEqual(await ticket?.done, { served: true, agent: '2002' });

      verdict = 'slot_taken';
      gate = Promise.resolve();
      await routing.command(demo.id, agent.id, { type: 'ready' });
      const refused = new RingingChannel(reached);
      await routing.enqueue(demo.id, { queue: 'sales', priority: 0, vip: false, skills: [], channel: refused, sipCallId: 'offer-path-3', caller: '13800138002', customerId: undefined });
      await until(() => refused.outcome !== undefined);
      assert.deepEqual(refused.outcome, { answered: false, reason: 'cancelled' });
      assert.equal(refused.reachedAtInvite, undefined, 'no phone rang for a refused reservation');
      await refused.hangup();
    } finally {
      release();
      await routing.stop();
    }
  });

  it('a caller who waited is reserved without writing their interaction row again: it was stored as they entered the queue', async () => {
    const agent = await salesAgent('2003', 'Zhao Min');
    const repo = test.store.repos.routing;
    const carriedRow: boolean[] = [];
    const store: RoutingStore = {
      ...heldBack(repo, new Set(), () => Promise.resolve(), []),
      reserve: (lease, row, interaction) => {
        carriedRow.push(interaction !== undefined);
        return repo.reserve(lease, row, interaction);
      },
    };
    const routing = routingWith(store);
    try {
      const channel = new RingingChannel([]);
      const ticket = await routing.enqueue(demo.id, { queue: 'sales', priority: 0, vip: false, skills: [], channel, sipCallId: 'offer-path-4', caller: '13800138003', customerId: undefined });
      for (let tries = 0; tries < 400; tries++) {
        if ((await repo.listInteractions(demo.id, { sipCallId: 'offer-path-4' }, { limit: 1, offset: 0 })).total === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      await routing.command(demo.id, agent.id, { type: 'login' });
      await channel.invited;
      assert.deepEqual(carriedRow, [false], 'the reservation alone, no second insert of the row');
      channel.answer();
      assert.deepEqual(await ticket?.done, { served: true, agent: '2003' });
    } finally {
      await routing.stop();
    }
  });
});

/** Resolves once `condition` holds (checked every few milliseconds, for two seconds at most). */
async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 400 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'the condition never held');
}

