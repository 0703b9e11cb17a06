import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTenant } from '../../src/directory/index.js';
import { DuplicateError, NotFoundError, StaleVersionError } from '../../src/errors.js';
import { Store, type Lease, type NewReservation } from '../../src/store/index.js';
import { testStore, type TestStore } from '../helpers/store.js';

const t0 = new Date('2025-06-02T09:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const page = { limit: 50, offset: 0 };
const ttlMs = 10_000;

describe('routing in the store', () => {
  let test: TestStore;
  let store: Store;
  let demo: string;
  let acme: string;

  const interaction = async (tenantId: string, queue = 'consultation', seconds = 0): Promise<string> => {
    const id = randomUUID();
    await store.repos.routing.createInteraction(tenantId, {
      id,
      channel: 'voice',
      queue,
      sipCallId: `call-${id}`,
      caller: '+8613800138000',
      priority: 0,
      vip: false,
      createdAt: at(seconds),
    });
    return id;
  };
  const reservation = (tenantId: string, interactionId: string, agentId: string, slot = 0, seconds = 0): NewReservation => ({
    id: randomUUID(),
    tenantId,
    interactionId,
    agentId,
    channel: 'voice',
    slot,
    offeredAt: at(seconds),
    expiresAt: at(seconds + 25),
  });
  const lease = async (shard: string, holder: string, seconds = 0): Promise<Lease> => {
    const held = await store.repos.routing.acquireLease(shard, holder, ttlMs, at(seconds));
    assert.ok(held, `${holder} gets ${shard}`);
    return held;
  };

  before(async () => {
    test = await testStore('demo', 'acme');
    store = test.store;
    [demo, acme] = test.tenants.map((tenant) => tenant.id) as [string, string];
  });
  after(() => test.close());

  it('[issue6-8] two routing instances on one database: the second reservation of an agent slot is refused', async () => {
    const routing = store.repos.routing;
    const one = await lease('shard-1', 'node-a');
    const two = await lease('shard-2', 'node-b');
    const agent = randomUUID();
    const [first, second] = [await interaction(demo), await interaction(demo)];

    assert.equal(await routing.reserve(one, reservation(demo, first, agent)), 'reserved');
    assert.equal(await routing.reserve(two, reservation(demo, second, agent)), 'slot_taken');
    assert.equal(await routing.reserve(one, reservation(demo, second, agent)), 'slot_taken', 'the same instance cannot either');
    assert.equal(await routing.reserve(two, { ...reservation(demo, second, agent), channel: 'chat' }), 'reserved', 'another channel has its own slots');
    assert.equal(await routing.reserve(two, reservation(demo, second, agent, 1)), 'reserved', 'a second voice slot (capacity 2)');

    // Both at once, as two nodes would: exactly one wins.
    const rival = randomUUID();
    const outcomes = await Promise.all([routing.reserve(one, reservation(demo, first, rival)), routing.reserve(two, reservation(demo, second, rival))]);
    assert.deepEqual(outcomes.sort(), ['reserved', 'slot_taken']);
  });

  it('[issue6-8] a slot is free again once its reservation ends, and ends only once', async () => {
    const routing = store.repos.routing;
    const one = await lease('shard-1', 'node-a');
    const agent = randomUUID();
    const id = await interaction(demo);
    const offer = reservation(demo, id, agent);
    assert.equal(await routing.reserve(one, offer), 'reserved');
    assert.equal(await routing.endReservation(one, offer.id, 'rejected', at(3)), true);
    assert.equal(await routing.endReservation(one, offer.id, 'accepted', at(4)), false, 'not live any more');
    assert.equal(await routing.reserve(one, reservation(demo, id, agent, 0, 5)), 'reserved');
  });

  it('[issue6-8] a lease taken over fences the old holder: its reserve and endReservation are refused', async () => {
    const routing = store.repos.routing;
    const old = await lease('shard-9', 'node-a');
    assert.equal(old.epoch, 1);
    assert.equal(await routing.acquireLease('shard-9', 'node-b', ttlMs, at(5)), undefined, 'held live by node-a');
    assert.deepEqual(await routing.acquireLease('shard-9', 'node-a', ttlMs, at(5)), old, 'already ours: same epoch');

    const agent = randomUUID();
    const id = await interaction(demo);
    const offer = reservation(demo, id, agent, 0, 6);
    assert.equal(await routing.reserve(old, offer), 'reserved');

    // node-a stalls past its lease (renewed at 5 s, so until 15 s); node-b takes the shard over.
    const taken = await routing.acquireLease('shard-9', 'node-b', ttlMs, at(16));
    assert.deepEqual(taken, { shard: 'shard-9', holder: 'node-b', epoch: 2 });
    assert.equal(await routing.reserve(old, reservation(demo, id, randomUUID(), 0, 16)), 'fenced');
    assert.equal(await routing.endReservation(old, offer.id, 'accepted', at(17)), false);
    assert.equal(await routing.renewLease(old, ttlMs, at(17)), false);
    assert.equal(await routing.endReservation(taken!, offer.id, 'cancelled', at(17)), true, 'the new holder ends what the old one left');

    await routing.releaseLease(taken!);
    const back = await routing.acquireLease('shard-9', 'node-a', ttlMs, at(18));
    assert.equal(back?.epoch, 3, 'released: taken at once, and the epoch moves on again');
    assert.equal(await routing.renewLease(back!, ttlMs, at(19)), true);
  });

  it('[issue6-8] an expired lease writes nothing, even if nobody took it over', async () => {
    const routing = store.repos.routing;
    const lapsed = await lease('shard-lapsed', 'node-a');
    assert.equal(await routing.reserve(lapsed, reservation(demo, await interaction(demo), randomUUID(), 0, 11)), 'fenced');
  });

  it('[issue6-8] expireReservations ends live reservations past their expiry, so no agent stays reserved without an owner', async () => {
    const routing = store.repos.routing;
    await routing.expireReservations(at(1000)); // what the tests before left ringing
    const one = await lease('shard-expiry', 'node-a', 1000);
    const agent = randomUUID();
    const id = await interaction(demo);
    const offer = reservation(demo, id, agent, 0, 1000);
    assert.equal(await routing.reserve(one, offer), 'reserved');
    assert.equal(await routing.expireReservations(at(1010)), 0, 'not yet');
    assert.equal(await routing.expireReservations(at(1026)), 1);
    assert.equal(await routing.endReservation(one, offer.id, 'accepted', at(1026)), false, 'timed out already');
    assert.equal(await routing.reserve(one, reservation(demo, id, agent, 0, 1008)), 'reserved', 'the slot is free');
  });

  it('[issue6-9] stores the interaction and its timeline, and lists interactions by state, queue and time', async () => {
    const routing = store.repos.routing;
    const agent = randomUUID();
    const id = await interaction(demo, 'complaints', 3600);
    await routing.addEvent(demo, id, { at: at(3600), kind: 'queued', detail: { queue: 'complaints', position: 1 } });
    await routing.addEvent(demo, id, { at: at(3602), kind: 'offered', agentId: agent, detail: { reservation: 'r1' } });
    // The change and the event that made it: one write.
    await routing.updateInteraction(demo, id, { state: 'connected', answeredAt: at(3605), agentId: agent, waitedMs: 5000 }, { at: at(3605), kind: 'answered', agentId: agent });

    assert.deepEqual(
      (await routing.timeline(demo, id)).map((e) => [e.kind, e.at.toISOString(), e.agentId, e.detail]),
      [
        ['queued', at(3600).toISOString(), null, { queue: 'complaints', position: 1 }],
        ['offered', at(3602).toISOString(), agent, { reservation: 'r1' }],
        ['answered', at(3605).toISOString(), agent, {}],
      ],
    );
    const listed = await routing.listInteractions(demo, { queue: 'complaints', state: 'connected', from: at(3600), to: at(3601) }, page);
    assert.deepEqual(listed.items.map((i) => [i.id, i.agentId, i.waitedMs]), [[id, agent, 5000]]);
    assert.equal(listed.total, 1);
    assert.equal((await routing.listInteractions(demo, { queue: 'complaints', to: at(3600) }, page)).total, 0);
    await assert.rejects(routing.updateInteraction(demo, randomUUID(), { state: 'ended' }), NotFoundError);
    await assert.rejects(routing.updateInteraction(demo, randomUUID(), { state: 'ended' }, { at: at(3700), kind: 'ended' }), NotFoundError);
  });

  it('[D2] lists an agent\'s interactions as those they answered, including one they transferred on since', async () => {
    const routing = store.repos.routing;
    const [first, second, offeredOnly] = [randomUUID(), randomUUID(), randomUUID()];
    const id = await interaction(demo, 'answered-by', 4000);
    await routing.addEvent(demo, id, { at: at(4001), kind: 'offered', agentId: offeredOnly, detail: { reservation: 'r1' } });
    await routing.updateInteraction(demo, id, { state: 'connected', answeredAt: at(4005), agentId: first }, { at: at(4005), kind: 'answered', agentId: first });
    await routing.addEvent(demo, id, { at: at(4030), kind: 'transferred', agentId: first, detail: { to: '1002' } });
    await routing.updateInteraction(demo, id, { agentId: second }, { at: at(4035), kind: 'answered', agentId: second, detail: { transferred: true } });
    const ids = async (filter: { agentId?: string; answeredBy?: string }) => (await routing.listInteractions(demo, { queue: 'answered-by', ...filter }, page)).items.map((i) => i.id);
    assert.deepEqual(await ids({ answeredBy: first }), [id], 'the agent who transferred it still finds it');
    assert.deepEqual(await ids({ answeredBy: second }), [id]);
    assert.deepEqual(await ids({ answeredBy: offeredOnly }), [], 'offered is not answered');
    assert.deepEqual(await ids({ agentId: first }), [], 'it is not with the first agent now');
    assert.equal((await routing.listInteractions(acme, { answeredBy: first }, page)).total, 0, 'another tenant sees none');
  });

  it('[C5][C6] a callback becomes channel callback; interactions are found by any form of the calling number', async () => {
    const id = await interaction(demo, 'screen-pop', 500);
    await store.repos.routing.updateInteraction(demo, id, { channel: 'callback' });
    assert.equal((await store.repos.routing.getInteraction(demo, id))?.channel, 'callback');
    const found = await store.repos.routing.listInteractions(demo, { callers: ['13800138000', '+8613800138000'], queue: 'screen-pop' }, page);
    assert.deepEqual(found.items.map((i) => i.id), [id]);
    assert.equal((await store.repos.routing.listInteractions(demo, { callers: ['13900000000'] }, page)).total, 0);
    assert.equal((await store.repos.routing.listInteractions(demo, { callers: [] }, page)).total, 0, 'no number, no history');
    assert.equal((await store.repos.routing.listInteractions(acme, { callers: ['+8613800138000'], queue: 'screen-pop' }, page)).total, 0, 'another tenant sees none');
  });

  it('[issue6-2] logs every agent state change and reads the log by agent and time', async () => {
    const routing = store.repos.routing;
    const [li, chen] = [randomUUID(), randomUUID()];
    await routing.logAgentState(demo, { agentId: li, from: 'logged_out', to: 'ready', reason: null, presence: 'ready', by: null, at: at(7200) });
    await routing.logAgentState(demo, { agentId: li, from: 'ready', to: 'not_ready', reason: 'missed', presence: 'not_ready', by: null, at: at(7260) });
    await routing.logAgentState(demo, { agentId: chen, from: 'ready', to: 'logged_out', reason: null, presence: 'logged_out', by: 'lead', at: at(7300) });
    const log = await routing.agentStateLog(demo, { agentId: li }, page);
    assert.deepEqual(log.items.map((e) => [e.from, e.to, e.reason]), [['ready', 'not_ready', 'missed'], ['logged_out', 'ready', null]]);
    const forced = await routing.agentStateLog(demo, { from: at(7300), to: at(7301) }, page);
    assert.deepEqual(forced.items.map((e) => [e.agentId, e.by]), [[chen, 'lead']]);
  });

  it('[issue6] keeps queues by name, with optimistic versions', async () => {
    const queues = store.repos.queues;
    const created = await queues.create(demo, { name: 'sales', settings: { strategy: 'round_robin' } });
    assert.equal(created.version, 1);
    await assert.rejects(queues.create(demo, { name: 'sales', settings: {} }), (error: unknown) => error instanceof DuplicateError && error.details[0]?.path === 'name');
    const changed = await queues.update(demo, 'sales', 1, { strategy: 'ring_all' });
    assert.deepEqual([changed.version, changed.settings], [2, { strategy: 'ring_all' }]);
    await assert.rejects(queues.update(demo, 'sales', 1, {}), StaleVersionError);
    await assert.rejects(queues.update(demo, 'nowhere', 1, {}), NotFoundError);
    await queues.create(demo, { name: 'sales-overflow', settings: { overflow: { kind: 'queue', queue: 'sales' } } });
    assert.deepEqual(await queues.overflowingTo(demo, 'sales'), ['sales-overflow']);
    assert.equal((await queues.remove(demo, 'sales-overflow'))?.name, 'sales-overflow');
  });

  it('[issue6] one tenant cannot read or change another tenant\'s interactions, queues or agent states', async () => {
    const routing = store.repos.routing;
    const id = await interaction(demo, 'private');
    await routing.addEvent(demo, id, { at: at(1), kind: 'queued' });
    await store.repos.queues.create(demo, { name: 'private', settings: {} });
    await routing.logAgentState(demo, { agentId: randomUUID(), from: 'logged_out', to: 'ready', reason: null, presence: 'ready', by: null, at: at(1) });

    assert.equal(await routing.getInteraction(acme, id), undefined);
    assert.deepEqual(await routing.timeline(acme, id), []);
    assert.equal((await routing.listInteractions(acme, {}, page)).total, 0);
    await assert.rejects(routing.updateInteraction(acme, id, { state: 'ended' }), NotFoundError);
    await assert.rejects(routing.updateInteraction(acme, id, { state: 'ended' }, { at: at(2), kind: 'ended' }), NotFoundError);
    assert.deepEqual((await routing.timeline(demo, id)).map((e) => e.kind), ['queued'], 'neither change nor event landed');
    assert.equal((await routing.getInteraction(demo, id))?.state, 'waiting');
    await assert.rejects(routing.addEvent(acme, id, { at: at(2), kind: 'ended' }), 'an event for another tenant\'s interaction is refused');
    await assert.rejects(routing.reserve(await lease('shard-1', 'node-a'), reservation(acme, id, randomUUID(), 7)), 'so is a reservation');
    assert.equal(await store.repos.queues.get(acme, 'private'), undefined);
    assert.equal((await store.repos.queues.list(acme, page)).total, 0);
    await assert.rejects(store.repos.queues.update(acme, 'private', 1, {}), NotFoundError);
    assert.equal(await store.repos.queues.remove(acme, 'private'), undefined);
    assert.equal((await routing.agentStateLog(acme, {}, page)).total, 0);
    assert.equal((await store.repos.queues.create(acme, { name: 'private', settings: {} })).name, 'private', 'names are per tenant');
  });
});

describe('routing recovery after a restart', () => {
  let test: TestStore;
  let store: Store;

  before(async () => {
    test = await testStore();
    store = test.store;
  });
  after(() => test.close());

  it('[issue6-9] ends open calls and interactions with cause node_restart, cancels live reservations, gives up leases and logs agents out', async () => {
    const routing = store.repos.routing;
    const tenants = [
      (await createTenant(store.repos, { slug: 'demo', name: '示范', nameEn: 'Demo' })).id,
      (await createTenant(store.repos, { slug: 'acme', name: '艾克美', nameEn: 'Acme' })).id,
    ];
    const [demo, acme] = tenants as [string, string];
    const base = { channel: 'voice', queue: 'consultation', sipCallId: null, caller: null, priority: 0, vip: false };
    const [waiting, talking, done] = [randomUUID(), randomUUID(), randomUUID()];
    const agent = randomUUID();
    await routing.createInteraction(demo, { ...base, id: waiting, createdAt: at(0) });
    await routing.createInteraction(acme, { ...base, id: talking, createdAt: at(10) });
    await routing.updateInteraction(acme, talking, { state: 'connected', answeredAt: at(14), agentId: agent });
    await routing.createInteraction(demo, { ...base, id: done, createdAt: at(0) });
    await routing.updateInteraction(demo, done, { state: 'ended', endedAt: at(30), endCause: 'completed', waitedMs: 3000 });
    const lease = await routing.acquireLease('all', 'node-a', ttlMs, at(0));
    assert.equal(await routing.reserve(lease!, { id: randomUUID(), tenantId: demo, interactionId: waiting, agentId: randomUUID(), channel: 'voice', slot: 0, offeredAt: at(5), expiresAt: at(30) }), 'reserved');
    await routing.logAgentState(acme, { agentId: agent, from: 'logged_out', to: 'ready', reason: null, presence: 'ready', by: null, at: at(1) });
    await routing.logAgentState(acme, { agentId: agent, from: 'ready', to: 'busy', reason: null, presence: 'ready', by: null, at: at(14) });
    await routing.logAgentState(demo, { agentId: randomUUID(), from: 'ready', to: 'logged_out', reason: null, presence: 'logged_out', by: null, at: at(2) });
    const call = { direction: 'inbound' as const, caller: '13800138000', called: '12345', originalCalled: null, flow: 'main', flowVersion: 1, startedAt: at(9) };
    const up = await store.repos.cdrs.start(acme, { ...call, sipCallId: 'up-at-the-crash' });
    const over = await store.repos.cdrs.start(demo, { ...call, sipCallId: 'over-before-it' });
    await store.repos.cdrs.change(demo, over.id, { answeredAt: at(10), endedAt: at(20), cause: 'normal_clearing', endedBy: 'caller' });
    const held = await routing.acquireLease(`tenant:${acme}`, 'node-a', ttlMs, at(55));

    assert.deepEqual(await store.repos.recovery.afterRestart(at(60)), { calls: 1, interactions: 2, reservations: 1, leases: 1, agents: 1 });

    const taken = await routing.acquireLease(`tenant:${acme}`, 'node-b', ttlMs, at(61));
    assert.deepEqual(taken, { shard: `tenant:${acme}`, holder: 'node-b', epoch: held!.epoch + 1 }, 'the restarted node routes at once; the old holder is fenced');

    const cut = await store.repos.cdrs.get(acme, up.id);
    assert.deepEqual([cut?.endedAt?.toISOString(), cut?.cause, cut?.endedBy], [at(60).toISOString(), 'node_restart', 'kefu']);
    const kept = await store.repos.cdrs.get(demo, over.id);
    assert.deepEqual([kept?.endedAt?.toISOString(), kept?.cause, kept?.endedBy], [at(20).toISOString(), 'normal_clearing', 'caller'], 'a finished CDR stays as it was');

    const ended = await routing.getInteraction(demo, waiting);
    assert.deepEqual([ended?.state, ended?.endCause, ended?.waitedMs, ended?.endedAt?.toISOString()], ['ended', 'node_restart', 60_000, at(60).toISOString()]);
    const answered = await routing.getInteraction(acme, talking);
    assert.deepEqual([answered?.state, answered?.endCause, answered?.waitedMs], ['ended', 'node_restart', 4000], 'waited until answered');
    assert.equal((await routing.getInteraction(demo, done))?.endCause, 'completed', 'what had ended stays as it was');
    assert.deepEqual(
      (await routing.timeline(demo, waiting)).map((e) => [e.kind, e.detail]),
      [['ended', { cause: 'node_restart', waitedMs: 60_000 }]],
    );
    const [last] = (await routing.agentStateLog(acme, { agentId: agent }, { limit: 1, offset: 0 })).items;
    assert.deepEqual([last?.from, last?.to, last?.reason], ['busy', 'logged_out', 'node_restart']);
    assert.equal(await routing.expireReservations(at(100)), 0, 'nothing left live');

    assert.deepEqual(await store.repos.recovery.afterRestart(at(120)), { calls: 0, interactions: 0, reservations: 0, leases: 0, agents: 0 }, 'a second start finds nothing open');
  });
});
